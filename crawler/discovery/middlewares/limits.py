"""Limits on what hostile pages can cost: download size (also after decompression) and
parse time per page. Field lengths are capped by :mod:`crawler.discovery.pipelines.fields`.

Each limit has a default in ``[crawl]`` and is counted in the stats when hit:

- ``scout/limits/download_size`` — a body over ``crawl.max_download_bytes``
  (``DOWNLOAD_MAXSIZE``): cut while downloading, or while decompressing a gzip/deflate/br
  body (a gzip bomb is a few kilobytes on the wire and gigabytes inflated: Scrapy's
  decompression stops at ``DOWNLOAD_MAXSIZE`` and this middleware counts it).
- ``scout/limits/parse_time`` — a callback that ran longer than ``crawl.parse_seconds`` on
  one response. The parsers are pure Python functions; a catastrophic regular expression or
  a pathological page must not stall the unattended scan, so the callback is interrupted
  with ``SIGALRM`` (only possible in the main thread, where Scrapy runs callbacks; elsewhere
  the overrun is only measured and counted). What the callback yielded before is kept, and
  its query is marked failed with the reason.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import IgnoreRequest

from crawler.discovery.context import ScanContext

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)
SIZE_STAT = "scout/limits/download_size"
PARSE_STAT = "scout/limits/parse_time"
_SIZE_WORDS = ("download max size", "DOWNLOAD_MAXSIZE", "maxsize")


class DownloadLimitMiddleware(HttpCompressionMiddleware):
    """Scrapy's decompression (which stops at ``DOWNLOAD_MAXSIZE``), counting every cut body.

    Replaces ``HttpCompressionMiddleware`` at the same place (590).
    """

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Any:
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:
            if "DOWNLOAD_MAXSIZE" in str(exc):
                self._count("decompressed")
            raise

    def process_exception(
        self, request: Request, exception: BaseException, spider: Any = None
    ) -> None:
        # The download handler cancels a body over the limit (announced or received).
        text = str(exception)
        if type(exception).__name__ in ("DownloadCancelledError", "CancelledError") and (
            not text or any(w in text for w in _SIZE_WORDS)
        ):
            self._count("downloaded")

    def _count(self, where: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(SIZE_STAT)
            self.stats.inc_value(f"{SIZE_STAT}/{where}")


class ParseTimeExceeded(BaseException):
    """Raised inside a callback that ran past its parse-time budget (a ``BaseException``, so a
    parser's ``except Exception`` does not swallow it)."""


class _Alarm:
    """A ``SIGALRM`` deadline around one step of a callback (main thread only)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.armed = seconds > 0 and threading.current_thread() is threading.main_thread()

    def __enter__(self) -> _Alarm:
        if self.armed:
            self.previous = signal.signal(signal.SIGALRM, _raise_exceeded)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)


def _raise_exceeded(signum: int, frame: Any) -> None:
    raise ParseTimeExceeded


class ParseTimeMiddleware:
    """Spider middleware: bounds the time a callback spends on one response (see the module)."""

    def __init__(self, crawler: Crawler, seconds: float) -> None:
        self.crawler = crawler
        self.seconds = seconds

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ParseTimeMiddleware:
        if crawler.settings.get("SCOUT_CONFIG") is not None:
            seconds = ScanContext.from_crawler(crawler).config.crawl.parse_seconds
        else:
            seconds = crawler.settings.getfloat("SCOUT_PARSE_SECONDS")
        return cls(crawler, float(seconds or 0))

    def process_spider_output(
        self, response: Response, result: Iterable[Any], spider: Any = None
    ) -> Iterator[Any]:
        it = iter(result)
        spent = 0.0
        while True:
            left = self.seconds - spent if self.seconds > 0 else 0.0
            if self.seconds > 0 and left <= 0:
                self._exceeded(response, spent)
                return
            start = time.monotonic()
            try:
                with _Alarm(left):
                    item = next(it)
            except StopIteration:
                return
            except ParseTimeExceeded:
                self._exceeded(response, spent + (time.monotonic() - start))
                return
            spent += time.monotonic() - start
            yield item

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any], spider: Any = None
    ) -> AsyncIterator[Any]:
        # An async callback cannot be interrupted safely: measure and count only.
        spent = 0.0
        start = time.monotonic()
        async for item in result:
            spent += time.monotonic() - start
            yield item
            start = time.monotonic()
        if self.seconds > 0 and spent > self.seconds:
            self.crawler.stats.inc_value(PARSE_STAT)

    def _exceeded(self, response: Response, spent: float) -> None:
        self.crawler.stats.inc_value(PARSE_STAT)
        logger.warning(
            "stopped parsing %s after %.1f s (crawl.parse_seconds = %s)",
            response.url,
            spent,
            self.seconds,
        )
        spider = self.crawler.spider
        fail = getattr(spider, "query_failed", None)
        if fail is not None and "scout_query" in response.meta:
            fail(response, f"parse time limit ({self.seconds:g} s) exceeded")
