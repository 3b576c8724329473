"""API keys: shown once, stored as a hash, recognised only whole; the rate limit's bucket."""

from __future__ import annotations

import pytest

from kette_provider_gateway.problems import Refused
from kette_provider_gateway.providers.keys import new_key, secret_matches, split_key
from kette_provider_gateway.reports.limits import RateLimit

pytestmark = pytest.mark.unit


def test_a_new_key_is_stored_only_as_a_hash_of_its_secret() -> None:
    key = new_key()

    parts = split_key(key.api_key)
    assert parts is not None
    key_id, secret = parts
    assert key_id == key.key_id
    assert secret not in key.secret_hash
    assert secret_matches(secret, key.secret_hash)
    assert not secret_matches(secret + "x", key.secret_hash)


def test_two_keys_never_share_id_or_secret() -> None:
    first, second = new_key(), new_key()

    assert first.key_id != second.key_id
    assert first.secret_hash != second.secret_hash


@pytest.mark.parametrize(
    "malformed", ["", "Bearer", "kette_", "kette_abc.def", "other_0123456789abcdef.secret"]
)
def test_a_malformed_key_is_not_split(malformed: str) -> None:
    assert split_key(malformed) is None


def test_the_rate_limit_refuses_beyond_the_bucket_and_refills_with_time() -> None:
    now = [0.0]
    limit = RateLimit(per_minute=3, clock=lambda: now[0])
    for _ in range(3):
        limit.take("alpha")

    with pytest.raises(Refused) as refused:
        limit.take("alpha")
    assert refused.value.status == 429
    limit.take("beta")  # another provider has its own bucket
    now[0] = 20.0  # one token back after 60 s / 3
    limit.take("alpha")
    with pytest.raises(Refused):
        limit.take("alpha")
