"""`scout users add | list | remove` (accounts of the web app) and `scout audit` (its log)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from crawler.cli.common import STATE, emit_json, fail, handle_errors

users_app = typer.Typer(help="Accounts of the review web app (scout serve).", no_args_is_help=True)


def _read_password() -> str:
    """From standard input when it is not a terminal (scripts), else prompted twice."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise fail("the passwords differ")
    return first


@users_app.command("add")
@handle_errors
def users_add(
    name: Annotated[str, typer.Argument(metavar="NAME", help="Sign-in name.")],
    role: Annotated[str, typer.Option("--role", help="admin, reviewer or viewer.")],
    districts: Annotated[
        str | None,
        typer.Option(
            "--districts",
            help="Comma-separated keys of the districts the user may see in the web app "
            "(default: all).",
        ),
    ] = None,
) -> None:
    """Add a user; the password comes from standard input, or a prompt on a terminal."""
    from crawler.db.store import district_keys
    from crawler.db.users import add_user, parse_role
    from crawler.errors import InputError

    wanted = parse_role(role)
    keys = [k.strip() for k in (districts or "").split(",") if k.strip()]
    password = _read_password()
    with STATE.session() as s:
        known = district_keys(s)
        unknown = [k for k in keys if k not in known]
        if unknown:
            raise InputError(
                f"unknown district '{unknown[0]}' (this database holds: {', '.join(known)})",
                field="--districts",
            )
        user = add_user(s, name, password, wanted)
        user.districts = keys
        typer.echo(
            f"added {user.name} ({user.role})" + (f", districts {', '.join(keys)}" if keys else "")
        )


@users_app.command("list")
@handle_errors
def users_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the users: name, role, the districts they may see, created, last sign-in."""
    from crawler.db.users import list_users, user_json

    with STATE.session() as s:
        data = [user_json(u) for u in list_users(s)]
    if as_json:
        emit_json(data)
        return
    if not data:
        typer.echo("no users: add one with `scout users add NAME --role admin`")
    for u in data:
        last = (u["last_login_at"] or "never")[:19]
        where = ", ".join(u["districts"]) or "all districts"
        typer.echo(
            f"{u['name']}  {u['role']}  {where}  created {u['created_at'][:10]}  last sign-in {last}"
        )


@users_app.command("remove")
@handle_errors
def users_remove(name: Annotated[str, typer.Argument(metavar="NAME")]) -> None:
    """Remove a user; their sessions end at once."""
    from crawler.db.users import remove_user

    with STATE.session() as s:
        if not remove_user(s, name):
            raise fail(f"no user '{name}'")
    typer.echo(f"removed {name}")


@handle_errors
def audit(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Newest entries to show.")] = 200,
    action: Annotated[
        str | None, typer.Option("--action", help="Only this action (login-failed, decide, …).")
    ] = None,
) -> None:
    """The web app's audit log, newest first: sign-ins, decisions, notes, assignments, imports."""
    from crawler.db.users import audit_entries, audit_json

    # `--district KEY` / SCOUT_DISTRICT: that district's entries only; else every entry
    only = STATE.config.district
    with STATE.session(every_district=True) as s:
        found = audit_entries(s, limit=limit, action=action, district=only)
        data = [audit_json(e) for e in found]
    if as_json:
        emit_json(data)
        return
    if not data:
        typer.echo("the audit log is empty")
    for e in data:
        what = f" {e['target']}" if e["target"] else ""
        change = f"  {e['before']} → {e['after']}" if e["before"] or e["after"] else ""
        typer.echo(
            f"{e['at'][:19]}  {e['actor']}@{e['address'] or '-'}  {e['district'] or '-'}  "
            f"{e['action']}{what}{change}"
        )


def register(app: typer.Typer, registry_app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
    app.command("audit")(audit)
