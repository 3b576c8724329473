"""Webhooks for providers without Kafka: the same events, signed, retried, logged."""
