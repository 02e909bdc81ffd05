"""`scout district import | show | list`: the district profiles (YAML) in the database."""

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
    district_app.command("list")(district_list)


@handle_errors
def district_import(
    profile: Annotated[
        Path | None, typer.Argument(help="The profile YAML (default: from scout.toml).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the changes as JSON.")] = False,
) -> None:
    """Add the district the profile names, or update the one with its key. Invalid files are
    rejected whole, naming file, line and field."""
    from crawler.db.store import import_profile
    from crawler.district.profile import load_profile
    from crawler.errors import ScoutError

    path = profile or STATE.config.profile
    prof = load_profile(path)
    chosen = STATE.config.district
    if chosen and chosen != prof.district.key:
        raise ScoutError(
            f"the profile is for district '{prof.district.key}', not '{chosen}' (--district)"
        )
    with STATE.session(every_district=True) as s:
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


@handle_errors
def district_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The districts in the database: key, name, open cases and the last finished scan."""
    from crawler.db.store import district_summaries

    with STATE.session(every_district=True) as s:
        rows = district_summaries(s)
    if as_json:
        emit_json(rows)
        return
    if not rows:
        typer.echo("no districts yet: run `scout district import PROFILE.yaml`")
        return
    for r in rows:
        typer.echo(
            f"{r['key']:<24} {r['name']}  ({r['open_cases']} open cases, "
            f"last scan {r['last_scan'] or 'never'})"
        )
