"""The letter of an ABCE-AR1 step to an account's administrator, as Markdown and PDF.

A step of the procedure (``[cases] steps`` in ``scout.toml``) may name a letter: one of the
bundled letters (``register``, ``deadline``, ``escalate``, ``reported``, in
``reports/templates/letter/``) or a Markdown template file of the district's own, relative to
``scout.toml``. The template is Jinja2 in a sandbox; every value is escaped for Markdown (and
HTML) as in the Markdown reports, so a hostile display name stays text. The Markdown becomes
HTML through markdown-it (CommonMark, raw HTML off), then the letterhead page, printed by
Chromium.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup
from sqlalchemy.orm import Session

from crawler.cases.records import find_case
from crawler.config import Config, redact
from crawler.db.models import Case
from crawler.errors import InputError
from reports.context import Context, case_row, platform_label
from reports.document import DOCUMENTS, document
from reports.documents.packet import official_accounts, own_official
from reports.pdf import html_to_pdf
from reports.render import TEMPLATES, MdSafe, md_code, md_escape, md_link, render

BUNDLED = ("register", "deadline", "escalate", "reported")


@dataclass(frozen=True, slots=True)
class Letter:
    markdown: str
    html: str
    pdf: bytes


def _finalize(value: Any) -> Any:
    if isinstance(value, MdSafe) or (isinstance(value, bool | int | float)):
        return value
    return md_escape(value)


@lru_cache(maxsize=1)
def letter_env() -> ImmutableSandboxedEnvironment:
    """Markdown letters: sandboxed (districts write their own), every value escaped."""
    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=False,  # Markdown: finalize escapes every value for Markdown and HTML
        finalize=_finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["link"] = md_link
    env.filters["code"] = md_code
    return env


def _long_date(value: Any) -> str:
    return f"{value:%B} {value.day}, {value.year}"


def _step(ctx: Context, case: Case, n: int) -> dict[str, Any]:
    steps = ctx.config.steps
    if not 1 <= n <= len(steps):
        raise InputError(f"no step {n}: the procedure has {len(steps)} steps", field="--step")
    s = steps[n - 1]
    if not s.letter:
        raise InputError(f"step {n} has no letter in the configuration", field="--step")
    due = case.opened_at.date() + timedelta(days=s.days)
    return {
        "n": n,
        "text": s.step,
        "days": s.days,
        "letter": s.letter,
        "date": due.isoformat(),
        "date_long": _long_date(due),
    }


@document("letter", "letter.md", "letter.html", per_case=True, on_demand=True)
def build_letter_data(ctx: Context, case: Case, step: int = 1) -> dict[str, Any]:
    """What a letter of step ``step`` fills in: the district, the account, the deadline."""
    acc = case.account
    official = official_accounts(ctx, acc.platform)
    signature = ctx.config.packets.get("signature")
    mailbox = ctx.config.packets.get("role_mailbox")
    entity = ctx.entities.get(case.entity_key or "")
    return {
        **ctx.header(),
        "case": case_row(ctx, case),
        "account": {
            "platform_label": platform_label(acc.platform),
            "url": acc.url,
            "handle": acc.handle,
            "display_name": acc.display_name or "",
        },
        "entity_name": ctx.entity_name(case.entity_key) or ctx.district.name,
        "entity_website": (entity.website if entity is not None else None) or ctx.district.website,
        "official": own_official(ctx, case, official),
        "step": _step(ctx, case, step),
        "steps": len(ctx.config.steps),
        "date_long": _long_date(ctx.now.date()),
        "signature": signature
        if isinstance(signature, str) and signature
        else f"Public Relations Department, {ctx.district.name}",
        "role_mailbox": mailbox if isinstance(mailbox, str) and mailbox else None,
    }


def _template_source(config: Config, letter: str) -> tuple[str | None, Path | None]:
    """(bundled template name, or the district's own file)."""
    if letter in BUNDLED:
        return f"letter/{letter}.md", None
    path = Path(letter) if Path(letter).is_absolute() else config.base_dir / letter
    if not path.is_file():
        raise InputError(
            f"letter template '{letter}' is neither a bundled letter ({', '.join(BUNDLED)}) "
            f"nor a file ({path})",
            field="cases.steps",
        )
    return None, path


def letter_markdown(ctx: Context, case: Case, step: int) -> str:
    """The letter of ``step`` for ``case`` as Markdown."""
    data = DOCUMENTS["letter"].build(ctx, case, step=step)
    name, path = _template_source(ctx.config, data["step"]["letter"])
    env = letter_env()
    if path is not None:
        template = env.from_string(path.read_text(encoding="utf-8"))
    else:
        assert name is not None
        template = env.get_template(name)
    return redact(template.render(**data))


def markdown_to_html(text: str) -> Markup:
    """CommonMark to HTML with raw HTML off (markdown-it also refuses script links)."""
    from markdown_it import MarkdownIt

    return Markup(MarkdownIt("commonmark", {"html": False}).render(text))  # noqa: S704 - markdown-it escapes text, raw HTML is off


def build_letter(session: Session, config: Config, case_id: str | int, step: int) -> Letter:
    """The letter of ``step`` for a case: Markdown, the HTML page and its PDF."""
    case = find_case(session, case_id)
    if case is None:
        raise InputError(f"no case '{case_id}'", field="ID")
    ctx = Context(session, config, None)
    markdown = letter_markdown(ctx, case, step)
    data = DOCUMENTS["letter"].build(ctx, case, step=step)
    html = render(
        DOCUMENTS["letter"].template("letter.html"), {**data, "body": markdown_to_html(markdown)}
    )
    return Letter(markdown=markdown, html=html, pdf=html_to_pdf(config, html, ctx.now))


def letter_name(case_number: str, step: int) -> str:
    return f"{case_number}-step{step}-letter"
