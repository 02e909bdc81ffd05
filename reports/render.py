"""Rendering: Jinja2 environments (HTML and Markdown), CSV and JSON writers.

HTML autoescapes everything (``select_autoescape``) and links only http(s)
URLs, so a ``javascript:`` link from a hostile bio stays text. Markdown has its
own environment whose ``finalize`` escapes every value for Markdown and HTML,
unless a filter marked it :class:`MdSafe`. CSV cells that a spreadsheet would
run as a formula are neutralised with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import re
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_url(value: Any) -> str | None:
    """The URL if it is http(s) with a host, else None (never a script or data URL)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if (
        parts.scheme.lower() not in ("http", "https")
        or not parts.netloc
        or any(c in text for c in "\r\n\t ")
    ):
        return None
    return text


class MdSafe(str):
    """Markdown that a filter built from escaped parts; ``finalize`` leaves it alone."""

    __slots__ = ()


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def md_escape(value: Any) -> str:
    """A value as inert Markdown text: one line, Markdown punctuation escaped, HTML as entities."""
    if value is None:
        return ""
    if isinstance(value, MdSafe):
        return value
    text = str(value)
    text = re.sub(r"[\r\n\t]+", " ", text)
    text = (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # A value may begin a line: keep it from becoming a list item, heading or quote.
    text = re.sub(r"^(\s*)([-=>]|\d+[.)])", lambda m: m.group(1) + "\\" + m.group(2), text)
    return text


def md_link(text: Any, url: Any) -> MdSafe:
    """``[text](url)`` for http(s) URLs; other URLs (``javascript:``) are dropped, the text kept."""
    label = md_escape(text)
    target = safe_url(url)
    if target is None:
        return MdSafe(label)
    target = quote(target, safe=":/?#[]@!$&'*+,;=%~.-_")
    return MdSafe(f"[{label}](<{target.replace('<', '%3C').replace('>', '%3E')}>)")


def md_code(value: Any) -> MdSafe:
    """Inline code (hashes, handles): backticks removed from the value first."""
    text = re.sub(r"[`\r\n]+", " ", "" if value is None else str(value))
    return MdSafe(f"`{text}`") if text else MdSafe("")


def _finalize_md(value: Any) -> Any:
    if isinstance(value, MdSafe):
        return value
    if isinstance(value, bool | int | float):
        return value
    return md_escape(value)


def _pct(value: float | None) -> str:
    return "" if value is None else f"{round(float(value) * 100):d}%"


def _common(env: Environment) -> Environment:
    env.filters["safe_url"] = safe_url
    env.filters["pct"] = _pct
    env.filters["plural"] = lambda n, word, many=None: (
        f"{n} {word if n == 1 else (many or word + 's')}"
    )
    return env


@lru_cache(maxsize=1)
def html_env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html", "htm", "xml", "svg"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["css"] = (STATIC / "report.css").read_text(encoding="utf-8")
    return _common(env)


@lru_cache(maxsize=1)
def md_env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=False,  # noqa: S701 - Markdown: finalize escapes every value for Markdown and HTML
        finalize=_finalize_md,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["link"] = md_link
    env.filters["code"] = md_code
    return _common(env)


def render(template: str, data: dict[str, Any], *, root: str = "") -> str:
    """Render ``folder/name.html`` or ``folder/name.md`` with the matching environment.

    ``root`` leads from the page back to the report folder (``../`` for the case pages).
    """
    env = md_env() if template.endswith(".md") else html_env()
    return env.get_template(template).render(**{"root": root, **data})


def csv_cell(value: Any) -> str:
    """A cell a spreadsheet shows as text: formulas (=, +, -, @, tab, CR) get a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if text.startswith(FORMULA_START) or text.lstrip().startswith(FORMULA_START[:4]):
        return "'" + text
    return text


def to_csv(columns: list[str], rows: list[dict[str, Any]]) -> str:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([csv_cell(r.get(c)) for c in columns])
    return buf.getvalue()
