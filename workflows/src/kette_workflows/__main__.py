"""`python -m kette_workflows worker|bridge|all`: run the chain worker, the bridge, or both."""

from __future__ import annotations

import argparse
import asyncio
import signal

import structlog

from kette_core.kafka import build_broker
from kette_core.logging import configure_logging
from kette_core.publishing import EventPublisher
from kette_workflows.settings import WorkflowSettings
from kette_workflows.temporal.bridge import Bridge
from kette_workflows.temporal.bridge_app import attach_bridge
from kette_workflows.temporal.connect import connect_temporal
from kette_workflows.temporal.worker import build_worker

log = structlog.get_logger(__name__)


async def run(role: str, settings: WorkflowSettings) -> None:
    """Connect, run until SIGINT/SIGTERM, then drain and close in reverse order."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    client = await connect_temporal(settings)
    broker = build_broker(settings)
    if role in ("bridge", "all"):
        attach_bridge(broker, Bridge(client, settings.task_queue), settings)
    await broker.start()
    try:
        if role in ("worker", "all"):
            publisher = EventPublisher(broker)
            worker = build_worker(client, publisher, settings)
            async with worker:
                log.info("workflows.started", role=role, task_queue=settings.task_queue)
                await stop.wait()
        else:
            log.info("workflows.started", role=role)
            await stop.wait()
    finally:
        await broker.stop()
        log.info("workflows.stopped", role=role)


def main() -> None:
    """Entry point for the demo and for production process managers."""
    parser = argparse.ArgumentParser(prog="python -m kette_workflows")
    parser.add_argument("role", choices=["worker", "bridge", "all"])
    args = parser.parse_args()
    settings = WorkflowSettings()
    configure_logging(settings)
    asyncio.run(run(args.role, settings))


if __name__ == "__main__":
    main()
