"""Fact tables keep their ids unique by an index instead of the primary key.

A rebuild can then drop the index, append, and build it once at the end: SQLite cannot
drop the index of a primary key. Each table is made again with its rows copied.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

FACT_TABLES = (
    "approach",
    "dead_letter",
    "gap",
    "milestone",
    "pii_read",
    "referral",
    "referral_report",
    "registration",
)


def upgrade() -> None:
    """Every fact table again, its ce_id unique by `uq_<table>_ce_id`."""
    for name in FACT_TABLES:
        _make_again(name, keyed_by_primary_key=False)


def downgrade() -> None:
    """Every fact table again, its ce_id the primary key."""
    for name in FACT_TABLES:
        _make_again(name, keyed_by_primary_key=True)


def _make_again(name: str, *, keyed_by_primary_key: bool) -> None:
    """Copy the table's rows into a new one of the same columns, keyed as asked; its other
    indexes come back by their names."""
    old = sa.Table(name, sa.MetaData(), autoload_with=op.get_bind())
    kept = [index for index in old.indexes if [c.name for c in index.columns] != ["ce_id"]]
    for index in old.indexes:
        op.drop_index(str(index.name), table_name=name)
    before = f"{name}_before_0003"
    op.rename_table(name, before)
    primary_key = old.primary_key.name
    if isinstance(primary_key, str) and op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(primary_key, before, type_="primary")  # its name would clash
    columns = [sa.Column(column.name, column.type, nullable=column.nullable) for column in old.c]
    key = [sa.PrimaryKeyConstraint("ce_id")] if keyed_by_primary_key else []
    op.create_table(name, *columns, *key)
    names = ", ".join(f'"{column.name}"' for column in old.c)
    op.execute(f'INSERT INTO "{name}" ({names}) SELECT {names} FROM "{before}"')
    op.drop_table(before)
    for index in kept:
        op.create_index(str(index.name), name, [c.name for c in index.columns], unique=index.unique)
    if not keyed_by_primary_key:
        op.create_index(f"uq_{name}_ce_id", name, ["ce_id"], unique=True)
