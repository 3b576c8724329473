"""A SQLite write lock held past the wait answers 503 with Retry-After, then the retry works."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI

from kette_core.db import create_engine
from kette_core.http_busy import answer_busy_with_503

pytestmark = pytest.mark.component


def counter_app(url: str) -> FastAPI:
    """One endpoint that writes a row, on an engine that waits only 100 ms for the lock."""
    engine = create_engine(url, sqlite_busy_timeout_ms=100)
    app = FastAPI()
    answer_busy_with_503(app)

    @app.post("/count")
    async def count() -> dict[str, int]:
        async with engine.begin() as connection:
            await connection.execute(sa.text("INSERT INTO counted DEFAULT VALUES"))
            total = (await connection.execute(sa.text("SELECT count(*) FROM counted"))).scalar()
        return {"total": int(total or 0)}

    return app


async def test_a_held_write_lock_gives_503_with_retry_after_and_nothing_saved(
    tmp_path: Path,
) -> None:
    database = tmp_path / "busy.db"
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("CREATE TABLE counted (id INTEGER PRIMARY KEY)")
    app = counter_app(f"sqlite+aiosqlite:///{database}")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        holder.execute("BEGIN IMMEDIATE")
        busy = await client.post("/count")
        holder.execute("ROLLBACK")
        retried = await client.post("/count")

    assert busy.status_code == 503
    assert int(busy.headers["Retry-After"]) > 0
    [problem] = busy.json()["detail"]
    assert (problem["field"], problem["reason"]) == ("database", "busy")
    assert "nothing was saved" in problem["message"]
    assert retried.json() == {"total": 1}
    holder.close()
