"""Crypto-shredding: once a person's wrapped data key is gone, every copy of their
ciphertext (a backup, a replica, an old page of the file) is unreadable."""

from __future__ import annotations

import os

import pytest
from cryptography.exceptions import InvalidTag

from kette_intake.crypto import PersonalDataSealer, SealedData

pytestmark = pytest.mark.unit

KEK = os.urandom(32)
PERSON = "p-0f8fad5b-d9cb-469f-a165-70867728950e"
SECRET = b'{"given_name": "Amina", "family_name": "Haddad", "birth_date": "2004-07-19"}'


def test_a_kept_copy_of_the_ciphertext_opens_with_no_other_wrapped_key_of_the_same_kek() -> None:
    sealer = PersonalDataSealer(KEK, "kek-1")
    erased = sealer.seal(PERSON, SECRET)
    backup_copy = erased.ciphertext  # all that survives once the wrapped key is deleted
    keys_still_in_the_database = [
        sealer.seal(PERSON, SECRET).wrapped_key,  # the same person sealed again later
        sealer.seal("p-7c9e6679-7425-40de-944b-e07fc1f90ae7", SECRET).wrapped_key,
    ]

    assert sealer.open(PERSON, erased) == SECRET  # before: readable
    for wrapped_key in keys_still_in_the_database:
        with pytest.raises(InvalidTag):
            sealer.open(PERSON, SealedData(backup_copy, wrapped_key, "kek-1"))


def test_without_the_wrapped_key_the_ciphertext_cannot_be_opened_even_with_the_kek() -> None:
    sealer = PersonalDataSealer(KEK, "kek-1")
    sealed = sealer.seal(PERSON, SECRET)

    guessed_key = os.urandom(len(sealed.wrapped_key))  # all one can do once it is deleted
    with pytest.raises(InvalidTag):
        sealer.open(PERSON, SealedData(sealed.ciphertext, guessed_key, "kek-1"))
    assert SECRET not in sealed.ciphertext
    assert b"Haddad" not in sealed.ciphertext + sealed.wrapped_key


def test_a_correction_seals_under_a_fresh_key_so_the_old_key_opens_nothing_new() -> None:
    sealer = PersonalDataSealer(KEK, "kek-1")
    before = sealer.seal(PERSON, SECRET)
    after = sealer.seal(PERSON, SECRET.replace(b"Amina", b"Aminah"))

    assert before.wrapped_key != after.wrapped_key
    with pytest.raises(InvalidTag):
        sealer.open(PERSON, SealedData(after.ciphertext, before.wrapped_key, "kek-1"))
