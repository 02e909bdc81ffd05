"""The registry: browse and filter, export, and for admins import a CSV or edit one row, with
the checks of ``scout registry import`` (one bad row rejects the file with its line; nothing
is written)."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from crawler.db.web import Role
from crawler.district.registry import COLUMNS
from crawler.errors import InputError
from crawler.web.render import error_page, page
from crawler.web.routes_watch import watch_rows
from crawler.web.security import Ctx, endpoint

# every registry column but the account itself (platform and URL identify the row)
EDITABLE = tuple(c for c in COLUMNS if c not in ("platform", "url"))


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
            "watch": watch_rows(ctx),
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


def _reasons(exc: InputError) -> list[str]:
    errors = getattr(exc, "errors", None) or [exc]
    return [e.reason for e in errors]


def _row_of(ctx: Ctx, rows: list[Any], source: dict[str, str]) -> Any:
    key = (source.get("platform", ""), source.get("url", ""))
    return next((r for r in rows if (r.platform, r.url) == key), None)


@endpoint(Role.ADMIN)
def registry_edit_form(ctx: Ctx) -> Response:
    from crawler.db.store import current_profile, registry_rows

    old = _row_of(ctx, registry_rows(ctx.db), dict(ctx.request.query_params))
    if old is None:
        return error_page(ctx, 404, "No such registered account.")
    return _edit_page(ctx, old, old.to_csv_row(), [], 200, current_profile(ctx.db))


def _edit_page(
    ctx: Ctx, old: Any, values: dict[str, str], errors: list[str], status: int, profile: Any
) -> Response:
    entities = [(profile.district.key, profile.district.name)] + [
        (e.key, e.name) for e in profile.entities
    ]
    return page(
        ctx,
        "registry_edit.html",
        {
            "title": f"Edit {old.platform} @{old.handle}",
            "row": old,
            "values": values,
            "errors": errors,
            "entities": entities,
        },
        status,
    )


@endpoint(Role.ADMIN)
def registry_edit(ctx: Ctx) -> Response:
    """Change one registry row: the edited row goes through the CSV checks of the import, and
    the registry is then replaced as by an import (the other rows unchanged)."""
    from crawler.db.store import current_profile, import_registry, registry_rows
    from crawler.district.registry import COLUMNS, parse_registry

    rows = registry_rows(ctx.db)
    old = _row_of(ctx, rows, ctx.form)
    if old is None:
        return error_page(ctx, 404, "No such registered account.")
    profile = current_profile(ctx.db)
    values = old.to_csv_row() | {k: ctx.form.get(k, "").strip() for k in EDITABLE}
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerow(values)
    try:
        loaded = parse_registry(
            buf.getvalue(),
            profile,
            file="the edited row",
            mastodon_instances=ctx.config.mastodon_instances,
        )
    except InputError as exc:
        return _edit_page(ctx, old, values, _reasons(exc), 400, profile)
    new = replace(
        loaded.rows[0],
        platform_id=old.platform_id or loaded.rows[0].platform_id,
        input_url=old.input_url,
    )
    changes = import_registry(ctx.db, [new if r is old else r for r in rows])
    ctx.audit(
        "registry-edit",
        f"{old.platform} {old.url}",
        old.to_csv_row(),
        new.to_csv_row() | {"changes": changes.as_dict(), "warnings": list(loaded.warnings)},
    )
    return ctx.redirect("/registry?done=edited")


ROUTES = [
    Route("/registry", registry, methods=["GET"]),
    Route("/registry/import", registry_import, methods=["POST"]),
    Route("/registry/export.csv", registry_export, methods=["GET"]),
    Route("/registry/edit", registry_edit_form, methods=["GET"]),
    Route("/registry/edit", registry_edit, methods=["POST"]),
]
