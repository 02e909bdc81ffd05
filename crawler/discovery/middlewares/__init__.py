"""Downloader middlewares: politeness and safety, one component per module.

- :mod:`.ssrf` — links from crawled content stay on platform and district hosts and never
  reach private, loopback, link-local or metadata addresses.
- :mod:`.budget` — a per-host request budget for one scan.
- :mod:`.robots` — robots.txt, with the documented API endpoints as the only bypass.
- :mod:`.retry` — retries on 429/5xx that honour ``Retry-After``.
- :mod:`.quota` — charges the calls that cost API quota to the crawl's ledger.
- :mod:`.hostmap` — routes production hosts to a local world (tests, ``scout demo``).

Each reads the crawl's :class:`crawler.discovery.context.ScanContext` (or its settings) once
into a frozen dataclass and raises ``NotConfigured`` when off. This module holds what
several of them share: the configured API endpoints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from crawler.config import Config


def _origin(url: str) -> tuple[str, str, int | None, str] | None:
    try:
        p = urlsplit(url)
        port = p.port
    except ValueError:
        return None
    if p.scheme not in ("http", "https") or not p.hostname:
        return None
    return p.scheme, p.hostname.lower(), port, p.path or "/"


@dataclass(frozen=True, slots=True)
class Endpoints:
    """URL prefixes of the documented APIs the user configured (scheme, host, port, path).

    These are called as API clients under their own terms: robots.txt does not apply and
    the private-address guard does not either (a district may run SearXNG on its intranet).
    """

    prefixes: tuple[tuple[str, str, int | None, str], ...]

    @classmethod
    def from_config(cls, config: Config) -> Endpoints:
        urls = [config.youtube_api_url, config.bluesky_api_url, config.brave_url]
        if config.searxng_url:
            urls.append(config.searxng_url.rstrip("/") + "/search")
        urls += [f"https://{inst}/api/" for inst in config.mastodon_instances]
        return cls(tuple(o for u in urls if (o := _origin(u)) is not None))

    def matches(self, url: str) -> bool:
        o = _origin(url)
        if o is None:
            return False
        for scheme, host, port, path in self.prefixes:
            if (o[0], o[1], o[2]) == (scheme, host, port) and (
                o[3] == path or o[3].startswith(path.rstrip("/") + "/") or path == "/"
            ):
                return True
        return False
