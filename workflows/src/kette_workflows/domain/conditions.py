"""A tiny condition language, so programme rules live in data files and not in `if`s."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated, Any, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    SerializerFunctionWrapHandler,
    Tag,
    model_serializer,
    model_validator,
)

from kette_core.contracts.vocabulary import LanguageLevel, language_rank

FactValue = str | bool | None
Facts = Mapping[str, FactValue]

_CONFIG = ConfigDict(
    extra="forbid",
    frozen=True,
    validate_by_name=True,
    validate_by_alias=True,
    serialize_by_alias=True,
)


class FieldCondition(BaseModel):
    """Compares one fact: `equals`, `in` or `at_least` (CEFR order), exactly one of them."""

    model_config = _CONFIG

    field: str
    equals: FactValue = None
    in_: list[FactValue] | None = Field(default=None, alias="in")
    at_least: LanguageLevel | None = None

    @model_validator(mode="after")
    def _exactly_one_operator(self) -> Self:
        """A condition with no or two operators is ambiguous to the reader of the data file."""
        given = {"equals", "in_", "at_least"} & self.model_fields_set
        if len(given) != 1:
            raise ValueError(f"condition on {self.field!r} needs exactly one of equals/in/at_least")
        return self

    @model_serializer(mode="wrap")
    def _only_the_operator_given(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """`equals: null` is a real test, so unset operators must not be written out as null."""
        data: dict[str, Any] = handler(self)
        given = {"in" if name == "in_" else name for name in self.model_fields_set}
        return {key: value for key, value in data.items() if key == "field" or key in given}

    def holds(self, facts: Facts) -> bool:
        """Evaluate against the facts; an unknown fact is a programming error, not False."""
        value = facts[self.field]
        if "equals" in self.model_fields_set:
            return value == self.equals
        if self.in_ is not None:
            return value in self.in_
        if self.at_least is None or not isinstance(value, str):
            return False
        return language_rank(LanguageLevel(value)) >= language_rank(self.at_least)


class AllCondition(BaseModel):
    """Every sub-condition holds."""

    model_config = _CONFIG

    all: list[Condition]

    def holds(self, facts: Facts) -> bool:
        """Conjunction; an empty list holds."""
        return all(condition.holds(facts) for condition in self.all)


class AnyCondition(BaseModel):
    """At least one sub-condition holds."""

    model_config = _CONFIG

    any: list[Condition]

    def holds(self, facts: Facts) -> bool:
        """Disjunction; an empty list does not hold."""
        return any(condition.holds(facts) for condition in self.any)


class NotCondition(BaseModel):
    """The sub-condition does not hold."""

    model_config = _CONFIG

    not_: Condition = Field(alias="not")

    def holds(self, facts: Facts) -> bool:
        """Negation."""
        return not self.not_.holds(facts)


def _condition_kind(value: Any) -> str:
    """Tell the condition forms apart by their key, which also keeps error messages short."""
    if isinstance(value, BaseModel):
        return type(value).__name__
    keys = set(value) if isinstance(value, dict) else set()
    for key, kind in (("all", "AllCondition"), ("any", "AnyCondition"), ("not", "NotCondition")):
        if key in keys:
            return kind
    return "FieldCondition"


Condition = Annotated[
    Annotated[FieldCondition, Tag("FieldCondition")]
    | Annotated[AllCondition, Tag("AllCondition")]
    | Annotated[AnyCondition, Tag("AnyCondition")]
    | Annotated[NotCondition, Tag("NotCondition")],
    Discriminator(_condition_kind),
]

for _model in (AllCondition, AnyCondition, NotCondition):
    _model.model_rebuild()


def holds(condition: Condition | None, facts: Facts) -> bool:
    """A missing condition means 'always', which keeps default rules short in the data."""
    return True if condition is None else condition.holds(facts)


def fields_used(condition: Condition | None) -> Iterator[str]:
    """Every fact a condition reads, so a programme with a typo fails when loaded."""
    if condition is None:
        return
    if isinstance(condition, FieldCondition):
        yield condition.field
    elif isinstance(condition, AllCondition):
        for sub in condition.all:
            yield from fields_used(sub)
    elif isinstance(condition, AnyCondition):
        for sub in condition.any:
            yield from fields_used(sub)
    else:
        yield from fields_used(condition.not_)
