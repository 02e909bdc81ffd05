"""The scheduler's "disk" queues of a crawl's ``JOBDIR``: kept in memory, written at a clean stop.

Scrapy's own disk queues (``PickleLifoDiskQueue``, ``PickleFifoDiskQueue``) serialise every
request as it is queued and read it back when it is sent; with one queue per priority and
host, a crawl whose queues hold a request or two at a time creates, writes, reads and
removes a folder or file per request. Our crawls keep few requests queued (start requests
are taken from the spiders as the downloader has room) and the runner trusts a job folder
only after a clean stop: after a kill it discards the folder
(:func:`crawler.discovery.runner.discard_unclean_jobdir`) and the scan's coverage rows say what
is left to ask. So these queues hold requests in memory and write what is left to the job
folder when the crawl stops cleanly (``close``, where Scrapy writes ``active.json``); a resumed
crawl reads them back and goes on in the same order. Requests are stored as Scrapy stores
them (``Request.to_dict``, pickled); one that cannot be is left out with a warning at the stop
(Scrapy keeps such a request in memory only, so it was not resumable either).

``SCHEDULER_DISK_QUEUE`` (LIFO) and ``SCHEDULER_START_DISK_QUEUE`` (FIFO) name them
(:mod:`crawler.discovery.settings`).
"""

from __future__ import annotations

import logging
import pickle
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy.utils.request import request_from_dict

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class _HeldQueue:
    """One queue of the scheduler (one priority of one host): see the module docstring."""

    lifo: ClassVar[bool]

    def __init__(self, crawler: Crawler, key: str) -> None:
        self.spider = crawler.spider
        self.path = Path(key)
        self.requests: deque[Request] = deque()
        if self.path.is_file():  # what a cleanly stopped crawl left in this queue
            with self.path.open("rb") as f:
                stored = pickle.load(f)  # noqa: S301 - written by close() below
            self.requests.extend(request_from_dict(d, spider=self.spider) for d in stored)
            self.path.unlink()

    @classmethod
    def from_crawler(cls, crawler: Crawler, key: str, *args: Any, **kwargs: Any) -> _HeldQueue:
        return cls(crawler, key)

    def push(self, request: Request) -> None:
        self.requests.append(request)

    def pop(self) -> Request | None:
        if not self.requests:
            return None
        return self.requests.pop() if self.lifo else self.requests.popleft()

    def peek(self) -> Request | None:
        if not self.requests:
            return None
        return self.requests[-1] if self.lifo else self.requests[0]

    def __len__(self) -> int:
        return len(self.requests)

    def close(self) -> None:
        """Write the requests still queued (in queue order; nothing when empty)."""
        if not self.requests:
            return
        stored = []
        for request in self.requests:
            try:
                d = request.to_dict(spider=self.spider)
                pickle.dumps(d, protocol=4)
            except (ValueError, pickle.PicklingError, AttributeError, TypeError) as exc:
                logger.warning("queued request not kept for the resume: %s (%s)", request, exc)
                continue
            stored.append(d)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("wb") as f:
            pickle.dump(stored, f, protocol=4)
        self.requests.clear()


class HeldLifoQueue(_HeldQueue):
    """``SCHEDULER_DISK_QUEUE``: last in, first out (Scrapy's default order)."""

    lifo = True


class HeldFifoQueue(_HeldQueue):
    """``SCHEDULER_START_DISK_QUEUE``: start requests in the order the spider gave them."""

    lifo = False
