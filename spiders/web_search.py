"""Web search: ``site:`` queries per platform through the district's SearXNG instance
(JSON API) or the Brave Search API (:mod:`spiders.search_backends`) — the only
robots-respecting way to find Facebook, Instagram, Threads and X accounts. The title and
snippet of each result are the evidence; the canonicalise pipeline drops the results that
are not accounts.

Each backend has its per-scan request budget; Brave also has a monthly budget kept across
scans (``brave/requests`` in :mod:`crawler.db.quota`, successful requests only, as Brave
bills). A rejected key or an exhausted Brave plan ends the source cleanly; the latter also
marks the month's budget used up.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy.http import Response

from crawler.db.quota import BRAVE
from crawler.discovery.planner import PlannedQuery, period_left
from spiders.api_search import ApiSearchSpider
from spiders.base import QUERY
from spiders.search_backends import Brave, SearchBackend, choose_backend


class WebSearchSpider(ApiSearchSpider):
    name = "web_search"
    quota_buckets = (BRAVE,)
    backend: SearchBackend

    def request_budget(self) -> int | None:
        if not hasattr(self, "backend"):
            backend = choose_backend(self.config)
            if backend is None:
                return 0
            self.backend = backend
            if isinstance(backend, Brave):
                self.search_bucket = BRAVE  # the ledger counts what Brave bills
            else:
                self.quota_stat = f"scout/quota/{backend.name}/requests"
        b = self.config.budget
        if not isinstance(self.backend, Brave):
            return b.searxng_requests_per_scan
        per_scan = min(b.brave_requests_per_scan, b.brave_requests_per_month)
        return period_left(self.quota_usage(), BRAVE, per_scan)

    def search_url(self, pq: PlannedQuery, cursor: str | None) -> str:
        return self.backend.url(pq.query, int(cursor or 1))

    def search_headers(self) -> dict[str, str]:
        return self.backend.headers()

    def api_error(self, response: Response, data: Any) -> tuple[str, bool] | None:
        if self.backend.quota_used_up(response.status, response.headers):
            self.quota_exceeded(response)
        error = self.backend.error(response.status, data, response.headers)
        return error or super().api_error(response, data)

    def parse_results(self, response: Response, data: Any, pq: PlannedQuery, page: int) -> Any:
        results, more = self.backend.results(data)
        return results, str(page + 1) if more and page < self.backend.max_pages else None

    def emit(
        self, records: list[Any], pq: PlannedQuery, response: Response, rank_base: int
    ) -> Iterator[Any]:
        for i, (url, title, snippet) in enumerate(records, 1):
            yield self.sighting(
                url,
                query=response.meta[QUERY],
                source_url=response.url,
                rank=rank_base + i,
                title=title,
                snippet=snippet,
                platform_hint=pq.platform,
            )
