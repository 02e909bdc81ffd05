"""The queue, the case page, its evidence files and the JSON API (``/api/cases``).

Rows come from the same functions as ``scout cases list`` and the static reports
(:func:`crawler.cases.lifecycle.list_cases`, :func:`reports.builders.case_row` and
:func:`reports.builders.build_case`); this module only filters, orders and adds the web app's
own facts (assignee, takedown).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from starlette.responses import FileResponse, Response
from starlette.routing import Route

from crawler.config import redact
from crawler.db.web import Role
from crawler.vocab import CaseKind, CaseStatus
from crawler.web.render import error_page, page
from crawler.web.security import Ctx, endpoint

QUEUE_LIMIT = 500
DECISION_CHOICES = [
    ("notified", "Notified: the administrator was told to register or close it"),
    ("registered", "Registered: it is an approved account (adds the registry row)"),
    ("deactivated", "Deactivated: the account was closed"),
    ("reported", "Reported to the platform"),
    ("not-district", "Not the district: dismiss"),
    ("affiliated", "Affiliated organisation: dismiss"),
    ("reopen", "Re-open"),
]
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".gif": "image/gif",
}


def _first_reason(ctx: Ctx, case: Any) -> str:
    from crawler.cases.lifecycle import latest_assessment

    if case.kind == CaseKind.DEACTIVATION_INCOMPLETE:
        return "The registry lists it as deactivated, but a scan saw it live"
    a = latest_assessment(ctx.db, case.account_id)
    for level in (a.explanation if a else None) or []:
        return str(level.get("label") or level.get("code") or "")
    return ""


def _priority(row: dict[str, Any]) -> tuple[int, str]:
    """New, due and overdue first: overdue, then new, then the rest followed by due date, then
    decided cases."""
    if not row["is_open"]:
        return (4, "")
    if row["overdue"] or row["answer_overdue"]:
        return (0, row["due"] or "")
    if row["new"] or row["status"] == CaseStatus.OPEN:
        return (1, row["due"] or "9999")
    return (2, row["due"] or "9999")


def queue_rows(ctx: Ctx, status: str | None) -> tuple[list[dict[str, Any]], Any]:
    from crawler.cases.lifecycle import list_cases
    from crawler.db.casework import assignments, takedowns
    from reports.builders import Context, case_row

    rctx = Context(ctx.db, ctx.config, None)
    assigned = assignments(ctx.db)
    reports = takedowns(ctx.db)
    today = rctx.now.date()
    rows = []
    for case in list_cases(ctx.db, status):
        row = case_row(rctx, case)
        td = reports.get(case.id)
        row["case"] = case
        row["assignee"] = assigned.get(case.id)
        row["school"] = rctx.school_of(case.entity_key) if case.entity_key else rctx.district.key
        row["takedown"] = td
        row["answer_overdue"] = bool(
            td and td.answer == "none" and td.answer_by and td.answer_by < today
        )
        rows.append(row)
    rows.sort(key=_priority)  # stable: within a group, list_cases's order stays
    return rows, rctx


def _filter(rows: list[dict[str, Any]], q: Any, me: str) -> list[dict[str, Any]]:
    out = rows
    for key in ("kind", "platform", "school"):
        if q.get(key):
            out = [r for r in out if r[key] == q.get(key)]
    who = q.get("assignee", "")
    if who == "-":
        out = [r for r in out if not r["assignee"]]
    elif who:
        out = [r for r in out if r["assignee"] == (me if who == "me" else who)]
    return out


@endpoint(Role.VIEWER)
def queue(ctx: Ctx) -> Response:
    from crawler.db.users import list_users

    q = ctx.request.query_params
    status = q.get("status") or None
    if status is not None and status not in set(CaseStatus):
        return error_page(ctx, 400, f"Unknown status '{status}'.")
    rows, rctx = queue_rows(ctx, None)
    counts = {
        "open": sum(1 for r in rows if r["status"] == CaseStatus.OPEN),
        "followed": sum(1 for r in rows if r["is_open"]),
        "new": sum(1 for r in rows if r["new"] and r["is_open"]),
        "overdue": sum(1 for r in rows if r["overdue"]),
        "answers_overdue": sum(1 for r in rows if r["answer_overdue"]),
        "decided": sum(1 for r in rows if not r["is_open"]),
        "mine": sum(1 for r in rows if r["assignee"] == ctx.user.name and r["is_open"])
        if ctx.user
        else 0,
    }
    shown = [r for r in rows if status is None or r["status"] == status]
    shown = _filter(shown, q, ctx.user.name if ctx.user else "")
    for r in shown[:QUEUE_LIMIT]:
        r["reason"] = _first_reason(ctx, r["case"])
    schools = [(rctx.district.key, rctx.district.name)] + [
        (k, e.name) for k, e in rctx.entities.items() if e.kind == "school"
    ]
    return page(
        ctx,
        "queue.html",
        {
            "title": "Cases",
            "district": rctx.district.name,
            "rows": shown[:QUEUE_LIMIT],
            "total": len(shown),
            "limit": QUEUE_LIMIT,
            "counts": counts,
            "filters": {
                k: q.get(k, "") for k in ("status", "kind", "platform", "school", "assignee")
            },
            "statuses": list(CaseStatus),
            "kinds": list(CaseKind),
            "platforms": sorted({r["platform"] for r in rows}),
            "schools": schools,
            "users": [u.name for u in list_users(ctx.db)],
        },
    )


def _case_or_404(ctx: Ctx) -> Any:
    from crawler.cases.lifecycle import find_case

    return find_case(ctx.db, ctx.request.path_params["case_id"])


def last_decision(case: Any) -> Any:
    """The latest decision a person made (not a scan), if it is still the latest decision."""
    for ev in reversed(case.events):
        if ev.action in ("decided", "reopened") and ev.from_status is not None:
            return ev if ev.actor != "scout" else None
    return None


def case_page_data(ctx: Ctx, case: Any, *, error: str = "") -> dict[str, Any]:
    from crawler.db.casework import takedown_json
    from crawler.db.users import list_users
    from crawler.db.web import CaseAssignment, Takedown
    from reports.builders import Context, build_case

    rctx = Context(ctx.db, ctx.config, None)
    data = build_case(rctx, case)
    for shot in data["screenshots"]:
        ev_id = shot["name"][len(case.number) + 1 :].split(".")[0]
        shot["href"] = ctx.url(f"/cases/{case.number}/evidence/{ev_id}") if shot["exists"] else None
        shot.pop("source_path", None)
    assignment = ctx.db.get(CaseAssignment, case.id)
    undo = last_decision(case)
    return {
        **data,
        "title": f"Case {case.number}",
        "assignee": assignment.assignee if assignment else None,
        "users": [u.name for u in list_users(ctx.db) if u.role != Role.VIEWER],
        "takedown": takedown_json(ctx.db.get(Takedown, case.id)),
        "decisions": DECISION_CHOICES,
        "undo": None
        if undo is None
        else {"id": undo.id, "from": undo.from_status, "to": undo.to_status, "actor": undo.actor},
        "entities": [(rctx.district.key, rctx.district.name)]
        + [(k, e.name) for k, e in rctx.entities.items()],
        "error": error,
        "form": ctx.form,
        "today": rctx.now.date().isoformat(),
    }


@endpoint(Role.VIEWER)
def case_page(ctx: Ctx) -> Response:
    case = _case_or_404(ctx)
    if case is None:
        return error_page(ctx, 404, "No such case.")
    return page(ctx, "case.html", case_page_data(ctx, case))


@endpoint(Role.VIEWER)
def evidence_file(ctx: Ctx) -> Response:
    """A screenshot, served only from the evidence store: the URL names a database row, never a
    path, and the row's file must resolve inside ``evidence_dir`` (no ``..``, no links out)."""
    from crawler.db.models import Evidence

    case = _case_or_404(ctx)
    raw = ctx.request.path_params["evidence_id"]
    if case is None or not raw.isdigit():
        return error_page(ctx, 404, "No such file.")
    ev = ctx.db.get(Evidence, int(raw))
    if (
        ev is None
        or ev.account_id != case.account_id
        or ev.kind != "screenshot"
        or not ev.file_path
    ):
        return error_page(ctx, 404, "No such file.")
    store = Path(ctx.config.evidence_dir).resolve()
    target = Path(ev.file_path)
    target = (target if target.is_absolute() else store / target).resolve()
    media = IMAGE_TYPES.get(target.suffix.lower())
    if media is None or not target.is_relative_to(store) or not target.is_file():
        return error_page(ctx, 404, "No such file.")
    return FileResponse(
        target, media_type=media, headers={"cache-control": "private, max-age=3600"}
    )


def _json(data: Any, status: int = 200) -> Response:
    # The bytes `scout cases list --json` prints (same dicts, same secret redaction).
    text = redact(json.dumps(data, indent=2, ensure_ascii=False, default=str)) + "\n"
    return Response(text, status_code=status, media_type="application/json")


@endpoint(Role.VIEWER)
def api_cases(ctx: Ctx) -> Response:
    from crawler.cases.lifecycle import case_json, list_cases

    status = ctx.request.query_params.get("status") or None
    if status is not None and status not in set(CaseStatus):
        return _json({"error": f"unknown status '{status}'"}, 400)
    return _json([case_json(c) for c in list_cases(ctx.db, status)])


@endpoint(Role.VIEWER)
def api_case(ctx: Ctx) -> Response:
    """One case as ``scout cases show ID --json``: the list shape plus due and history."""
    from crawler.cases.lifecycle import case_json

    case = _case_or_404(ctx)
    if case is None:
        return _json({"error": "no such case"}, 404)
    data = case_json(case)
    data["due"] = case.due_at.isoformat() if case.due_at else None
    history = [
        {
            "at": e.at.isoformat(),
            "actor": e.actor,
            "action": e.action,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "note": e.note,
            "scan_id": e.scan_id,
        }
        for e in case.events
    ]
    return _json({**data, "history": history})


ROUTES = [
    Route("/", queue, methods=["GET"]),
    Route("/cases", queue, methods=["GET"]),
    Route("/cases/{case_id}", case_page, methods=["GET"]),
    Route("/cases/{case_id}/evidence/{evidence_id}", evidence_file, methods=["GET"]),
    Route("/api/cases", api_cases, methods=["GET"]),
    Route("/api/cases/{case_id}", api_case, methods=["GET"]),
]
