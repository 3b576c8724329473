"""Readiness: the database, Kafka and Temporal each answer, or the reason why not."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

Check = Callable[[], Awaitable[None]]
CHECK_SECONDS = 3.0


@dataclass(frozen=True)
class Verdict:
    """One dependency's answer."""

    ok: bool
    detail: str


class Readiness:
    """Runs every check concurrently, each bounded in time."""

    def __init__(self, checks: dict[str, Check]) -> None:
        self._checks = checks

    async def verdicts(self) -> dict[str, Verdict]:
        """Each dependency by name; never raises."""
        names = list(self._checks)
        results = await asyncio.gather(*(self._run(self._checks[name]) for name in names))
        return dict(zip(names, results, strict=True))

    async def _run(self, check: Check) -> Verdict:
        try:
            async with asyncio.timeout(CHECK_SECONDS):
                await check()
        except Exception as error:
            return Verdict(False, f"{type(error).__name__}: {error}"[:300])
        return Verdict(True, "ok")


def database_check(engine: AsyncEngine) -> Check:
    """SELECT 1 on the service's own database."""

    async def check() -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    return check
