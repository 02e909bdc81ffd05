"""Web-search backends for the ``web_search`` source: how to ask each API and read its answer.

SearXNG (the district's own instance, JSON API) is used when ``searxng_url`` is configured,
else Brave Search when ``SCOUT_BRAVE_API_KEY`` is set (:func:`choose_backend`). Each result is
``(url, title, snippet)``; their quotas are in the README ("API quotas").
"""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import urlencode

from crawler.config import Config, secret
from crawler.discovery.planning.increment import Increment

Result = tuple[str, str | None, str | None]


class SearchBackend:
    """One web-search API: how to ask it and how to read its answer."""

    name: ClassVar[str]
    max_pages: ClassVar[int] = 10
    page_size: ClassVar[int] = 10  # results on a full page

    def __init__(self, config: Config) -> None:
        self.config = config

    def url(self, query: str, page: int, window: Increment | None = None) -> str:
        """The URL of a result page; with ``window``, only results new in it (the API's own
        freshness parameter)."""
        raise NotImplementedError

    def headers(self) -> dict[str, str]:
        return {"Accept": "application/json"}

    def results(self, data: Any) -> tuple[list[Result], bool]:
        """((url, title, snippet) per result, whether more pages exist)."""
        raise NotImplementedError

    def error(self, status: int, data: Any, headers: Any) -> tuple[str, bool] | None:
        return None

    def quota_used_up(self, status: int, headers: Any) -> bool:
        """Whether the answer says the API's quota for the period is used up."""
        return False


def _results(items: Any, snippet: str) -> list[Result]:
    return [
        (r["url"], r.get("title") or None, r.get(snippet) or None)
        for r in items or []
        if isinstance(r, dict) and isinstance(r.get("url"), str)
    ]


class Searxng(SearchBackend):
    """``GET /search?q=…&format=json&pageno=N``."""

    name = "searxng"

    def url(self, query: str, page: int, window: Increment | None = None) -> str:
        params: dict[str, Any] = {
            "q": query,
            "format": "json",
            "pageno": page,
            "language": "en",
            "safesearch": 0,
            "categories": "general",
        }
        if window is not None and (time_range := window.searxng_range()):
            params["time_range"] = time_range  # day | week | month | year
        return f"{self.config.searxng_url}/search?{urlencode(params)}"

    def results(self, data: Any) -> tuple[list[Result], bool]:
        out = _results(data.get("results") if isinstance(data, dict) else None, "content")
        # SearXNG does not say whether more pages exist: a full first page suggests so
        return out, len(out) >= self.page_size

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
    """``GET /res/v1/web/search`` with ``X-Subscription-Token``."""

    name = "brave"
    max_pages = 10  # offset 0–9
    count = 20
    page_size = count

    def url(self, query: str, page: int, window: Increment | None = None) -> str:
        params: dict[str, Any] = {
            "q": query,
            "count": self.count,
            "offset": page - 1,
            "safesearch": "off",
        }
        if window is not None and (freshness := window.brave_freshness()):
            params["freshness"] = freshness  # pd | pw | pm | py | YYYY-MM-DDtoYYYY-MM-DD
        return f"{self.config.brave_url}?{urlencode(params)}"

    def headers(self) -> dict[str, str]:
        return {
            "Accept": "application/json",
            "Accept-Encoding": "gzip",
            "X-Subscription-Token": secret("brave") or "",
        }

    def results(self, data: Any) -> tuple[list[Result], bool]:
        web = data.get("web") if isinstance(data, dict) else None
        out = _results((web or {}).get("results"), "description")
        more = bool(((data or {}).get("query") or {}).get("more_results_available"))
        return out, more  # Brave says whether more pages exist

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
            return "blocked (HTTP 429)", False
        return None


BACKENDS: dict[str, type[SearchBackend]] = {"searxng": Searxng, "brave": Brave}


def choose_backend(config: Config) -> SearchBackend | None:
    if config.searxng_url:
        return Searxng(config)
    if secret("brave"):
        return Brave(config)
    return None
