"""Prometheus counters of the gateway, in a registry of its own so tests can build many apps."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter


class Metrics:
    """What an operator watches: referrals handed out, reports accepted and refused."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.referrals = Counter(
            "kette_gateway_referrals",
            "Chain facts handled for providers, by what they became.",
            ["outcome"],
            registry=self.registry,
        )
        self.reports = Counter(
            "kette_gateway_reports",
            "Provider reports by channel (rest, kafka) and outcome (accepted, duplicate).",
            ["channel", "outcome"],
            registry=self.registry,
        )
        self.webhook_attempts = Counter(
            "kette_gateway_webhook_attempts",
            "Webhook delivery attempts, by what became of the delivery (delivered, pending "
            "for a retry, failed for good).",
            ["outcome"],
            registry=self.registry,
        )
        self.refused = Counter(
            "kette_gateway_refused",
            "Provider requests refused, by channel and reason.",
            ["channel", "reason"],
            registry=self.registry,
        )
