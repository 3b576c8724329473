"""The fact tables' participant and referral indexes go: no query of the service uses them.

Figures read whole tables, and the audit finds a participant's history on Kafka, not here;
every index costs each live insert and a rebuild's finish (a second of a million events).

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None

UNUSED = (
    ("approach", "participant_id"),
    ("dead_letter", "participant_id"),
    ("gap", "participant_id"),
    ("milestone", "participant_id"),
    ("pii_read", "participant_id"),
    ("referral", "participant_id"),
    ("referral", "referral_id"),
    ("referral_report", "participant_id"),
    ("referral_report", "referral_id"),
    ("registration", "participant_id"),
)


def upgrade() -> None:
    """Drop the unused indexes."""
    for table, column in UNUSED:
        op.drop_index(f"ix_{table}_{column}", table_name=table)


def downgrade() -> None:
    """Build them again."""
    for table, column in UNUSED:
        op.create_index(f"ix_{table}_{column}", table, [column], unique=False)
