"""An example provider client for Kette: only the public doors (Kafka, webhooks, REST)."""
