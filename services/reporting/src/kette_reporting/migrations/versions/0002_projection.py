"""The projection's fact tables, the unreadable records and the consumed offsets.

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
    """Create the insert-only fact tables, unreadable and consumed_offset."""
    op.create_table(
        "approach",
        sa.Column("ce_id", sa.String(length=200), nullable=False),
        sa.Column("participant_id", sa.String(length=80), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kommune", sa.String(length=80), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=64), nullable=False),
        sa.Column("age_band", sa.String(length=64), nullable=True),
        sa.Column("gender", sa.String(length=64), nullable=True),
        sa.Column("residence_status", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("ce_id"),
    )
    with op.batch_alter_table("approach", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_approach_participant_id"), ["participant_id"], unique=False
        )

    op.create_table(
        "consumed_offset",
        sa.Column("topic", sa.String(length=249), nullable=False),
        sa.Column("partition", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("next_offset", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("topic", "partition"),
    )
    op.create_table(
        "dead_letter",
        sa.Column("ce_id", sa.String(length=200), nullable=False),
        sa.Column("participant_id", sa.String(length=80), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("original_topic", sa.String(length=249), nullable=False),
        sa.Column("original_partition", sa.Integer(), nullable=False),
        sa.Column("original_offset", sa.BigInteger(), nullable=False),
        sa.Column("consumer_group", sa.String(length=249), nullable=False),
        sa.Column("original_ce_type", sa.String(length=200), nullable=True),
        sa.Column("original_ce_id", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.String(length=2000), nullable=False),
        sa.Column("value_sha256", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("ce_id"),
    )
    with op.batch_alter_table("dead_letter", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dead_letter_participant_id"), ["participant_id"], unique=False
        )

    op.create_table(
        "gap",
        sa.Column("ce_id", sa.String(length=200), nullable=False),
        sa.Column("participant_id", sa.String(length=80), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("request_id", sa.String(length=128), nullable=False),
        sa.Column("kommune", sa.String(length=80), nullable=False),
        sa.Column("stage", sa.String(length=64), nullable=False),
        sa.Column("module", sa.String(length=64), nullable=False),
        sa.Column("reasons", sa.String(length=400), nullable=False),
        sa.PrimaryKeyConstraint("ce_id"),
    )
    with op.batch_alter_table("gap", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gap_participant_id"), ["participant_id"], unique=False)

    op.create_table(
        "milestone",
        sa.Column("ce_id", sa.String(length=200), nullable=False),
        sa.Column("participant_id", sa.String(length=80), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("stage", sa.String(length=64), nullable=True),
        sa.Column("module", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.String(length=64), nullable=True),
        sa.Column("value", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("ce_id"),
    )
    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_milestone_participant_id"), ["participant_id"], unique=False
        )

    op.create_table(
        "pii_read",
        sa.Column("ce_id", sa.String(length=200), nullable=False),
        sa.Column("participant_id", sa.String(length=80), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("actor_role", sa.String(length=64), nullable=False),
        sa.Column("actor_id", sa.String(length=80), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("fields", sa.String(length=400), nullable=False),
        sa.Column("via_service", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("ce_id"),
    )
    with op.batch_alter_table("pii_read", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pii_read_participant_id"), ["participant_id"], unique=False
        )

    op.create_table(
        "referral",
        sa.Column("ce_id", sa.String(length=200), nullable=False),
        sa.Column("participant_id", sa.String(length=80), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("referral_id", sa.String(length=128), nullable=False),
        sa.Column("provider_id", sa.String(length=64), nullable=False),
        sa.Column("offer_id", sa.String(length=128), nullable=False),
        sa.Column("stage", sa.String(length=64), nullable=False),
        sa.Column("module", sa.String(length=64), nullable=False),
        sa.Column("response_due", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("ce_id"),
    )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referral_participant_id"), ["participant_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_referral_referral_id"), ["referral_id"], unique=False)

    op.create_table(
        "referral_report",
        sa.Column("ce_id", sa.String(length=200), nullable=False),
        sa.Column("participant_id", sa.String(length=80), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("referral_id", sa.String(length=128), nullable=False),
        sa.Column("provider_id", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=True),
        sa.Column("attended_hours", sa.Float(), nullable=True),
        sa.Column("planned_hours", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("ce_id"),
    )
    with op.batch_alter_table("referral_report", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referral_report_participant_id"), ["participant_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_referral_report_referral_id"), ["referral_id"], unique=False
        )

    op.create_table(
        "registration",
        sa.Column("ce_id", sa.String(length=200), nullable=False),
        sa.Column("participant_id", sa.String(length=80), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("ki_id", sa.String(length=64), nullable=False),
        sa.Column("kommune", sa.String(length=80), nullable=False),
        sa.Column("programme_id", sa.String(length=64), nullable=False),
        sa.Column("age_band", sa.String(length=64), nullable=False),
        sa.Column("gender", sa.String(length=64), nullable=False),
        sa.Column("residence_status", sa.String(length=64), nullable=False),
        sa.Column("language_level", sa.String(length=64), nullable=False),
        sa.Column("activity", sa.String(length=64), nullable=False),
        sa.Column("goal_stage", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("ce_id"),
    )
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registration_participant_id"), ["participant_id"], unique=False
        )

    op.create_table(
        "unreadable",
        sa.Column("topic", sa.String(length=249), nullable=False),
        sa.Column("partition", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("offset", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("ce_type", sa.String(length=200), nullable=True),
        sa.Column("ce_id", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.String(length=2000), nullable=False),
        sa.Column("value_sha256", sa.String(length=64), nullable=False),
        sa.Column("value_size", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("topic", "partition", "offset"),
    )


def downgrade() -> None:
    """Undo `upgrade`."""
    op.drop_table("unreadable")
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registration_participant_id"))

    op.drop_table("registration")
    with op.batch_alter_table("referral_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_report_referral_id"))
        batch_op.drop_index(batch_op.f("ix_referral_report_participant_id"))

    op.drop_table("referral_report")
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_referral_id"))
        batch_op.drop_index(batch_op.f("ix_referral_participant_id"))

    op.drop_table("referral")
    with op.batch_alter_table("pii_read", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pii_read_participant_id"))

    op.drop_table("pii_read")
    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_milestone_participant_id"))

    op.drop_table("milestone")
    with op.batch_alter_table("gap", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gap_participant_id"))

    op.drop_table("gap")
    with op.batch_alter_table("dead_letter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dead_letter_participant_id"))

    op.drop_table("dead_letter")
    op.drop_table("consumed_offset")
    with op.batch_alter_table("approach", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_approach_participant_id"))

    op.drop_table("approach")
