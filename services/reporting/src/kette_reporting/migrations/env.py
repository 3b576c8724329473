"""Alembic environment of the reporting database; import the service's table modules here."""

from kette_core.migrations import run_migrations
from kette_reporting.projection import tables  # noqa: F401  (registers the projection)

run_migrations(service="reporting")
