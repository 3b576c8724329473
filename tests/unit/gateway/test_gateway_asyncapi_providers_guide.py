"""docs/providers.md names every type, code and provider path the code has, in both languages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kette_core.contracts.referrals import (
    DropOutReason,
    ExamKind,
    RejectionReason,
    ReportRefusalReason,
)
from kette_provider_gateway.asyncapi import REFERRAL_MODELS, REPORT_MODELS
from kette_provider_gateway.referrals.states import ReferralState, ReportKind, conflict

pytestmark = pytest.mark.unit

DOCS = Path(__file__).resolve().parents[3] / "docs"
GUIDE = (DOCS / "providers.md").read_text("utf-8")


def _missing(names: set[str]) -> list[str]:
    """The names the guide does not show as code (`name`)."""
    return sorted(name for name in names if f"`{name}`" not in GUIDE)


def test_every_provider_event_type_report_type_and_vocabulary_code_is_documented() -> None:
    event_types = {model.event_type for model in (*REFERRAL_MODELS, *REPORT_MODELS)}
    vocabulary = {str(v) for enum in (RejectionReason, DropOutReason, ExamKind) for v in enum}

    undocumented = [
        name
        for name in event_types
        if name not in GUIDE and "…" + name.removeprefix("kette.referral.") not in GUIDE
    ]
    assert not undocumented
    assert not _missing({str(kind) for kind in ReportKind})
    assert not _missing(vocabulary)


def test_every_refusal_code_is_in_the_error_table() -> None:
    state_codes = {
        found.reason
        for kind in ReportKind
        for state in ReferralState
        if (found := conflict(kind, state)) is not None
    }

    assert not _missing({str(reason) for reason in ReportRefusalReason} | state_codes)


def test_every_path_of_the_provider_api_is_documented() -> None:
    document = json.loads((DOCS / "provider-gateway.openapi.json").read_text("utf-8"))
    provider_paths = {path for path in document["paths"] if path.startswith("/api/")}

    assert provider_paths
    assert [path for path in provider_paths if path not in GUIDE] == []


def test_each_section_has_a_german_and_an_english_half() -> None:
    sections = re.split(r"^## ", GUIDE, flags=re.MULTILINE)[1:]

    assert len(sections) >= 7
    for section in sections:
        title = section.splitlines()[0]
        assert "**Deutsch.**" in section, title
        assert "**English.**" in section, title
