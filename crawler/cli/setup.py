"""`scout init` and `scout db upgrade`: a starter folder and the database migrations."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crawler.cli.common import STATE, handle_errors


def register(app: typer.Typer, registry_app: typer.Typer) -> None:
    db_app = typer.Typer(help="The database: migrations.", no_args_is_help=True)
    app.add_typer(db_app, name="db")
    app.command("init")(init)
    db_app.command("upgrade")(db_upgrade)


@handle_errors
def init(
    directory: Annotated[
        Path, typer.Argument(help="Folder for scout.toml, profile.yaml and registry.csv.")
    ] = Path("."),
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
) -> None:
    """Write a starter scout.toml, profile and registry (with comments) and create the database."""
    from crawler.cli.starter import write_starter

    written = write_starter(directory, force=force)
    for p in written:
        typer.echo(f"wrote {p}")
    STATE.config_path = directory / "scout.toml"
    STATE._config = None
    from crawler.db import engine_for

    engine_for(STATE.config.database_url)
    typer.echo(f"database ready: {_safe_url(STATE.config.database_url)}")
    typer.echo(
        "next: edit profile.yaml and registry.csv, then run `scout district import` and `scout registry import`"
    )


@handle_errors
def db_upgrade() -> None:
    """Run the database migrations up to the newest revision."""
    from crawler.db import current_revision, make_engine, upgrade

    engine = make_engine(STATE.config.database_url)
    before = current_revision(engine)
    upgrade(engine)
    after = current_revision(engine)
    typer.echo(
        f"database at revision {after}" + ("" if before == after else f" (was {before or 'empty'})")
    )


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
