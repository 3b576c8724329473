"""Place holds per referral; an offer never counts more places taken than it has.

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
    """Create place_hold; guard offer's counter against overbooking (batch mode for SQLite)."""
    op.create_table(
        "place_hold",
        sa.Column("referral_id", sa.String(128), primary_key=True),
        sa.Column("offer_id", sa.String(128), nullable=True),
        sa.Column("participant_id", sa.String(80), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("reason", sa.String(40), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_place_hold_offer_id", "place_hold", ["offer_id"])
    with op.batch_alter_table("offer") as offer:
        offer.create_check_constraint(
            "ck_offer_places_taken_within_capacity", "places_taken <= capacity"
        )


def downgrade() -> None:
    """Drop them again."""
    with op.batch_alter_table("offer") as offer:
        offer.drop_constraint("ck_offer_places_taken_within_capacity", type_="check")
    op.drop_index("ix_place_hold_offer_id", table_name="place_hold")
    op.drop_table("place_hold")
