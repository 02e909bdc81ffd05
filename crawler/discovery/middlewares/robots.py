"""robots.txt, with the documented API endpoints as the only bypass.

Replaces Scrapy's ``RobotsTxtMiddleware`` (same place, same Protego parser) and adds:

- Requests to a configured API endpoint (YouTube Data API, Bluesky AppView, Mastodon API,
  Brave, the SearXNG ``/search`` endpoint) are API calls made under those services' terms:
  they skip robots.txt. A ``dont_obey_robotstxt`` flag on any *other* request is removed
  (``scout/robots/bypass_refused``): a spider cannot opt a web page out of robots.txt.
- Hosts of platforms whose robots.txt refuses crawlers (Facebook, Instagram, Threads, X)
  are *strict*: robots.txt is always obeyed for them — whatever ``crawl.obey_robots`` or
  ``crawl.robots_exceptions`` say — and an unreadable robots.txt counts as "disallow all".
- RFC 9309 for everyone else: a robots.txt answering 4xx allows everything, 5xx or a
  network error disallows everything for this crawl.
- ``crawl.obey_robots = false`` or a host in ``crawl.robots_exceptions`` skips robots.txt
  for non-strict hosts only (an explicit, documented exception).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred

from crawler.discovery.context import ScanContext
from crawler.discovery.middlewares import Endpoints
from crawler.platforms import PLATFORMS
from crawler.platforms.urls import host_matches

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

    from crawler.config import Config

logger = logging.getLogger(__name__)
DENY_ALL = b"User-agent: *\nDisallow: /\n"
ALLOW_ALL = b""


@dataclass(frozen=True, slots=True)
class RobotsPolicy:
    endpoints: Endpoints
    strict_hosts: tuple[str, ...]
    obey: bool
    exceptions: tuple[str, ...]

    @classmethod
    def from_config(cls, config: Config) -> RobotsPolicy:
        strict = tuple(
            sorted(h for p in PLATFORMS.values() if p.robots_blocks_crawlers for h in p.hosts)
        )
        exceptions = []
        for host in config.crawl.robots_exceptions:
            if any(host_matches(host.lower(), s) for s in strict):
                logger.warning(
                    "crawl.robots_exceptions: %s ignored, its platform forbids crawlers", host
                )
            else:
                exceptions.append(host.lower())
        return cls(
            Endpoints.from_config(config), strict, config.crawl.obey_robots, tuple(exceptions)
        )

    def is_strict(self, host: str) -> bool:
        return any(host_matches(host, s) for s in self.strict_hosts)

    def exempt(self, host: str) -> bool:
        """robots.txt skipped by configuration (never for strict hosts)."""
        if self.is_strict(host):
            return False
        return not self.obey or any(host_matches(host, e) for e in self.exceptions)


def _is_robots_request(request: Request) -> bool:
    return request.callback is NO_CALLBACK and urlsplit(request.url).path == "/robots.txt"


class ScoutRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Downloader middleware: see the module docstring."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.policy = RobotsPolicy.from_config(ScanContext.from_crawler(crawler).config)

    async def process_request(self, request: Request, spider: Any = None) -> None:
        host = (urlsplit(request.url).hostname or "").lower()
        if self.policy.endpoints.matches(request.url):
            request.meta["dont_obey_robotstxt"] = True
            return
        if request.meta.get("dont_obey_robotstxt"):
            if _is_robots_request(request):
                return
            del request.meta["dont_obey_robotstxt"]
            self._stats.inc_value("scout/robots/bypass_refused")
        if self.policy.exempt(host):
            self._stats.inc_value("scout/robots/exempt")
            return
        rp = await self.robot_parser(request)
        if rp is None:  # only when building a parser failed: fail closed
            self._stats.inc_value("robotstxt/forbidden")
            raise IgnoreRequest("robots.txt unavailable")
        self.process_request_2(rp, request)

    async def robot_parser(self, request: Request) -> Any:
        # Scrapy awaits the one pending Deferred from every waiting request; under the asyncio
        # reactor each await (Deferred.asFuture) consumes the result, so from the third request
        # on a host the waiters get None — which Scrapy reads as "allowed". Each waiter here
        # gets a Deferred of its own, and the shared one keeps its result.
        entry = self._parsers.get(urlparse_cached(request).netloc)
        if isinstance(entry, Deferred):
            waiter: Deferred[Any] = Deferred()

            def relay(result: Any) -> Any:
                waiter.callback(result)
                return result

            entry.addBoth(relay)
            return await maybe_deferred_to_future(waiter)
        return await super().robot_parser(request)

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        strict = self.policy.is_strict((urlsplit(response.url).hostname or "").lower())
        if 200 <= response.status < 300:
            body = response.body
        elif 400 <= response.status < 500 and not strict:
            body = ALLOW_ALL
        else:
            body = DENY_ALL
        if body is not response.body:
            self._stats.inc_value(f"scout/robots/status_{response.status}")
            response = response.replace(body=body)
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        # RFC 9309: an unreachable robots.txt means "disallow everything" (super() would allow)
        logger.info("robots.txt of %s unreachable (%s): disallowing the host", netloc, exc)
        super()._robots_error(exc, netloc)
        self._parsers[netloc] = build_from_crawler(self._parserimpl, self.crawler, DENY_ALL)
        self._stats.inc_value("scout/robots/unreachable")
