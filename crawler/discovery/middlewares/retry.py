"""Retries on 429 and 5xx that wait as the server asks (``Retry-After``), with backoff.

Replaces Scrapy's ``RetryMiddleware`` (same setting names: ``RETRY_TIMES``,
``RETRY_HTTP_CODES``). The wait before retry *n* is the server's ``Retry-After`` (seconds
or an HTTP date), else ``X-RateLimit-Reset`` (Mastodon sends a date, others seconds), else
``SCOUT_RETRY_BACKOFF_BASE * 2**(n-1)`` seconds. While waiting, the download slot of that
host is held back too, so the other requests queued for it do not hammer it. A wait longer
than ``SCOUT_RETRY_MAX_WAIT`` is not waited for: the request fails (a coverage gap the scan
summary reports) instead of stalling an unattended scan. Network errors are retried with
the same backoff.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import defer, error
from twisted.internet.task import deferLater
from twisted.web.client import ResponseFailed

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

NETWORK_ERRORS = (
    defer.TimeoutError,
    error.TimeoutError,
    error.DNSLookupError,
    error.ConnectionRefusedError,
    error.ConnectionDone,
    error.ConnectError,
    error.ConnectionLost,
    error.TCPTimedOutError,
    ResponseFailed,
    OSError,
)


@dataclass(frozen=True, slots=True)
class RetrySettings:
    times: int
    codes: frozenset[int]
    backoff_base: float
    max_wait: float

    @classmethod
    def from_settings(cls, settings: Any) -> RetrySettings:
        if not settings.getbool("RETRY_ENABLED", True):
            raise NotConfigured
        s = cls(
            times=settings.getint("RETRY_TIMES"),
            codes=frozenset(int(c) for c in settings.getlist("RETRY_HTTP_CODES")),
            backoff_base=settings.getfloat("SCOUT_RETRY_BACKOFF_BASE", 2.0),
            max_wait=settings.getfloat("SCOUT_RETRY_MAX_WAIT", 120.0),
        )
        if s.backoff_base < 0 or s.max_wait < 0:
            raise ValueError(
                "SCOUT_RETRY_BACKOFF_BASE and SCOUT_RETRY_MAX_WAIT must not be negative"
            )
        return s


def _seconds_until(value: str, now: float) -> float | None:
    value = value.strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        pass
    else:
        # a large number is an epoch timestamp (X-RateLimit-Reset of some APIs), else seconds
        return max(number - now, 0.0) if number > 1_000_000_000 else max(number, 0.0)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        try:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(when.timestamp() - now, 0.0)


def retry_delay(
    headers: Any, attempt: int, settings: RetrySettings, now: float | None = None
) -> float:
    """Seconds to wait before retry number ``attempt`` (1-based)."""
    now = time.time() if now is None else now
    for name in (b"Retry-After", b"X-RateLimit-Reset", b"RateLimit-Reset"):
        raw = headers.get(name) if headers is not None else None
        if raw:
            text = raw.decode("latin-1") if isinstance(raw, bytes) else str(raw)
            if re.fullmatch(r"[\d.\s,]+", text):
                # Brave sends "1, 2591000" (one value per policy window): the shortest window decides
                text = text.split(",")[0]
            seconds = _seconds_until(text, now)
            if seconds is not None:
                return seconds
    return settings.backoff_base * (2 ** max(attempt - 1, 0))


class RetryAfterMiddleware:
    """Downloader middleware: see the module docstring."""

    def __init__(self, crawler: Crawler, settings: RetrySettings) -> None:
        self.crawler = crawler
        self.settings = settings
        from twisted.internet import reactor

        self.clock: Any = reactor

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        return cls(crawler, RetrySettings.from_settings(crawler.settings))

    def _max_times(self, request: Request) -> int:
        return int(request.meta.get("max_retry_times", self.settings.times))

    async def process_response(self, request: Request, response: Response) -> Any:
        if request.meta.get("dont_retry") or response.status not in self.settings.codes:
            return response
        attempt = request.meta.get("retry_times", 0) + 1
        if attempt > self._max_times(request):
            self.crawler.stats.inc_value(f"scout/retry/gave_up/{response.status}")
            return response
        delay = retry_delay(response.headers, attempt, self.settings)
        if delay > self.settings.max_wait:
            self.crawler.stats.inc_value("scout/retry/wait_too_long")
            return response
        assert self.crawler.spider is not None
        retry = get_retry_request(
            request,
            spider=self.crawler.spider,
            reason=f"{response.status}",
            max_retry_times=self._max_times(request),
            stats_base_key="retry",
        )
        if retry is None:
            return response
        return await self._later(request, retry, delay)

    async def process_exception(self, request: Request, exception: BaseException) -> Any:
        if request.meta.get("dont_retry") or not isinstance(exception, NETWORK_ERRORS):
            return None
        attempt = request.meta.get("retry_times", 0) + 1
        assert self.crawler.spider is not None
        retry = get_retry_request(
            request,
            spider=self.crawler.spider,
            reason=type(exception).__name__,
            max_retry_times=self._max_times(request),
            stats_base_key="retry",
        )
        if retry is None:
            return None
        return await self._later(request, retry, retry_delay(None, attempt, self.settings))

    async def _later(self, request: Request, retry: Request, delay: float) -> Request:
        self.crawler.stats.inc_value("scout/retry/scheduled")
        if delay > 0:
            self._hold_slot(request, delay)
            await self.sleep(delay)
        return retry

    async def sleep(self, seconds: float) -> None:
        """Wait without blocking the reactor (tests replace it)."""
        await maybe_deferred_to_future(deferLater(self.clock, seconds, lambda: None))

    def _hold_slot(self, request: Request, delay: float) -> None:
        """Hold back the host's other queued requests for as long as this one waits."""
        try:
            downloader = self.crawler.engine.downloader
        except (AttributeError, RuntimeError):  # no engine yet
            return
        key = downloader.get_slot_key(request)
        slot = downloader.slots.get(key)
        if slot is not None:
            # the slot measures time with time.monotonic()
            slot.lastseen = max(slot.lastseen, time.monotonic() + delay - slot.delay)
