"""Benchmarks of Kette's paths against bare baselines: `python -m bench` (or `make bench`)."""
