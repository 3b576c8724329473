"""A part that keeps failing to reach Kafka and Temporal, configured like the workflows part:
`python devstack_log_flood.py <dead port> <attempts> <repeat window seconds>`."""

import asyncio
import sys

import structlog
from aiokafka import AIOKafkaProducer
from temporalio.client import Client

from kette_core.logging import configure_logging
from kette_core.settings import KetteSettings

log = structlog.get_logger("kette_workflows")


async def flood(port: int, attempts: int) -> None:
    for _ in range(attempts):
        producer = AIOKafkaProducer(bootstrap_servers=f"127.0.0.1:{port}", request_timeout_ms=500)
        try:
            await producer.start()
        except Exception:
            log.warning("relay.send_failed", exc_info=True)
        finally:
            await producer.stop()
        try:
            await Client.connect(f"127.0.0.1:{port}")
        except RuntimeError:
            log.error("workflows.temporal_unreachable", exc_info=True)
    log.info("flood.done", attempts=attempts)


def main() -> None:
    port, attempts, window = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    configure_logging(KetteSettings(service="workflows", log_format="json"), window)
    asyncio.run(flood(port, attempts))


if __name__ == "__main__":
    main()
