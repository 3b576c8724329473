"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
"""

import sqlalchemy as sa
from alembic import op
${imports if imports else ""}
revision = ${repr(up_revision)}
down_revision: str | None = ${repr(down_revision)}
branch_labels: str | None = ${repr(branch_labels)}
depends_on: str | None = ${repr(depends_on)}


def upgrade() -> None:
    """TODO: say why this change is needed."""
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    """Undo `upgrade`."""
    ${downgrades if downgrades else "pass"}
