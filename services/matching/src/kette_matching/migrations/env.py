"""Alembic environment of the matching database; import the service's table modules here."""

from kette_core.migrations import run_migrations

run_migrations(service="matching")
