"""Every refusal of a report on the Kafka path has a code in the rejection contract."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kette_core.contracts.referrals import ReportRefusalReason
from kette_provider_gateway.problems import Problem
from kette_provider_gateway.referrals.states import ReferralState, ReportKind, conflict
from kette_provider_gateway.reports.rejections import (
    RefusedRecord,
    rejection,
    rejection_event_id,
)

pytestmark = pytest.mark.unit
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
REFUSED = RefusedRecord("alpha", "evt-1", "kette.referral.completed.v1", "ref-1")
CHECKS_BEYOND_STATE = ("not_your_topic", "revoked", "unknown_referral", "mismatch", "reused")


def test_every_state_conflict_has_a_code_in_the_contract() -> None:
    reasons = {
        found.reason
        for kind in ReportKind
        for state in ReferralState
        if (found := conflict(kind, state)) is not None
    }

    assert reasons <= {code.value for code in ReportRefusalReason}
    assert set(CHECKS_BEYOND_STATE) <= {code.value for code in ReportRefusalReason}


def test_the_answer_carries_code_field_and_ids_under_an_id_of_the_refused_record() -> None:
    problem = Problem(field="type", reason="not_enrolled", message="report enrolled first")

    answer = rejection(REFUSED, problem, "/kette/provider-gateway", NOW)

    assert answer is not None
    assert answer.id == rejection_event_id("alpha", "evt-1")
    assert answer.payload.target_topic() == "provider.alpha.referrals.v1"
    assert answer.subject is None
    assert (answer.payload.reason, answer.payload.field) == ("not_enrolled", "type")


def test_the_same_record_id_of_another_provider_is_another_answer() -> None:
    assert rejection_event_id("alpha", "evt-1") != rejection_event_id("beta", "evt-1")
    assert rejection_event_id("alpha", "evt-1") != rejection_event_id("alpha", "evt-2")


def test_a_copy_still_being_handled_is_no_verdict_and_gets_no_answer() -> None:
    problem = Problem(field="report_id", reason="in_progress", message="resend")

    assert rejection(REFUSED, problem, "/kette/provider-gateway", NOW) is None
