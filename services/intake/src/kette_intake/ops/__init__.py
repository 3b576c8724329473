"""Operating the service: health, readiness and metrics."""
