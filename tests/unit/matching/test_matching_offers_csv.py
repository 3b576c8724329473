"""Offers as CSV: what is exported reads back the same; each bad cell is named."""

from __future__ import annotations

import pytest
from matching_builders import TODAY

from kette_matching.catalogue.csv_io import offers_to_csv, read_offers_csv
from kette_matching.catalogue.rules import OfferDraft
from kette_matching.catalogue.seed import seed_catalogue

pytestmark = pytest.mark.unit

HEADER = "offer_id;provider_id;module;stage;title;kommune;starts_on;capacity;childcare;age_bands"


def test_every_seed_offer_reads_back_from_its_csv_as_the_same_draft() -> None:
    offers = seed_catalogue(TODAY).offers

    drafts, problems = read_offers_csv(offers_to_csv(offers))

    assert problems == []
    assert [draft for _, draft in drafts] == [
        OfferDraft.model_validate(o.model_dump(mode="json", exclude={"places_taken"}))
        for o in offers
    ]
    assert [line for line, _ in drafts] == list(range(2, len(offers) + 2))


def test_german_dates_decimal_commas_and_yes_no_are_understood() -> None:
    text = (
        "offer_id,provider_id,module,stage,title,starts_on,capacity,childcare,"
        "cost_per_teaching_hour_eur\n"
        'neu,vhs-unna,F4,language,Kurs,13.04.2026,12,ja,"37,50"\n'
    )

    [(line, draft)], problems = read_offers_csv(text)

    assert problems == []
    assert (line, str(draft.starts_on), draft.childcare) == (2, "2026-04-13", True)
    assert draft.cost_per_teaching_hour_eur == 37.5


def test_each_unreadable_row_is_named_by_line_column_and_reason_and_the_rest_read() -> None:
    text = "\n".join(
        [
            HEADER,
            "a;vhs-unna;F4;language;Kurs;Unna;2026-04-13;12;nein;",
            "b;vhs-unna;F4;language;Kurs;Unna;31.02.2026;12;nein;",
            "c;vhs-unna;F4;language;Kurs;Unna;2026-04-13;zwölf;nein;",
            "d;vhs-unna;F4;language;Kurs;Unna;2026-04-13;12;vielleicht;",
            "e;vhs-unna;F4;language;Kurs;Unna;2026-04-13;12;ja;18-20|21-23",
        ]
    )

    drafts, problems = read_offers_csv(text)

    assert [draft.offer_id for _, draft in drafts] == ["a", "e"]
    assert drafts[1][1].age_bands == ["18-20", "21-23"]
    assert [(p.line, p.column, p.reason) for p in problems] == [
        (3, "starts_on", "not_a_date"),
        (4, "capacity", "int_parsing"),
        (5, "childcare", "not_yes_no"),
    ]


def test_a_header_with_an_unknown_or_missing_column_imports_nothing() -> None:
    drafts, problems = read_offers_csv("offer_id;provider_id;module;stage;titel;capacity\n")

    assert drafts == []
    assert [(p.line, p.column, p.reason) for p in problems] == [
        (1, "titel", "unknown_column"),
        (1, "title", "missing_column"),
    ]
