"""Outbox and inbox tables of the shared event plumbing.

Revision ID: 0001
Revises:
"""

from kette_core.migrations import create_plumbing_tables_v1, drop_plumbing_tables_v1

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create the tables every service database carries."""
    create_plumbing_tables_v1()


def downgrade() -> None:
    """Drop them again."""
    drop_plumbing_tables_v1()
