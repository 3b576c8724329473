"""The chain worker and bridge (`python -m kette_workflows all`) as a part of the local stack."""

import asyncio
import sys
from pathlib import Path

from kette_devstack.blocking import run_blocking
from kette_devstack.health import StartOutcome
from kette_devstack.kafka import KafkaNode
from kette_devstack.part import CLI_OWNER, Part, Progress, no_progress
from kette_devstack.process import spawn
from kette_devstack.service_env import service_env, source_fingerprint

TASK_QUEUE = "kette-chain"
PRINCIPAL = "workflows"
"""The Kafka principal whose ACLs (secure mode) cover the bridge's reads and the chain topic."""
PROBE_SECONDS = 5.0


class ChainWorker(Part):
    """Runs next to Kafka and Temporal; healthy when Temporal sees it polling the task queue."""

    name = "workflows"

    def __init__(
        self, state_dir: Path, temporal_address: str, kafka: KafkaNode, start_timeout: float
    ) -> None:
        super().__init__(state_dir, start_timeout)
        self.temporal_address = temporal_address
        self.kafka = kafka

    @property
    def mode(self) -> str:
        """The code it runs: a worker started before the code changed is replaced on `up`."""
        return source_fingerprint("kette_core", "kette_workflows")

    def start(self, owner: str = CLI_OWNER, progress: Progress = no_progress) -> StartOutcome:
        """Like every part, but a worker running older code is restarted, not reused."""
        record = self.pid_file.live_record()
        if record is not None and record.mode != self.mode:
            progress("the chain code changed since the worker started: restarting it")
            self.stop()
        return super().start(owner, progress)

    def _preflight(self, progress: Progress) -> None:
        """Kafka and Temporal start first (stack order); nothing else to check."""

    def _spawn(self) -> tuple[int, str]:
        env = service_env(self.kafka, PRINCIPAL, self.temporal_address)
        argv = [sys.executable, "-m", "kette_workflows", "all"]
        return spawn(argv, self.log_file, env=env), "kette_workflows"

    def _converge(self, progress: Progress) -> None:
        """Nothing to set up: the workflow registers nothing at start."""

    def _wait_ready(self, pid: int, progress: Progress) -> None:
        progress(f"waiting for the chain worker to poll {TASK_QUEUE}")
        self._wait_until(pid, lambda: self._poller_count() > 0, "polling the task queue")

    def _probe(self) -> tuple[bool, str]:
        try:
            pollers = self._poller_count()
        except Exception as exc:
            return False, f"cannot ask Temporal about {TASK_QUEUE}: {type(exc).__name__}: {exc}"
        if pollers == 0:
            return (
                False,
                f"running, but nothing polls task queue {TASK_QUEUE} (see {self.log_file})",
            )
        return True, f"worker and bridge running; {pollers} poller(s) on {TASK_QUEUE}"

    def _poller_count(self) -> int:
        return run_blocking(lambda: _pollers(self.temporal_address))


async def _pollers(address: str) -> int:
    async with asyncio.timeout(PROBE_SECONDS):
        # Imported here: temporalio is slow to import and the CLI should feel instant.
        from temporalio.api.enums.v1 import TaskQueueType
        from temporalio.api.taskqueue.v1 import TaskQueue
        from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
        from temporalio.client import Client

        client = await Client.connect(address)
        response = await client.workflow_service.describe_task_queue(
            DescribeTaskQueueRequest(
                namespace="default",
                task_queue=TaskQueue(name=TASK_QUEUE),
                task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
            )
        )
        return len(response.pollers)
