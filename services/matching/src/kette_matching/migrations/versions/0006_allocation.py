"""Open requests and place reservations of the allocation rounds.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create open_request and place_reservation."""
    op.create_table(
        "open_request",
        sa.Column("request_id", sa.String(128), primary_key=True),
        sa.Column("participant_id", sa.String(80), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
    )
    op.create_table(
        "place_reservation",
        sa.Column("request_id", sa.String(128), primary_key=True),
        sa.Column("participant_id", sa.String(80), nullable=False),
        sa.Column("offer_id", sa.String(128), nullable=False),
        sa.Column("reserved_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
    )
    op.create_index("ix_place_reservation_offer_id", "place_reservation", ["offer_id"])
    op.create_index("ix_place_reservation_expires_on", "place_reservation", ["expires_on"])


def downgrade() -> None:
    """Drop them again."""
    op.drop_index("ix_place_reservation_expires_on", table_name="place_reservation")
    op.drop_index("ix_place_reservation_offer_id", table_name="place_reservation")
    op.drop_table("place_reservation")
    op.drop_table("open_request")
