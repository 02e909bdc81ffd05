"""Per-host request budget for one crawl (``budget.requests_per_host``).

Counts every request per production host (robots.txt included) and refuses the ones over
budget, counted in ``scout/budget/host_exhausted/<host>``. The planner already sizes each
source's queries to its budget; this is the backstop for crawled links (the district site)
and for anything a source adds at run time. Configured API endpoints have budgets of their
own (quota) and are not limited here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler.discovery.context import ScanContext
from crawler.discovery.middlewares import Endpoints

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler


_COUNTS: dict[object, Counter[str]] = {}


@dataclass(frozen=True, slots=True)
class HostBudget:
    per_host: int
    endpoints: Endpoints


class HostBudgetMiddleware:
    """Downloader middleware: see the module docstring."""

    def __init__(self, crawler: Crawler, budget: HostBudget, scan_id: int | None) -> None:
        self.crawler = crawler
        self.budget = budget
        # one count per scan, shared by every source crawling in this process
        self.counts = _COUNTS.setdefault(scan_id, Counter())

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostBudgetMiddleware:
        context = ScanContext.from_crawler(crawler)
        per_host = context.config.budget.requests_per_host
        if per_host <= 0:
            raise NotConfigured
        return cls(crawler, HostBudget(per_host, context.endpoints), context.scan_id)

    def process_request(self, request: Request) -> None:
        if self.budget.endpoints.matches(request.url) or request.meta.get("retry_times"):
            return
        host = (urlsplit(request.url).hostname or "").lower()
        if self.counts[host] >= self.budget.per_host:
            self.crawler.stats.inc_value(f"scout/budget/host_exhausted/{host}")
            raise IgnoreRequest(
                f"request budget for {host} used up ({self.budget.per_host} per crawl)"
            )
        self.counts[host] += 1
