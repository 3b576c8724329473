"""Prometheus figures of this process: what the projection read, and what it kept unread."""

from __future__ import annotations

from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector

from kette_reporting.projection.projector import Tally


class ProjectionCollector(Collector):
    """Reads the projector's tally at scrape time; nothing is paid on the consume path."""

    def __init__(self, tally: Tally) -> None:
        self._tally = tally

    def collect(self) -> list[Metric]:
        events = CounterMetricFamily(
            "kette_reporting_projected_events", "Events applied to the projection."
        )
        events.add_metric([], self._tally.events)
        kept = CounterMetricFamily(
            "kette_reporting_unreadable_records",
            "Records kept unread (unknown type, newer version, invalid).",
        )
        kept.add_metric([], self._tally.unreadable)
        return [events, kept]


def registry_for(tally: Tally) -> CollectorRegistry:
    """A registry of this process's own, so tests can build many apps."""
    registry = CollectorRegistry()
    registry.register(ProjectionCollector(tally))
    return registry
