"""The queue, the case page, its evidence files and the JSON API (``/api/cases``).

Rows come from the same functions as ``scout cases list`` and the static reports
(:func:`crawler.cases.views.list_cases`, :func:`reports.context.case_row` and
:func:`reports.documents.case.build_case`); this module only filters, orders and adds the web app's
own facts (assignee, takedown).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.responses import FileResponse, Response
from starlette.routing import Route

from crawler.config import redact
from crawler.db.web import Role, TakedownAnswer
from crawler.district.profile import EntityKind
from crawler.vocab import CaseKind, CaseStatus, EvidenceKind
from crawler.web.render import error_page, page
from crawler.web.security import Ctx, endpoint

QUEUE_LIMIT = 100  # rows per page of the queue
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


def _first_reasons(ctx: Ctx, rows: list[dict[str, Any]]) -> None:
    """Each row's first reason: the first level of its account's latest assessment (one query
    for the page, not one per row)."""
    from crawler.cases.views import latest_explanations

    latest = latest_explanations(ctx.db, sorted({r["case"].account_id for r in rows}))
    for r in rows:
        case = r["case"]
        if case.kind == CaseKind.DEACTIVATION_INCOMPLETE:
            r["reason"] = "The registry lists it as deactivated, but a scan saw it live"
            continue
        levels = latest.get(case.account_id) or [{}]
        r["reason"] = str(levels[0].get("label") or levels[0].get("code") or "")


def _queue_filter(q: Any, rctx: Any, me: str) -> Any:
    from crawler.db.casework import QueueFilter

    school = q.get("school") or None
    keys = None
    if school:
        keys = frozenset(
            k for k in [rctx.district.key, *rctx.entities] if rctx.school_of(k) == school
        )
    who = q.get("assignee") or None
    return QueueFilter(
        status=q.get("status") or None,
        kind=q.get("kind") or None,
        platform=q.get("platform") or None,
        entity_keys=keys,
        no_entity=school == rctx.district.key,
        assignee=me if who == "me" else who,
    )


def _rows(ctx: Ctx, rctx: Any, cases: list[Any], order: Any) -> list[dict[str, Any]]:
    """Queue rows: the static index's row (:func:`reports.context.case_row`) plus the web
    app's facts (assignee, platform answer overdue), in two queries for the page."""
    from sqlalchemy import select

    from crawler.db.casework import takedown_json
    from crawler.db.web import CaseAssignment, Takedown
    from reports.context import case_row

    ids = [c.id for c in cases] or [-1]
    tds = {t.case_id: t for t in ctx.db.scalars(select(Takedown).where(Takedown.case_id.in_(ids)))}
    who = dict(
        ctx.db.execute(
            select(CaseAssignment.case_id, CaseAssignment.assignee).where(
                CaseAssignment.case_id.in_(ids)
            )
        ).all()
    )
    rows = []
    for case in cases:
        td = tds.get(case.id)
        row = case_row(rctx, case)
        row.update(
            case=case,
            assignee=who.get(case.id),
            takedown=takedown_json(td),
            answer_overdue=bool(
                td
                and td.answer == TakedownAnswer.NONE
                and td.answer_by
                and td.answer_by < order.today
            ),
        )
        rows.append(row)
    return rows


@endpoint(Role.VIEWER)
def queue(ctx: Ctx) -> Response:
    """The queue: counts over all cases, then one page of the filtered cases, overdue and new
    first (ordered and paged in the database, so it stays fast with thousands of cases)."""
    from crawler.cases.records import FOLLOWED_STATUSES
    from crawler.db.casework import QueueOrder, queue_counts, queue_page, queue_platforms
    from crawler.db.users import list_users
    from reports.context import Context

    q = ctx.request.query_params
    status = q.get("status") or None
    if status is not None and status not in set(CaseStatus):
        return error_page(ctx, 400, f"Unknown status '{status}'.")
    rctx = Context(ctx.db, ctx.config, None)
    me = ctx.user.name if ctx.user else ""
    order = QueueOrder(
        today=rctx.now.date(),
        latest_scan_id=rctx.scan.id if rctx.scan is not None else None,
        followed=tuple(FOLLOWED_STATUSES),
    )
    raw = q.get("page", "1")
    number = int(raw) if raw.isdigit() and int(raw) > 0 else 1
    cases, total = queue_page(
        ctx.db,
        _queue_filter(q, rctx, me),
        order,
        limit=QUEUE_LIMIT,
        offset=(number - 1) * QUEUE_LIMIT,
    )
    pages = max(1, -(-total // QUEUE_LIMIT))
    page_rows = _rows(ctx, rctx, cases, order)
    _first_reasons(ctx, page_rows)
    query = {k: v for k, v in q.items() if k != "page" and v}
    schools = [(rctx.district.key, rctx.district.name)] + [
        (k, e.name) for k, e in rctx.entities.items() if e.kind == EntityKind.SCHOOL
    ]
    return page(
        ctx,
        "queue.html",
        {
            "title": "Cases",
            "district": rctx.district.name,
            "rows": page_rows,
            "total": total,
            "page": number,
            "pages": pages,
            "page_query": urlencode(query),
            "counts": queue_counts(ctx.db, order, me),
            "filters": {
                k: q.get(k, "") for k in ("status", "kind", "platform", "school", "assignee")
            },
            "statuses": list(CaseStatus),
            "kinds": list(CaseKind),
            "platforms": queue_platforms(ctx.db),
            "schools": schools,
            "users": [u.name for u in list_users(ctx.db)],
        },
    )


def _case_or_404(ctx: Ctx) -> Any:
    from crawler.cases.records import find_case

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
    from reports.context import Context
    from reports.documents.case import build_case

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
        or ev.kind != EvidenceKind.SCREENSHOT
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
    from crawler.cases.views import cases_json, list_cases

    status = ctx.request.query_params.get("status") or None
    if status is not None and status not in set(CaseStatus):
        return _json({"error": f"unknown status '{status}'"}, 400)
    return _json(cases_json(ctx.db, list_cases(ctx.db, status)))


@endpoint(Role.VIEWER)
def api_case(ctx: Ctx) -> Response:
    """One case as ``scout cases show ID --json``: the list shape plus due and history."""
    from crawler.cases.views import case_detail_json

    case = _case_or_404(ctx)
    if case is None:
        return _json({"error": "no such case"}, 404)
    return _json(case_detail_json(case))


@endpoint(Role.VIEWER)
def packet_zip(ctx: Ctx) -> Response:
    """The case's evidence and report packet (``scout cases packet``), the same bytes."""
    from reports.documents.packet import build_packet, packet_name

    case = _case_or_404(ctx)
    if case is None:
        return error_page(ctx, 404, "No such case.")
    data = build_packet(ctx.db, ctx.config, case.id)
    return Response(
        data,
        media_type="application/zip",
        headers={
            "content-disposition": f'attachment; filename="{packet_name(case.number)}"',
            "cache-control": "private, no-store",
        },
    )


@endpoint(Role.VIEWER)
def letter_file(ctx: Ctx) -> Response:
    """The letter of an ABCE-AR1 step (``scout cases letter --step N``), as PDF or Markdown."""
    from reports.documents.letter import build_letter, letter_name

    case = _case_or_404(ctx)
    step, fmt = ctx.request.path_params["step"], ctx.request.path_params["fmt"]
    if case is None or fmt not in ("pdf", "md") or not 1 <= step <= len(ctx.config.steps):
        return error_page(ctx, 404, "No such letter.")
    letter = build_letter(ctx.db, ctx.config, case.id, step)
    body, media = (
        (letter.pdf, "application/pdf")
        if fmt == "pdf"
        else (letter.markdown.encode("utf-8"), "text/markdown; charset=utf-8")
    )
    name = f"{letter_name(case.number, step)}.{fmt}"
    return Response(
        body,
        media_type=media,
        headers={
            "content-disposition": f'attachment; filename="{name}"',
            "cache-control": "private, no-store",
        },
    )


ROUTES = [
    Route("/", queue, methods=["GET"]),
    Route("/cases", queue, methods=["GET"]),
    Route("/cases/{case_id}", case_page, methods=["GET"]),
    Route("/cases/{case_id}/evidence/{evidence_id}", evidence_file, methods=["GET"]),
    Route("/cases/{case_id}/packet.zip", packet_zip, methods=["GET"]),
    Route("/cases/{case_id}/letters/step-{step:int}.{fmt}", letter_file, methods=["GET"]),
    Route("/api/cases", api_cases, methods=["GET"]),
    Route("/api/cases/{case_id}", api_case, methods=["GET"]),
]
