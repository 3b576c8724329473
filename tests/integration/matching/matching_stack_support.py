"""`python -m kette_matching` as a real process on a test's private topics and database."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from kette_devstack.ports import free_port


class MatchingProcess:
    """The service with its own SQLite file, port and consumer group; seeded."""

    def __init__(self, env: dict[str, str], tmp_path: Path, group_id: str) -> None:
        self.port = free_port()
        self.log_file = tmp_path / "matching.log"
        self.env = dict(env)
        self.env.update(
            KETTE_HTTP_PORT=str(self.port),
            KETTE_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'matching.db'}",
            KETTE_SEED_CATALOGUE="true",
            KETTE_GROUP_ID=group_id,
        )
        self.process: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        with self.log_file.open("wb") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "kette_matching", env=self.env, stdout=log, stderr=log
            )

    async def stop(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), timeout=15)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()

    async def get(self, path: str) -> tuple[int, Any]:
        """GET a JSON document from the API (in a thread: urllib blocks)."""
        return await asyncio.to_thread(_get_json, f"{self.url}{path}")

    async def ready(self) -> bool:
        if self.process is not None and self.process.returncode is not None:
            raise AssertionError(f"matching exited with {self.process.returncode}:\n{self.logs()}")
        status, _ = await self.get("/readyz")
        return status == 200

    def logs(self) -> str:
        return self.log_file.read_text(errors="replace")[-4000:] if self.log_file.exists() else ""


def _get_json(url: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)
    except OSError:
        return 0, None
