"""The ``scout`` command (README, "Commands").

This module holds the application object and the global options. Each command group lives in
its own module with a ``register(app, registry_app)`` function (:data:`COMMAND_MODULES`):
``setup`` (init, db), ``district``, ``registry``, ``check``, ``scan`` (scan, search), ``demo``,
``selfcheck``, ``match``, ``cases``, ``packet`` (cases packet, cases letter), ``report`` (report, registry
audit, registry official), ``notify``, ``serve`` (the web app) and ``users`` (users add,
list, remove; audit).

Exit codes: 0 success, 1 bad input or failed run (message on stderr), 2 usage.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Annotated

import typer

from crawler.cli.common import STATE, fail

app = typer.Typer(
    name="scout",
    help="District Account Scout: find social media accounts that present themselves as the district, "
    "its schools or teams and are not registered with PR (policy ABDB-AP, procedure ABCE-AR1).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
registry_app = typer.Typer(help="The registry of approved accounts (CSV).", no_args_is_help=True)
app.add_typer(registry_app, name="registry")

# One module per command group, each with ``register(app, registry_app)``; the commands import
# their heavy dependencies inside, so `scout --help` stays instant.
COMMAND_MODULES = (
    "crawler.cli.setup",
    "crawler.cli.district",
    "crawler.cli.registry",
    "crawler.cli.check",
    "crawler.cli.scan",
    "crawler.cli.nodes",
    "crawler.cli.selfcheck",
    "crawler.cli.demo",
    "crawler.cli.match",
    "crawler.cli.cases",
    "crawler.cli.packet",
    "crawler.cli.report",
    "crawler.cli.watch",
    "crawler.cli.notify",
    "crawler.cli.serve",
    "crawler.cli.users",
)


@app.callback()
def main_options(
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            help="Path of scout.toml (default: $SCOUT_CONFIG, then ./scout.toml).",
            envvar="SCOUT_CONFIG",
            show_envvar=True,
        ),
    ] = None,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            help="SQLAlchemy URL; overrides the configuration and SCOUT_DATABASE_URL.",
        ),
    ] = None,
    district: Annotated[
        str | None,
        typer.Option(
            "--district",
            help="The district to act on (its key; `scout district list`). Needed when the "
            "database holds several districts.",
            envvar="SCOUT_DISTRICT",
            show_envvar=True,
        ),
    ] = None,
) -> None:
    STATE.config_path = config
    STATE.database_url = database_url
    STATE.district = district.strip() if district and district.strip() else None
    STATE._config = None


def _register_command_modules() -> None:
    for name in COMMAND_MODULES:
        if importlib.util.find_spec(name) is None:
            continue
        importlib.import_module(name).register(app, registry_app)


_register_command_modules()


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        raise fail("interrupted", 130) from None


__all__ = ["app", "main"]
