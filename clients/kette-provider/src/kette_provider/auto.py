"""The demo's provider: answers each referral with a plausible run of reports.

Every choice (drop out or not, dates, report ids) follows from the referral itself, so a
restarted client sends the same reports again and the gateway takes each one once.
"""

from __future__ import annotations

import asyncio
import calendar
import contextlib
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol

from kette_provider.events import Referral
from kette_provider.reports import Kind, Report

LEVELS = ("none", "A1", "A2", "B1", "B2", "C1")


@dataclass(frozen=True)
class AutoRules:
    """How the automatic provider behaves."""

    drop_out_rate: float = 0.15
    """Share of referrals (outside the job stage) that end in a drop-out."""
    job_started_months_ago: int = 0
    """Report a job start this many months (and a day) back: the demo's time-lapse, so the
    chain's follow-up after the probation months is due at once."""

    def drops_out(self, referral_id: str) -> bool:
        """By hash of the referral id: the same answer after every restart."""
        return self.drop_out_rate > 0 and _share(referral_id) < self.drop_out_rate


def plan(referral: Referral, day: date, rules: AutoRules) -> list[Report]:
    """accepted → enrolled → attendance → exam → completed, or an early drop-out; a job is
    accepted and started."""
    stage = referral.stage

    def report(step: int, kind: Kind, on: date = day, **fields: Any) -> Report:
        report_id = f"{referral.referral_id}:{step}-{kind.value}"
        return Report(kind, report_id, referral.referral_id, on, fields)

    accepted = report(1, Kind.ACCEPTED, starts_on=day + timedelta(days=14))
    if stage == "job":
        started = day
        if rules.job_started_months_ago > 0:
            started = add_months(day, -rules.job_started_months_ago) - timedelta(days=1)
        return [accepted, report(2, Kind.ENROLLED, started)]
    enrolled = report(2, Kind.ENROLLED, planned_end_on=add_months(day, 6))

    def attendance(hours: float) -> Report:
        return report(
            3,
            Kind.ATTENDANCE,
            period_start=day,
            period_end=day + timedelta(days=6),
            attended_hours=hours,
            planned_hours=40.0,
        )

    if rules.drops_out(referral.referral_id):
        return [
            accepted,
            enrolled,
            attendance(12.0),
            report(4, Kind.DROPPED_OUT, reason="personal_circumstances"),
        ]
    steps = [accepted, enrolled, attendance(36.0)]
    if stage == "language":
        level = level_reached(referral.language_level)
        exam = "dtz" if level == "B1" else "language_certificate"
        steps.append(
            report(4, Kind.EXAM_RESULT, exam=exam, passed=True, language_level_reached=level)
        )
        steps.append(report(5, Kind.COMPLETED, language_level_reached=level))
    elif stage == "school":
        steps.append(
            report(
                4,
                Kind.EXAM_RESULT,
                exam="school_certificate",
                passed=True,
                certificate_obtained="erster",
            )
        )
        steps.append(report(5, Kind.COMPLETED))
    else:
        steps.append(report(4, Kind.COMPLETED))
    return steps


def level_reached(current: str) -> str:
    """An integration course ends at B1 (the DTZ); above that, one level up."""
    rank = LEVELS.index(current) if current in LEVELS else 0
    return LEVELS[max(LEVELS.index("B1"), min(rank + 1, len(LEVELS) - 1))]


def add_months(day: date, months: int) -> date:
    """Calendar months, clamped to the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _share(text: str) -> float:
    """A number in [0, 1) fixed by the text."""
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big") / 2**32


class Sender(Protocol):
    """Sends one report for one provider; False when the gateway refused it for good."""

    async def send(self, report: Report, referral: Referral) -> bool: ...


class Autopilot:
    """One task per referral, steps spaced by the pace; a withdrawal stops its task."""

    def __init__(
        self,
        rules: AutoRules,
        pace_seconds: float,
        say: Callable[[str], None],
    ) -> None:
        self._rules = rules
        self._pace = pace_seconds
        self._say = say
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self.finished: set[str] = set()

    def issued(self, referral: Referral, day: date, sender: Sender) -> None:
        """Start answering, unless this referral is answered or being answered already."""
        key = referral.referral_id
        if key in self._tasks or key in self.finished:
            return
        self._tasks[key] = asyncio.create_task(self._answer(referral, day, sender), name=key)

    def withdrawn(self, referral_id: str) -> None:
        """Stop at once: nothing more is reported on a withdrawn referral."""
        task = self._tasks.pop(referral_id, None)
        if task is not None:
            task.cancel()
        self.finished.add(referral_id)

    async def wait(self) -> None:
        """Until every running answer is done (tests and one-shot runs)."""
        while self._tasks:
            await asyncio.gather(*self._tasks.values(), return_exceptions=True)

    async def close(self) -> None:
        for task in self._tasks.values():
            task.cancel()
        with contextlib.suppress(Exception):
            await asyncio.gather(*self._tasks.values(), return_exceptions=True)
        self._tasks.clear()

    async def _answer(self, referral: Referral, day: date, sender: Sender) -> None:
        try:
            for report in plan(referral, day, self._rules):
                await asyncio.sleep(self._delay(report.report_id))
                if not await sender.send(report, referral):
                    self._say(f"[yellow]stopped[/] {referral.referral_id} at {report.kind.value}")
                    return
                self._say(f"[green]reported[/] {report.kind.value} on {referral.referral_id}")
        finally:
            self._tasks.pop(referral.referral_id, None)
            self.finished.add(referral.referral_id)

    def _delay(self, report_id: str) -> float:
        """Between half and one and a half times the pace, fixed per report."""
        return self._pace * (0.5 + _share(report_id)) if self._pace > 0 else 0.0
