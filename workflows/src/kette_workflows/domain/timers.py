"""Deadlines derived from state and programme: the workflow sleeps until the earliest one.

While a case is paused the clocks that wait on people who are resting hold: the provider's
answer deadline and the periodic case review do not fire, and on resume they are pushed back
by the length of the pause. Dates set by law or by the job keep running: the end of
eligibility at 27 (and its warning), a Duldung's expiry, the follow-up after a job start.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from pydantic import AwareDatetime, BaseModel, ConfigDict

from kette_core.contracts.vocabulary import Stage
from kette_workflows.domain.labels_de import date_de
from kette_workflows.domain.stages import close_case
from kette_workflows.domain.tasks import has_open_task, open_task
from kette_workflows.domain.vocabulary import CloseReason, StagePhase, TaskKind, TimerKind

if TYPE_CHECKING:
    from kette_workflows.domain.case import Case
    from kette_workflows.domain.state import ChainState

HELD_WHILE_PAUSED = frozenset({TimerKind.PROVIDER_RESPONSE, TimerKind.CASE_REVIEW})
"""Timers that wait while the case rests; the others are dates that do not move."""


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
    timers = _provider_and_review(state) + _eligibility(state) + _residence_and_job(state)
    if state.is_paused and state.behaviour.pause_holds_timers:
        timers = [timer for timer in timers if timer.kind not in HELD_WHILE_PAUSED]
    return sorted(timers, key=lambda timer: (timer.due_at, timer.kind.value))


def fire_due(case: Case) -> None:
    """Fire everything due, in order; firing disarms, so this terminates."""
    while (timers := armed_timers(case.state)) and timers[0].due_at <= case.now:
        _EFFECTS[timers[0].kind](case, timers[0])


def push_back_held(case: Case, paused_since: datetime) -> None:
    """On resume, the held deadlines move by the length of the pause."""
    if not case.state.behaviour.pause_holds_timers:
        return
    paused_for = case.now - paused_since
    for referral in case.state.referrals:
        if referral.awaits_answer:
            referral.answer_due_at += paused_for
    case.state.review_due_at += paused_for


def _provider_and_review(state: ChainState) -> list[ArmedTimer]:
    """Deadlines for answers and reviews: these are the ones a pause holds."""
    timers = [
        ArmedTimer(
            kind=TimerKind.PROVIDER_RESPONSE, due_at=r.answer_due_at, reference=r.referral_id
        )
        for r in state.referrals
        if r.awaits_answer
    ]
    timers.append(ArmedTimer(kind=TimerKind.CASE_REVIEW, due_at=state.review_due_at))
    return timers


def _eligibility(state: ChainState) -> list[ArmedTimer]:
    """The month of the 27th birthday ends the case unless an exception is recorded."""
    profile = state.profile
    if profile.eligibility_exception is not None:
        return []
    end = profile.eligibility_ends_on
    timers = [ArmedTimer(kind=TimerKind.ELIGIBILITY_END, due_at=start_of(end + timedelta(days=1)))]
    if not state.eligibility_warned:
        warn_on = end - timedelta(days=state.programme.deadlines.eligibility_end_warning_days)
        timers.append(ArmedTimer(kind=TimerKind.ELIGIBILITY_WARNING, due_at=start_of(warn_on)))
    return timers


def _residence_and_job(state: ChainState) -> list[ArmedTimer]:
    """A watched residence status running out, and the follow-up after a job start."""
    timers = []
    profile = state.profile
    expires_on = profile.residence_status_expires_on
    watched = profile.residence_status in state.programme.residence_expiry_warning_for
    if expires_on and watched and state.residence_warned_for != expires_on:
        warn_on = expires_on - timedelta(
            days=state.programme.deadlines.residence_expiry_warning_days
        )
        timers.append(ArmedTimer(kind=TimerKind.RESIDENCE_EXPIRY, due_at=start_of(warn_on)))
    job = state.progress(Stage.JOB)
    if job.phase == StagePhase.FOLLOW_UP and job.follow_up_due_on and not job.follow_up_task_opened:
        due_at = start_of(job.follow_up_due_on)
        timers.append(ArmedTimer(kind=TimerKind.JOB_FOLLOW_UP, due_at=due_at))
    return timers


def _provider_silent(case: Case, timer: ArmedTimer) -> None:
    """The provider let the deadline pass: the caseworker follows up."""
    referral = next(r for r in case.state.referrals if r.referral_id == timer.reference)
    referral.reminded = True
    days = str(case.state.programme.deadlines.provider_response_days)
    open_task(case, TaskKind.PROVIDER_NO_RESPONSE, referral.stage, referral.referral_id, days=days)


def _review_due(case: Case, timer: ArmedTimer) -> None:
    """Periodic review; after a long sleep one task, not one per missed period."""
    state = case.state
    period = timedelta(days=state.programme.deadlines.case_review_days)
    while state.review_due_at <= case.now:
        state.review_due_at += period
    if not has_open_task(case, TaskKind.CASE_REVIEW):
        open_task(case, TaskKind.CASE_REVIEW, due_on=case.now.date())


def _eligibility_ending(case: Case, timer: ArmedTimer) -> None:
    """Time to arrange what follows, or to record an exception."""
    case.state.eligibility_warned = True
    ends_on = case.state.profile.eligibility_ends_on
    open_task(case, TaskKind.ELIGIBILITY_ENDING, due_on=ends_on, date=date_de(ends_on))


def _eligibility_ended(case: Case, timer: ArmedTimer) -> None:
    """Past the month of the 27th birthday without exception, the case ends."""
    close_case(case, CloseReason.REACHED_27)


def _residence_expiring(case: Case, timer: ArmedTimer) -> None:
    """A Duldung or Gestattung runs out soon; warned once per expiry date."""
    expires_on = case.state.profile.residence_status_expires_on
    case.state.residence_warned_for = expires_on
    text = date_de(expires_on) if expires_on else "–"
    open_task(case, TaskKind.RESIDENCE_EXPIRING, due_on=expires_on, date=text)


def _follow_up_due(case: Case, timer: ArmedTimer) -> None:
    """Months after the job start: does the job last?"""
    job = case.state.progress(Stage.JOB)
    job.follow_up_task_opened = True
    months = str(case.state.programme.deadlines.job_follow_up_months)
    open_task(case, TaskKind.FOLLOW_UP, job.stage, due_on=job.follow_up_due_on, months=months)


_EFFECTS: dict[TimerKind, Callable[[Case, ArmedTimer], None]] = {
    TimerKind.PROVIDER_RESPONSE: _provider_silent,
    TimerKind.CASE_REVIEW: _review_due,
    TimerKind.ELIGIBILITY_WARNING: _eligibility_ending,
    TimerKind.ELIGIBILITY_END: _eligibility_ended,
    TimerKind.RESIDENCE_EXPIRY: _residence_expiring,
    TimerKind.JOB_FOLLOW_UP: _follow_up_due,
}
