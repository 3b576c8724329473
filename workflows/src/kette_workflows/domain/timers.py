"""Deadlines derived from state and programme: the workflow sleeps until the earliest one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from pydantic import AwareDatetime, BaseModel, ConfigDict

from kette_core.contracts.vocabulary import Stage
from kette_workflows.domain.chain_base import ChainBase
from kette_workflows.domain.events import ChainEvent
from kette_workflows.domain.labels_de import date_de
from kette_workflows.domain.state import ChainState
from kette_workflows.domain.vocabulary import (
    CloseReason,
    ReferralStatus,
    StagePhase,
    TaskKind,
    TimerKind,
)


class ArmedTimer(BaseModel):
    """One deadline that will fire at `due_at` unless the state changes first."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: TimerKind
    due_at: AwareDatetime
    reference: str | None = None


def start_of(day: date) -> datetime:
    """Day boundaries are UTC midnight; the domain never reads a clock or a local zone."""
    return datetime.combine(day, time(), tzinfo=UTC)


def armed_timers(state: ChainState) -> list[ArmedTimer]:
    """Every deadline currently armed, earliest first; none once the case is closed."""
    if state.is_closed:
        return []
    deadlines = state.programme.deadlines
    profile = state.profile
    timers = [
        ArmedTimer(
            kind=TimerKind.PROVIDER_RESPONSE, due_at=r.answer_due_at, reference=r.referral_id
        )
        for r in state.referrals
        if r.status == ReferralStatus.SENT and not r.reminded
    ]
    timers.append(ArmedTimer(kind=TimerKind.CASE_REVIEW, due_at=state.review_due_at))
    if profile.eligibility_exception is None:
        end = profile.eligibility_ends_on
        if not state.eligibility_warned:
            warn_on = end - timedelta(days=deadlines.eligibility_end_warning_days)
            timers.append(ArmedTimer(kind=TimerKind.ELIGIBILITY_WARNING, due_at=start_of(warn_on)))
        ends_at = start_of(end + timedelta(days=1))
        timers.append(ArmedTimer(kind=TimerKind.ELIGIBILITY_END, due_at=ends_at))
    expires_on = profile.residence_status_expires_on
    watched = profile.residence_status in state.programme.residence_expiry_warning_for
    if expires_on and watched and state.residence_warned_for != expires_on:
        warn_on = expires_on - timedelta(days=deadlines.residence_expiry_warning_days)
        timers.append(ArmedTimer(kind=TimerKind.RESIDENCE_EXPIRY, due_at=start_of(warn_on)))
    job = state.progress(Stage.JOB)
    if job.phase == StagePhase.FOLLOW_UP and job.follow_up_due_on and not job.follow_up_task_opened:
        due_at = start_of(job.follow_up_due_on)
        timers.append(ArmedTimer(kind=TimerKind.JOB_FOLLOW_UP, due_at=due_at))
    return sorted(timers, key=lambda timer: (timer.due_at, timer.kind.value))


class TimerHandlers(ChainBase):
    """Firing a timer turns into tasks or a closing; each one fires once."""

    def armed_timers(self) -> list[ArmedTimer]:
        """Deadlines currently armed, earliest first."""
        return armed_timers(self.state)

    def next_timer(self) -> ArmedTimer | None:
        """What the workflow should sleep until, or None for 'wait for input only'."""
        timers = armed_timers(self.state)
        return timers[0] if timers else None

    def fire_due_timers(self, now: datetime) -> list[ChainEvent]:
        """Fire everything due at `now`, in order; firing disarms, so this terminates."""
        mark = self._mark()
        while (timer := self.next_timer()) is not None and timer.due_at <= now:
            self._fire(timer, now)
        return self._since(mark)

    def _fire(self, timer: ArmedTimer, now: datetime) -> None:
        """One timer's effect."""
        effects: dict[TimerKind, Callable[[ArmedTimer, datetime], None]] = {
            TimerKind.PROVIDER_RESPONSE: self._provider_silent,
            TimerKind.CASE_REVIEW: self._review_due,
            TimerKind.ELIGIBILITY_WARNING: self._eligibility_ending,
            TimerKind.ELIGIBILITY_END: self._eligibility_ended,
            TimerKind.RESIDENCE_EXPIRY: self._residence_expiring,
            TimerKind.JOB_FOLLOW_UP: self._follow_up_due,
        }
        effects[timer.kind](timer, now)

    def _provider_silent(self, timer: ArmedTimer, now: datetime) -> None:
        """The provider let the deadline pass: the caseworker follows up."""
        referral = next(r for r in self.state.referrals if r.referral_id == timer.reference)
        referral.reminded = True
        progress = self.state.progress(referral.stage)
        days = str(self.state.programme.deadlines.provider_response_days)
        self._open_task(
            TaskKind.PROVIDER_NO_RESPONSE, now, progress, referral.referral_id, days=days
        )

    def _review_due(self, timer: ArmedTimer, now: datetime) -> None:
        """Periodic review; after a long sleep one task, not one per missed period."""
        period = timedelta(days=self.state.programme.deadlines.case_review_days)
        while self.state.review_due_at <= now:
            self.state.review_due_at += period
        if not any(task.kind == TaskKind.CASE_REVIEW for task in self.state.open_tasks()):
            self._open_task(TaskKind.CASE_REVIEW, now, due_on=now.date())

    def _eligibility_ending(self, timer: ArmedTimer, now: datetime) -> None:
        """Time to arrange what follows, or to record an exception."""
        self.state.eligibility_warned = True
        ends_on = self.state.profile.eligibility_ends_on
        self._open_task(TaskKind.ELIGIBILITY_ENDING, now, due_on=ends_on, date=date_de(ends_on))

    def _eligibility_ended(self, timer: ArmedTimer, now: datetime) -> None:
        """Past the month of the 27th birthday without exception, the case ends."""
        self._close_case(CloseReason.REACHED_27, now)

    def _residence_expiring(self, timer: ArmedTimer, now: datetime) -> None:
        """A Duldung or Gestattung runs out soon; warned once per expiry date."""
        expires_on = self.state.profile.residence_status_expires_on
        self.state.residence_warned_for = expires_on
        text = date_de(expires_on) if expires_on else "–"
        self._open_task(TaskKind.RESIDENCE_EXPIRING, now, due_on=expires_on, date=text)

    def _follow_up_due(self, timer: ArmedTimer, now: datetime) -> None:
        """Months after the job start: does the job last?"""
        job = self.state.progress(Stage.JOB)
        job.follow_up_task_opened = True
        months = str(self.state.programme.deadlines.job_follow_up_months)
        self._open_task(TaskKind.FOLLOW_UP, now, job, due_on=job.follow_up_due_on, months=months)
