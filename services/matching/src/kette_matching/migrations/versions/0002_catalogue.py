"""Providers and offers of the catalogue; the answers given, explained.

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
    """Create provider, offer and match_answer; frozen, a later change is a new revision."""
    op.create_table(
        "provider",
        sa.Column("provider_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("modules", sa.JSON(), nullable=False),
        sa.Column("kommune", sa.String(80), nullable=True),
        sa.Column("contact", sa.String(300), nullable=True),
    )
    op.create_table(
        "offer",
        sa.Column("offer_id", sa.String(128), primary_key=True),
        sa.Column(
            "provider_id", sa.String(64), sa.ForeignKey("provider.provider_id"), nullable=False
        ),
        sa.Column("module", sa.String(4), nullable=False),
        sa.Column("stage", sa.String(20), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("kommune", sa.String(80), nullable=True),
        sa.Column("address", sa.String(300), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("rolling_entry", sa.Boolean(), nullable=False),
        sa.Column("time_model", sa.String(20), nullable=False),
        sa.Column("schedule", sa.String(200), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("places_taken", sa.Integer(), nullable=False),
        sa.Column("language_level_required", sa.String(8), nullable=False),
        sa.Column("language_level_reached", sa.String(8), nullable=True),
        sa.Column("entry_requirements", sa.String(500), nullable=True),
        sa.Column("childcare", sa.Boolean(), nullable=False),
        sa.Column("public_transport", sa.Boolean(), nullable=False),
        sa.Column("cost_per_teaching_hour_eur", sa.Float(), nullable=True),
        sa.Column("involves_employment", sa.Boolean(), nullable=False),
        sa.Column("women_only", sa.Boolean(), nullable=False),
        sa.Column("age_bands", sa.JSON(), nullable=False),
        sa.CheckConstraint("capacity >= 0", name="ck_offer_capacity_not_negative"),
        sa.CheckConstraint("places_taken >= 0", name="ck_offer_places_taken_not_negative"),
    )
    op.create_index("ix_offer_module", "offer", ["module"])
    op.create_table(
        "match_answer",
        sa.Column("request_id", sa.String(128), primary_key=True),
        sa.Column("participant_id", sa.String(80), nullable=False),
        sa.Column("event_id", sa.String(200), nullable=False),
        sa.Column("ce_type", sa.String(200), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("explained", sa.JSON(), nullable=False),
    )
    op.create_index("ix_match_answer_participant_id", "match_answer", ["participant_id"])


def downgrade() -> None:
    """Drop them again."""
    op.drop_index("ix_match_answer_participant_id", table_name="match_answer")
    op.drop_table("match_answer")
    op.drop_index("ix_offer_module", table_name="offer")
    op.drop_table("offer")
    op.drop_table("provider")
