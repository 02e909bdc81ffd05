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
they pass here again (with ``redirect_urls`` in their meta). Numeric host forms
(``http://2130706433/``, ``http://0177.0.0.1/``, ``http://0x7f.1/``) are no platform or
district host, so they are off scope; :func:`literal_address` also reads them as the
addresses they are, as browsers and ``inet_aton`` do.

Two more layers close what a check before the download cannot:

- :class:`GuardedResolver` (``TWISTED_DNS_RESOLVER``) refuses, at connect time, a DNS answer
  that is not public for any host but the configured API endpoints, the host map's targets
  and the proxies. The middleware resolves a name, the download resolves it again: a name
  that answers a public address first and ``127.0.0.1`` second (DNS rebinding) is caught
  by the resolver the connection really uses.
- :func:`browser_refusal` guards the browser (scrapy-playwright's ``PLAYWRIGHT_ABORT_REQUEST``
  and evidence capture route every request through it): Chromium follows redirects and
  loads sub-resources itself, past the downloader middlewares. Navigations (redirects
  included) must stay in scope; every request must resolve to allowed addresses.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.resolver import CachingThreadedResolver
from twisted.internet.error import DNSLookupError
from twisted.internet.threads import deferToThread

from crawler.discovery.context import ScanContext
from crawler.discovery.hostmap import HostMap
from crawler.discovery.middlewares import Endpoints
from crawler.platforms import PLATFORMS
from crawler.platforms.urls import host_matches

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

    from crawler.config import Config

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
SEED = "scout_seed"


NAT64 = ipaddress.ip_network("64:ff9b::/96")


def is_public(ip: Address) -> bool:
    """A globally routable unicast address: not private, loopback, link-local (incl.
    169.254.169.254), shared (100.64.0.0/10, where some clouds keep their metadata service),
    multicast, reserved or unspecified. IPv6 forms that carry an IPv4 address (mapped,
    6to4, Teredo, NAT64) are judged by that address."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public(embedded)
        if ip.is_site_local:
            return False
    return ip.is_global and not ip.is_multicast


def is_loopback_url(url: str) -> bool:
    try:
        host = urlsplit(url).hostname or ""
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def literal_address(host: str) -> Address | None:
    """The address a host *literal* stands for, also in the numeric forms URL parsers
    accept (``2130706433``, ``0177.0.0.1``, ``0x7f.1``, ``[::ffff:127.0.0.1]``), else None."""
    host = host.strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if not host or not all(c in "0123456789abcdefxABCDEFX." for c in host):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


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
            allow_networks=tuple(
                ipaddress.ip_network(n, strict=False) for n in config.allow_networks
            ),
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
        ip = literal_address(address)
        if ip is None:
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
    ip = literal_address(host)
    if ip is not None:
        return [str(ip)]
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
        context = ScanContext.from_crawler(crawler)
        policy = GuardPolicy.from_config(context.config, context.domains)
        _BROWSER[0] = policy
        return cls(crawler, policy)

    async def process_request(self, request: Request) -> None:
        if self.policy.trusted(request.url, request.meta):
            return
        host, reason = self.policy.check_host(request.url)
        if reason is None:
            if host not in self._cache:
                self._cache[host] = (
                    await _in_thread(host, self.resolve)
                    if self.threaded
                    else _addresses(host, self.resolve)
                )
            reason = self.policy.check_addresses(host, self._cache[host])
        if reason:
            self.crawler.stats.inc_value(f"scout/ssrf/refused/{reason}")
            raise IgnoreRequest(f"refused by the SSRF guard ({reason}): {host}")


async def _in_thread(host: str, resolve: Callable[[str], list[str]]) -> list[str] | None:
    from scrapy.utils.defer import maybe_deferred_to_future

    return await maybe_deferred_to_future(deferToThread(_addresses, host, resolve))


# --------------------------------------------------------------------------- at connect time


def _exempt_hosts(policy: GuardPolicy) -> frozenset[str]:
    """Hosts whose DNS answers may be private: the configured APIs (a district's SearXNG on its
    intranet), the host map's targets and the proxies."""
    from crawler.discovery.network import proxy_hosts

    hosts = {host for _, host, _, _ in policy.endpoints.prefixes}
    hosts |= {host for host, _ in policy.hostmap.targets}
    return frozenset(hosts | set(proxy_hosts()))


class GuardedResolver(CachingThreadedResolver):
    """``TWISTED_DNS_RESOLVER``: Scrapy's caching resolver that refuses private answers.

    The address checked here is the address the connection uses, so a DNS name that
    changes its answer between the middleware's check and the download (rebinding) is still
    refused (``DNSLookupError``; the request fails and its query is reported).
    """

    policy: GuardPolicy | None = None
    exempt: frozenset[str] = frozenset()

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> GuardedResolver:
        resolver = super().from_crawler(crawler, reactor)
        # one resolver per process (built from the process's settings, not one crawl's context)
        config = crawler.settings.get("SCOUT_CONFIG")
        if config is not None:
            resolver.policy = GuardPolicy.from_config(config, ())
            resolver.exempt = _exempt_hosts(resolver.policy)
        return resolver

    def getHostByName(self, name: str, timeout: Any = ()) -> Any:
        d = super().getHostByName(name, timeout)
        d.addCallback(self.checked, name)
        return d

    def checked(self, address: str, name: str) -> str:
        policy = self.policy
        if (
            policy is None
            or name.lower().rstrip(".") in self.exempt
            or policy.address_allowed(address)
        ):
            return address
        raise DNSLookupError(f"{name} resolves to a private address (refused by the SSRF guard)")


# --------------------------------------------------------------------------- the browser

# The crawl's policy for ``abort_browser_request`` (a plain function Scrapy-Playwright loads
# by name); set by the middleware, one crawl configuration per process.
_BROWSER: list[GuardPolicy | None] = [None]


async def browser_refusal(policy: GuardPolicy, url: str, navigation: bool) -> str | None:
    """Why the browser must not load ``url``, or None (see the module docstring)."""
    import asyncio

    p = urlsplit(url)
    if p.scheme in ("data", "blob", "about"):
        return None
    host = (p.hostname or "").lower()
    if p.scheme not in ("http", "https") or not host:
        return "invalid_url"
    try:
        port = p.port
    except ValueError:
        return "invalid_url"
    target = (host, port) in policy.hostmap.targets
    if navigation and not target and not policy.in_scope(host):
        return "off_scope"
    base = policy.hostmap.base_for(host)
    if base is not None:
        host = urlsplit(base).hostname or ""
    addresses: list[str] | None
    if literal_address(host) is not None:
        addresses = [str(literal_address(host))]
    else:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, None, proto=socket.IPPROTO_TCP
            )
            addresses = sorted({str(i[4][0]) for i in infos})
        except OSError:
            addresses = None
    return policy.check_addresses(host, addresses)


async def abort_browser_request(request: Any) -> bool:
    """``PLAYWRIGHT_ABORT_REQUEST``: the SSRF guard for what Chromium loads by itself.

    A page under a local world also loads nothing from outside loopback (tests never leak).
    """
    frame_url = ""
    try:
        frame_url = request.frame.url
    except Exception:  # a request without a frame (service worker)
        frame_url = ""
    if is_loopback_url(frame_url) and not is_loopback_url(request.url):
        return True
    policy = _BROWSER[0]
    if policy is None:
        return False
    return await browser_refusal(policy, request.url, request.is_navigation_request()) is not None
