"""A Scrapy extension that reports a crawl's progress as JSON lines (``SCOUT_PROGRESS``).

The crawl child (:mod:`crawler.discovery.runner`) turns it on and reads nothing else from
its stdout: ``source_started``, ``progress`` (at most once per :data:`PROGRESS_INTERVAL`),
``source_skipped`` and ``source_finished`` with the figures of :func:`source_summary`. Off
(``NotConfigured``) everywhere else, e.g. under ``scrapy crawl``.

A crawl job on a Scrapyd node (``SCOUT_RESULT_LOG``) has no reader on its stdout: there the
closing events go to the job's log instead, each on a line starting with :data:`RESULT_MARK`,
which the dispatcher (:mod:`crawler.discovery.dispatch`) reads back through the node.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import TYPE_CHECKING, Any, TextIO

from scrapy import signals
from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)
PROGRESS_INTERVAL = 1.0
RESULT_MARK = "scout-result "  # a job log's line with a closing event (SCOUT_RESULT_LOG)
TICK_FIELDS = ("source", "requests", "responses", "sightings", "new_accounts", "queries")


def _sum(stats: dict[str, Any], prefix: str) -> int:
    return sum(int(v) for k, v in stats.items() if k.startswith(prefix))


def cost_of(stats: dict[str, Any]) -> dict[str, dict[str, int]]:
    from crawler.discovery.middlewares.httpcache import cost_of as of

    return of(stats)


def source_summary(crawler: Crawler) -> dict[str, Any]:
    """Per-source figures from a crawler's stats and its spider's coverage."""
    assert crawler.stats is not None
    stats = crawler.stats.get_stats()
    spider = crawler.spider
    book = getattr(spider, "coverage", None)
    quota = {
        k.rsplit("/", 2)[-2] + "/" + k.rsplit("/", 1)[-1]: int(v)
        for k, v in stats.items()
        if k.startswith("scout/quota/")
    }
    errors = _sum(stats, "downloader/exception_count") + _sum(stats, "spider_exceptions/count")
    errors += int(stats.get("log_count/ERROR", 0))
    return {
        "source": getattr(spider, "name", "?"),
        "requests": int(stats.get("downloader/request_count", 0)),
        "responses": int(stats.get("downloader/response_count", 0)),
        "sightings": int(stats.get("scout/sightings", 0)),
        "new_accounts": int(stats.get("scout/accounts/new", 0)),
        "errors": errors,
        "quota_used": quota,
        "skipped": getattr(spider, "skipped_reason", None),
        "stopped": stats.get("scout/stop_reason"),
        "finish_reason": stats.get("finish_reason"),
        "queries": book.counts() if book is not None else {},
        "coverage_gaps": [
            {"query": g.query, "status": g.status, "error": g.error}
            for g in (book.gaps() if book is not None else [])
        ],
        "refused": {
            "robots": int(stats.get("robotstxt/forbidden", 0)),
            "ssrf": _sum(stats, "scout/ssrf/refused/"),
            "hostmap": int(stats.get("scout/hostmap/refused", 0)),
            "budget": _sum(stats, "scout/budget/host_exhausted/"),
        },
        # the selfcheck's verdicts per platform (other sources have none)
        "checks": getattr(spider, "check_rows", list)(),
        # per host: requests, bytes received, 304 answers (conditional requests)
        "hosts": cost_of(stats),
    }


class ProgressExtension:
    """Writes progress events as JSON lines (``SCOUT_PROGRESS``; stdout of the crawl child)."""

    stream: TextIO = sys.stdout

    def __init__(self, crawler: Crawler, *, live: bool = True, to_log: bool = False) -> None:
        self.crawler = crawler
        self.last = 0.0
        self.live = live  # progress events on the stream
        self.to_log = to_log  # the closing events in the log (a Scrapyd job)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressExtension:
        live = crawler.settings.getbool("SCOUT_PROGRESS")
        to_log = crawler.settings.getbool("SCOUT_RESULT_LOG")
        if not (live or to_log):
            raise NotConfigured
        ext = cls(crawler, live=live, to_log=to_log)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    @classmethod
    def emit(cls, event: dict[str, Any]) -> None:
        cls.stream.write(json.dumps(event, default=str) + "\n")
        cls.stream.flush()

    def _closing(self, event: dict[str, Any]) -> None:
        if self.live:
            self.emit(event)
        if self.to_log:
            logger.info("%s%s", RESULT_MARK, json.dumps(event, default=str))

    def opened(self, spider: Any) -> None:
        if self.live:
            self.emit({"event": "source_started", "source": spider.name})

    def _tick(self) -> None:
        if not self.live:
            return
        now = time.monotonic()
        if now - self.last >= PROGRESS_INTERVAL:
            self.last = now
            summary = source_summary(self.crawler)
            self.emit({"event": "progress", **{k: summary[k] for k in TICK_FIELDS}})

    def item_scraped(self, item: Any, response: Any = None, spider: Any = None) -> None:
        self._tick()

    def response_received(
        self, response: Any = None, request: Any = None, spider: Any = None
    ) -> None:
        self._tick()

    def closed(self, spider: Any, reason: str) -> None:
        summary = source_summary(self.crawler)
        summary["finish_reason"] = reason
        if summary["skipped"]:
            self._closing(
                {
                    "event": "source_skipped",
                    "source": summary["source"],
                    "reason": summary["skipped"],
                }
            )
        self._closing({"event": "source_finished", **summary})
