"""Every report type in every referral state: let through, or refused with the right reason."""

from __future__ import annotations

import pytest

from kette_provider_gateway.referrals.states import (
    ReferralState,
    ReportKind,
    conflict,
    state_after,
)

pytestmark = pytest.mark.unit

K, S = ReportKind, ReferralState
_ = None  # allowed

EXPECTED: dict[ReportKind, dict[ReferralState, str | None]] = {
    K.ACCEPTED: {
        S.SENT: _,
        S.ACCEPTED: "already_reported",
        S.ENROLLED: "out_of_order",
        S.COMPLETED: "referral_closed",
        S.REJECTED: "referral_closed",
        S.DROPPED_OUT: "referral_closed",
        S.WITHDRAWN: "referral_withdrawn",
    },
    K.REJECTED: {
        S.SENT: _,
        S.ACCEPTED: _,
        S.ENROLLED: "out_of_order",
        S.COMPLETED: "referral_closed",
        S.REJECTED: "already_reported",
        S.DROPPED_OUT: "referral_closed",
        S.WITHDRAWN: "referral_withdrawn",
    },
    K.PLACE_UNAVAILABLE: {
        S.SENT: _,
        S.ACCEPTED: _,
        S.ENROLLED: "out_of_order",
        S.COMPLETED: "referral_closed",
        S.REJECTED: "already_reported",
        S.DROPPED_OUT: "referral_closed",
        S.WITHDRAWN: "referral_withdrawn",
    },
    K.ENROLLED: {
        S.SENT: _,
        S.ACCEPTED: _,
        S.ENROLLED: "already_reported",
        S.COMPLETED: "referral_closed",
        S.REJECTED: "referral_closed",
        S.DROPPED_OUT: "referral_closed",
        S.WITHDRAWN: "referral_withdrawn",
    },
    K.ATTENDANCE: {
        S.SENT: "not_enrolled",
        S.ACCEPTED: "not_enrolled",
        S.ENROLLED: _,
        S.COMPLETED: "referral_closed",
        S.REJECTED: "referral_closed",
        S.DROPPED_OUT: "referral_closed",
        S.WITHDRAWN: "referral_withdrawn",
    },
    K.EXAM_RESULT: {
        S.SENT: "not_enrolled",
        S.ACCEPTED: "not_enrolled",
        S.ENROLLED: _,
        S.COMPLETED: _,
        S.REJECTED: "referral_closed",
        S.DROPPED_OUT: "referral_closed",
        S.WITHDRAWN: "referral_withdrawn",
    },
    K.COMPLETED: {
        S.SENT: "not_enrolled",
        S.ACCEPTED: "not_enrolled",
        S.ENROLLED: _,
        S.COMPLETED: "already_reported",
        S.REJECTED: "referral_closed",
        S.DROPPED_OUT: "referral_closed",
        S.WITHDRAWN: "referral_withdrawn",
    },
    K.DROPPED_OUT: {
        S.SENT: "not_accepted",
        S.ACCEPTED: _,
        S.ENROLLED: _,
        S.COMPLETED: "referral_closed",
        S.REJECTED: "referral_closed",
        S.DROPPED_OUT: "already_reported",
        S.WITHDRAWN: "referral_withdrawn",
    },
}

AFTER: dict[ReportKind, ReferralState | None] = {
    K.ACCEPTED: S.ACCEPTED,
    K.REJECTED: S.REJECTED,
    K.PLACE_UNAVAILABLE: S.REJECTED,
    K.ENROLLED: S.ENROLLED,
    K.ATTENDANCE: None,
    K.EXAM_RESULT: None,
    K.COMPLETED: S.COMPLETED,
    K.DROPPED_OUT: S.DROPPED_OUT,
}
"""None: the report leaves the state as it was."""

CASES = [(kind, state) for kind in ReportKind for state in ReferralState]
ALLOWED = [(kind, state) for kind, state in CASES if EXPECTED[kind][state] is None]


def test_the_expected_table_covers_every_report_type_and_state() -> None:
    assert set(EXPECTED) == set(ReportKind)
    assert all(set(row) == set(ReferralState) for row in EXPECTED.values())


@pytest.mark.parametrize(("kind", "state"), CASES, ids=[f"{k}-in-{s}" for k, s in CASES])
def test_a_report_is_let_through_or_refused_with_its_reason(
    kind: ReportKind, state: ReferralState
) -> None:
    found = conflict(kind, state)

    expected = EXPECTED[kind][state]
    assert (found.reason if found else None) == expected
    if found is not None:
        assert found.message


@pytest.mark.parametrize(("kind", "state"), ALLOWED, ids=[f"{k}-in-{s}" for k, s in ALLOWED])
def test_an_allowed_report_moves_the_referral_to_its_next_state(
    kind: ReportKind, state: ReferralState
) -> None:
    assert state_after(kind, state) == (AFTER[kind] or state)


def test_the_gateway_lets_through_exactly_what_the_chain_applies() -> None:
    from kette_workflows.domain.referrals import OUTCOMES_BY_STATUS
    from kette_workflows.domain.vocabulary import ReferralStatus
    from kette_workflows.domain.vocabulary import ReportKind as ChainKind

    shared = {ChainKind(kind.value) for kind in ReportKind if kind != K.PLACE_UNAVAILABLE}
    for chain_kind in shared:
        chain_states = {status.value for status in OUTCOMES_BY_STATUS[chain_kind]}
        ours = {
            state.value
            for state in ReferralState
            if conflict(ReportKind(chain_kind.value), state) is None
        }
        assert ours == chain_states, chain_kind
    assert {s.value for s in ReferralStatus} >= {s.value for s in ReferralState}
