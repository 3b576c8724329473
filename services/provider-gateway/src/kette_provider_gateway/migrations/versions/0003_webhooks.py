"""Webhook endpoints and the delivery log.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create webhook and webhook_delivery."""
    op.create_table(
        "webhook",
        sa.Column("provider_id", sa.String(63), primary_key=True),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("secret", sa.String(100), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
    )
    op.create_table(
        "webhook_delivery",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("provider_id", sa.String(63), nullable=False),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _WHEN, nullable=False),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(200), nullable=True),
        sa.Column("delivered_at", _WHEN, nullable=True),
        sa.UniqueConstraint("provider_id", "event_id", name="uq_delivery_event"),
    )
    op.create_index("ix_webhook_delivery_provider_id", "webhook_delivery", ["provider_id"])


def downgrade() -> None:
    """Drop them again."""
    op.drop_index("ix_webhook_delivery_provider_id", table_name="webhook_delivery")
    op.drop_table("webhook_delivery")
    op.drop_table("webhook")
