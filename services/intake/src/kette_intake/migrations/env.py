"""Alembic environment of the intake database; import the service's table modules here."""

from kette_core.migrations import run_migrations
from kette_intake.auth import models as _accounts  # noqa: F401  (registers the tables)
from kette_intake.participants import change_models as _changes  # noqa: F401
from kette_intake.participants import models as _participants  # noqa: F401
from kette_intake.rights import models as _erasures  # noqa: F401

run_migrations(service="intake")
