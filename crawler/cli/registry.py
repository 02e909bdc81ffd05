"""`scout registry import | list | export`: the registry of approved accounts (CSV); `audit` and `official` are in :mod:`crawler.cli.report`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crawler.cli.common import STATE, emit_json, handle_errors
from crawler.cli.console import print_changes


def register(app: typer.Typer, registry_app: typer.Typer) -> None:
    registry_app.command("import")(registry_import)
    registry_app.command("list")(registry_list)
    registry_app.command("export")(registry_export)


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
    print_changes(changes, "registry")


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
        rows = [r for r in rows if r.status == status]
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
