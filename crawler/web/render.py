"""Templates of the web app: Jinja2 with autoescape on for everything, the web app's own
templates first, then the static reports' (their macros: links that only ever point at
http(s) URLs, status badges). The look is the reports' stylesheet, served as a file so the
Content-Security-Policy needs no ``unsafe-inline``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.responses import HTMLResponse

from reports.context import KIND_LABELS, PLATFORM_LABELS, STATUS_LABELS
from reports.render import TEMPLATES as REPORT_TEMPLATES
from reports.render import safe_url

if TYPE_CHECKING:
    from crawler.web.security import Ctx

TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")


# Messages after a form did its work (``?done=CODE``): fixed texts, never echoed from the URL.
FLASH = {
    "decided": "Decision recorded.",
    "acknowledged": "Acknowledged: the finding stays quiet until the account changes again.",
    "noted": "Note added.",
    "assigned": "Assignment saved.",
    "undone": "The last decision was undone.",
    "takedown": "The platform report was saved.",
    "imported": "Registry imported.",
    "edited": "Registry row saved.",
}


def _pct(value: float | None) -> str:
    return "" if value is None else f"{round(float(value) * 100):d}%"


@lru_cache(maxsize=1)
def env() -> Environment:
    e = Environment(
        loader=ChoiceLoader(
            [FileSystemLoader(str(TEMPLATES)), FileSystemLoader(str(REPORT_TEMPLATES))]
        ),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    e.filters["safe_url"] = safe_url
    e.filters["pct"] = _pct
    e.globals.update(
        status_labels=STATUS_LABELS, kind_labels=KIND_LABELS, platform_labels=PLATFORM_LABELS
    )
    return e


def page(ctx: Ctx, template: str, data: dict[str, Any], status: int = 200) -> HTMLResponse:
    """Render a page with what every page needs: the user, the CSRF token, the URL helper."""
    from crawler.db.web import Role

    common = {
        "user": ctx.user,
        "role": ctx.role,
        "can_review": ctx.can(Role.REVIEWER),
        "is_admin": ctx.can(Role.ADMIN),
        "csrf": ctx.web_session.csrf if ctx.web_session else "",
        "url": ctx.url,
        "path": ctx.route_path,
        "district": data.get("district", ""),
        # several districts the user may see: a selector (GET ?district=KEY, then remembered)
        "district_keys": ctx.districts if len(ctx.districts) > 1 else [],
        "district_key": ctx.district or "",
        "flash": FLASH.get(ctx.request.query_params.get("done", ""), ""),
    }
    html = env().get_template(template).render(**{**common, **data})
    return HTMLResponse(html, status_code=status)


def error_page(ctx: Ctx, status: int, message: str) -> HTMLResponse:
    titles = {400: "Not accepted", 403: "Not allowed", 404: "Not found", 503: "Not ready"}
    return page(
        ctx,
        "error.html",
        {"title": titles.get(status, "Error"), "message": message, "status": status},
        status,
    )
