"""`scout district import | show`: the district profile (YAML)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crawler.cli.common import STATE, emit_json, handle_errors
from crawler.cli.console import print_changes


def register(app: typer.Typer, registry_app: typer.Typer) -> None:
    district_app = typer.Typer(help="The district profile (YAML).", no_args_is_help=True)
    app.add_typer(district_app, name="district")
    district_app.command("import")(district_import)
    district_app.command("show")(district_show)


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
    print_changes(changes, "profile")


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
