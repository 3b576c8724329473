"""Effects of an outcome, whether a provider reported it or the caseworker recorded it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from kette_core.contracts.base import ActorId
from kette_core.contracts.vocabulary import LanguageLevel, Stage
from kette_workflows.domain.chain_base import DECISION_TASKS
from kette_workflows.domain.conditions import holds
from kette_workflows.domain.events import OutcomeRecorded, ProfileFactsUpdated
from kette_workflows.domain.facts import profile_facts
from kette_workflows.domain.labels_de import STAGE_DE
from kette_workflows.domain.profile import language_rank
from kette_workflows.domain.reasons import render_partial
from kette_workflows.domain.replanning import Replanning
from kette_workflows.domain.state import Referral, StageProgress
from kette_workflows.domain.vocabulary import (
    ReferralStatus,
    ReportKind,
    ReportSource,
    StagePhase,
    TaskKind,
)


@dataclass(frozen=True)
class OutcomeDetails:
    """What came with an outcome, from whichever source."""

    source: ReportSource
    occurred_on: date | None = None
    report_id: str | None = None
    attendance_percent: int | None = None
    exam_passed: bool | None = None
    exam_level: LanguageLevel | None = None
    decided_by: ActorId | None = None


class Outcomes(Replanning):
    """Moves a referral and its stage on; callers have checked the outcome fits."""

    def _apply_referral_outcome(
        self, referral: Referral, kind: ReportKind, details: OutcomeDetails, now: datetime
    ) -> None:
        """Record the outcome, then move referral and stage."""
        progress = self.state.progress(referral.stage)
        self._record(progress.stage, referral.referral_id, kind, details, now)
        self._close_tasks(
            now, frozenset({TaskKind.PROVIDER_NO_RESPONSE}), referral_id=referral.referral_id
        )
        if kind == ReportKind.ACCEPTED:
            referral.status = ReferralStatus.ACCEPTED
        elif kind == ReportKind.ENROLLED:
            referral.status = ReferralStatus.ENROLLED
            self._enter(progress, details, now)
        elif kind == ReportKind.ATTENDANCE:
            referral.attendance_percent = details.attendance_percent
            self._check_attendance(progress, referral, now)
        elif kind == ReportKind.EXAM_RESULT:
            referral.exam_passed = details.exam_passed
            referral.exam_level = details.exam_level
            self._take_exam_level(progress, details, now)
        elif kind == ReportKind.COMPLETED:
            referral.status = ReferralStatus.COMPLETED
            self._finish(progress, details, now)
        else:
            referral.status = (
                ReferralStatus.REJECTED
                if kind == ReportKind.REJECTED
                else ReferralStatus.DROPPED_OUT
            )
            progress.tried_offer_ids.append(referral.offer_id)
            self._return_to_decision(progress, now)

    def _apply_stage_outcome(
        self, progress: StageProgress, kind: ReportKind, details: OutcomeDetails, now: datetime
    ) -> None:
        """An outcome without referral: the person found a course or job on her own."""
        self._record(progress.stage, None, kind, details, now)
        if kind == ReportKind.ENROLLED:
            self._enter(progress, details, now)
        elif kind == ReportKind.COMPLETED:
            self._finish(progress, details, now)
        else:
            self._return_to_decision(progress, now)

    def _record(
        self,
        stage: Stage,
        referral_id: str | None,
        kind: ReportKind,
        details: OutcomeDetails,
        now: datetime,
    ) -> None:
        """The outcome itself goes on the timeline first."""
        self._emit(
            OutcomeRecorded(
                **self._meta(now),
                referral_id=referral_id,
                stage=stage,
                report=kind,
                source=details.source,
                occurred_on=details.occurred_on,
                report_id=details.report_id,
                attendance_percent=details.attendance_percent,
                exam_passed=details.exam_passed,
                exam_level=details.exam_level,
                decided_by=details.decided_by,
            )
        )

    def _enter(self, progress: StageProgress, details: OutcomeDetails, now: datetime) -> None:
        """Enrolment starts the stage; for the job stage it starts the job and its follow-up."""
        self._close_tasks(now, DECISION_TASKS, stage_progress=progress)
        if progress.stage == Stage.JOB:
            self._start_job(progress, details.occurred_on or now.date(), now)
        else:
            progress.phase = StagePhase.IN_PROGRESS
        facts = profile_facts(self.state.profile)
        for hint in self.state.programme.stage(progress.stage).on_enrolled:
            if holds(hint.when, facts):
                text = render_partial(hint.task_de, {"stage": STAGE_DE[progress.stage]})
                self._open_task(TaskKind.PROGRAMME_HINT, now, progress, hint=text)

    def _finish(self, progress: StageProgress, details: OutcomeDetails, now: datetime) -> None:
        """Completion; a completed job placement means the job started, follow-up pending."""
        if progress.stage == Stage.JOB and progress.phase != StagePhase.ONGOING:
            if progress.phase != StagePhase.FOLLOW_UP:
                self._start_job(progress, details.occurred_on or now.date(), now)
            return
        self._complete_stage(progress, now, completed_on=details.occurred_on)

    def _check_attendance(self, progress: StageProgress, referral: Referral, now: datetime) -> None:
        """Low attendance warns of a drop-out; coaching (F1) exists to prevent it."""
        percent = referral.attendance_percent
        threshold = self.state.programme.deadlines.attendance_warning_below_percent
        if percent is None or percent >= threshold:
            return
        already = any(
            task.kind == TaskKind.LOW_ATTENDANCE and task.referral_id == referral.referral_id
            for task in self.state.open_tasks()
        )
        if not already:
            self._open_task(
                TaskKind.LOW_ATTENDANCE, now, progress, referral.referral_id, percent=str(percent)
            )

    def _take_exam_level(
        self, progress: StageProgress, details: OutcomeDetails, now: datetime
    ) -> None:
        """A passed language exam raises the recorded level, which later planning uses."""
        level = details.exam_level
        current = self.state.profile.language_level
        if progress.stage != Stage.LANGUAGE or not details.exam_passed or level is None:
            return
        if language_rank(level) <= language_rank(current):
            return
        self.state.profile = self.state.profile.with_changes(language_level=level)
        self._emit(ProfileFactsUpdated(**self._meta(now), language_level=level))
