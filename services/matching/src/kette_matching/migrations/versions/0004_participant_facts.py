"""Age band and gender category per participant, for offers' limits.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create participant_facts."""
    op.create_table(
        "participant_facts",
        sa.Column("participant_id", sa.String(80), primary_key=True),
        sa.Column("age_band", sa.String(30), nullable=False),
        sa.Column("gender", sa.String(20), nullable=False),
    )


def downgrade() -> None:
    """Drop it again."""
    op.drop_table("participant_facts")
