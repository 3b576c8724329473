"""Sealing personal data per participant, the blind index, and bearer tokens."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta

import pytest
from cryptography.exceptions import InvalidTag

from kette_core.contracts.vocabulary import ActorRole
from kette_intake.auth.principal import Principal
from kette_intake.auth.tokens import InvalidToken, TokenSigner
from kette_intake.crypto import BlindIndex, PersonalDataSealer, SealedData
from kette_intake.crypto.blind_index import normalise_name

pytestmark = pytest.mark.unit

KEK = os.urandom(32)
ANNA = Principal("cw-4b1d2c", ActorRole.CASEWORKER, ("Kamen",))


def test_sealed_data_opens_only_for_its_participant_and_its_key_encryption_key() -> None:
    sealer = PersonalDataSealer(KEK, "kek-1")
    sealed = sealer.seal("p-aaaaaaaa-1", b'{"family_name": "Haddad"}')

    assert b"Haddad" not in sealed.ciphertext + sealed.wrapped_key
    assert sealer.open("p-aaaaaaaa-1", sealed) == b'{"family_name": "Haddad"}'
    with pytest.raises(InvalidTag):
        sealer.open("p-bbbbbbbb-2", sealed)  # a row copied onto another participant
    with pytest.raises(InvalidTag):
        PersonalDataSealer(os.urandom(32), "kek-1").open("p-aaaaaaaa-1", sealed)
    with pytest.raises(LookupError):
        sealer.open("p-aaaaaaaa-1", SealedData(sealed.ciphertext, sealed.wrapped_key, "kek-0"))


def test_each_participant_gets_a_data_key_of_their_own() -> None:
    sealer = PersonalDataSealer(KEK, "kek-1")
    first, second = (sealer.seal("p-aaaaaaaa-1", b"same") for _ in range(2))
    assert first.wrapped_key != second.wrapped_key
    assert first.ciphertext != second.ciphertext


def test_the_blind_index_ignores_case_accents_and_spacing_but_not_the_key_or_date() -> None:
    index = BlindIndex(KEK, "ki-kreis-unna")
    born = date(2004, 7, 19)

    assert normalise_name("  Müller-Lüdenscheidt ") == "muller ludenscheidt"
    assert index.of("Amina", "Haddad", born) == index.of(" AMÍNA", "haddad ", born)
    assert index.of("Amina", "Haddad", born) != index.of("Amina", "Haddad", date(2004, 7, 20))
    assert index.of("Amina", "Haddad", born) != BlindIndex(os.urandom(32), "ki-kreis-unna").of(
        "Amina", "Haddad", born
    )


def test_a_token_names_its_principal_until_it_expires_and_only_under_its_secret() -> None:
    signer = TokenSigner(KEK, timedelta(minutes=5))
    token = signer.issue(ANNA)
    stale = signer.issue(ANNA, now=datetime.now(UTC) - timedelta(minutes=6))

    assert signer.verify(token) == ANNA
    with pytest.raises(InvalidToken):
        signer.verify(stale)
    with pytest.raises(InvalidToken):
        TokenSigner(os.urandom(32), timedelta(minutes=5)).verify(token)
