"""Temporal, connected on first use; readiness asks its health service."""

from __future__ import annotations

import asyncio

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter


class TemporalConnection:
    """One client per process, created lazily so a missing Temporal does not stop the start."""

    def __init__(self, address: str, namespace: str = "default") -> None:
        self._address = address
        self._namespace = namespace
        self._client: Client | None = None
        self._lock = asyncio.Lock()

    async def client(self) -> Client:
        """The shared client, connecting if needed."""
        async with self._lock:
            if self._client is None:
                self._client = await Client.connect(
                    self._address,
                    namespace=self._namespace,
                    data_converter=pydantic_data_converter,  # as the chain's worker decodes
                )
            return self._client

    async def check(self) -> None:
        """Readiness: the frontend reports itself serving."""
        client = await self.client()
        if not await client.service_client.check_health():
            raise ConnectionError(f"Temporal at {self._address} is not serving")
