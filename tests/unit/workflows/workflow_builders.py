"""Builders for profiles and a driver that plays provider, matching and caseworker in tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from kette_core.contracts.vocabulary import Stage
from kette_workflows.domain.chain import Chain
from kette_workflows.domain.decisions import ConfirmOffer
from kette_workflows.domain.events import ChainEvent
from kette_workflows.domain.inputs import MatchResult, ProposedOffer, ProviderReport
from kette_workflows.domain.profile import ParticipantProfile
from kette_workflows.domain.programme import Programme
from kette_workflows.domain.referrals import Referral
from kette_workflows.domain.vocabulary import ReportKind
from kette_workflows.programmes import load_programme
from tests.support.profiles import learner_profile

START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
CASEWORKER = "cw-4b1d2c"
PARTICIPANT = "p-0f8fad5b-d9cb-469f"


@cache
def programme(programme_id: str = "durchstarten") -> Programme:
    """Programmes are immutable, so one load per test session is enough."""
    return load_programme(programme_id)


def profile(**overrides: Any) -> ParticipantProfile:
    """The shared learner, with the fixed id and age limit these unit tests pin."""
    pinned = {"participant_id": PARTICIPANT, "eligibility_ends_on": date(2031, 5, 31)}
    return learner_profile(START.date(), **(pinned | overrides))


def kinds(events: list[ChainEvent]) -> list[str]:
    """Event kinds, the shortest readable summary of what happened."""
    return [event.kind for event in events]


class Driver:
    """Plays the other parties around a chain, with a clock that only moves when told."""

    def __init__(self, chain: Chain, now: datetime) -> None:
        self.chain = chain
        self.now = now
        self._reports = 0

    def later(self, days: int = 0, hours: int = 0) -> datetime:
        """Move the clock forward."""
        self.now += timedelta(days=days, hours=hours)
        return self.now

    def request_id(self, stage: Stage) -> str:
        """The match request currently open for a stage."""
        request_id = self.chain.state.progress(stage).request_id
        assert request_id is not None, f"no match request for {stage}"
        return request_id

    def propose(
        self, stage: Stage, *offer_ids: str, provider_id: str = "vhs-unna"
    ) -> list[ChainEvent]:
        """Matching answers with the offers, ranked in the given order."""
        offers = [
            ProposedOffer(offer_id=offer_id, provider_id=provider_id, rank=rank)
            for rank, offer_id in enumerate(offer_ids, start=1)
        ]
        result = MatchResult(request_id=self.request_id(stage), offers=offers)
        return self.chain.offers_proposed(result, self.now)

    def confirm(self, stage: Stage, offer_id: str) -> list[ChainEvent]:
        """The caseworker takes a proposed offer."""
        decision = ConfirmOffer(stage=stage, offer_id=offer_id, caseworker_id=CASEWORKER)
        return self.chain.decide(decision, self.now)

    def referral(self, stage: Stage) -> Referral:
        """The referral currently with a provider for the stage."""
        referral = self.chain.state.open_referral(stage)
        assert referral is not None, f"no open referral for {stage}"
        return referral

    def report(
        self, stage: Stage, kind: ReportKind, report_id: str | None = None, **details: Any
    ) -> list[ChainEvent]:
        """The provider of the stage's open referral reports."""
        return self.report_on(self.referral(stage).referral_id, kind, report_id, **details)

    def report_on(
        self, referral_id: str, kind: ReportKind, report_id: str | None = None, **details: Any
    ) -> list[ChainEvent]:
        """A provider report on any referral id, known or not; by default from its holder."""
        self._reports += 1
        referral = self.chain.state.referral(referral_id)
        holder = referral.provider_id if referral else "vhs-unna"
        report = ProviderReport(
            provider_id=details.pop("provider_id", holder),
            report_id=report_id or f"rep-{self._reports}",
            referral_id=referral_id,
            kind=kind,
            reported_on=details.pop("reported_on", self.now.date()),
            **details,
        )
        return self.chain.provider_reported(report, self.now)

    def walk_stage(self, stage: Stage, offer_id: str) -> list[ChainEvent]:
        """Offer, referral, acceptance, enrolment and completion of one stage."""
        events = self.propose(stage, offer_id, f"{offer_id}-b")
        events += self.confirm(stage, offer_id)
        self.later(days=2)
        events += self.report(stage, ReportKind.ACCEPTED)
        self.later(days=5)
        events += self.report(stage, ReportKind.ENROLLED)
        self.later(days=120)
        events += self.report(stage, ReportKind.COMPLETED)
        return events


def start_chain(programme_id: str = "durchstarten", **overrides: Any) -> Driver:
    """Start a chain at START for a profile built from overrides."""
    chain, _ = Chain.start(
        profile(programme_id=programme_id, **overrides), programme(programme_id), START
    )
    return Driver(chain, START)
