"""Composition root of the chain worker: Temporal client, Kafka publisher, workflow, activities."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.worker import Worker

from kette_core.publishing import EventPublisher
from kette_workflows.settings import WorkflowSettings
from kette_workflows.temporal.activities import ChainActivities
from kette_workflows.temporal.workflow import IntegrationsketteWorkflow


def build_worker(client: Client, publisher: EventPublisher, settings: WorkflowSettings) -> Worker:
    """Wiring only; the caller owns the connections and their lifetime."""
    activities = ChainActivities(publisher, settings.event_source, settings.chain_topic)
    return Worker(
        client,
        task_queue=settings.task_queue,
        workflows=[IntegrationsketteWorkflow],
        activities=[activities.publish_chain_events],
    )
