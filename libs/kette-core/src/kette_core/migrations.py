"""Alembic plumbing shared by the services: a tiny env.py and versioned table helpers."""

from __future__ import annotations

import asyncio
import logging.config
from pathlib import Path

import sqlalchemy as sa
from alembic import command, context, op
from alembic.config import Config
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from kette_core import tables  # importing registers outbox and inbox in SQLModel.metadata
from kette_core.db import create_engine
from kette_core.settings import KetteSettings


def create_plumbing_tables_v1() -> None:
    """Outbox and inbox as of v1; frozen, a later change gets a v2 helper and a new revision."""
    op.create_table(
        tables.OUTBOX_TABLE,
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("ce_id", sa.String(200), nullable=False),
        sa.Column("ce_type", sa.String(200), nullable=False),
        sa.Column("topic", sa.String(249), nullable=False),
        sa.Column("key", sa.String(200), nullable=True),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("ce_id", name="uq_outbox_ce_id"),
    )
    op.create_index("ix_outbox_sent_at", tables.OUTBOX_TABLE, ["sent_at"])
    op.create_table(
        tables.INBOX_TABLE,
        sa.Column("consumer", sa.String(200), primary_key=True),
        sa.Column("ce_id", sa.String(200), primary_key=True),
        sa.Column("ce_type", sa.String(200), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
    )


def drop_plumbing_tables_v1() -> None:
    """Undo `create_plumbing_tables_v1`."""
    op.drop_table(tables.INBOX_TABLE)
    op.drop_index("ix_outbox_sent_at", table_name=tables.OUTBOX_TABLE)
    op.drop_table(tables.OUTBOX_TABLE)


def run_migrations(service: str) -> None:
    """The whole body of a service's env.py; the URL comes from -x url=, the ini, or settings."""
    config = context.config
    if config.config_file_name and config.file_config.has_section("loggers"):
        logging.config.fileConfig(config.config_file_name, disable_existing_loggers=False)
    url = (
        context.get_x_argument(as_dictionary=True).get("url")
        or config.get_main_option("sqlalchemy.url")
        or KetteSettings(service=service).resolved_database_url()
    )
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=SQLModel.metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    asyncio.run(_run_online(url))


async def _run_online(url: str) -> None:
    """Run the migrations over the service's own async engine."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_on_connection)
            await connection.commit()
    finally:
        await engine.dispose()


def _run_on_connection(connection: Connection) -> None:
    """Batch mode lets SQLite alter tables in later revisions."""
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def alembic_config(alembic_ini: Path, url: str | None = None) -> Config:
    """Config for a service's alembic.ini, optionally pointed at another database."""
    config = Config(str(alembic_ini))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def upgrade_to_head(alembic_ini: Path, url: str | None = None) -> None:
    """Migrate from a running event loop (Alembic's env runs its own loop in a thread)."""
    await asyncio.to_thread(command.upgrade, alembic_config(alembic_ini, url), "head")
