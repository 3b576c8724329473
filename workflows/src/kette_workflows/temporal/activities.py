"""Activities: the only place the chain touches Kafka."""

from __future__ import annotations

import structlog
from temporalio import activity

from kette_core.envelope import encode, new_event
from kette_core.ids import stable_event_id
from kette_core.publishing import EventPublisher
from kette_workflows.publication import to_contract
from kette_workflows.temporal.io import PublishChainEvents

log = structlog.get_logger(__name__)


class ChainActivities:
    """Holds the connected publisher; built once by the worker's composition root."""

    def __init__(self, publisher: EventPublisher, source: str, topic: str) -> None:
        self._publisher = publisher
        self._source = source
        self._topic = topic

    @activity.defn(name="publish_chain_events")
    async def publish_chain_events(self, batch: PublishChainEvents) -> int:
        """Ids derive from workflow id and sequence: a retry republishes the same ids."""
        records = []
        for event in batch.events:
            for index, payload in enumerate(to_contract(event)):
                event_id = stable_event_id(
                    payload.event_type, batch.workflow_id, str(event.sequence), str(index)
                )
                records.append(
                    new_event(
                        payload, source=self._source, event_id=event_id, time=event.occurred_at
                    )
                )
        await self._publisher.send_records([encode(record, self._topic) for record in records])
        log.info(
            "chain.events_published",
            workflow_id=batch.workflow_id,
            count=len(records),
            up_to_sequence=batch.events[-1].sequence if batch.events else None,
        )
        return len(records)
