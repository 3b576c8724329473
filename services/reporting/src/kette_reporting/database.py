"""The reporting database: migrated from the packaged Alembic scripts, wheel or checkout."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

import kette_reporting.migrations


async def migrate(url: str, revision: str = "head") -> None:
    """Alembic to head, so a consumer or a rebuild only ever runs on a ready database."""
    await asyncio.to_thread(command.upgrade, _config(url), revision)


async def downgrade(url: str, revision: str) -> None:
    """Alembic back to `revision` (to leave a release, or to test a migration both ways)."""
    await asyncio.to_thread(command.downgrade, _config(url), revision)


def _config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(kette_reporting.migrations.__file__).parent))
    config.set_main_option("path_separator", "os")
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config
