"""The per-host request rate shared by every crawl on every node (``SCOUT_HOST_RATE``).

Before a request goes to the downloader, it reserves the next slot of its host in the shared
store (:mod:`crawler.db.ratelimit`: Redis when ``SCOUT_REDIS_URL`` is set, else PostgreSQL) and
waits for it, so the combined rate of all crawls and nodes to one host stays within
``crawl.host_rate`` requests per second (default: one per ``crawl.download_delay``). The host is
the one the spider asked for (before the host map). The slot bounds when a request enters the
downloader: it never starts sooner, though its own crawl's per-host delay (``download_delay``,
AutoThrottle) may hold it back further, closer to the next crawl's slot. Off (``NotConfigured``) without a shared
store (SQLite: one machine, Scrapy's own per-host delay) or without a rate. If the store cannot
be reached the request waits one interval and goes on, counted in ``scout/host_rate/errors``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.exceptions import NotConfigured

from crawler.db.ratelimit import HostRate, shared_host_rate
from crawler.discovery.context import ScanContext

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class HostRateMiddleware:
    """Downloader middleware: see the module docstring."""

    def __init__(self, crawler: Crawler, store: HostRate, rate: float, burst: int) -> None:
        self.crawler = crawler
        self.store = store
        self.interval = 1.0 / rate
        self.burst = max(burst, 1)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostRateMiddleware:
        rate = crawler.settings.getfloat("SCOUT_HOST_RATE", 0.0)
        if rate <= 0:
            raise NotConfigured("no shared host rate")
        url = crawler.settings.get("SCOUT_DATABASE_URL")
        if not url:
            url = ScanContext.from_crawler(crawler, load=True).database_url
        store = shared_host_rate(url)
        if store is None:
            raise NotConfigured("no shared store for the host rate (SQLite)")
        return cls(crawler, store, rate, crawler.settings.getint("SCOUT_HOST_BURST", 1))

    async def process_request(self, request: Request, spider: Any = None) -> None:
        host = (urlsplit(request.url).hostname or "").lower()
        if not host:
            return None
        stats = self.crawler.stats
        assert stats is not None
        try:
            wait = await asyncio.to_thread(self.store.reserve, host, self.interval, self.burst)
        except Exception as exc:  # the store is down: stay polite on our own
            logger.warning("host rate store failed: %s", type(exc).__name__)
            stats.inc_value("scout/host_rate/errors")
            wait = self.interval
        if wait > 0:
            stats.inc_value("scout/host_rate/waits")
            await asyncio.sleep(wait)
        return None
