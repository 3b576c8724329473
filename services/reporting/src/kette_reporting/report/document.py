"""A state report ready to render: suppressed tables and the facts about the report itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kette_reporting.figures.compute import Figures
from kette_reporting.figures.suppression import Shown
from kette_reporting.report.position import KafkaPosition, format_offsets

HIDDEN = "."
"""What a suppressed cell shows (Destatis: „Zahlenwert unbekannt oder geheim zu halten")."""
LEGEND = f"{HIDDEN} = Wert gesperrt (weniger als {{threshold}} Personen oder daraus rückrechenbar)"


@dataclass(frozen=True)
class StateReport:
    """The figures of one period (and Kommune) as they may leave the KI."""

    period_code: str
    period_label: str
    kommune: str | None
    data_as_of: date | None
    threshold: int
    tables: tuple[Shown, ...]
    unreadable: int
    dead_letters: int
    offsets: KafkaPosition = ()
    """Where the projection stood in each partition when the report was made (empty for a
    report of facts not read from a projection): `kette audit as-of --offsets` rebuilds it."""

    @property
    def title(self) -> str:
        where = f" – {self.kommune}" if self.kommune else ""
        return f"Sachbericht Durchstarten{where}: {self.period_label}"

    @property
    def legend(self) -> str:
        return LEGEND.format(threshold=self.threshold)

    @property
    def stand(self) -> str:
        """`Datenstand: 31.12.2025`, or that there were no events."""
        if self.data_as_of is None:
            return "Datenstand: keine Ereignisse"
        return f"Datenstand: {self.data_as_of:%d.%m.%Y}"

    @property
    def kafka_stand(self) -> str:
        """`Kafka-Stand: topic:partition=next-offset ...`, or empty without offsets."""
        if not self.offsets:
            return ""
        return "Kafka-Stand: " + format_offsets(self.offsets)

    def table(self, key: str) -> Shown:
        for table in self.tables:
            if table.key == key:
                return table
        raise KeyError(key)


def build(
    figures: Figures,
    tables: tuple[Shown, ...],
    threshold: int,
    data_as_of: date | None,
    offsets: KafkaPosition = (),
) -> StateReport:
    """The figures' tables as suppressed at `threshold`, wrapped with the report's facts."""
    return StateReport(
        figures.period.code,
        figures.period.label_de,
        figures.kommune,
        data_as_of,
        threshold,
        tables,
        figures.unreadable,
        figures.dead_letters,
        offsets,
    )


def cell_text(value: int | float | None) -> str:
    """German number formatting; hidden cells as the legend's sign."""
    if value is None:
        return HIDDEN
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
