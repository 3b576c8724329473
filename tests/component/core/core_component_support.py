"""Shared pieces of the kette-core component tests."""

from __future__ import annotations

import sqlalchemy as sa

EFFECTS = sa.Table(
    "test_effects",
    sa.MetaData(),
    sa.Column("ce_id", sa.String(200), primary_key=True),
    sa.Column("participant_id", sa.String(80), nullable=False),
)
"""A business table: one row per applied event, so duplicates would show."""
