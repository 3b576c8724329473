"""Prometheus counters of this process, in a registry of its own so tests can build many apps."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter


class Metrics:
    """What an operator watches: requests answered, and catalogue inputs refused."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "kette_matching_requests",
            "Referral requests handled: answered, or a duplicate the inbox recognised.",
            ["outcome"],
            registry=self.registry,
        )
        self.refused = Counter(
            "kette_matching_catalogue_refused",
            "Catalogue inputs refused, by field.",
            ["field"],
            registry=self.registry,
        )
