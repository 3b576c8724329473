"""The audit's use cases over Kafka: collect a period's tree, or one participant's records."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Any

from kette_reporting.audit.history import HistoryCollector, Period, PeriodTree
from kette_reporting.audit.source import Progress, read_history
from kette_reporting.audit.timeline import ParticipantRecords, collector
from kette_reporting.figures.period import Period as ReportPeriod
from kette_reporting.projection.apply import BERLIN


def audit_period(text: str) -> Period:
    """A period as the state report names it (`2026-Q1`, ...), in whole Berlin days."""
    days = ReportPeriod.parse(text)
    start = datetime.combine(days.start, time(), BERLIN)
    until = datetime.combine(days.end + timedelta(days=1), time(), BERLIN)
    return Period(start, until)


async def collect_period(
    client_options: dict[str, Any], topics: Sequence[str], period: Period, progress: Progress
) -> PeriodTree:
    """Read the topics from offset 0 and build the period's tree."""
    sink = HistoryCollector(period)
    await read_history(client_options, topics, sink, progress)
    return sink.build()


async def collect_participant(
    client_options: dict[str, Any], topics: Sequence[str], participant: str, progress: Progress
) -> ParticipantRecords:
    """Read the topics from offset 0, keeping the participant's records and the dead letters."""
    sink = collector(participant)
    await read_history(client_options, topics, sink, progress)
    return sink
