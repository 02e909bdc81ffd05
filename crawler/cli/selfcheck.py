"""`scout selfcheck`: parser drift per platform (a known account live, a random handle not found)."""

from __future__ import annotations

from typing import Annotated

import typer

from crawler.cli.common import STATE, emit_json, handle_errors

KEYS = ("platform", "status", "reason", "known_url", "checked_at", "random_handle")


def register(app: typer.Typer, registry_app: typer.Typer) -> None:
    app.command("selfcheck")(selfcheck)


@handle_errors
def selfcheck(
    platforms: Annotated[
        str | None, typer.Option("--platforms", help="Comma-separated platforms (default: all).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Check each platform's parser: a known live account must parse as ok with a name and a
    random handle must come back not found (ok, drift or skipped, with the reason)."""
    from crawler.cli.scan import _check_platforms, _csv_opt
    from crawler.scan import run_selfcheck

    plats = _csv_opt(platforms)
    _check_platforms(plats)
    with STATE.session():  # the database exists and is migrated
        pass
    checks = run_selfcheck(STATE.config, plats)
    if as_json:
        emit_json([{k: c.get(k) for k in KEYS} for c in checks])
        return
    from crawler.cli.console import print_selfcheck

    print_selfcheck(checks)
