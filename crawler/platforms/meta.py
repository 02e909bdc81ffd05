"""Helpers shared by page parsers: meta tags, titles, embedded JSON, counts, HTML to text.

Regular expressions over the raw page, not a DOM: profile pages are up to a few MB of
script, and the few values we need sit in ``<head>``. Every value is HTML-unescaped
(Instagram writes ``&#064;`` for ``@`` and ``&#x2022;`` for ``•``).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from typing import Any

# A tag's attributes, allowing ">" inside quoted values; alternatives start with distinct
# characters, so matching stays linear.
_ATTRS = r"""((?:[^>"']|"[^"]*"|'[^']*')*)"""
_META_TAG = re.compile(r"<meta\b" + _ATTRS + r">", re.IGNORECASE)
_LINK_TAG = re.compile(r"<link\b" + _ATTRS + r">", re.IGNORECASE)
_ATTR = re.compile(r"""([^\s=/>"']+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_LD_JSON = re.compile(
    r"""<script\b[^>]*type\s*=\s*["']application/ld\+json["'][^>]*>(.*?)</script\s*>""",
    re.IGNORECASE | re.DOTALL,
)


def attributes(attr_text: str) -> dict[str, str]:
    """Attributes of one tag, names lower-cased, values unescaped (first occurrence wins)."""
    out: dict[str, str] = {}
    for m in _ATTR.finditer(attr_text):
        name = m.group(1).lower()
        if name not in out:
            value = next((g for g in m.groups()[1:] if g is not None), "")
            out[name] = html.unescape(value)
    return out


@dataclass(slots=True)
class PageMeta:
    """The ``<head>`` facts of a page: meta tags by property/name, title and canonical link."""

    tags: dict[str, str] = field(default_factory=dict)
    title: str | None = None
    canonical: str | None = None

    def get(self, *keys: str) -> str | None:
        """The first non-empty value among ``keys`` (e.g. ``"og:url"``, ``"twitter:url"``)."""
        for key in keys:
            value = self.tags.get(key.lower())
            if value and value.strip():
                return value.strip()
        return None


def page_meta(page: str) -> PageMeta:
    """Extract meta tags (``property=`` or ``name=``; first occurrence wins), title, canonical."""
    meta = PageMeta()
    for m in _META_TAG.finditer(page):
        attrs = attributes(m.group(1))
        key = attrs.get("property") or attrs.get("name")
        if key and "content" in attrs:
            meta.tags.setdefault(key.lower(), attrs["content"])
    for m in _LINK_TAG.finditer(page):
        attrs = attributes(m.group(1))
        if "canonical" in attrs.get("rel", "").lower().split() and attrs.get("href"):
            meta.canonical = attrs["href"].strip()
            break
    title = _TITLE.search(page)
    if title:
        meta.title = clean_text(html.unescape(title.group(1)))
    return meta


def script_json(page: str, script_id: str) -> Any | None:
    """The JSON inside ``<script id="script_id">``, or ``None`` when absent or malformed."""
    pattern = re.compile(
        r"<script\b[^>]*\bid\s*=\s*[\"']" + re.escape(script_id) + r"[\"'][^>]*>(.*?)</script\s*>",
        re.IGNORECASE | re.DOTALL,
    )
    m = pattern.search(page)
    if not m:
        return None
    try:
        return json.loads(m.group(1))
    except ValueError:
        return None


def json_ld(page: str) -> list[dict[str, Any]]:
    """All JSON-LD objects of a page, ``@graph`` and top-level lists flattened."""
    out: list[dict[str, Any]] = []
    for m in _LD_JSON.finditer(page):
        try:
            data = json.loads(m.group(1))
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        for item in stack:
            if isinstance(item, dict):
                graph = item.get("@graph")
                if isinstance(graph, list):
                    out.extend(g for g in graph if isinstance(g, dict))
                else:
                    out.append(item)
    return out


def js_assigned_json(page: str, name: str) -> Any | None:
    """The JSON object assigned in a script, e.g. ``var ytInitialData = {...};``.

    Accepts ``name = {`` and ``window["name"] = {``; parses with ``raw_decode`` so trailing
    script after the object does not matter.
    """
    pattern = re.compile(
        r"(?:window\s*\[\s*[\"']"
        + re.escape(name)
        + r"[\"']\s*\]|\b"
        + re.escape(name)
        + r")\s*=\s*(?=\{)"
    )
    decoder = json.JSONDecoder()
    for m in pattern.finditer(page):
        try:
            value, _ = decoder.raw_decode(page, m.end())
        except ValueError:
            continue
        return value
    return None


def dig(data: Any, *path: str | int) -> Any | None:
    """``data[p0][p1]...`` or ``None`` when any step is missing or of the wrong type."""
    for key in path:
        if isinstance(key, int):
            if not isinstance(data, list) or not -len(data) <= key < len(data):
                return None
            data = data[key]
        else:
            if not isinstance(data, dict):
                return None
            data = data.get(key)
        if data is None:
            return None
    return data


def clean_text(text: str | None) -> str | None:
    """Collapse runs of whitespace; ``None`` for empty text."""
    if text is None:
        return None
    text = re.sub(r"\s+", " ", text).strip()
    return text or None


# --- counts ------------------------------------------------------------------------------------

_COUNT = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:[,.\u00a0\u202f ]\d{3})+|\d+)(?:[.,](\d+))?\s*"
    r"(thousand|million|billion|mil|[KkMmBb])?(?![A-Za-z])",
)
_MULTIPLIERS = {
    "k": 1_000,
    "thousand": 1_000,
    "mil": 1_000,
    "m": 1_000_000,
    "million": 1_000_000,
    "b": 1_000_000_000,
    "billion": 1_000_000_000,
}


def parse_count(text: str | None) -> int | None:
    """The first count in a text: ``"2,362"`` -> 2362, ``"3.9M"`` -> 3900000, ``"1,2 M"`` -> 1200000.

    Separators of three-digit groups (``,`` ``.`` space, NBSP) are thousands separators; a
    decimal part only counts with a K/M/B suffix. Returns ``None`` when there is no number.
    """
    if not text:
        return None
    m = _COUNT.search(text)
    if not m:
        return None
    whole, frac, suffix = m.groups()
    digits = re.sub(r"\D", "", whole)
    if suffix:
        # "1,234K" has a grouped whole part; "1,2 M" (es) has a decimal comma, caught as frac.
        number_text = digits + ("." + frac if frac else "")
    else:
        number_text = digits
    try:
        number = Decimal(number_text)
    except InvalidOperation:
        return None
    if suffix:
        number *= _MULTIPLIERS[suffix.lower()]
    return int(number)


def count_before(text: str | None, *labels: str) -> int | None:
    """The count written just before one of ``labels`` (``"5,750 followers"`` -> 5750)."""
    if not text:
        return None
    alternatives = "|".join(re.escape(label) for label in labels)
    m = re.search(
        r"(\d[\d,.\u00a0\u202f ]*\s*(?:thousand|million|billion|[KkMmBb])?)\s*(?:"
        + alternatives
        + r")\b",
        text,
        re.IGNORECASE,
    )
    return parse_count(m.group(1)) if m else None


# --- HTML to text ------------------------------------------------------------------------------


class _TextAndLinks(HTMLParser):
    """Text of an HTML fragment with ``<br>``/``<p>`` as line breaks, plus its ``href`` links."""

    def __init__(self, skip_classes: frozenset[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip = skip_classes

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "p" and self.parts:
            self.parts.append("\n\n")
        elif tag == "a":
            values = dict(attrs)
            classes = set((values.get("class") or "").split())
            rel = set((values.get("rel") or "").split())
            href = values.get("href")
            if href and not (classes & self._skip) and "tag" not in rel:
                self.links.append(href)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text_and_links(
    fragment: str | None, *, skip_classes: frozenset[str] = frozenset({"hashtag"})
) -> tuple[str | None, list[str]]:
    """``("text", [hrefs])`` of an HTML fragment such as a Mastodon note; hashtag links skipped."""
    if not fragment:
        return None, []
    parser = _TextAndLinks(skip_classes)
    parser.feed(fragment)
    parser.close()
    lines = [
        re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in "".join(parser.parts).split("\n")
    ]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return text or None, parser.links
