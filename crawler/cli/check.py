"""`scout check URL...`: the canonical form of each URL and whether it is a registered account."""

from __future__ import annotations

from typing import Annotated

import typer

from crawler.cli.common import STATE, emit_json, handle_errors


def register(app: typer.Typer, registry_app: typer.Typer) -> None:
    app.command("check")(check)


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
