"""The base of the gateway's tables: a MetaData of its own.

Matching also has tables named `provider` and `participant_facts`; each service owns its
database, and with separate metadata both can be imported into one process (tests, bench).
"""

from __future__ import annotations

from sqlalchemy.orm import registry
from sqlmodel import SQLModel


class GatewayTable(SQLModel, registry=registry()):
    """Inherit with `table=True` for a table of the gateway's database."""
