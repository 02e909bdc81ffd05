"""SSRF guard: URLs from crawled content reach only platform and district hosts, never
private, loopback, link-local or metadata addresses.

Hostile pages choose the links the crawler follows and the redirects it obeys. A request
is *trusted* only when its URL is a configured API endpoint, or the spider marked it as a
seed from the configuration (``meta["scout_seed"]``) and it is not the result of a redirect.
Every other request must

1. be on a platform's host (``crawler.platforms``), a configured Mastodon instance, or one of
   the district's domains (profile), else it is refused as *off scope*; and
2. resolve only to public addresses: every address of the host (``getaddrinfo``, IPv4 and
   IPv6) is checked, so a DNS name pointing at ``127.0.0.1`` or ``169.254.169.254`` is
   refused like the literal. Networks in ``config.allow_networks`` are exempt (the sample
   world's ``127.0.0.0/8``). A host in the host map is checked at its mapped address.

Refusals are counted in ``scout/ssrf/refused/<reason>``. Redirects are new requests, so
they pass here again (with ``redirect_urls`` in their meta).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from twisted.internet.threads import deferToThread

from crawler.middlewares import Endpoints, crawl_config
from crawler.middlewares.hostmap import HostMap
from crawler.platforms import PLATFORMS
from crawler.platforms.urls import host_matches

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

    from crawler.config import Config

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
SEED = "scout_seed"


def is_public(ip: Address) -> bool:
    """Not private, loopback, link-local (incl. 169.254.169.254), multicast, reserved or unspecified."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return is_public(ip.ipv4_mapped)
        if ip.is_site_local:
            return False
    return not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
                or ip.is_reserved or ip.is_unspecified)


def is_loopback_url(url: str) -> bool:
    try:
        host = urlsplit(url).hostname or ""
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def resolve_host(host: str) -> list[str]:
    """Every address ``host`` resolves to (blocking; run it in a thread)."""
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return sorted({str(info[4][0]) for info in infos})


@dataclass(frozen=True, slots=True)
class GuardPolicy:
    """What the guard allows, read once from the configuration."""

    endpoints: Endpoints
    allow_networks: tuple[Network, ...]
    district_domains: tuple[str, ...]
    platform_hosts: tuple[str, ...]
    hostmap: HostMap

    @classmethod
    def from_config(cls, config: Config, district_domains: Iterable[str]) -> GuardPolicy:
        hosts = {h for p in PLATFORMS.values() for h in p.hosts} | set(config.mastodon_instances)
        return cls(
            endpoints=Endpoints.from_config(config),
            allow_networks=tuple(ipaddress.ip_network(n, strict=False) for n in config.allow_networks),
            district_domains=tuple(d.lower() for d in district_domains),
            platform_hosts=tuple(sorted(hosts)),
            hostmap=HostMap.from_config(config),
        )

    def trusted(self, url: str, meta: dict) -> bool:
        if "redirect_urls" in meta:
            return False
        return self.endpoints.matches(url) or bool(meta.get(SEED))

    def in_scope(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return any(host_matches(host, h) for h in (*self.platform_hosts, *self.district_domains))

    def address_allowed(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return False
        if any(ip in net for net in self.allow_networks):
            return True
        return is_public(ip)

    def check_host(self, url: str) -> tuple[str, str | None]:
        """(host to resolve, refusal reason or None) without DNS."""
        p = urlsplit(url)
        host = (p.hostname or "").lower()
        if p.scheme not in ("http", "https") or not host:
            return host, "invalid_url"
        if not self.in_scope(host):
            return host, "off_scope"
        base = self.hostmap.base_for(host)
        return (urlsplit(base).hostname or "" if base else host), None

    def check(self, url: str, resolve: Callable[[str], list[str]] = resolve_host) -> str | None:
        """Refusal reason for an untrusted URL, or None (blocking: resolves DNS)."""
        host, reason = self.check_host(url)
        if reason:
            return reason
        return self.check_addresses(host, _addresses(host, resolve))

    def check_addresses(self, host: str, addresses: list[str] | None) -> str | None:
        if not addresses:
            return "unresolvable"
        if not all(self.address_allowed(a) for a in addresses):
            return "private_address"
        return None


def _addresses(host: str, resolve: Callable[[str], list[str]]) -> list[str] | None:
    try:
        ipaddress.ip_address(host)
        return [host]
    except ValueError:
        pass
    try:
        return resolve(host)
    except OSError:
        return None


class SsrfGuardMiddleware:
    """Downloader middleware: see the module docstring."""

    def __init__(self, crawler: Crawler, policy: GuardPolicy) -> None:
        self.crawler = crawler
        self.policy = policy
        self.resolve: Callable[[str], list[str]] = resolve_host  # tests replace it
        self.threaded = True  # resolve in the reactor's thread pool (tests: inline)
        self._cache: dict[str, list[str] | None] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SsrfGuardMiddleware:
        config = crawl_config(crawler)
        from crawler.crawl import district_domains

        return cls(crawler, GuardPolicy.from_config(config, district_domains(config)))

    async def process_request(self, request: Request) -> None:
        if self.policy.trusted(request.url, request.meta):
            return
        host, reason = self.policy.check_host(request.url)
        if reason is None:
            if host not in self._cache:
                self._cache[host] = (await _in_thread(host, self.resolve) if self.threaded
                                     else _addresses(host, self.resolve))
            reason = self.policy.check_addresses(host, self._cache[host])
        if reason:
            self.crawler.stats.inc_value(f"scout/ssrf/refused/{reason}")
            raise IgnoreRequest(f"refused by the SSRF guard ({reason}): {host}")


async def _in_thread(host: str, resolve: Callable[[str], list[str]]) -> list[str] | None:
    from scrapy.utils.defer import maybe_deferred_to_future

    return await maybe_deferred_to_future(deferToThread(_addresses, host, resolve))
