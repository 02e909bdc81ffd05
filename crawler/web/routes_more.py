"""Search (in the background, with progress), the registry (browse, import, export), the scans
(history, per-source figures, gaps, quotas, takedown times) and the audit log."""

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
    if len(name) > SEARCH_MAX:
        return error_page(ctx, 400, f"A name has at most {SEARCH_MAX} characters.")
    assert ctx.user is not None
    job = ctx.settings.jobs.start(ctx.user.name, name)
    ctx.audit("search", name, None, {"job": job.id})
    return ctx.redirect(f"/search/jobs/{job.id}")


def _job(ctx: Ctx, kind: str = "search") -> Any:
    assert ctx.user is not None
    owner = ctx.user.name if kind == "search" else None
    return ctx.settings.jobs.get(ctx.request.path_params["job_id"], owner, kind=kind)


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
    again = ctx.settings.jobs.start(ctx.user.name, job.name, open_cases=True)
    ctx.audit("search-open-cases", job.name, None, {"job": again.id})
    return ctx.redirect(f"/search/jobs/{again.id}")


@endpoint(Role.REVIEWER)
def search_job_json(ctx: Ctx) -> Response:
    job = _job(ctx)
    if job is None:
        return Response('{"error": "no such search"}', 404, media_type="application/json")
    return Response(json.dumps(job.as_dict()), media_type="application/json")


# --------------------------------------------------------------------------- registry


def _registry_filters(rows: list[Any], q: Any) -> list[Any]:
    text = q.get("q", "").strip().casefold()
    out = [
        r
        for r in rows
        if (not q.get("platform") or r.platform == q.get("platform"))
        and (not q.get("entity") or r.entity == q.get("entity"))
        and (not q.get("status") or r.status == q.get("status"))
        and (not text or text in f"{r.handle} {r.display_name} {r.url}".casefold())
    ]
    return out


def _registry_page(ctx: Ctx, *, errors: list[str] | None = None, status: int = 200) -> Response:
    from crawler.db.store import district_row, registry_rows

    district = district_row(ctx.db)
    rows = registry_rows(ctx.db)
    q = ctx.request.query_params
    return page(
        ctx,
        "registry.html",
        {
            "title": "Registry",
            "district": district.name,
            "rows": _registry_filters(rows, q),
            "total": len(rows),
            "filters": {k: q.get(k, "") for k in ("q", "platform", "entity", "status")},
            "platforms": sorted({r.platform for r in rows}),
            "entities": sorted({r.entity for r in rows}),
            "statuses": ["active", "deactivated", "transferred"],
            "errors": errors or [],
        },
        status,
    )


@endpoint(Role.VIEWER)
def registry(ctx: Ctx) -> Response:
    return _registry_page(ctx)


@endpoint(Role.ADMIN)
def registry_import(ctx: Ctx) -> Response:
    """Replace the registry with an uploaded CSV, validated as ``scout registry import`` does:
    one bad row rejects the file with its line number; nothing is written."""
    from crawler.db.store import current_profile, import_registry, registry_rows
    from crawler.district.registry import parse_registry

    filename, raw = ctx.files.get("registry", ("", b""))
    name = (filename.replace("\\", "/").rsplit("/", 1)[-1] or "registry.csv")[:200]
    try:
        if not raw:
            raise InputError("choose a registry CSV file to import")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                "not UTF-8 text", file=name, line=raw[: exc.start].count(b"\n") + 1
            ) from None
        loaded = parse_registry(
            text,
            current_profile(ctx.db),
            file=name,
            mastodon_instances=ctx.config.mastodon_instances,
        )
    except InputError as exc:
        ctx.audit("registry-import-refused", name, None, {"error": str(exc)[:2000]})
        return _registry_page(ctx, errors=str(exc).splitlines(), status=400)
    before = len(registry_rows(ctx.db))
    changes = import_registry(ctx.db, loaded.rows)
    ctx.audit(
        "registry-import",
        name,
        {"rows": before},
        {"rows": len(loaded.rows), **changes.as_dict(), "warnings": list(loaded.warnings)},
    )
    return ctx.redirect("/registry?done=imported")


@endpoint(Role.VIEWER)
def registry_export(ctx: Ctx) -> Response:
    from crawler.db.store import registry_rows
    from crawler.district.registry import registry_to_csv

    return Response(
        registry_to_csv(registry_rows(ctx.db)),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="registry.csv"'},
    )


# --------------------------------------------------------------------------- scans and audit


@endpoint(Role.VIEWER)
def scans(ctx: Ctx) -> Response:
    from sqlalchemy import select

    from crawler.db.casework import takedown_stats
    from crawler.db.models import Scan
    from crawler.db.quota import read_usage
    from crawler.db.store import district_row
    from reports.builders import Context, build_summary

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
    job = ctx.settings.jobs.start(ctx.user.name, "scan", kind="scan")
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
    entries = [audit_json(e) for e in audit_entries(ctx.db, limit=1000, action=action)]
    for e in entries:
        e["before_text"] = json.dumps(e["before"], ensure_ascii=False) if e["before"] else ""
        e["after_text"] = json.dumps(e["after"], ensure_ascii=False) if e["after"] else ""
    return page(
        ctx, "audit.html", {"title": "Audit log", "entries": entries, "action": action or ""}
    )


ROUTES = [
    Route("/search", search, methods=["GET"]),
    Route("/search/jobs/{job_id}.json", search_job_json, methods=["GET"]),
    Route("/search/jobs/{job_id}", search_job, methods=["GET"]),
    Route("/search/jobs/{job_id}/open-cases", search_open_cases, methods=["POST"]),
    Route("/registry", registry, methods=["GET"]),
    Route("/registry/import", registry_import, methods=["POST"]),
    Route("/registry/export.csv", registry_export, methods=["GET"]),
    Route("/scans", scans, methods=["GET"]),
    Route("/scans/start", scan_start, methods=["POST"]),
    Route("/scans/jobs/{job_id}.json", scan_job_json, methods=["GET"]),
    Route("/scans/jobs/{job_id}", scan_job, methods=["GET"]),
    Route("/audit", audit_page, methods=["GET"]),
]
