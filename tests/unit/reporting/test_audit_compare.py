"""Comparing a live and a rebuilt projection: missing rows on each side, differing columns."""

from __future__ import annotations

from kette_reporting.audit.compare import Difference, diff_rows


def test_audit_diff_names_rows_missing_on_either_side_and_the_columns_that_differ() -> None:
    live = {("a",): {"ce_id": "a", "kind": "x"}, ("b",): {"ce_id": "b", "kind": "y"}}
    rebuilt = {("b",): {"ce_id": "b", "kind": "z"}, ("c",): {"ce_id": "c", "kind": "x"}}

    assert diff_rows("milestone", live, rebuilt) == [
        Difference("milestone", "a", "only live"),
        Difference("milestone", "b", "differs", ("kind",)),
        Difference("milestone", "c", "only rebuilt"),
    ]


def test_audit_diff_of_equal_projections_is_empty() -> None:
    rows = {("t", 0, 5): {"topic": "t", "partition": 0, "offset": 5}}
    assert diff_rows("unreadable", rows, dict(rows)) == []
