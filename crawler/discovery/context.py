"""One read of a crawl's configuration and district, shared by all its components.

:class:`ScanContext` is built once per crawl from the crawler (``from_crawler``) and cached on
it, so the spider, the middlewares, the pipelines and the extensions see the same frozen
values instead of each re-reading settings and the database (like scrapy-playwright's
``Config.from_settings()``). Evidence capture, which runs outside a crawl, builds one from
the configuration (``from_config``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured

from crawler.config import Config, load_config
from crawler.db.readers import district_domains, district_profile
from crawler.discovery.hostmap import HostMap
from crawler.discovery.middlewares import Endpoints

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.district.profile import DistrictProfile

ATTRIBUTE = "scout_context"  # where the context is cached on the crawler


@dataclass(frozen=True, slots=True)
class ScanContext:
    """What every component of one crawl reads: the configuration, the district, the scan."""

    config: Config
    profile: DistrictProfile
    scan_id: int | None
    domains: tuple[str, ...]  # the district's domains and its web sites' hosts
    hostmap: HostMap
    endpoints: Endpoints
    sources: frozenset[str] = frozenset()  # the sources of this crawl (one process runs them all)

    @property
    def database_url(self) -> str:
        return self.config.database_url

    @property
    def user_agent(self) -> str:
        return self.config.user_agent(self.profile.district.name)

    @classmethod
    def from_config(
        cls, config: Config, scan_id: int | None = None, sources: frozenset[str] = frozenset()
    ) -> ScanContext:
        return cls(
            config=config,
            profile=district_profile(config),
            scan_id=scan_id,
            domains=tuple(district_domains(config)),
            hostmap=HostMap.from_config(config),
            endpoints=Endpoints.from_config(config),
            sources=sources,
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler, *, load: bool = False) -> ScanContext:
        """The crawl's context, built on first use and cached on ``crawler``.

        Without ``SCOUT_CONFIG`` in the settings: ``NotConfigured`` (a component that is off),
        or with ``load`` the configuration file of ``SCOUT_CONFIG_PATH`` / ``$SCOUT_CONFIG`` /
        ``./scout.toml`` (the spider, built under ``scrapy crawl`` before the add-on runs).
        """
        cached = getattr(crawler, ATTRIBUTE, None)
        if isinstance(cached, ScanContext):
            return cached
        settings = crawler.settings
        config = settings.get("SCOUT_CONFIG")
        if config is None:
            if not load:
                raise NotConfigured("SCOUT_CONFIG is not set")
            config = load_config(settings.get("SCOUT_CONFIG_PATH"))
        district = settings.get("SCOUT_DISTRICT")  # a Scrapyd job's district argument
        if district and district != config.district:
            from dataclasses import replace

            config = replace(config, district=district)
        scan = settings.get("SCOUT_SCAN_ID")
        sources = frozenset(settings.getlist("SCOUT_CRAWL_SOURCES"))
        context = cls.from_config(config, int(scan) if scan not in (None, "") else None, sources)
        setattr(crawler, ATTRIBUTE, context)
        return context
