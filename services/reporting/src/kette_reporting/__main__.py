"""`python -m kette_reporting`: the one process of the service (API, dashboard, projection)."""

from __future__ import annotations

import uvicorn

from kette_core.logging import configure_logging
from kette_reporting.app import build, create_app
from kette_reporting.settings import ReportingSettings


def main() -> None:
    """Read settings, configure logging, serve until SIGTERM."""
    settings = ReportingSettings()
    configure_logging(settings)
    app = create_app(build(settings))
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, log_config=None)


if __name__ == "__main__":
    main()
