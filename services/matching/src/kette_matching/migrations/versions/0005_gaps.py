"""Unmet requests for the gap report.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create gap."""
    op.create_table(
        "gap",
        sa.Column("request_id", sa.String(128), primary_key=True),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("kommune", sa.String(80), nullable=False),
        sa.Column("module", sa.String(4), nullable=False),
        sa.Column("stage", sa.String(20), nullable=False),
        sa.Column("target_language_level", sa.String(8), nullable=True),
        sa.Column("gap_reasons", sa.JSON(), nullable=False),
    )
    op.create_index("ix_gap_requested_on", "gap", ["requested_on"])


def downgrade() -> None:
    """Drop it again."""
    op.drop_index("ix_gap_requested_on", table_name="gap")
    op.drop_table("gap")
