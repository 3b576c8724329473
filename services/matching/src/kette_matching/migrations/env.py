"""Alembic environment of the matching database; import the service's table modules here."""

from kette_core.migrations import run_migrations
from kette_matching.allocation import tables as allocation_tables  # noqa: F401  (rounds)
from kette_matching.catalogue import tables  # noqa: F401  (registers provider and offer)
from kette_matching.gaps import tables as gap_tables  # noqa: F401  (gap)
from kette_matching.matching import tables as answer_tables  # noqa: F401  (match_answer)
from kette_matching.participants import tables as fact_tables  # noqa: F401  (facts)
from kette_matching.places import tables as place_tables  # noqa: F401  (place_hold, enrolment)

run_migrations(service="matching")
