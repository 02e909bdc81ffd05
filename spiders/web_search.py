"""Web search: ``site:`` queries per platform through the district's SearXNG instance
(JSON API) or the Brave Search API (:mod:`spiders.search_backends`) — the only
robots-respecting way to find Facebook, Instagram, Threads and X accounts. The title and
snippet of each result are the evidence; the canonicalise pipeline drops the results that
are not accounts.

In a full scan, what the further pages leave of the request budget goes, when everything
planned is done (``spider_idle``), to the queries the plan cut, in the plan's order.

Each backend has its per-scan request budget; Brave also has a monthly budget kept across
scans (``brave/requests`` in :mod:`crawler.db.quota`, successful requests only, as Brave
bills). A rejected key or an exhausted Brave plan ends the source cleanly; the latter also
marks the month's budget used up.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response

from crawler.db.quota import BRAVE
from crawler.db.readers import done_queries
from crawler.discovery.planner import SITE_HOSTS, PlannedQuery, period_left
from crawler.platforms import classify
from crawler.platforms.urls import host_matches
from spiders.api_search import ApiSearchSpider
from spiders.base import QUERY, ScoutSpider
from spiders.search_backends import Brave, SearchBackend, choose_backend


class WebSearchSpider(ApiSearchSpider):
    name = "web_search"
    quota_buckets = (BRAVE,)
    backend: SearchBackend
    _overflow: list[PlannedQuery] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.continued: set[str] = set()  # the cut queries asked at the end of the crawl

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

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> WebSearchSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.go_on, signal=signals.spider_idle)
        return spider  # type: ignore[return-value]

    def go_on(self) -> None:
        """``spider_idle``: the planned queries and their further pages are done; what the
        budget has left goes to the queries the plan cut (``Plan.overflow``, a full scan's), in
        the plan's order, first pages only (a full page is still followed while it lasts)."""
        limit = self.request_budget()
        if limit is None or self.stop_reason:
            return
        left = limit - self.requests_used - self.quota_retries.get(self.search_bucket or "", 0)
        batch = self.waiting()[: max(left, 0)]
        sent = 0
        for pq in batch:
            self.continued.add(pq.query)
            if not self.allow_request():
                break
            self.crawler.stats.inc_value(f"scout/{self.name}/continued_queries")
            self.crawler.engine.crawl(self.search_request(pq, None, 1, 0))
            sent += 1
        if sent:
            raise DontCloseSpider

    def waiting(self) -> list[PlannedQuery]:
        """The cut queries not asked yet in this scan (a resumed crawl skips the done ones)."""
        if self._overflow is None:
            self._overflow = self.crawl_plan().overflow.get(self.name, [])
            if self.scan_id is not None:
                done = done_queries(self.config, self.scan_id, self.name)
                self.continued |= done
        asked = self.asked | {q.casefold() for q in self.continued}
        return [pq for pq in self._overflow if pq.query.casefold() not in asked]

    def search_url(self, pq: PlannedQuery, cursor: str | None) -> str:
        return self.backend.url(pq.query, int(cursor or 1), self.increment() if pq.fresh else None)

    def search_headers(self) -> dict[str, str]:
        return self.backend.headers()

    def api_error(self, response: Response, data: Any) -> tuple[str, bool] | None:
        if self.backend.quota_used_up(response.status, response.headers):
            self.quota_exceeded(response)
        error = self.backend.error(response.status, data, response.headers)
        return error or super().api_error(response, data)

    def page_full(self, records: list[Any], data: Any) -> bool:
        """A page is worth following when it was mostly accounts (whether there are more
        results is the backend's to say: a full SearXNG page, Brave's ``more_results_available``):
        a page of posts, hashtags and articles says the accounts for this term are exhausted."""
        accounts = sum(1 for url, _, _ in records if classify(url).account is not None)
        return accounts >= RELEVANT_SHARE * len(records)

    def parse_results(self, response: Response, data: Any, pq: PlannedQuery, page: int) -> Any:
        results, more = self.backend.results(data)
        if pq.fresh:  # what is new in a month fits on the first page
            more = False
        return results, str(page + 1) if more and page < self.backend.max_pages else None

    def emit(
        self, records: list[Any], pq: PlannedQuery, response: Response, rank_base: int
    ) -> Iterator[Any]:
        yield from self.split_crowded(records, pq)
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

    # ------------------------------------------------------------------ crowded queries

    def split_crowded(self, records: list[Any], pq: PlannedQuery) -> Iterator[Any]:
        """A full page of a query over several platforms' sites whose every result is on one
        platform: the others are crowded out, so each is asked on its own (once per crawl)."""
        sites = SITES.findall(pq.query)
        if pq.platform is not None or len(sites) < 2 or len(records) < self.backend.page_size:
            return
        on = {platform_of(url) for url, _, _ in records}
        if len(on) != 1 or None in on:
            return
        term = SITES.sub("", pq.query).strip()
        planned = self.asked
        for platform, hosts in SITE_HOSTS.items():
            if platform in on or not set(hosts) & set(sites):
                continue
            query = f"{' OR '.join(f'site:{h}' for h in hosts)} {term}"
            if query.casefold() in planned:
                continue
            planned.add(query.casefold())
            if not self.allow_request(first_page=False):
                return
            self.crawler.stats.inc_value(f"scout/{self.name}/split_queries")
            split = PlannedQuery(
                pq.source, query, platform, pq.entity_key, pq.priority, fresh=pq.fresh
            )
            yield self.search_request(split, None, 1, 0)

    @property
    def asked(self) -> set[str]:
        """The queries of this crawl (planned and split), case-folded."""
        if not hasattr(self, "_asked"):
            # the plan without ApiSearchSpider.planned's side effect (the first pages reserved)
            self._asked = {q.query.casefold() for q in ScoutSpider.planned(self)}
        return self._asked


RELEVANT_SHARE = 0.7  # of a full page's results that must be accounts for the next page

SITES = re.compile(r"(?:\s+OR\s+)?site:(\S+)")


def platform_of(url: str) -> str | None:
    """The platform whose ``site:`` host serves ``url`` (None: another site)."""
    host = (urlsplit(url).hostname or "").lower()
    return next(
        (p for p, hosts in SITE_HOSTS.items() if any(host_matches(host, h) for h in hosts)),
        None,
    )
