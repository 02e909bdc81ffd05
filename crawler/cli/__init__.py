"""The ``scout`` command (see DESIGN.md, "The scout command").

This module holds the set-up commands (init, db, district, registry, check).
Other command groups live in their own modules, each with a
``register(app, registry_app)`` function: ``scan`` (scan, search, demo),
``match``, ``cases`` and ``report``.

Exit codes: 0 success, 1 bad input or failed run (message on stderr), 2 usage.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Annotated

import typer

from crawler.cli.common import STATE, emit_json, fail, handle_errors

app = typer.Typer(
    name="scout",
    help="District Account Scout: find social media accounts that present themselves as the district, "
    "its schools or teams and are not registered with PR (policy ABDB-AP, procedure ABCE-AR1).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
db_app = typer.Typer(help="The database: migrations.", no_args_is_help=True)
district_app = typer.Typer(help="The district profile (YAML).", no_args_is_help=True)
registry_app = typer.Typer(help="The registry of approved accounts (CSV).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(district_app, name="district")
app.add_typer(registry_app, name="registry")

COMMAND_MODULES = (
    "crawler.cli.scan",
    "crawler.cli.match",
    "crawler.cli.cases",
    "crawler.cli.report",
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
) -> None:
    STATE.config_path = config
    STATE.database_url = database_url
    STATE._config = None


# --------------------------------------------------------------------------- init and db


@app.command()
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


@db_app.command("upgrade")
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


# --------------------------------------------------------------------------- district


@district_app.command("import")
@handle_errors
def district_import(
    profile: Annotated[
        Path | None, typer.Argument(help="The profile YAML (default: from scout.toml).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the changes as JSON.")] = False,
) -> None:
    """Load or update the district profile. Invalid files are rejected whole, naming file, line and field."""
    from crawler.db.store import import_profile
    from crawler.district.profile import load_profile

    path = profile or STATE.config.profile
    prof = load_profile(path)
    with STATE.session() as s:
        changes = import_profile(s, prof, str(path))
    if as_json:
        emit_json(changes.as_dict())
        return
    typer.echo(
        f"{prof.district.name}: {len(prof.entities)} entities, {len(prof.affiliated)} affiliated, "
        f"{len(prof.not_district)} not-district"
    )
    _print_changes(changes, "profile")


def _print_changes(changes, noun: str) -> None:  # type: ignore[no-untyped-def]
    typer.echo(changes.summary(noun))
    for label, items in (("+", changes.added), ("~", changes.updated), ("-", changes.removed)):
        for item in items:
            typer.echo(f"  {label} {item}")


@district_app.command("show")
@handle_errors
def district_show(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Show the imported district profile."""
    from crawler.db.store import district_row

    with STATE.session() as s:
        row = district_row(s)
        data = row.profile
    if as_json:
        emit_json(data)
        return
    import yaml

    typer.echo(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


# --------------------------------------------------------------------------- registry


@registry_app.command("import")
@handle_errors
def registry_import(
    registry: Annotated[
        Path | None, typer.Argument(help="The registry CSV (default: from scout.toml).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the changes as JSON.")] = False,
) -> None:
    """Replace the registry with the file's rows. A bad row rejects the whole file; nothing is imported."""
    from crawler.db.store import current_profile, import_registry
    from crawler.district.registry import load_registry

    path = registry or STATE.config.registry
    with STATE.session() as s:
        prof = current_profile(s)
        loaded = load_registry(path, prof, mastodon_instances=STATE.config.mastodon_instances)
        changes = import_registry(s, loaded.rows)
    for w in loaded.warnings:
        typer.echo(f"warning: {w}", err=True)
    if as_json:
        emit_json({**changes.as_dict(), "warnings": list(loaded.warnings)})
        return
    typer.echo(f"{len(loaded.rows)} registered accounts in {path}")
    _print_changes(changes, "registry")


@registry_app.command("list")
@handle_errors
def registry_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    status: Annotated[
        str | None, typer.Option(help="Only this status: active, deactivated, transferred.")
    ] = None,
) -> None:
    """List the registered accounts."""
    from crawler.db.store import registry_rows

    with STATE.session() as s:
        rows = registry_rows(s)
    if status:
        rows = [r for r in rows if r.status.value == status]
    if as_json:
        emit_json(
            [{**r.to_csv_row(), "handle": r.handle, "platform_id": r.platform_id} for r in rows]
        )
        return
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"{len(rows)} registered accounts")
    for col in ("entity", "platform", "handle", "status", "url"):
        t.add_column(col)
    for r in rows:
        t.add_row(r.entity, r.platform, r.handle, r.status.value, r.url)
    Console(width=200).print(t)


@registry_app.command("export")
@handle_errors
def registry_export(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """Write the registry as CSV (the import format); importing it back reproduces the registry."""
    from crawler.db.store import registry_rows
    from crawler.district.registry import registry_to_csv

    with STATE.session() as s:
        text = registry_to_csv(registry_rows(s))
    if out:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}", err=True)
    else:
        typer.echo(text, nl=False)


# --------------------------------------------------------------------------- check


@app.command()
@handle_errors
def check(
    urls: Annotated[
        list[str], typer.Argument(help="One or more account URLs (any common variant).")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show the canonical form of each URL and whether it is a registered account."""
    from crawler.cases.checking import as_contract, check_urls

    with STATE.session() as s:
        results = check_urls(s, urls, mastodon_instances=STATE.config.mastodon_instances)
    if as_json:
        emit_json(as_contract(results))
        return
    for r in results:
        if not r["is_account"]:
            typer.echo(f"{r['input']}: not an account ({r['reason']})")
        elif r["registered"]:
            typer.echo(
                f"{r['input']}: {r['platform']} @{r['handle']} {r['url']} — REGISTERED to {r['entity']}"
                + (f" (status {r['status']})" if r.get("status") != "active" else "")
            )
        else:
            typer.echo(f"{r['input']}: {r['platform']} @{r['handle']} {r['url']} — not registered")


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
