"""The per-host request rate shared by every crawl on every node (``SCOUT_HOST_RATE``).

The middleware notes each request's host (the one the spider asked for, before the host map);
the download handler (:mod:`crawler.discovery.handlers`), right before the request goes on the
wire, reserves the next slot of that host in the shared store (:mod:`crawler.db.ratelimit`:
Redis when ``SCOUT_REDIS_URL`` is set, else PostgreSQL) and waits for it
(:func:`wait_for_host_slot`), so the combined rate of all crawls and nodes to one host stays
within ``crawl.host_rate`` requests per second (default: one per ``crawl.download_delay``).
Waiting in the handler, after the downloader's own per-host queue, matters: a request that
waited for its slot in a middleware could then queue behind the host's concurrency limit, and
several would leave together. A request that wakes up more than one interval after its slot
(the process was busy) reserves a new one rather than go late beside the next crawl's request.
Off (``NotConfigured``) without a shared store (SQLite: one machine, Scrapy's own per-host
delay) or without a rate. If the store cannot be reached the request waits one interval and
goes on, counted in ``scout/host_rate/errors``.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.exceptions import NotConfigured

from crawler.db.ratelimit import HostRate, shared_host_rate
from crawler.discovery.context import ScanContext
from crawler.discovery.middlewares.hostmap import ORIGINAL

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

HOST_META = "scout_rate_host"  # request.meta: the host whose slot the request waits for
LATE_TRIES = 3  # reservations a request makes when it keeps waking up too late for its slot
_GATES: weakref.WeakKeyDictionary[Crawler, HostRateMiddleware] = weakref.WeakKeyDictionary()


async def wait_for_host_slot(crawler: Crawler, request: Request) -> None:
    """Wait for the request's slot of its host's shared rate (nothing when the rate is off)."""
    gate = _GATES.get(crawler)
    host = request.meta.get(HOST_META)
    if gate is not None and host:
        await gate.wait(host)


class HostRateMiddleware:
    """Downloader middleware: see the module docstring."""

    def __init__(self, crawler: Crawler, store: HostRate, rate: float, burst: int) -> None:
        self.crawler = crawler
        self.store = store
        self.interval = 1.0 / rate
        self.burst = max(burst, 1)
        _GATES[crawler] = self

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

    def process_request(self, request: Request, spider: Any = None) -> None:
        # the host the spider asked for: a redirect's or a retry's own, never the host map's
        url = request.meta.get(ORIGINAL) or request.url
        host = (urlsplit(url).hostname or "").lower()
        if host:
            request.meta[HOST_META] = host
        else:
            request.meta.pop(HOST_META, None)
        return None

    async def wait(self, host: str) -> None:
        stats = self.crawler.stats
        assert stats is not None
        loop = asyncio.get_running_loop()
        for _ in range(LATE_TRIES):
            try:
                wait = await asyncio.to_thread(self.store.reserve, host, self.interval, self.burst)
            except Exception as exc:  # the store is down: stay polite on our own
                logger.warning("host rate store failed: %s", type(exc).__name__)
                stats.inc_value("scout/host_rate/errors")
                await asyncio.sleep(self.interval)
                return
            if wait <= 0:
                return
            stats.inc_value("scout/host_rate/waits")
            due = loop.time() + wait
            await asyncio.sleep(wait)
            if loop.time() - due <= self.interval:
                return
            stats.inc_value("scout/host_rate/late")  # woke too late: the slot has gone
