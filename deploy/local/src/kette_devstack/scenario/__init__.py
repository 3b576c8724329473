"""A scenario driver for the demo: a Kreis Unna cohort, and a player standing in for matching,
the providers and the caseworkers until those services exist."""
