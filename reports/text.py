"""Plain-text documents (``report-to-platform.txt``, the e-mail's text part): a sandboxed
Jinja2 environment whose ``finalize`` makes every value inert text.

A value from the web (a display name, a bio, a link) becomes one line: control characters
(terminal escapes, form feeds), line breaks and Unicode direction overrides are removed, so a
hostile bio cannot start a line of its own, fake a heading of the form or reorder what a
reader sees; long values are cut. Templates are sandboxed because districts may write their
own (``[packets] report_template``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from reports.render import TEMPLATES

MAX_VALUE_CHARS = 600
# Bidirectional embedding, override and isolate controls; zero-width joiners and marks.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


class Text(str):
    """Text a template or filter built from already cleaned parts; ``finalize`` keeps it."""

    __slots__ = ()


def plain(value: Any, limit: int = MAX_VALUE_CHARS) -> str:
    """A value as one inert line of text."""
    if value is None:
        return ""
    if isinstance(value, Text):
        return value
    if isinstance(value, bool | int | float):
        return str(value)
    text = _INVISIBLE.sub("", str(value))
    text = "".join(
        " " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c
        for c in unicodedata.normalize("NFC", text)
    )
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _finalize(value: Any) -> Any:
    return plain(value)


def _wrap(value: Any, width: int = 78, indent: str = "") -> Text:
    """A cleaned value folded to ``width`` columns (for paragraphs of the form text)."""
    import textwrap

    return Text(
        textwrap.fill(plain(value, 4000), width=width, initial_indent="", subsequent_indent=indent)
    )


def _configure(env: ImmutableSandboxedEnvironment) -> ImmutableSandboxedEnvironment:
    env.filters["wrap"] = _wrap
    env.filters["plain"] = lambda v, limit=MAX_VALUE_CHARS: Text(plain(v, limit))
    return env


@lru_cache(maxsize=1)
def text_env() -> ImmutableSandboxedEnvironment:
    return _configure(
        ImmutableSandboxedEnvironment(
            loader=FileSystemLoader(str(TEMPLATES)),
            autoescape=False,  # plain text: finalize makes every value one inert line
            finalize=_finalize,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
    )


def render_text(template: str, data: dict[str, Any], *, own: Path | None = None) -> str:
    """Render a bundled text template, or the district's own template file ``own``."""
    env = text_env()
    if own is not None:
        tpl = env.from_string(own.read_text(encoding="utf-8"))
    else:
        tpl = env.get_template(template)
    return tpl.render(**data)
