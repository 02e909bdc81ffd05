"""`scout cases list | show | decide`: PR's review of ABCE-AR1 cases.

A decision runs in one short transaction that re-reads the case, so it cannot
be lost to a scan writing at the same time (SQLite: BEGIN IMMEDIATE waits its
turn; PostgreSQL: the case row is locked).
"""

from __future__ import annotations

import getpass
from datetime import date
from typing import Annotated, Any

import typer

from crawler.cli.common import STATE, emit_json, fail, handle_errors

cases_app = typer.Typer(
    help="ABCE-AR1 cases: list, show, decide, packet and letter.", no_args_is_help=True
)


def _yes_no(value: str | None, name: str) -> bool | None:
    if value is None or value == "":
        return None
    v = value.strip().lower()
    if v in ("yes", "y", "true", "1"):
        return True
    if v in ("no", "n", "false", "0"):
        return False
    from crawler.errors import InputError

    raise InputError(f"{name} '{value}' is not yes or no", field=name)


@cases_app.command("list")
@handle_errors
def cases_list(
    status: Annotated[
        str | None,
        typer.Option("--status", help="Only cases with this status (open, notified, …)."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (the shape in the README).")
    ] = False,
) -> None:
    """List cases: open ones first, by confidence, then age."""
    from crawler.cases.views import cases_json, list_cases
    from crawler.vocab import CaseStatus

    if status is not None and status not in set(CaseStatus):
        raise fail(f"unknown status '{status}' (one of: {', '.join(s.value for s in CaseStatus)})")
    with STATE.session() as s:
        data = cases_json(s, list_cases(s, status))
    if as_json:
        emit_json(data)
        return
    if not data:
        typer.echo("no cases" + (f" with status {status}" if status else ""))
        return
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"{len(data)} cases")
    for col in (
        "case",
        "status",
        "kind",
        "platform",
        "handle",
        "entity",
        "confidence",
        "last seen",
    ):
        t.add_column(col)
    for c in data:
        t.add_row(
            c["case_id"],
            c["status"],
            c["kind"],
            c["platform"],
            c["handle"],
            c["entity"] or "",
            f"{c['confidence']:.2f}",
            (c["last_seen"] or "")[:10],
        )
    Console(width=200).print(t)


def _show_text(c: dict[str, Any]) -> None:
    typer.echo(f"{c['case_id']}  {c['status']}  ({c['kind']})")
    typer.echo(f"  account:    {c['platform']} @{c['handle']}  {c['url']}")
    if c["display_name"]:
        typer.echo(f"  name:       {c['display_name']}")
    typer.echo(f"  entity:     {c['entity'] or '-'}   confidence {c['confidence']:.2f}")
    if c["imitates"]:
        typer.echo(f"  imitates:   {c['imitates']}")
    typer.echo(f"  opened:     {c['opened_at']}   due {c.get('due') or '-'}")
    typer.echo(f"  last seen:  {c['last_seen'] or '-'}")
    typer.echo("  evidence:")
    for e in c["evidence"]:
        typer.echo(f"    - [{e['kind']}] {e['summary']}" + (f"  <{e['url']}>" if e["url"] else ""))
    typer.echo("  history:")
    for ev in c["history"]:
        change = f" {ev['from_status'] or ''} → {ev['to_status']}" if ev["to_status"] else ""
        typer.echo(
            f"    {ev['at'][:19]}  {ev['actor']}: {ev['action']}{change}"
            + (f" — {ev['note']}" if ev["note"] else "")
        )


@cases_app.command("show")
@handle_errors
def cases_show(
    case_id: Annotated[
        str, typer.Argument(metavar="ID", help="Case number (ABCE-2026-0001) or numeric id.")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON: the list shape plus due, history.")
    ] = False,
) -> None:
    """Show one case with its evidence and history."""
    from crawler.cases.records import find_case
    from crawler.cases.views import case_detail_json

    with STATE.session() as s:
        case = find_case(s, case_id)
        if case is None:
            raise fail(f"no case '{case_id}'")
        data = case_detail_json(case)
    if as_json:
        emit_json(data)
        return
    _show_text(data)


@cases_app.command("decide")
@handle_errors
def cases_decide(
    case_id: Annotated[
        str, typer.Argument(metavar="ID", help="Case number (ABCE-2026-0001) or numeric id.")
    ],
    decision: Annotated[
        str,
        typer.Option(
            "--as",
            help="notified, registered, deactivated, reported, not-district, affiliated, reopen "
            "(or a status name).",
        ),
    ],
    note: Annotated[
        str | None, typer.Option("--note", help="Why; kept in the case history.")
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Who decides (default: the login name).")
    ] = None,
    entity: Annotated[
        str | None, typer.Option(help="registered: entity key (default: the case's entity).")
    ] = None,
    administrator: Annotated[
        str, typer.Option(help="registered: the account's administrator.")
    ] = "",
    administrator_email: Annotated[
        str, typer.Option(help="registered: administrator e-mail.")
    ] = "",
    backup_administrator: Annotated[
        str, typer.Option(help="registered: backup administrator.")
    ] = "",
    pr_coadmin: Annotated[
        str | None, typer.Option(help="registered: PR is co-administrator (yes/no).")
    ] = None,
    district_email_used: Annotated[
        str | None, typer.Option(help="registered: created with a district e-mail (yes/no).")
    ] = None,
    retention_plan: Annotated[
        str | None, typer.Option(help="registered: a record retention plan is verified (yes/no).")
    ] = None,
    payments: Annotated[
        str, typer.Option(help="registered: none, approved or unapproved.")
    ] = "none",
    registered_on: Annotated[
        str | None, typer.Option(help="registered: YYYY-MM-DD (default: today).")
    ] = None,
) -> None:
    """Record a review decision. Every decision is kept in the case history; the next scan respects it."""
    from crawler.cases.decisions import RegistryDetails, decide_case, parse_decision
    from crawler.cases.records import find_case
    from crawler.errors import InputError
    from crawler.vocab import CaseStatus

    status = parse_decision(decision)
    who = by or _login()
    on: date | None = None
    if registered_on:
        try:
            on = date.fromisoformat(registered_on)
        except ValueError:
            raise InputError(
                f"registered_on '{registered_on}' is not a date YYYY-MM-DD", field="--registered-on"
            ) from None
    details = (
        RegistryDetails(
            entity=entity,
            administrator=administrator,
            administrator_email=administrator_email,
            backup_administrator=backup_administrator,
            pr_coadmin=_yes_no(pr_coadmin, "--pr-coadmin"),
            district_email_used=_yes_no(district_email_used, "--district-email-used"),
            retention_plan=_yes_no(retention_plan, "--retention-plan"),
            payments=payments,
            registered_on=on,
        )
        if status is CaseStatus.RESOLVED_REGISTERED
        else None
    )
    with STATE.session() as s:
        case = find_case(s, case_id, lock=True)
        if case is None:
            raise fail(f"no case '{case_id}'")
        done = decide_case(s, case, status, by=who, note=note, details=details)
        number, new_status, added = done.case.number, done.case.status, done.added
        added_url = added.url if added is not None else None
    for w in done.warnings:
        typer.echo(f"warning: {w}", err=True)
    typer.echo(
        f"{number}: {new_status}" + (f" (added to the registry: {added_url})" if added_url else "")
    )


def _login() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"


def register(app: typer.Typer, registry_app: typer.Typer) -> None:
    app.add_typer(cases_app, name="cases")
