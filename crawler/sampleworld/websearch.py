"""The web-search backends of the sample world: the district's SearXNG instance and Brave.

Both answer from one index (:func:`build_index`): every account with ``search: true`` as a
search engine shows its profile (title and snippet in the platform's style; under a former
domain, ``twitter.com`` or ``threads.net``, when the account says ``search_domain``; a deleted
account's page stays indexed until the engine recrawls it), plus the non-account results of
``search_extra`` (posts, reels, hashtags, events, news). Queries use
:mod:`crawler.sampleworld.textsearch` (``site:``, quoted phrases, ``-term``, ``OR``), so
``site:instagram.com "Sheyenne Mustangs"`` behaves as expected and deterministically.

SearXNG (``reference/platforms.md`` section 4): ``GET|POST /search`` with ``q``,
``format=json`` (enabled here, as the district's instance must), ``pageno`` (10 results a
page); answer keys ``query, results, answers, corrections, infoboxes, suggestions,
unresponsive_engines``; ``format=html`` returns a plain results page; other formats are not
enabled (403). Brave: ``/res/v1/web/search`` with ``X-Subscription-Token`` (missing: 422
``VALIDATION``; wrong, when the world pins a key: 422 ``SUBSCRIPTION_TOKEN_INVALID``),
``count`` up to 20, ``offset`` 0-9 (a page index), rate-limit headers.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from crawler.sampleworld.data import Account, SearchDoc, WorldData
from crawler.sampleworld.formats import (
    esc,
    grouped,
    instagram_count,
    iso_z,
    stable_time,
    tiktok_count,
    token,
)
from crawler.sampleworld.robots import SEARXNG
from crawler.sampleworld.server import Request, Response, json_response, text_response
from crawler.sampleworld.textsearch import parse_web_query

SEARXNG_PAGE = 10
BRAVE_MAX_COUNT = 20
ENGINES = ("google", "bing", "duckduckgo", "brave", "startpage")


def profile_doc(a: Account) -> SearchDoc:
    """How a search engine shows an account's profile page."""
    h, name = a.lower, a.name
    p = a.platform
    if a.search_domain == "twitter.com":  # indexed before the move to x.com
        return SearchDoc(
            f"https://twitter.com/{a.handle}", f"{name} (@{a.handle}) / Twitter", a.bio, a.key
        )
    if a.search_domain == "threads.net":  # indexed before the move to threads.com
        return SearchDoc(
            f"https://www.threads.net/@{h}",
            f"{name} (@{h}) • Threads, Say more",
            f"{instagram_count(a.followers)} Followers • {grouped(a.posts)} Threads • {a.bio}",
            a.key,
        )
    if a.search_domain is not None:
        raise ValueError(f"account {a.key!r}: unknown search_domain {a.search_domain!r}")
    if p == "instagram":
        counts = (
            f"{instagram_count(a.followers)} Followers, {instagram_count(a.following)} Following, "
            f"{instagram_count(a.posts)} Posts"
        )
        url = a.public_url + ("?hl=en" if a.index % 3 == 0 else "")
        return SearchDoc(
            url,
            f"{name} (@{h}) • Instagram photos and videos",
            f'{counts} - {name} (@{h}) on Instagram: "{a.bio}"',
            a.key,
        )
    if p == "facebook":
        place = f" | {a.location}" if a.location else ""
        talking = max(1, a.followers // 40)
        return SearchDoc(
            a.public_url,
            f"{name}{place} | Facebook",
            f"{name}. {grouped(a.followers)} likes · {grouped(talking)} talking about this. {a.bio}",
            a.key,
        )
    if p == "x":
        url = a.public_url + ("?lang=en" if a.index % 4 == 0 else "")
        return SearchDoc(url, f"{name} (@{a.handle}) / X", a.bio, a.key)
    if p == "tiktok":
        likes = a.followers * 7 + a.posts * 13
        return SearchDoc(
            a.public_url,
            f"{name} (@{h}) | TikTok",
            f"{name} (@{h}) on TikTok | {tiktok_count(likes)} Likes. {tiktok_count(a.followers)} Followers. {a.bio}",
            a.key,
        )
    if p == "threads":
        return SearchDoc(
            a.public_url,
            f"{name} (@{h}) • Threads, Say more",
            f"{instagram_count(a.followers)} Followers • {grouped(a.posts)} Threads • {a.bio}",
            a.key,
        )
    if p == "youtube":
        url = (
            f"https://www.youtube.com/channel/{a.platform_id}" if a.layout == "c4" else a.public_url
        )
        return SearchDoc(url, f"{name} - YouTube", a.bio, a.key)
    if p == "linkedin":
        return SearchDoc(
            f"https://www.linkedin.com/{a.kind}/{h}",
            f"{name} | LinkedIn",
            f"{name} | {grouped(a.followers)} followers on LinkedIn. {a.bio}",
            a.key,
        )
    if p == "bluesky":
        return SearchDoc(a.public_url, f"{name} (@{h}) — Bluesky", a.bio, a.key)
    return SearchDoc(
        a.public_url, f"{name} (@{a.mastodon_user}@{a.mastodon_domain}) - Mastodon", a.bio, a.key
    )


def build_index(world: WorldData, clock: datetime | None = None) -> list[SearchDoc]:
    """Every indexed page, dated: a profile when its page last changed (its creation, or the
    second month's change, relative to the world's ``clock``), any other page by a stable
    date of its URL."""
    clock = clock or datetime.now(UTC)
    # a deleted account (live: false) stays indexed when the file says search: true
    docs = [
        replace(profile_doc(a), published=a.page_date(clock)) for a in world.accounts if a.search
    ]
    extra = [replace(d, published=stable_time(d.url)) for d in world.search_extra]
    return docs + extra


def published(doc: SearchDoc) -> datetime:
    return doc.published or stable_time(doc.url)


SEARXNG_RANGES = {"day": 1, "week": 7, "month": 31, "year": 365}
BRAVE_RANGES = {"pd": 1, "pw": 7, "pm": 31, "py": 365}


def fresh(hits: list[SearchDoc], start: datetime | None, end: datetime | None) -> list[SearchDoc]:
    """The hits published within ``[start, end]`` (no bound: no filter)."""
    return [
        d
        for d in hits
        if (start is None or published(d) >= start) and (end is None or published(d) <= end)
    ]


def brave_window(value: str, now: datetime) -> tuple[datetime, datetime] | None:
    """Brave ``freshness``: ``pd|pw|pm|py`` or ``YYYY-MM-DDtoYYYY-MM-DD`` (None: invalid)."""
    if value in BRAVE_RANGES:
        return now - timedelta(days=BRAVE_RANGES[value]), now
    first, sep, last = value.partition("to")
    try:
        start = datetime.strptime(first, "%Y-%m-%d").replace(tzinfo=UTC)
        end = datetime.strptime(last, "%Y-%m-%d").replace(tzinfo=UTC) + timedelta(days=1)
    except ValueError:
        return None
    return (start, end) if sep else None


def search(index: list[SearchDoc], q: str) -> list[SearchDoc]:
    """Every matching document, best first (ties by URL: deterministic)."""
    query = parse_web_query(q)
    if query.empty:
        return []
    scored = [(query.matches(d.url, d.title, d.content), d) for d in index]
    return [d for s, d in sorted(((s, d) for s, d in scored if s), key=lambda x: (-x[0], x[1].url))]


# --- SearXNG ---------------------------------------------------------------------------------


def searxng_result(doc: SearchDoc, position: int) -> dict[str, Any]:
    parts = urlsplit(doc.url)
    n = sum(map(ord, doc.url))
    engines = [ENGINES[(n + i) % len(ENGINES)] for i in range(1 + n % 3)]
    return {
        "url": doc.url,
        "title": doc.title,
        "content": doc.content,
        "engine": engines[0],
        "template": "default.html",
        "parsed_url": [parts.scheme, parts.netloc, parts.path, "", parts.query, parts.fragment],
        "img_src": "",
        "thumbnail": "",
        "priority": "",
        "engines": engines,
        "positions": [position] * len(engines),
        "score": round(len(engines) / position, 6),
        "category": "general",
        "publishedDate": iso_z(published(doc), millis=False).rstrip("Z"),
    }


class SearxngApp:
    """The district's SearXNG instance (``search.<district domain>``)."""

    def __init__(self, world: WorldData, index: list[SearchDoc]) -> None:
        self.world = world
        self.index = index

    def __call__(self, request: Request) -> Response:
        if request.path == "/robots.txt":
            return text_response(SEARXNG)
        if request.path not in ("/search", "/"):
            return Response(404, "<!doctype html><title>404 Not Found</title><h1>Not Found</h1>")
        fmt = request.arg("format") or "html"
        q = (request.arg("q") or "").strip()
        if fmt not in ("json", "html"):
            return Response(
                403,
                "<!doctype html><title>403 Forbidden</title><h1>Forbidden</h1>"
                "<p>You don't have the permission to access the requested resource.</p>",
            )
        if not q:
            if fmt == "json":
                return json_response({"error": "search error"}, 400)
            return Response(
                200,
                "<!DOCTYPE html><html><head><title>SearXNG</title></head><body>"
                '<form id="search" action="/search"><input name="q"></form></body></html>',
            )
        try:
            pageno = int(request.arg("pageno") or 1)
        except ValueError:
            pageno = 0
        if pageno < 1:
            return json_response(
                {"error": f'Invalid value "{request.arg("pageno")}" for parameter pageno'}, 400
            )
        hits = search(self.index, q)
        time_range = request.arg("time_range")
        if time_range:
            if time_range not in SEARXNG_RANGES:
                return json_response(
                    {"error": f'Invalid value "{time_range}" for parameter time_range'}, 400
                )
            now = datetime.now(UTC)
            hits = fresh(hits, now - timedelta(days=SEARXNG_RANGES[time_range]), now)
        start = (pageno - 1) * SEARXNG_PAGE
        page = hits[start : start + SEARXNG_PAGE]
        results = [searxng_result(d, start + i + 1) for i, d in enumerate(page)]
        if fmt == "html":
            return Response(200, _searxng_html(q, results))
        return json_response(
            {
                "query": q,
                "results": results,
                "answers": [],
                "corrections": [],
                "infoboxes": [],
                "suggestions": [],
                "unresponsive_engines": [],
            }
        )


def _searxng_html(q: str, results: list[dict[str, Any]]) -> str:
    items = "\n".join(
        f'<article class="result result-default category-general"><a href="{esc(r["url"])}" class="url_header">'
        f'{esc(r["url"])}</a><h3><a href="{esc(r["url"])}">{esc(r["title"])}</a></h3>'
        f'<p class="content">{esc(r["content"])}</p></article>'
        for r in results
    )
    return (
        f'<!DOCTYPE html><html class="no-js theme-auto"><head><title>{esc(q)} - SearXNG</title></head>'
        f'<body class="results_endpoint"><main id="main_results"><div id="urls" role="main">{items}</div>'
        "</main></body></html>"
    )


# --- Brave -----------------------------------------------------------------------------------


def _brave_error(code: str, detail: str, meta: dict[str, Any]) -> Response:
    body = {
        "type": "ErrorResponse",
        "error": {
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, code + detail)),
            "status": 422,
            "code": code,
            "detail": detail,
            "meta": meta,
        },
        "time": int(time.time()),
    }
    return json_response(body, 422)


def _validation(loc: list[str], msg: str, kind: str = "missing") -> Response:
    return _brave_error(
        "VALIDATION",
        "Unable to validate request parameter(s)",
        {"errors": [{"type": kind, "loc": loc, "msg": msg, "input": None}]},
    )


def brave_result(doc: SearchDoc, extra: bool) -> dict[str, Any]:
    parts = urlsplit(doc.url)
    host = parts.hostname or ""
    site = host.removeprefix("www.")
    path = " › ".join(p for p in parts.path.split("/") if p)
    published_at = published(doc)
    result: dict[str, Any] = {
        "title": doc.title,
        "url": doc.url,
        "is_source_local": False,
        "is_source_both": False,
        "description": doc.content,
        "page_age": iso_z(published_at, millis=False).rstrip("Z"),
        "profile": {
            "name": site.split(".")[0].capitalize(),
            "url": doc.url,
            "long_name": site,
            "img": f"https://imgs.search.brave.com/{token(site, length=12)}/favicon/{site}",
        },
        "language": "en",
        "family_friendly": True,
        "type": "search_result",
        "subtype": "generic",
        "is_live": False,
        "meta_url": {
            "scheme": parts.scheme,
            "netloc": site,
            "hostname": host,
            "favicon": f"https://imgs.search.brave.com/{token(site, length=12)}/favicon/{site}",
            "path": f"  › {path}" if path else "",
        },
        "age": published_at.strftime("%B %d, %Y").replace(" 0", " "),
    }
    if extra:
        result["extra_snippets"] = [doc.content]
    return result


class BraveApp:
    """api.search.brave.com."""

    def __init__(
        self, world: WorldData, index: list[SearchDoc], required_key: str | None = None
    ) -> None:
        self.world = world
        self.index = index
        self.required_key = required_key
        self._lock = threading.Lock()
        self._month = 0

    def _headers(self) -> list[tuple[str, str]]:
        with self._lock:
            self._month += 1
            used = self._month
        return [
            ("X-RateLimit-Limit", "1, 15000"),
            ("X-RateLimit-Policy", "1;w=1, 15000;w=2592000"),
            ("X-RateLimit-Remaining", f"0, {max(0, 15000 - used)}"),
            ("X-RateLimit-Reset", "1, 1419704"),
        ]

    def __call__(self, request: Request) -> Response:
        if request.path != "/res/v1/web/search":
            return json_response(
                {
                    "type": "ErrorResponse",
                    "error": {
                        "status": 404,
                        "code": "NOT_FOUND",
                        "detail": "Not Found",
                        "meta": {},
                    },
                },
                404,
            )
        token_value = (request.header("X-Subscription-Token") or "").strip()
        if not token_value:
            return _validation(["header", "x-subscription-token"], "Field required")
        if self.required_key is not None and token_value != self.required_key:
            return _brave_error(
                "SUBSCRIPTION_TOKEN_INVALID",
                "The provided subscription token is invalid.",
                {"component": "authentication"},
            )
        q = request.arg("q") or ""
        if not q.strip():
            return _validation(["query", "q"], "Field required")
        try:
            count = int(request.arg("count") or BRAVE_MAX_COUNT)
            offset = int(request.arg("offset") or 0)
        except ValueError:
            return _validation(["query", "count"], "Input should be a valid integer", "int_parsing")
        if not 1 <= count <= BRAVE_MAX_COUNT:
            return _validation(
                ["query", "count"], "Input should be less than or equal to 20", "less_than_equal"
            )
        if not 0 <= offset <= 9:
            return _validation(
                ["query", "offset"], "Input should be less than or equal to 9", "less_than_equal"
            )
        hits = search(self.index, q)
        freshness = request.arg("freshness")
        if freshness:
            window = brave_window(freshness, datetime.now(UTC))
            if window is None:
                return _validation(["query", "freshness"], "Invalid freshness value", "value_error")
            hits = fresh(hits, *window)
        start = offset * count
        page = hits[start : start + count]
        extra = (request.arg("extra_snippets") or "").lower() == "true"
        body: dict[str, Any] = {
            "query": {
                "original": q,
                "show_strict_warning": False,
                "is_navigational": False,
                "is_news_breaking": False,
                "spellcheck_off": True,
                "country": (request.arg("country") or "us").lower(),
                "bad_results": False,
                "should_fallback": False,
                "postal_code": "",
                "city": "",
                "header_country": "",
                "more_results_available": start + count < len(hits),
                "state": "",
            },
            "mixed": {
                "type": "mixed",
                "main": [{"type": "web", "index": i, "all": False} for i in range(len(page))],
                "top": [],
                "side": [],
            },
            "type": "search",
        }
        if page:
            body["web"] = {
                "type": "search",
                "results": [brave_result(d, extra) for d in page],
                "family_friendly": True,
            }
        response = json_response(body)
        response.headers.extend(self._headers())
        return response
