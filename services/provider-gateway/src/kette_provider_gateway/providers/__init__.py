"""Providers, their API keys and their Kafka topics."""
