"""Host map: route production hosts to other base URLs (the sample world, a mirror).

For a host in ``config.hostmap`` the request ``https://host/path?q`` is downloaded from
``<base>/path?q`` and the response carries the original URL again, so spiders, parsers,
provenance and the database only ever see production URLs. With a host map configured
(``hostmap_strict``) a request to any other host is refused and counted in
``scout/hostmap/refused``: a test world never leaks to the internet.

The middleware sits after the robots middleware (robots is decided for the production
host; the robots.txt request is itself mapped) and after the redirect middleware (which so
sees production URLs), right before the download handler. It rewrites the request in place
(keeping its download slot on the production host, so per-domain politeness is unchanged)
and restores it on the response or the exception.
"""

from __future__ import annotations

import ipaddress
import logging
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils import httpobj

from crawler.discovery.context import ScanContext
from crawler.discovery.hostmap import HostMap

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response


logger = logging.getLogger(__name__)
ORIGINAL = "scout_hostmap_original"


def _evict(request: Request) -> None:
    # Scrapy caches the parsed URL per request object; the download handler must see the new one.
    httpobj._urlparse_cache.pop(request, None)


def _is_loopback(base: str) -> bool:
    host = urlsplit(base).hostname or ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


class HostMapMiddleware:
    """Downloader middleware: see the module docstring."""

    def __init__(self, crawler: Crawler, hostmap: HostMap) -> None:
        self.crawler = crawler
        self.map = hostmap

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostMapMiddleware:

        if crawler.settings.get("SCOUT_CONFIG") is not None:
            hostmap = ScanContext.from_crawler(crawler).hostmap
        elif crawler.settings.getdict("SCOUT_HOSTMAP"):
            hostmap = HostMap.from_settings(crawler.settings)
        else:
            raise NotConfigured
        if not hostmap.hosts:
            raise NotConfigured
        return cls(crawler, hostmap)

    def process_request(self, request: Request) -> None:
        if ORIGINAL in request.meta:  # already mapped (a retry of the same object)
            return
        mapped = self.map.map_url(request.url)
        if mapped is None:
            if not self.map.allowed(request.url):
                self.crawler.stats.inc_value("scout/hostmap/refused")
                raise IgnoreRequest(f"host not in the host map: {urlsplit(request.url).hostname}")
            return
        host = urlsplit(request.url).hostname or ""
        request.meta[ORIGINAL] = request.url
        request.meta.setdefault("download_slot", host)
        request.headers.setdefault("X-Forwarded-Host", host)
        if _is_loopback(mapped):
            request.meta["proxy"] = None  # a local world is never reached through a proxy
            request.headers.pop(b"Proxy-Authorization", None)
        request._set_url(mapped)
        _evict(request)
        self.crawler.stats.inc_value("scout/hostmap/mapped")

    def _restore(self, request: Request) -> str | None:
        original = request.meta.pop(ORIGINAL, None)
        if original is not None:
            request._set_url(original)
            _evict(request)
        return original

    def process_response(self, request: Request, response: Response) -> Response:
        original = self._restore(request)
        if original is None:
            return response
        location = response.headers.get(b"Location")
        if location:
            production = self.map.unmap_url(location.decode("latin-1"))
            if production is not None:
                headers = response.headers.copy()
                headers[b"Location"] = production.encode("latin-1")
                return response.replace(url=original, headers=headers)
        return response.replace(url=original)

    def process_exception(self, request: Request, exception: BaseException) -> None:
        self._restore(request)
