"""Figures for the state report and the dashboard: pure functions over the projection.

- `facts.load_facts(engine, as_of=None) -> Facts`: the projection's rows as plain values,
  only events up to the end of `as_of` (a date, Berlin time), sorted deterministically.
- `period.Period.parse("2025" | "2025-H1" | "2025-Q3" | "2025-04" | "2025-01-01..2025-06-30")`.
- `compute.compute(facts, period, kommune=None) -> Figures`: every table of the report.
- `suppression.protect(table, threshold)`: small cells hidden, with secondary suppression.
"""
