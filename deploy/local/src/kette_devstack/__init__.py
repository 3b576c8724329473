"""Local development stack: Kafka, Temporal and PostgreSQL managed as plain processes."""
