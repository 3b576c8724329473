"""Participants (personal data encrypted), idempotency keys and caseworker accounts.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create intake's own tables."""
    op.create_table(
        "participants",
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("ki_id", sa.String(64), nullable=False),
        sa.Column("kommune", sa.String(120), nullable=False),
        sa.Column("programme_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("profile", sa.JSON(), nullable=False),
        sa.Column("blind_index", sa.String(64), nullable=False),
        sa.Column("kek_id", sa.String(40), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.Column("personal_data", sa.LargeBinary(), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_participants_kommune", "participants", ["kommune"])
    op.create_index("ix_participants_blind_index", "participants", ["blind_index"])
    op.create_table(
        "idempotency_keys",
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("participant_id", sa.String(80), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "accounts",
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("username", sa.String(120), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("kommunen", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    """Drop them again."""
    op.drop_table("accounts")
    op.drop_table("idempotency_keys")
    op.drop_index("ix_participants_blind_index", table_name="participants")
    op.drop_index("ix_participants_kommune", table_name="participants")
    op.drop_table("participants")
