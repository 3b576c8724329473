"""Alembic migrations of this service's database."""
