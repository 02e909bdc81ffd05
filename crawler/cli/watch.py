"""`scout registry history URL` and `scout registry acknowledge URL --code CODE`: the registry
under watch (DESIGN.md)."""

from __future__ import annotations

import getpass
from typing import Annotated, Any

import typer

from crawler.cli.common import STATE, emit_json, handle_errors
from crawler.errors import InputError


def _row(session: Any, url: str) -> Any:
    from crawler.db.store import find_registered
    from crawler.platforms import canonicalise

    ref = canonicalise(url, mastodon_instances=STATE.config.mastodon_instances)
    if ref is None:
        raise InputError(f"not an account URL: {url}")
    row = find_registered(session, ref.platform, ref.url)
    if row is None:
        raise InputError(f"not in the registry: {ref.url}")
    return row


@handle_errors
def registry_history(
    url: Annotated[str, typer.Argument(help="The registered account's URL (any form).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The snapshots of one registered account across scans, newest first."""
    from crawler.db.watch import latest_snapshots
    from reports.watch import view

    with STATE.session() as s:
        row = _row(s, url)
        snaps = [view(x) | {"changed": x.changed} for x in latest_snapshots(s, row.id)]
        head = f"{row.platform} {row.url} ({row.entity_key}, {row.status})"
    if as_json:
        emit_json(snaps)
        return
    typer.echo(f"{head}: {len(snaps)} snapshots")
    for snap in snaps:
        typer.echo(
            f"  scan {snap['scan_id']}  {(snap['observed_at'] or '')[:16]}  {snap['source']}"
            f"{'  (changed)' if snap['changed'] else ''}"
        )
        for key in ("handle", "display_name", "bio", "links", "page_state", "followers", "posts"):
            value = snap.get(key)
            if value not in (None, "", []):
                shown = ", ".join(value) if isinstance(value, list) else value
                typer.echo(f"      {key}: {_inert(str(shown))}")


def _inert(text: str) -> str:
    """Terminal-safe: control characters (escape sequences) shown as ``?``."""
    return "".join(ch if ch.isprintable() else "?" for ch in text)


@handle_errors
def registry_acknowledge(
    url: Annotated[str, typer.Argument(help="The registered account's URL (any form).")],
    code: Annotated[str, typer.Option("--code", help="The finding's code, e.g. dormant.")],
    note: Annotated[str | None, typer.Option("--note", help="Why (kept with the record).")] = None,
) -> None:
    """Acknowledge a registry-watch finding: quiet until the account changes again."""
    from crawler.db.watch import acknowledge
    from reports.watch import SECTIONS

    if code not in SECTIONS:
        raise InputError(f"unknown code '{code}' (known: {', '.join(SECTIONS)})")
    try:
        actor = getpass.getuser()
    except Exception:
        actor = "unknown"
    with STATE.session() as s:
        row = _row(s, url)
        ack = acknowledge(s, row.id, code, actor, note)
        where = row.url
        at = ack.at.isoformat()[:19]
    typer.echo(f"acknowledged {code} for {where} ({actor}, {at})")


def register(app: typer.Typer, registry_app: typer.Typer) -> None:
    registry_app.command("history")(registry_history)
    registry_app.command("acknowledge")(registry_acknowledge)
