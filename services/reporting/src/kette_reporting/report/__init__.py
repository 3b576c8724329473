"""The state report (Sachbericht figures) for a period, in four formats, byte for byte stable.

For the API and the audit CLI:

- `service.state_report(engine, period, as_of=None, kommune=None, threshold=5) -> StateReport`
  (async: reads the projection, computes, suppresses small cells).
- `service.render(report, "csv" | "xlsx" | "html" | "pdf") -> bytes`.
- `service.report_bytes(engine, period, fmt, ...)`: both in one call.

Nothing in the output depends on the clock: the "Datenstand" is the as-of date, or the day
of the latest event the report saw; the same history gives the same bytes.
"""
