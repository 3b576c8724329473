"""Alembic environment of the provider-gateway database; import the service's table modules here."""

from kette_core.migrations import run_migrations
from kette_provider_gateway.providers import tables  # noqa: F401  (provider, api_key)
from kette_provider_gateway.referrals import tables as referral_tables  # noqa: F401
from kette_provider_gateway.reports import tables as report_tables  # noqa: F401  (report)
from kette_provider_gateway.webhooks import tables as webhook_tables  # noqa: F401

run_migrations(service="provider-gateway")
