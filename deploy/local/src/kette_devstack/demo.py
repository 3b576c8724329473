"""`python -m kette_devstack.demo`: make sure the stack runs and show where to look."""

import sys

from rich.console import Console
from rich.table import Table

from kette_devstack import kafka_admin, topics
from kette_devstack.blocking import run_blocking
from kette_devstack.errors import StackError
from kette_devstack.stack import DEFAULT_UP, Stack


def main() -> int:
    """Start (or reuse) Kafka and Temporal, then print their URLs and the topics."""
    console = Console(highlight=False)
    stack = Stack.from_settings()
    try:
        for part in stack.parts(DEFAULT_UP):
            with console.status(f"{part.name}: checking") as spinner:
                part.start(progress=spinner.update)
        present = run_blocking(lambda: kafka_admin.list_topics(stack.kafka.connection()))
    except StackError as exc:
        console.print(f"[bold red]error:[/] {exc.cause}", soft_wrap=True)
        console.print(f"[bold]fix:[/]   {exc.fix}", soft_wrap=True)
        return 1
    table = Table(title="Kette local stack", show_header=False)
    table.add_row("Temporal Web UI", stack.temporal.config.ui_url)
    table.add_row("Temporal frontend", f"{stack.temporal.address} (namespace default)")
    table.add_row("Kafka bootstrap", f"{stack.kafka.bootstrap} ({stack.kafka.security})")
    table.add_row("Domain topics", "\n".join(t for t in topics.DOMAIN_TOPICS if t in present))
    provider_topics = sorted(t for t in present if t.startswith("provider."))
    table.add_row("Provider topics", "\n".join(provider_topics) or "-")
    console.print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
