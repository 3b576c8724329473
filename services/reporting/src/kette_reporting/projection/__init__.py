"""Projections: every domain topic read into the reporting database.

Public functions, for the API, the dashboard and the audit CLI:

- `apply.rows_for(event) -> list[Row]`: pure, an event's row changes (insert-only facts).
- `store.ProjectionStore(engine)`: writes a batch's rows and its consumed offsets in ONE
  transaction (`write_batch`), and reads the offsets back (`offsets`).
- `projector.Projector(store)`: decodes raw records, keeps unknown or newer event types
  as `unreadable` rows (never crashes on them), and writes each batch.
- `rebuild.rebuild(records, database_url)`: a fresh projection database from any iterable
  of records (e.g. the audit's export), and `rebuild.rebuild_from_kafka(...)` from offset 0.
- `consumer.ProjectionConsumer`: the live loop, which resumes from the stored offsets.

Facts are insert-only and keyed by the event's ce_id, so applying the same records in any
interleaving of partitions, or twice, leaves the same rows; the figures derive state from
them (`kette_reporting.figures`).
"""
