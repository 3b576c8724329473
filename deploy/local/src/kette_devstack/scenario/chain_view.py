"""What the player knows about each chain: a fold over kette.chain.v1, de-duplicated by ce_id."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from kette_core.contracts import chain as contract
from kette_core.contracts.base import EventPayload
from kette_core.contracts.vocabulary import Stage
from kette_core.envelope import ReceivedEvent

CHAIN_ORDER = (Stage.LANGUAGE, Stage.SCHOOL, Stage.APPRENTICESHIP, Stage.JOB)


@dataclass
class ReferralView:
    """One referral and the provider outcomes the chain has taken in, in order."""

    confirmed: contract.ReferralConfirmed
    confirmed_at: datetime
    attempt: int
    outcomes: list[contract.Outcome] = field(default_factory=list)
    withdrawn: bool = False

    @property
    def referral_id(self) -> str:
        return self.confirmed.referral_id


@dataclass
class ChainView:
    """One participant's chain as far as the topic has told us."""

    participant_id: str
    programme_id: str | None = None
    kommune: str | None = None
    plan: dict[Stage, contract.PlannedStage] = field(default_factory=dict)
    requests: dict[str, contract.ReferralRequested] = field(default_factory=dict)
    requested_on: dict[str, date] = field(default_factory=dict)
    answered_requests: set[str] = field(default_factory=set)
    offers: dict[Stage, contract.OffersReceived] = field(default_factory=dict)
    referrals: dict[str, ReferralView] = field(default_factory=dict)
    open_tasks: dict[str, contract.TaskOpened] = field(default_factory=dict)
    active: set[Stage] = field(default_factory=set)
    completed: set[Stage] = field(default_factory=set)
    skipped: set[Stage] = field(default_factory=set)
    job_started: contract.JobStarted | None = None
    closed: contract.ChainClosed | None = None
    last_type: str | None = None
    last_time: datetime | None = None
    event_ids: set[str] = field(default_factory=set)
    redelivered: int = 0

    @property
    def workflow_id(self) -> str:
        return f"chain-{self.participant_id}"

    def apply(self, event: ReceivedEvent[EventPayload]) -> bool:
        """Take in one chain event; a ce_id seen before changes nothing and returns False."""
        if event.id in self.event_ids:
            self.redelivered += 1
            return False
        self.event_ids.add(event.id)
        self.last_type, self.last_time = event.type, event.time
        self._take(event.payload, event.time)
        return True

    def _take(self, payload: EventPayload, at: datetime) -> None:
        match payload:
            case contract.ChainStarted():
                self.programme_id, self.kommune = payload.programme_id, payload.kommune
                self.plan = {planned.stage: planned for planned in payload.plan}
            case contract.ChainReplanned():
                self.plan = {planned.stage: planned for planned in payload.plan}
            case contract.StageStarted():
                self.active.add(payload.stage)
            case contract.ReferralRequested():
                self.requests[payload.request_id] = payload
                self.requested_on[payload.request_id] = at.date()
            case contract.OffersReceived():
                self.answered_requests.add(payload.request_id)
                self.offers[payload.stage] = payload
            case contract.NoOfferFoundForStage():
                self.answered_requests.add(payload.request_id)
            case contract.ReferralConfirmed():
                attempt = 1 + sum(
                    r.confirmed.stage == payload.stage for r in self.referrals.values()
                )
                self.referrals[payload.referral_id] = ReferralView(payload, at, attempt)
            case contract.ReferralWithdrawn():
                if payload.referral_id in self.referrals:
                    self.referrals[payload.referral_id].withdrawn = True
            case contract.OutcomeRecorded():
                referral = self.referrals.get(payload.referral_id or "")
                if referral is not None and payload.source == contract.OutcomeSource.PROVIDER:
                    referral.outcomes.append(payload.outcome)
            case contract.StageCompleted():
                self.active.discard(payload.stage)
                self.completed.add(payload.stage)
            case contract.StageSkipped():
                self.active.discard(payload.stage)
                self.skipped.add(payload.stage)
            case contract.JobStarted():
                self.job_started = payload
            case contract.TaskOpened():
                self.open_tasks[payload.task_id] = payload
            case contract.TaskClosed():
                self.open_tasks.pop(payload.task_id, None)
            case contract.ChainClosed():
                self.closed = payload
                self.active.clear()
            case _:
                pass

    # -- reading -------------------------------------------------------------------------

    def referrals_for(self, stage: Stage) -> list[ReferralView]:
        return [r for r in self.referrals.values() if r.confirmed.stage == stage]

    def latest_request(self, stage: Stage) -> contract.ReferralRequested | None:
        found = [r for r in self.requests.values() if r.stage == stage]
        return found[-1] if found else None

    def current_stage(self) -> Stage | None:
        """The furthest stage being worked on; the job stage while the follow-up runs."""
        if self.job_started is not None and Stage.JOB not in self.completed:
            return Stage.JOB
        running = [stage for stage in CHAIN_ORDER if stage in self.active]
        return running[-1] if running else None

    @property
    def is_closed(self) -> bool:
        return self.closed is not None


class ChainBook:
    """Every chain seen on the topic, by participant."""

    def __init__(self) -> None:
        self.views: dict[str, ChainView] = {}
        self.events_read = 0
        self.redelivered = 0

    def apply(self, event: ReceivedEvent[EventPayload]) -> ChainView | None:
        """Fold one chain event in; other payloads on the topic are not ours to read."""
        if not isinstance(event.payload, contract.ChainEvent):
            return None
        self.events_read += 1
        participant_id = event.payload.participant_id
        view = self.views.get(participant_id)
        if view is None:
            view = self.views[participant_id] = ChainView(participant_id)
        if not view.apply(event):
            self.redelivered += 1
        return view

    def get(self, participant_id: str) -> ChainView | None:
        return self.views.get(participant_id)
