"""The registry under watch in the web app: the findings on the registry page
(:func:`watch_rows`) and ``POST /registry/acknowledge`` (reviewers and admins), which records
who acknowledged a finding, when and why: it stays quiet until the account changes again."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from crawler.db.web import Role
from crawler.web.render import error_page
from crawler.web.security import Ctx, endpoint


def watch_rows(ctx: Ctx) -> list[dict[str, Any]]:
    """The registry watch's findings of the latest scan, with their before/after lines."""
    from reports import audit_registry
    from reports.watch import SECTIONS, before_after_text

    return [
        f.full() | {"before_after": before_after_text(f.before, f.after)}
        for f in audit_registry(ctx.db, ctx.config)
        if f.code in SECTIONS
    ]


@endpoint(Role.REVIEWER)
def registry_acknowledge(ctx: Ctx) -> Response:
    from sqlalchemy import select

    from crawler.db.models import RegisteredAccount
    from crawler.db.store import district_row
    from crawler.db.watch import acknowledge
    from reports.watch import SECTIONS

    code = ctx.form.get("code", "")
    try:
        rid = int(ctx.form.get("registered_id", ""))
    except ValueError:
        rid = -1
    row = ctx.db.scalars(
        select(RegisteredAccount).where(
            RegisteredAccount.id == rid,
            RegisteredAccount.district_id == district_row(ctx.db).id,
        )
    ).first()
    if row is None or code not in SECTIONS:
        return error_page(ctx, 404, "No such registry finding.")
    note = ctx.form.get("note", "").strip()[:2000] or None
    actor = ctx.user.name if ctx.user else "-"
    ack = acknowledge(ctx.db, row.id, code, actor, note)
    ctx.audit(
        "registry-acknowledge", row.url, None, {"code": code, "digest": ack.digest, "note": note}
    )
    return ctx.redirect("/registry?done=acknowledged")


ROUTES = [Route("/registry/acknowledge", registry_acknowledge, methods=["POST"])]
