"""What every stack-run service shares: the environment it starts with (the stack's Kafka and
Temporal), how its /readyz is read, and the fingerprint that restarts it when its code changed."""

import hashlib
import importlib.util
import json
import os
import urllib.error
import urllib.request
from pathlib import Path

from kette_devstack.kafka import KafkaNode

PROBE_SECONDS = 5.0
"""How long a /readyz may take before the service counts as not answering."""


def service_env(
    kafka: KafkaNode, principal: str, temporal_address: str | None = None
) -> dict[str, str]:
    """KETTE_* variables on top of ours; SCRAM credentials of `principal` in secure mode."""
    env = dict(os.environ)
    connection = kafka.connection(principal)
    env.update(KETTE_KAFKA_BOOTSTRAP=connection.bootstrap, KETTE_LOG_FORMAT="json")
    if temporal_address is not None:
        env.update(KETTE_TEMPORAL_ADDRESS=temporal_address)
    if connection.username is not None and connection.password is not None:
        env.update(
            KETTE_KAFKA_SASL_MECHANISM="SCRAM-SHA-512",
            KETTE_KAFKA_SASL_USERNAME=connection.username,
            KETTE_KAFKA_SASL_PASSWORD=connection.password,
        )
    return env


def readiness_failures(url: str) -> str | None:
    """What a service's /readyz names as failing (`{checks: {name: {ok, detail}}}`), or None."""
    try:
        with urllib.request.urlopen(url, timeout=PROBE_SECONDS) as answer:
            body = json.load(answer)
    except urllib.error.HTTPError as error:
        body = json.load(error)
    except (OSError, ValueError) as error:
        return f"{url} does not answer: {error}"
    failing = [
        f"{name}: {check['detail']}" for name, check in body["checks"].items() if not check["ok"]
    ]
    return "; ".join(failing) or None


def source_fingerprint(*packages: str) -> str:
    """A short hash of the packages' .py and .json files, found without importing them."""
    digest = hashlib.sha256()
    for package in packages:
        spec = importlib.util.find_spec(package)
        for location in (spec.submodule_search_locations or []) if spec else []:
            root = Path(location)
            for path in sorted(root.rglob("*")):
                if path.suffix in (".py", ".json") and "__pycache__" not in path.parts:
                    digest.update(f"{package}/{path.relative_to(root).as_posix()}".encode())
                    digest.update(path.read_bytes())
    return f"code-{digest.hexdigest()[:12]}"
