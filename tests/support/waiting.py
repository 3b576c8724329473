"""One bounded poll for every test that waits on something done in the background."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

WAIT_SECONDS = 120.0
"""Far beyond any healthy run on a busy two-core runner: the bound only ends a hang."""


async def eventually(
    condition: Callable[[], object | Awaitable[object]],
    what: str,
    within: float = WAIT_SECONDS,
    pause: float = 0.025,
) -> None:
    """Poll until the condition holds (a plain or awaitable result), never one fixed sleep."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        result = condition()
        if isinstance(result, Awaitable):
            result = await result
        if result:
            return
        if loop.time() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        await asyncio.sleep(pause)
