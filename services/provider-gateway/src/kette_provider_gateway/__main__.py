"""`python -m kette_provider_gateway`: serve (API, consumers, relay); `… provider --help`: admin."""

from __future__ import annotations

import typer
import uvicorn

from kette_core.logging import configure_logging
from kette_provider_gateway import asyncapi as asyncapi_document
from kette_provider_gateway.admin_cli import provider_cli
from kette_provider_gateway.app import build, create_app, openapi_document
from kette_provider_gateway.settings import GatewaySettings

cli = typer.Typer(add_completion=False, help="The Kette provider gateway.")
cli.add_typer(provider_cli, name="provider")


@cli.callback(invoke_without_command=True)
def serve(context: typer.Context) -> None:
    """Without a command: read settings, configure logging, serve until SIGTERM."""
    if context.invoked_subcommand is not None:
        return
    settings = GatewaySettings()
    configure_logging(settings)
    app = create_app(build(settings))
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, log_config=None)


@cli.command("openapi")
def openapi() -> None:
    """Print the OpenAPI document (checked in as docs/provider-gateway.openapi.json)."""
    typer.echo(openapi_document(), nl=False)


@cli.command("asyncapi")
def asyncapi() -> None:
    """Print the providers' AsyncAPI document (docs/provider-gateway.asyncapi.yaml)."""
    typer.echo(asyncapi_document.render(), nl=False)


if __name__ == "__main__":
    cli()
