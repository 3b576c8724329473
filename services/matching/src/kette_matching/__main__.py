"""`python -m kette_matching`: the one process of the service (API, consumer, relay)."""

from __future__ import annotations

import uvicorn

from kette_core.logging import configure_logging
from kette_matching.app import build, create_app
from kette_matching.settings import MatchingSettings


def main() -> None:
    """Read settings, configure logging, serve until SIGTERM."""
    settings = MatchingSettings()
    configure_logging(settings)
    app = create_app(build(settings))
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, log_config=None)


if __name__ == "__main__":
    main()
