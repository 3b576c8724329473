"""Days in requests are ISO dates (YYYY-MM-DD) and nothing else: pydantic's lax mode would
read a JSON number as seconds since 1970 and store a day nobody entered."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from kette_core.contracts.base import EventDate

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def iso_day_only(value: Any) -> Any:
    """Pass a day, an ISO day string or None on to pydantic; refuse numbers and other text."""
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        return value
    raise PydanticCustomError("date_type", "Input should be a date as YYYY-MM-DD")


ISO_DAY = BeforeValidator(iso_day_only)
"""Add to a date field's annotation (`Annotated[date | None, ISO_DAY]`) to make it strict."""
RequestDate = Annotated[date, ISO_DAY]
"""A day as a request gives it."""
RequestEventDate = Annotated[EventDate, ISO_DAY]
"""A day within the programme's plausible range, as a request gives it."""
