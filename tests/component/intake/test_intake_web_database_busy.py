"""SQLite held by another writer past its wait: the form answers with a German page saying
nothing was saved and to send again (503, Retry-After), never an error trace."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from kette_core import db
from kette_core.contracts.vocabulary import ActorRole
from tests.component.intake.intake_web_support import registration_form, running_web


async def test_a_form_sent_while_the_database_is_locked_gets_a_german_page_to_send_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 100)
    url = f"sqlite+aiosqlite:///{tmp_path}/intake.db"
    async with running_web(url) as web:
        browser = await web.signed_in(ActorRole.CASEWORKER, ["Kamen"])
        await browser.get("/teilnehmende/neu")
        other_writer = db.create_engine(url)
        try:
            async with other_writer.begin() as held:
                await held.execute(text("DELETE FROM participants WHERE 1 = 0"))
                busy = await browser.post("/teilnehmende/neu", registration_form())
        finally:
            await other_writer.dispose()
        registered = await web.rows_count("participants")

    assert busy.status_code == 503
    assert int(busy.headers["Retry-After"]) > 0
    assert "Es wurde nichts gespeichert" in busy.text
    assert "Traceback" not in busy.text
    assert registered == 0
