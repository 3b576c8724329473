"""The reporting database: migrated from the packaged Alembic scripts, wheel or checkout."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

import kette_reporting.migrations


async def migrate(url: str) -> None:
    """Alembic to head, so a consumer or a rebuild only ever runs on a ready database."""
    config = Config()
    config.set_main_option("script_location", str(Path(kette_reporting.migrations.__file__).parent))
    config.set_main_option("path_separator", "os")
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    await asyncio.to_thread(command.upgrade, config, "head")
