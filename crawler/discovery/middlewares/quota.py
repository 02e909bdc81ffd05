"""API quotas across scans: charge each request that costs quota to the crawl's ledger.

A request carrying ``meta[crawler.db.quota.META]`` (a bucket such as ``youtube/units``) is
charged to the :class:`crawler.db.quota.Ledger` when it is sent (YouTube: every call costs,
retries too, counted in ``scout/quota_retries/<bucket>``) or when it succeeds (Brave bills
successful requests only; a cached response is free). ``scout/quota/<bucket>`` is what this
crawl spent. A spider that hears "quota exceeded" from the API sends :data:`quota_exhausted`
(with ``key``): the bucket is marked used up for its period. The ledger gives back its
unused reservation when the spider closes. Off (``NotConfigured``) for a spider without
``quota_buckets``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.db.quota import META, Ledger
from crawler.discovery.context import ScanContext

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

RETRIES = "scout/quota_retries/"  # stats prefix: retried calls per bucket
quota_exhausted = object()  # signal: the API said bucket ``key`` is used up for the period


class QuotaMiddleware:
    """Downloader middleware: see the module docstring."""

    def __init__(self, crawler: Crawler, ledger: Ledger) -> None:
        self.crawler = crawler
        self.ledger = ledger

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> QuotaMiddleware:
        if not getattr(crawler.spidercls, "quota_buckets", ()):
            raise NotConfigured
        mw = cls(crawler, Ledger(ScanContext.from_crawler(crawler, load=True).config))
        crawler.signals.connect(mw.exhausted, signal=quota_exhausted)
        crawler.signals.connect(mw.closed, signal=signals.spider_closed)
        return mw

    def _charge(self, key: str) -> None:
        assert self.crawler.stats is not None
        self.ledger.charge(key)
        self.crawler.stats.set_value(f"scout/quota/{key}", self.ledger.used[key])

    def process_request(self, request: Request, spider: Any = None) -> None:
        key = request.meta.get(META)
        if key and not self.ledger.buckets[key].charge_on_success:
            if request.meta.get("retry_times"):
                assert self.crawler.stats is not None
                self.crawler.stats.inc_value(f"{RETRIES}{key}")
            self._charge(key)

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Response:
        key = request.meta.get(META)
        if (
            key
            and self.ledger.buckets[key].charge_on_success
            and 200 <= response.status < 300
            and "cached" not in response.flags
        ):
            self._charge(key)
        return response

    def exhausted(self, key: str | None = None, **kwargs: Any) -> None:
        if key:
            self.ledger.exhaust(key)

    def closed(self, spider: Any = None) -> None:
        self.ledger.close()
