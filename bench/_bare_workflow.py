"""The baseline workflow of `chain-transitions`: one signal, one activity, one record.

In a module of its own because Temporal's sandbox re-imports the module a workflow is
defined in; this one imports nothing that registers itself or touches the network.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel
from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from kette_workflows.temporal.workflow import PUBLISH_RETRY

BARE_WORKFLOW = "BenchBareWorkflow"
BARE_ACTIVITY = "bench_publish_bare"


class BareRecord(BaseModel):
    """Activity input of the baseline: which workflow got which signal."""

    workflow_id: str
    input_id: str


@workflow.defn(name=BARE_WORKFLOW)
class BareWorkflow:
    """Temporal and Kafka without any of our code: the signal is queued, the loop publishes."""

    def __init__(self) -> None:
        self._pending: list[str] = []

    @workflow.signal
    def reported(self, input_id: str) -> None:
        """Like the chain's handlers: remember the input, the main loop acts on it."""
        self._pending.append(input_id)

    @workflow.run
    async def run(self) -> None:
        """One activity per signal, with the chain's publish timeout and retry policy."""
        while True:
            await workflow.wait_condition(lambda: bool(self._pending))
            input_id = self._pending.pop(0)
            await workflow.execute_activity(
                BARE_ACTIVITY,
                BareRecord(workflow_id=workflow.info().workflow_id, input_id=input_id),
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=PUBLISH_RETRY,
            )
