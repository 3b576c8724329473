"""Providers' enrolment reports per referral.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create enrolment."""
    op.create_table(
        "enrolment",
        sa.Column("referral_id", sa.String(128), primary_key=True),
        sa.Column("participant_id", sa.String(80), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_enrolment_state", "enrolment", ["state"])


def downgrade() -> None:
    """Drop it again."""
    op.drop_index("ix_enrolment_state", table_name="enrolment")
    op.drop_table("enrolment")
