"""The projection's tables: insert-only facts keyed by ce_id, plus the consumed offsets.

Each fact carries `at` (the event's ce_time, UTC) and `day` (the business date the event
names, or the Berlin calendar day of `at`), so any figure can be taken as of a date.
"""

from __future__ import annotations

import sqlalchemy as sa

METADATA = sa.MetaData()  # its own: matching also has a table named "gap"
_ID = 200
_CODE = 64


def _fact(name: str, *columns: sa.Column[object]) -> sa.Table:
    """A fact table: the event's id, the participant, when, and its own columns.

    The id is unique by an index rather than the primary key: a rebuild drops the index,
    appends, and builds it once at the end (SQLite cannot drop a primary key's index, and
    inserting a million random ids into it one batch at a time slows to a third)."""
    return sa.Table(
        name,
        METADATA,
        sa.Column("ce_id", sa.String(_ID), nullable=False),
        sa.Column("participant_id", sa.String(80), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *columns,
        sa.Index(f"uq_{name}_ce_id", "ce_id", unique=True),
    )


def _code(name: str, nullable: bool = True) -> sa.Column[object]:
    return sa.Column(name, sa.String(_CODE), nullable=nullable)


consumed_offset = sa.Table(
    "consumed_offset",
    METADATA,
    sa.Column("topic", sa.String(249), primary_key=True),
    sa.Column("partition", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("next_offset", sa.BigInteger(), nullable=False),
)
"""Where each partition continues: written in the same transaction as its rows."""

registration = _fact(
    "registration",
    sa.Column("ki_id", sa.String(_CODE), nullable=False),
    sa.Column("kommune", sa.String(80), nullable=False),
    _code("programme_id", nullable=False),
    _code("age_band", nullable=False),
    _code("gender", nullable=False),
    _code("residence_status", nullable=False),
    _code("language_level", nullable=False),
    _code("activity", nullable=False),
    _code("goal_stage", nullable=False),
)
approach = _fact(
    "approach",
    sa.Column("kommune", sa.String(80), nullable=False),
    _code("channel", nullable=False),
    _code("outcome", nullable=False),
    _code("age_band"),
    _code("gender"),
    _code("residence_status"),
)
milestone = _fact(
    "milestone",
    _code("kind", nullable=False),
    _code("stage"),
    _code("module"),
    _code("reason"),
    _code("value"),
)
"""One row per chain or participant event (or per fact an event states, e.g. a level)."""

referral = _fact(
    "referral",
    sa.Column("referral_id", sa.String(128), nullable=False),
    _code("provider_id", nullable=False),
    sa.Column("offer_id", sa.String(128), nullable=False),
    _code("stage", nullable=False),
    _code("module", nullable=False),
    sa.Column("response_due", sa.Date(), nullable=False),
)
referral_report = _fact(
    "referral_report",
    sa.Column("referral_id", sa.String(128), nullable=False),
    _code("provider_id"),
    _code("kind", nullable=False),
    _code("reason"),
    sa.Column("attended_hours", sa.Float(), nullable=True),
    sa.Column("planned_hours", sa.Float(), nullable=True),
)
gap = _fact(
    "gap",
    sa.Column("request_id", sa.String(128), nullable=False),
    sa.Column("kommune", sa.String(80), nullable=False),
    _code("stage", nullable=False),
    _code("module", nullable=False),
    sa.Column("reasons", sa.String(400), nullable=False),
)
pii_read = _fact(
    "pii_read",
    _code("actor_role", nullable=False),
    sa.Column("actor_id", sa.String(80), nullable=False),
    _code("purpose", nullable=False),
    sa.Column("fields", sa.String(400), nullable=False),
    _code("via_service", nullable=False),
)
dead_letter = _fact(
    "dead_letter",
    sa.Column("original_topic", sa.String(249), nullable=False),
    sa.Column("original_partition", sa.Integer(), nullable=False),
    sa.Column("original_offset", sa.BigInteger(), nullable=False),
    sa.Column("consumer_group", sa.String(249), nullable=False),
    sa.Column("original_ce_type", sa.String(200), nullable=True),
    sa.Column("original_ce_id", sa.String(200), nullable=True),
    sa.Column("reason", sa.String(2000), nullable=False),
    sa.Column("value_sha256", sa.String(64), nullable=False),
)
unreadable = sa.Table(
    "unreadable",
    METADATA,
    sa.Column("topic", sa.String(249), primary_key=True),
    sa.Column("partition", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("offset", sa.BigInteger(), primary_key=True, autoincrement=False),
    sa.Column("ce_type", sa.String(200), nullable=True),
    sa.Column("ce_id", sa.String(200), nullable=True),
    sa.Column("reason", sa.String(2000), nullable=False),
    sa.Column("value_sha256", sa.String(64), nullable=False),
    sa.Column("value_size", sa.Integer(), nullable=False),
)
"""A record we could not read (unknown type, newer version, invalid): kept and reported."""

FACT_TABLES: tuple[sa.Table, ...] = (
    registration,
    approach,
    milestone,
    referral,
    referral_report,
    gap,
    pii_read,
    dead_letter,
)
ALL_TABLES: tuple[sa.Table, ...] = (*FACT_TABLES, unreadable, consumed_offset)
TABLES_BY_NAME: dict[str, sa.Table] = {table.name: table for table in ALL_TABLES}


def row_key(table: sa.Table) -> tuple[str, ...]:
    """The columns that name one row: a fact's ce_id, else the primary key."""
    if table in FACT_TABLES:
        return ("ce_id",)
    return tuple(column.name for column in table.primary_key.columns)
