"""The sample world: local servers that answer like the real sources for the sample districts.

By default the world holds West Fargo alone (``SampleWorld()``); ``SampleWorld(districts="all")``
or a tuple of keys serves several districts at once: one search index, one set of platforms
over the union of their accounts, each district's own web site and SearXNG host
(``search.<domain>``, all on the one index). :meth:`SampleWorld.manifest_for` is the answer key
relative to one district, :meth:`SampleWorld.config_toml` a configuration for one.

One process, one ``ThreadingHTTPServer`` per production host, each on its own loopback port.
The :attr:`SampleWorld.hostmap` maps production hosts to those servers; a downloader
middleware rewrites requests accordingly, so spiders run unchanged (``scout demo`` and the
tests use it). :attr:`SampleWorld.manifest` lists the hidden accounts with their expected
classification and the sources that can find them; :attr:`SampleWorld.requests` is the
request log (API keys redacted).

    with SampleWorld() as world:
        print(world.hostmap["www.instagram.com"])  # http://127.0.0.1:41234
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from crawler.sampleworld.data import (
    DEFAULT_DISTRICT,
    MASTODON_INSTANCE,
    District,
    WorldData,
    district_keys,
    load_districts,
)
from crawler.sampleworld.district import district_app
from crawler.sampleworld.faults import FaultInjector, Faults
from crawler.sampleworld.manifest import HiddenAccount, build_manifest
from crawler.sampleworld.pages import ALIAS_HOSTS, PAGE_HOSTS, alias_app, page_app
from crawler.sampleworld.server import (
    App,
    HostServer,
    LoggedRequest,
    Request,
    RequestLog,
    conditional,
)
from crawler.sampleworld.social_api import BlueskyApi, MastodonInstance
from crawler.sampleworld.websearch import BraveApp, SearxngApp, build_index
from crawler.sampleworld.youtube_api import YouTubeApi

__all__ = [
    "SEARXNG_HOST",
    "District",
    "Faults",
    "HiddenAccount",
    "LoggedRequest",
    "SampleWorld",
    "district_keys",
]

DISTRICT_DOMAIN = "west-fargo.k12.nd.us"  # the default district's (West Fargo's)
SEARXNG_HOST = f"search.{DISTRICT_DOMAIN}"
YOUTUBE_API_HOST = "www.googleapis.com"
BLUESKY_API_HOST = "public.api.bsky.app"
BRAVE_HOST = "api.search.brave.com"


class SampleWorld:
    """Start with :meth:`start` (or ``with``); stop with :meth:`stop`.

    ``youtube_search_quota``: ``search.list`` calls allowed before 403 ``quotaExceeded``.
    ``brave_key`` / ``youtube_key``: when given, only that key is accepted; by default any
    non-empty key is (a missing key is rejected with the real error). ``seed`` drives the
    fault injector's random choices. ``districts``: the district keys to serve (folders of
    ``crawler/sampleworld/districts``), or ``"all"``; default West Fargo alone. ``month=2``:
    the districts' second state, a month later (``later.yaml``: taken-over, renamed, private,
    dormant and deleted accounts, routine changes, new ones).
    """

    def __init__(
        self,
        *,
        districts: str | tuple[str, ...] = (DEFAULT_DISTRICT,),
        faults: Faults | None = None,
        youtube_search_quota: int = 100,
        seed: int = 0,
        brave_key: str | None = None,
        youtube_key: str | None = None,
        month: int = 1,
    ) -> None:
        if isinstance(districts, str):
            keys = tuple(district_keys()) if districts == "all" else (districts,)
        else:
            keys = tuple(districts)
        # month 2: the districts a month later (each folder's later.yaml)
        self.month = month
        self.data: WorldData = load_districts(keys) if month == 1 else load_districts(keys, month)
        self.log = RequestLog()
        self.stopping = threading.Event()
        self.faults = faults
        self.fault_hook = FaultInjector(faults, seed) if faults is not None else None
        self._hits: Counter[tuple[str, str]] = Counter()
        self._hits_lock = threading.Lock()
        # the world's clock: the second month's new accounts were created just before it
        self.clock = datetime.now(UTC)
        index = build_index(self.data, self.clock)
        self.youtube = YouTubeApi(
            self.data, youtube_search_quota, required_key=youtube_key, clock=self.clock
        )
        apps: dict[str, App] = {}
        for host in dict.fromkeys(p.host for p in self.data.site_pages):
            apps[host] = conditional(district_app(self.data, host))
        searxng = SearxngApp(self.data, index)
        for d in self.data.districts:
            apps[d.domain] = _redirect_to(d.www)
        for d in self.data.districts:
            apps[d.searxng_host] = searxng
        apps[BRAVE_HOST] = BraveApp(self.data, index, required_key=brave_key)
        apps[YOUTUBE_API_HOST] = conditional(self.youtube)
        apps[BLUESKY_API_HOST] = BlueskyApi(self.data)
        apps[MASTODON_INSTANCE] = conditional(MastodonInstance(self.data, MASTODON_INSTANCE))
        for host in PAGE_HOSTS:
            apps[host] = page_app(self.data, host)
        for alias, target in ALIAS_HOSTS.items():
            apps[alias] = alias_app(target)
        self._apps = apps
        self._servers: list[HostServer] = []
        self._manifests: dict[str, list[HiddenAccount]] = {}
        self.hostmap: dict[str, str] = {}

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self, port_base: int | None = None) -> SampleWorld:
        if self._servers:
            return self
        self.stopping.clear()
        try:
            for i, (host, app) in enumerate(self._apps.items()):
                server = HostServer(host, app, self, 0 if port_base is None else port_base + i)
                server.start()
                self._servers.append(server)
                self.hostmap[host] = server.base_url
        except OSError:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        self.stopping.set()
        # Shut the servers down together: each waits up to one poll interval.
        stoppers = [threading.Thread(target=server.stop) for server in self._servers]
        for t in stoppers:
            t.start()
        for t in stoppers:
            t.join()
        self._servers.clear()
        self.hostmap = {}

    def __enter__(self) -> SampleWorld:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- what tests and the demo read ---------------------------------------------------------

    @property
    def hosts(self) -> list[str]:
        return list(self._apps)

    @property
    def districts(self) -> tuple[District, ...]:
        return self.data.districts

    @property
    def manifest(self) -> list[HiddenAccount]:
        """The answer key of the world's first district (West Fargo unless not served)."""
        return self.manifest_for(self.data.districts[0].key)

    def manifest_for(self, district: str) -> list[HiddenAccount]:
        """The answer key relative to ``district``: other districts' accounts are ``unrelated``."""
        if district not in self._manifests:
            self.data.district(district)  # KeyError naming the districts served
            self._manifests[district] = build_manifest(self.data, home=district)
        return self._manifests[district]

    @property
    def requests(self) -> list[LoggedRequest]:
        return self.log.items()

    def reset_log(self) -> None:
        self.log.clear()

    def reset_quota(self) -> None:
        self.youtube.reset_quota()

    def count_hit(self, request: Request) -> int:
        """Number of this request among requests to the same host and path (1-based)."""
        with self._hits_lock:
            self._hits[(request.host, request.path)] += 1
            return self._hits[(request.host, request.path)]

    def url(self, production_url: str) -> str:
        """The loopback URL serving ``production_url`` (for tests that fetch directly)."""
        _, _, rest = production_url.partition("://")
        host, slash, path = rest.partition("/")
        return self.hostmap[host.lower()] + slash + path

    def config_toml(
        self,
        *,
        profile: str,
        registry: str,
        database_url: str | None = None,
        district: str | None = None,
    ) -> str:
        """A ready ``scout.toml`` for ``district`` (default: the first) in this world (started)."""
        if not self.hostmap:
            raise RuntimeError("start the sample world before asking for its configuration")
        home = self.data.district(district) if district else self.data.districts[0]
        q = json.dumps
        lines = [
            "# scout.toml for the local sample world (generated; ports change each run)",
            "[district]",
            f"profile = {q(profile)}",
            f"registry = {q(registry)}",
            "",
        ]
        if database_url:
            lines += ["[database]", f"url = {q(database_url)}", ""]
        lines += [
            "[sources]",
            f"searxng_url = {q('https://' + home.searxng_host)}",
            f"mastodon_instances = {q([MASTODON_INSTANCE])}",
            'allow_networks = ["127.0.0.0/8"]',
            "",
            "[crawl]",
            'contact = "sample-world@localhost"',
            "download_delay = 0.0",
            "autothrottle = false",
            "concurrent_requests = 16",
            "concurrent_per_domain = 8",
            "download_timeout = 10",
            "retry_times = 2",
            "http_cache = false",
            "",
            "[hostmap]",
        ]
        lines += [f"{q(host)} = {q(base)}" for host, base in sorted(self.hostmap.items())]
        return "\n".join(lines) + "\n"

    def summary(self) -> dict[str, Any]:
        """Counts of the manifest by classification and by source (for the demo)."""
        by_class = Counter(h.classification for h in self.manifest)
        by_source = Counter(s for h in self.manifest for s in h.sources)
        return {
            "accounts": len(self.manifest),
            "by_classification": dict(by_class),
            "by_source": dict(by_source),
            "hidden_by_robots": sum(h.hidden_by_robots for h in self.manifest),
        }


def _redirect_to(host: str) -> App:
    from crawler.sampleworld.server import redirect

    def app(request: Request) -> Any:
        return redirect(f"https://{host}{request.path}")

    return app


def recall_by_source(
    manifest: Iterable[HiddenAccount], found_urls: Iterable[str]
) -> dict[str, tuple[int, int]]:
    """``{source: (found, findable)}`` for the accounts each source can find."""
    found = set(found_urls)
    out: dict[str, tuple[int, int]] = {}
    for h in manifest:
        for s in h.sources:
            hit, total = out.get(s, (0, 0))
            out[s] = (hit + (h.url in found or any(a in found for a in h.aliases)), total + 1)
    return out
