"""Providers and API keys, referrals with participant facts, accepted reports.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create provider, api_key, referral, participant_facts and report."""
    op.create_table(
        "provider",
        sa.Column("provider_id", sa.String(63), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("revoked_at", _WHEN, nullable=True),
    )
    op.create_table(
        "api_key",
        sa.Column("key_id", sa.String(32), primary_key=True),
        sa.Column(
            "provider_id", sa.String(63), sa.ForeignKey("provider.provider_id"), nullable=False
        ),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("revoked_at", _WHEN, nullable=True),
    )
    op.create_index("ix_api_key_provider_id", "api_key", ["provider_id"])
    op.create_table(
        "referral",
        sa.Column("referral_id", sa.String(200), primary_key=True),
        sa.Column("provider_id", sa.String(63), nullable=False),
        sa.Column("participant_id", sa.String(200), nullable=False),
        sa.Column("offer_id", sa.String(200), nullable=False),
        sa.Column("stage", sa.String(20), nullable=False),
        sa.Column("module", sa.String(4), nullable=False),
        sa.Column("response_due", sa.Date(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("issued", sa.Boolean(), nullable=False),
        sa.Column("updated_at", _WHEN, nullable=False),
    )
    op.create_index("ix_referral_provider_id", "referral", ["provider_id"])
    op.create_index("ix_referral_participant_id", "referral", ["participant_id"])
    op.create_table(
        "participant_facts",
        sa.Column("participant_id", sa.String(200), primary_key=True),
        sa.Column("language_level", sa.String(8), nullable=True),
        sa.Column("childcare_needed", sa.Boolean(), nullable=False),
        sa.Column("sharing", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "report",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("provider_id", sa.String(63), nullable=False),
        sa.Column("provider_report_id", sa.String(200), nullable=False),
        sa.Column("referral_id", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("received_at", _WHEN, nullable=False),
        sa.UniqueConstraint("provider_id", "provider_report_id", name="uq_report_id"),
    )
    op.create_index("ix_report_referral_id", "report", ["referral_id"])


def downgrade() -> None:
    """Drop them again."""
    op.drop_index("ix_report_referral_id", table_name="report")
    op.drop_table("report")
    op.drop_table("participant_facts")
    op.drop_index("ix_referral_participant_id", table_name="referral")
    op.drop_index("ix_referral_provider_id", table_name="referral")
    op.drop_table("referral")
    op.drop_index("ix_api_key_provider_id", table_name="api_key")
    op.drop_table("api_key")
    op.drop_table("provider")
