"""Web search: ``site:`` queries per platform through the district's SearXNG instance
(JSON API) or the Brave Search API — the only robots-respecting way to find Facebook,
Instagram, Threads and X accounts. The title and snippet of each result are the evidence.

SearXNG is used when ``searxng_url`` is configured, else Brave when
``SCOUT_BRAVE_API_KEY`` is set, else the source is skipped with that reason. Each backend
has its per-scan request budget; Brave also has a monthly budget kept across scans
(``brave/requests`` in :mod:`crawler.db.quota`, successful requests only, as Brave bills). A
rejected key or an exhausted Brave plan ends the source cleanly; the latter also marks the
month's budget used up.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from crawler.config import Config, secret
from crawler.db.quota import BRAVE
from crawler.discovery.planner import period_left
from spiders.base import SearchBackend, WebSearchSpider


class Searxng(SearchBackend):
    """``GET /search?q=…&format=json&pageno=N`` (reference/platforms.md §4)."""

    name = "searxng"
    full_page = 10

    def url(self, query: str, page: int) -> str:
        params = {
            "q": query,
            "format": "json",
            "pageno": page,
            "language": "en",
            "safesearch": 0,
            "categories": "general",
        }
        return f"{self.config.searxng_url}/search?{urlencode(params)}"

    def results(self, data: Any) -> tuple[list[tuple[str, str | None, str | None]], bool]:
        out = []
        for r in data.get("results") or [] if isinstance(data, dict) else []:
            if isinstance(r, dict) and isinstance(r.get("url"), str):
                out.append((r["url"], r.get("title") or None, r.get("content") or None))
        # SearXNG does not say whether more pages exist: a full first page suggests so
        return out, len(out) >= self.full_page

    def error(self, status: int, data: Any, headers: Any) -> tuple[str, bool] | None:
        if status == 403:
            return (
                "SearXNG refused JSON output: add json to search.formats in its settings.yml",
                True,
            )
        if (
            status == 200
            and isinstance(data, dict)
            and not data.get("results")
            and data.get("unresponsive_engines")
        ):
            engines = ", ".join(
                str(e[0]) for e in data["unresponsive_engines"] if isinstance(e, list) and e
            )
            return f"no results; unresponsive engines: {engines}"[:300], False
        return None


class Brave(SearchBackend):
    """``GET /res/v1/web/search`` with ``X-Subscription-Token`` (reference/platforms.md §4)."""

    name = "brave"
    max_pages = 10  # offset 0–9
    count = 20

    def url(self, query: str, page: int) -> str:
        params = {"q": query, "count": self.count, "offset": page - 1, "safesearch": "off"}
        return f"{self.config.brave_url}?{urlencode(params)}"

    def headers(self) -> dict[str, str]:
        return {
            "Accept": "application/json",
            "Accept-Encoding": "gzip",
            "X-Subscription-Token": secret("brave") or "",
        }

    def results(self, data: Any) -> tuple[list[tuple[str, str | None, str | None]], bool]:
        web = data.get("web") if isinstance(data, dict) else None
        out = []
        for r in (web or {}).get("results") or []:
            if isinstance(r, dict) and isinstance(r.get("url"), str):
                out.append((r["url"], r.get("title") or None, r.get("description") or None))
        more = bool(((data or {}).get("query") or {}).get("more_results_available"))
        return out, more

    def quota_used_up(self, status: int, headers: Any) -> bool:
        # X-RateLimit-Remaining: "<per second>, <per month>"
        remaining = (headers.get(b"X-RateLimit-Remaining") or b"").decode("latin-1").split(",")
        return status == 429 and len(remaining) > 1 and remaining[-1].strip() == "0"

    def error(self, status: int, data: Any, headers: Any) -> tuple[str, bool] | None:
        if status in (401, 403):
            return f"Brave rejected the API key (HTTP {status})", True
        if status == 429:
            if self.quota_used_up(status, headers):
                return "Brave Search monthly quota used up", True
            return "rate limited (HTTP 429)", False
        return None


BACKENDS: dict[str, type[SearchBackend]] = {"searxng": Searxng, "brave": Brave}


def choose_backend(config: Config) -> SearchBackend | None:
    if config.searxng_url:
        return Searxng(config)
    if secret("brave"):
        return Brave(config)
    return None


class WebSearch(WebSearchSpider):
    name = "web_search"
    quota_buckets = (BRAVE,)

    def request_budget(self) -> int | None:
        if not hasattr(self, "backend"):
            backend = choose_backend(self.config)
            if backend is None:
                return 0
            self.backend = backend
            if backend.name == "brave":
                self.search_bucket = BRAVE  # the ledger counts what Brave bills
            else:
                self.quota_stat = f"scout/quota/{backend.name}/requests"
        b = self.config.budget
        return (
            b.searxng_requests_per_scan
            if self.backend.name == "searxng"
            else period_left(
                self.quota_usage(),
                BRAVE,
                min(b.brave_requests_per_scan, b.brave_requests_per_month),
            )
        )
