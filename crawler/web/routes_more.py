"""Search (in the background, with progress), the scans (history, per-source figures, gaps,
quotas, takedown times; an admin starts one) and the audit log."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from crawler.db.web import Role
from crawler.errors import InputError
from crawler.web.render import error_page, page
from crawler.web.security import Ctx, endpoint

SEARCH_MAX = 200


# --------------------------------------------------------------------------- search


@endpoint(Role.VIEWER)
def search(ctx: Ctx) -> Response:
    """``/search?q=NAME`` starts an ad-hoc search (reviewers) and shows its progress page."""
    name = ctx.request.query_params.get("q", "").strip()
    if not name:
        return page(ctx, "search.html", {"title": "Search", "job": None, "q": ""})
    if not ctx.can(Role.REVIEWER):
        return error_page(ctx, 403, "Running a search needs the reviewer role.")
    if ctx.request.headers.get("sec-fetch-site") == "cross-site":
        # A link from another site does not spend the API quotas: the user presses Search.
        return page(ctx, "search.html", {"title": "Search", "job": None, "q": name})
    if len(name) > SEARCH_MAX:
        return error_page(ctx, 400, f"A name has at most {SEARCH_MAX} characters.")
    assert ctx.user is not None
    job = ctx.settings.jobs.start(ctx.user.name, name, district=ctx.district)
    ctx.audit("search", name, None, {"job": job.id})
    return ctx.redirect(f"/search/jobs/{job.id}")


def _job(ctx: Ctx, kind: str = "search") -> Any:
    assert ctx.user is not None
    owner = ctx.user.name if kind == "search" else None
    return ctx.settings.jobs.get(
        ctx.request.path_params["job_id"], owner, kind=kind, district=ctx.district
    )


@endpoint(Role.REVIEWER)
def search_job(ctx: Ctx) -> Response:
    job = _job(ctx)
    if job is None:
        return error_page(ctx, 404, "No such search (it may have ended more than an hour ago).")
    return page(ctx, "search.html", {"title": f"Search: {job.name}", "job": job, "q": job.name})


@endpoint(Role.REVIEWER)
def search_open_cases(ctx: Ctx) -> Response:
    """ "Open cases from these": the same search again, as ``scout search --open-cases``."""
    job = _job(ctx)
    if job is None:
        return error_page(ctx, 404, "No such search (it may have ended more than an hour ago).")
    assert ctx.user is not None
    again = ctx.settings.jobs.start(ctx.user.name, job.name, open_cases=True, district=ctx.district)
    ctx.audit("search-open-cases", job.name, None, {"job": again.id})
    return ctx.redirect(f"/search/jobs/{again.id}")


@endpoint(Role.REVIEWER)
def search_job_json(ctx: Ctx) -> Response:
    job = _job(ctx)
    if job is None:
        return Response('{"error": "no such search"}', 404, media_type="application/json")
    return Response(json.dumps(job.as_dict()), media_type="application/json")


# --------------------------------------------------------------------------- scans and audit


@endpoint(Role.VIEWER)
def scans(ctx: Ctx) -> Response:
    from sqlalchemy import select

    from crawler.db.casework import takedown_stats
    from crawler.db.models import Scan
    from crawler.db.quota import read_usage
    from crawler.db.store import district_row
    from reports.context import Context
    from reports.documents.summary import build_summary

    district = district_row(ctx.db)
    raw = ctx.request.query_params.get("scan", "")
    if raw and not raw.isdigit():
        return error_page(ctx, 400, "A scan is named by its number.")
    try:
        summary = build_summary(Context(ctx.db, ctx.config, int(raw) if raw else None))
    except InputError as exc:
        return error_page(ctx, 404, str(exc))
    history = list(
        ctx.db.scalars(
            select(Scan).where(Scan.district_id == district.id).order_by(Scan.id.desc()).limit(100)
        )
    )
    quotas = [
        {"name": key, "text": state.describe()}
        for key, state in read_usage(ctx.db, ctx.config).items()
    ]
    return page(
        ctx,
        "scans.html",
        {
            **summary,
            "title": "Scans",
            "history": history,
            "quotas": quotas,
            "takedowns": takedown_stats(ctx.db),
        },
    )


@endpoint(Role.ADMIN)
def scan_start(ctx: Ctx) -> Response:
    """An admin starts the monthly scan; it runs as ``scout scan`` does, under the scan lock."""
    assert ctx.user is not None
    job = ctx.settings.jobs.start(ctx.user.name, "scan", kind="scan", district=ctx.district)
    ctx.audit("scan-start", "scan", None, {"job": job.id})
    return ctx.redirect(f"/scans/jobs/{job.id}")


@endpoint(Role.ADMIN)
def scan_job(ctx: Ctx) -> Response:
    job = _job(ctx, "scan")
    if job is None:
        return error_page(ctx, 404, "No such scan job (it may have ended more than an hour ago).")
    return page(ctx, "scan_job.html", {"title": "Scan", "job": job})


@endpoint(Role.ADMIN)
def scan_job_json(ctx: Ctx) -> Response:
    job = _job(ctx, "scan")
    if job is None:
        return Response('{"error": "no such scan job"}', 404, media_type="application/json")
    return Response(json.dumps(job.as_dict()), media_type="application/json")


@endpoint(Role.ADMIN)
def audit_page(ctx: Ctx) -> Response:
    from crawler.db.users import audit_entries, audit_json

    action = ctx.request.query_params.get("action") or None
    # an admin limited to some districts sees their entries only (and their own sign-ins)
    limited = list(ctx.user.districts or []) if ctx.user is not None else []
    only = ctx.request.query_params.get("of_district") or None
    found = audit_entries(
        ctx.db,
        limit=1000,
        action=action,
        district=only,
        districts=limited or None,
        actor=ctx.user.name if ctx.user is not None else None,
    )
    entries = [audit_json(e) for e in found]
    for e in entries:
        e["before_text"] = json.dumps(e["before"], ensure_ascii=False) if e["before"] else ""
        e["after_text"] = json.dumps(e["after"], ensure_ascii=False) if e["after"] else ""
    return page(
        ctx,
        "audit.html",
        {
            "title": "Audit log",
            "entries": entries,
            "action": action or "",
            "only": only or "",
            "audit_districts": ctx.districts if len(ctx.districts) > 1 else [],
        },
    )


ROUTES = [
    Route("/search", search, methods=["GET"]),
    Route("/search/jobs/{job_id}.json", search_job_json, methods=["GET"]),
    Route("/search/jobs/{job_id}", search_job, methods=["GET"]),
    Route("/search/jobs/{job_id}/open-cases", search_open_cases, methods=["POST"]),
    Route("/scans", scans, methods=["GET"]),
    Route("/scans/start", scan_start, methods=["POST"]),
    Route("/scans/jobs/{job_id}.json", scan_job_json, methods=["GET"]),
    Route("/scans/jobs/{job_id}", scan_job, methods=["GET"]),
    Route("/audit", audit_page, methods=["GET"]),
]
