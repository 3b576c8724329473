"""Consents, the history of recorded changes, and the tombstones of erased participants.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create the tables of data-subject rights and change events."""
    op.create_table(
        "consents",
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("participant_id", sa.String(80), nullable=False),
        sa.Column("scope", sa.String(40), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("text_version", sa.String(64), nullable=False),
        sa.Column("recorded_by", sa.String(80), nullable=False),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.Column("withdrawn_by", sa.String(80), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_consents_participant_id", "consents", ["participant_id"])
    op.create_table(
        "participant_changes",
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("participant_id", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("new_values", sa.JSON(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(80), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_participant_changes_participant_id", "participant_changes", ["participant_id"]
    )
    op.create_table(
        "erasures",
        sa.Column("participant_id", sa.String(80), primary_key=True),
        sa.Column("ki_id", sa.String(64), nullable=False),
        sa.Column("kommune", sa.String(120), nullable=False),
        sa.Column("programme_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("erased_on", sa.Date(), nullable=False),
        sa.Column("ground", sa.String(40), nullable=False),
        sa.Column("erased_by", sa.String(80), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_erasures_kommune", "erasures", ["kommune"])


def downgrade() -> None:
    """Drop them again."""
    op.drop_index("ix_erasures_kommune", table_name="erasures")
    op.drop_table("erasures")
    op.drop_index("ix_participant_changes_participant_id", table_name="participant_changes")
    op.drop_table("participant_changes")
    op.drop_index("ix_consents_participant_id", table_name="consents")
    op.drop_table("consents")
