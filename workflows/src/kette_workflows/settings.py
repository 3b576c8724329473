"""Settings of the chain worker and the bridge (KETTE_* environment variables)."""

from __future__ import annotations

from pydantic import Field

from kette_core.contracts import topics
from kette_core.settings import KetteSettings
from kette_workflows.temporal.io import TASK_QUEUE


class WorkflowSettings(KetteSettings):
    """Where Temporal is, and which task queue the chains run on."""

    service: str = "workflows"
    temporal_address: str = Field(default="127.0.0.1:7233", description="Temporal frontend.")
    temporal_namespace: str = Field(default="default", description="Temporal namespace.")
    task_queue: str = Field(default=TASK_QUEUE, description="Task queue of the chain worker.")
    bridge_group_id: str = Field(
        default="kette.workflows.bridge", description="Kafka group of the bridge."
    )
    participants_topic: str = Field(default=topics.PARTICIPANTS, description="Bridge input.")
    matching_topic: str = Field(default=topics.MATCHING, description="Bridge input.")
    provider_status_topic: str = Field(default=topics.PROVIDER_STATUS, description="Bridge input.")
    chain_topic: str = Field(default=topics.CHAIN, description="Where chain events are published.")
    deadletter_topic: str = Field(
        default=topics.DEADLETTER, description="Where the bridge records what it cannot read."
    )

    def bridge_topics(self) -> tuple[str, ...]:
        """Topics the bridge reads; tests point them at private topics."""
        return (self.participants_topic, self.matching_topic, self.provider_status_topic)
