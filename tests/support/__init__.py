"""Builders shared by every test layer and the benchmarks (the repo root is on their path)."""
