"""What a reviewer does to a case: decide, write a note, assign, undo the last decision, record
a platform report and its answer. Each writes the same rows as ``scout cases decide`` (the
case, its history) and one audit-log entry with before and after. Input is checked before
anything is written; a refused form changes nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from crawler.db.web import Role
from crawler.errors import InputError
from crawler.vocab import CaseStatus
from crawler.web.render import error_page, page
from crawler.web.routes_cases import _case_or_404, case_page_data, last_decision
from crawler.web.security import Ctx, endpoint

NOTE_MAX = 4000


def _date(ctx: Ctx, key: str) -> date | None:
    text = ctx.form.get(key, "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"{key.replace('_', ' ')} '{text}' is not a date YYYY-MM-DD", field=key
        ) from None


def _yes_no(ctx: Ctx, key: str) -> bool | None:
    value = ctx.form.get(key, "").strip().lower()
    if value in ("", "unknown"):
        return None
    if value in ("yes", "no"):
        return value == "yes"
    raise InputError(f"{key.replace('_', ' ')} must be yes, no or unknown", field=key)


def _note(ctx: Ctx) -> str | None:
    text = ctx.form.get("note", "").strip()
    if len(text) > NOTE_MAX:
        raise InputError(f"the note is longer than {NOTE_MAX} characters", field="note")
    return text or None


def _who(ctx: Ctx) -> str:
    return ctx.user.name if ctx.user else "-"


def _refused(ctx: Ctx, case: Any, exc: InputError) -> Response:
    return page(ctx, "case.html", case_page_data(ctx, case, error=str(exc)), 400)


def _registry_details(ctx: Ctx) -> Any:
    """``decide --as registered``: the registry row's fields from the form."""
    from crawler.cases.decisions import RegistryDetails

    f = ctx.form
    return RegistryDetails(
        entity=f.get("entity") or None,
        administrator=f.get("administrator", "").strip(),
        administrator_email=f.get("administrator_email", "").strip(),
        backup_administrator=f.get("backup_administrator", "").strip(),
        pr_coadmin=_yes_no(ctx, "pr_coadmin"),
        district_email_used=_yes_no(ctx, "district_email_used"),
        retention_plan=_yes_no(ctx, "retention_plan"),
        payments=f.get("payments", "none") or "none",
        registered_on=_date(ctx, "registered_on"),
    )


@endpoint(Role.REVIEWER)
def decision(ctx: Ctx) -> Response:
    from crawler.cases.decisions import decide_case, parse_decision
    from crawler.db.casework import record_takedown

    case = _case_or_404(ctx)
    if case is None:
        return error_page(ctx, 404, "No such case.")
    before = case.status
    try:
        status = parse_decision(ctx.form.get("decision", ""))
        note = _note(ctx)
        details = _registry_details(ctx) if status is CaseStatus.RESOLVED_REGISTERED else None
        reported = status is CaseStatus.REPORTED_TO_PLATFORM
        reported_on = _date(ctx, "reported_on") if reported else None
        answer_by = _date(ctx, "answer_by") if reported else None
        done = decide_case(ctx.db, case, status, by=_who(ctx), note=note, details=details)
    except InputError as exc:
        return _refused(ctx, case, exc)
    case, added, warnings = done.case, done.added, done.warnings
    after: dict[str, Any] = {"status": case.status, "note": note}
    if added is not None:
        after["registry"] = {"url": added.url, "entity": added.entity_key, "warnings": warnings}
    if status is CaseStatus.REPORTED_TO_PLATFORM and (
        ctx.form.get("route") or ctx.form.get("reference")
    ):
        td = record_takedown(
            ctx.db,
            case,
            by=_who(ctx),
            route=ctx.form.get("route", ""),
            reference=ctx.form.get("reference", ""),
            reported_on=reported_on or date.today(),
            answer="none",
            answer_by=answer_by,
            answered_on=None,
        )
        after["takedown"] = {"route": td.route, "reference": td.reference}
    ctx.audit("decide", case.number, {"status": before}, after)
    return ctx.redirect(f"/cases/{case.number}?done=decided")


@endpoint(Role.REVIEWER)
def note(ctx: Ctx) -> Response:
    from crawler.db.models import CaseEvent, utcnow

    case = _case_or_404(ctx)
    if case is None:
        return error_page(ctx, 404, "No such case.")
    try:
        text = _note(ctx)
        if not text:
            raise InputError("the note is empty", field="note")
    except InputError as exc:
        return _refused(ctx, case, exc)
    case.events.append(CaseEvent(at=utcnow(), actor=_who(ctx), action="note", note=text))
    ctx.audit("note", case.number, None, {"note": text})
    return ctx.redirect(f"/cases/{case.number}?done=noted")


@endpoint(Role.REVIEWER)
def assign(ctx: Ctx) -> Response:
    from crawler.db.casework import assign as assign_case

    case = _case_or_404(ctx)
    if case is None:
        return error_page(ctx, 404, "No such case.")
    who = ctx.form.get("assignee", "").strip() or None
    try:
        before = assign_case(ctx.db, case, who, by=_who(ctx))
    except InputError as exc:
        return _refused(ctx, case, exc)
    ctx.audit("assign", case.number, {"assignee": before}, {"assignee": who})
    return ctx.redirect(f"/cases/{case.number}?done=assigned")


@endpoint(Role.REVIEWER)
def undo(ctx: Ctx) -> Response:
    """Undo the last decision: decide the status it changed from, with a note saying so. The
    form names the decision it undoes, so a second click (or a stale page) undoes nothing."""
    from crawler.cases.decisions import decide

    case = _case_or_404(ctx)
    if case is None:
        return error_page(ctx, 404, "No such case.")
    ev = last_decision(case)
    if ev is None or str(ev.id) != ctx.form.get("event", ""):
        return _refused(ctx, case, InputError("that decision is no longer the last one"))
    before = case.status
    note = f"undo: back to {ev.from_status} (the decision of {ev.at:%Y-%m-%d %H:%M} by {ev.actor})"
    case = decide(
        ctx.db,
        case.id,
        CaseStatus(ev.from_status),
        by=_who(ctx),
        note=note,
    )
    ctx.audit("undo", case.number, {"status": before}, {"status": case.status})
    return ctx.redirect(f"/cases/{case.number}?done=undone")


@endpoint(Role.REVIEWER)
def takedown(ctx: Ctx) -> Response:
    from crawler.db.casework import record_takedown, takedown_json
    from crawler.db.web import Takedown

    case = _case_or_404(ctx)
    if case is None:
        return error_page(ctx, 404, "No such case.")
    before = takedown_json(ctx.db.get(Takedown, case.id))
    try:
        reported_on = _date(ctx, "reported_on")
        if reported_on is None:
            raise InputError("give the date of the report", field="reported_on")
        td = record_takedown(
            ctx.db,
            case,
            by=_who(ctx),
            route=ctx.form.get("route", ""),
            reference=ctx.form.get("reference", ""),
            reported_on=reported_on,
            answer=ctx.form.get("answer", "none"),
            answer_by=_date(ctx, "answer_by"),
            answered_on=_date(ctx, "answered_on"),
            note=ctx.form.get("takedown_note", "").strip()[:NOTE_MAX],
        )
    except InputError as exc:
        return _refused(ctx, case, exc)
    ctx.audit("takedown", case.number, before, takedown_json(td))
    return ctx.redirect(f"/cases/{case.number}?done=takedown")


ROUTES = [
    Route("/cases/{case_id}/decision", decision, methods=["POST"]),
    Route("/cases/{case_id}/note", note, methods=["POST"]),
    Route("/cases/{case_id}/assign", assign, methods=["POST"]),
    Route("/cases/{case_id}/undo", undo, methods=["POST"]),
    Route("/cases/{case_id}/takedown", takedown, methods=["POST"]),
]
