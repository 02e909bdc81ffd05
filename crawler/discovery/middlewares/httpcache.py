"""Conditional requests and what a scan costs.

A scan keeps a persistent HTTP cache per district (``<data dir>/httpcache/<district>``):
Scrapy's ``HttpCacheMiddleware`` with :class:`ValidatorPolicy` (its ``RFC2616Policy``, keeping
only answers that carry a validator, ``ETag`` or ``Last-Modified``: the ones a server can
answer ``304 Not Modified`` for) and :class:`DistrictCacheStorage` (Scrapy's filesystem
storage, keyed by the request without its API keys, bounded in size). A stored answer is
revalidated with ``If-None-Match`` / ``If-Modified-Since``; on a 304 the stored answer is
reused. Secrets never reach the disk: the cache key is computed from the URL without its key
parameters, the stored URLs have none, and the request's headers (a token, a Referer) are not
stored.

:class:`CostMiddleware` (right before the host map, so it sees the production host and the
raw 304) counts per host: requests, bytes received and 304 answers, as crawl stats
``scout/cost/<host>/<figure>``.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import shutil
from pathlib import Path
from time import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.extensions.httpcache import FilesystemCacheStorage, RFC2616Policy
from scrapy.http import Headers
from scrapy.utils.python import to_bytes
from w3lib.http import headers_dict_to_raw

from crawler.config import redact
from crawler.discovery.items import safe_url

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)
COST = "scout/cost/"
SIZE_SETTING = "SCOUT_HTTPCACHE_MAX_BYTES"


def cache_dir(data_dir: Path, district: str | None) -> Path:
    """The district's HTTP cache folder."""
    return data_dir / "httpcache" / (district or "default")


def cache_key(request: Request) -> str:
    """The request's cache key: method, URL without API keys, body (never a secret)."""
    text = f"{request.method} {safe_url(request.url)}"
    return hashlib.sha256(to_bytes(text) + b"\0" + request.body).hexdigest()


class ValidatorPolicy(RFC2616Policy):
    """RFC 2616 caching, keeping only answers a server can say are unchanged (a validator)."""

    def should_cache_response(self, response: Response, request: Request) -> bool:
        if not (response.headers.get(b"ETag") or response.headers.get(b"Last-Modified")):
            return False
        return super().should_cache_response(response, request)


class DistrictCacheStorage(FilesystemCacheStorage):
    """Scrapy's filesystem storage, keyed without secrets and bounded in size."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.max_bytes = settings.getint(SIZE_SETTING, 200 * 1024 * 1024)

    def open_spider(self, spider: Spider) -> None:
        super().open_spider(spider)
        prune(Path(self.cachedir), self.max_bytes)

    def _get_request_path(self, spider: Spider, request: Request) -> str:
        key = cache_key(request)
        return str(Path(self.cachedir, spider.name, key[0:2], key))

    def retrieve_response(self, spider: Spider, request: Request) -> Response | None:
        response = super().retrieve_response(spider, request)
        # the stored URL has no key: the answer is the request's own URL again
        return response.replace(url=request.url) if response is not None else None

    def store_response(self, spider: Spider, request: Request, response: Response) -> None:
        rpath = Path(self._get_request_path(spider, request))
        rpath.mkdir(parents=True, exist_ok=True)
        metadata = {
            "url": safe_url(request.url),
            "method": request.method,
            "status": response.status,
            "response_url": safe_url(response.url),
            "timestamp": time(),
        }
        with self._open(rpath / "meta", "wb") as f:
            f.write(to_bytes(redact(repr(metadata))))
        with self._open(rpath / "pickled_meta", "wb") as f:
            pickle.dump(metadata, f, protocol=4)
        with self._open(rpath / "response_headers", "wb") as f:
            f.write(_raw_headers(response.headers))
        with self._open(rpath / "response_body", "wb") as f:
            f.write(response.body)
        # neither the request's headers nor its body: a token header, or a Referer with the
        # previous page's URL, carries a key, and reusing an answer needs neither


def _raw_headers(headers: Headers) -> bytes:
    return headers_dict_to_raw(headers) or b""


def prune(folder: Path, max_bytes: int) -> int:
    """Remove the least recently stored entries until ``folder`` holds at most ``max_bytes``
    (down to 80% of it, so a scan does not prune on every start); how many went."""
    if not folder.exists():
        return 0
    entries = []
    total = 0
    for meta in folder.glob("*/*/*/pickled_meta"):
        entry = meta.parent
        size = sum(f.stat().st_size for f in entry.iterdir() if f.is_file())
        entries.append((meta.stat().st_mtime, size, entry))
        total += size
    if total <= max_bytes:
        return 0
    removed = 0
    for _, size, entry in sorted(entries):
        if total <= max_bytes * 0.8:
            break
        shutil.rmtree(entry, ignore_errors=True)
        total -= size
        removed += 1
    return removed


class CostMiddleware:
    """Downloader middleware: requests, bytes and 304 answers per production host."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CostMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Any:
        host = (urlsplit(request.url).hostname or "").lower()
        assert self.stats is not None
        self.stats.inc_value(f"{COST}{host}/requests")
        self.stats.inc_value(f"{COST}{host}/bytes", len(response.body))
        if response.status == 304:
            self.stats.inc_value(f"{COST}{host}/not_modified")
        return response


def cost_of(stats: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Per host: requests, bytes, not_modified (from a crawl's stats)."""
    out: dict[str, dict[str, int]] = {}
    for key, value in stats.items():
        if key.startswith(COST):
            host, _, figure = key[len(COST) :].rpartition("/")
            row = out.setdefault(host, {"requests": 0, "bytes": 0, "not_modified": 0})
            row[figure] = int(value)
    return out
