"""The configured part of the Scrapy settings: :func:`scout_settings` and the add-on.

:mod:`crawler.discovery.settings` (what scrapy.cfg points to) holds the fixed part and
imports nothing of the project; it names :class:`ScoutAddon` in ``ADDONS`` by dotted path.
The crawl runner passes :func:`scout_settings` directly; under ``scrapy crawl`` the add-on
loads the configuration (``SCOUT_CONFIG_PATH``, ``$SCOUT_CONFIG`` or ``./scout.toml``) and
applies the same values.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from crawler.config import Config, load_config
from crawler.db.readers import district_profile
from crawler.discovery.network import browser_launch_options
from crawler.discovery.settings import CHROMIUM_ARGS, SCAN_JOB_SETTING, playwright_settings

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


def scout_settings(
    config: Config,
    *,
    district_name: str,
    scan_id: int | None = None,
    for_scan: bool = False,
) -> dict[str, Any]:
    """Settings that come from the configuration (politeness, budgets, host map, database)."""
    c = config.crawl
    return {
        "SCOUT_CONFIG": config,
        "SCOUT_SCAN_ID": scan_id,
        "SCOUT_DATABASE_URL": config.database_url,
        "SCOUT_DISTRICT": config.district,
        "USER_AGENT": config.user_agent(district_name),
        "ROBOTSTXT_OBEY": True,  # the robots middleware applies crawl.obey_robots itself
        "DOWNLOAD_DELAY": c.download_delay,
        # requests per second to one host across every crawl and node (the shared store's)
        "SCOUT_HOST_RATE": c.host_rate or (1.0 / c.download_delay if c.download_delay else 0.0),
        "SCOUT_HOST_BURST": c.host_burst,
        "DOWNLOAD_DELAY_JITTER": 0.5,
        "CONCURRENT_REQUESTS": c.concurrent_requests,
        "CONCURRENT_REQUESTS_PER_DOMAIN": c.concurrent_per_domain,
        "AUTOTHROTTLE_ENABLED": c.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(c.download_delay, 1.0),
        "AUTOTHROTTLE_MAX_DELAY": max(60.0, c.download_delay),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(max(c.concurrent_per_domain, 1)),
        # a scan revalidates what it stored before (per district, validators only, no
        # secrets: crawler.discovery.middlewares.httpcache); `crawl.http_cache` is the plain
        # development cache of `scrapy crawl`
        **(
            scan_cache(config)
            if for_scan
            else {
                "HTTPCACHE_ENABLED": c.http_cache,
                "HTTPCACHE_DIR": str(config.base_dir / ".scrapy" / "httpcache"),
            }
        ),
        "DOWNLOAD_TIMEOUT": c.download_timeout,
        "DOWNLOAD_MAXSIZE": c.max_download_bytes,
        "DOWNLOAD_WARNSIZE": max(c.max_download_bytes // 2, 1),
        "RETRY_TIMES": c.retry_times,
        "DOWNLOAD_VERIFY_CERTIFICATES": c.tls_verify,
        # the environment's proxy and extra CAs (read when the crawl starts, not at import)
        "PLAYWRIGHT_LAUNCH_OPTIONS": {
            **playwright_settings(c.browser_executable)["PLAYWRIGHT_LAUNCH_OPTIONS"],
            **browser_launch_options(c.browser_executable, CHROMIUM_ARGS),
        },
    }


def scan_cache(config: Config) -> dict[str, Any]:
    """A scan's HTTP cache settings: per district under the data dir, bounded in size."""
    from crawler.discovery.middlewares.httpcache import SIZE_SETTING, cache_dir

    return {
        "HTTPCACHE_ENABLED": True,
        "HTTPCACHE_DIR": str(cache_dir(config.jobs_dir.parent, config.district).resolve()),
        "HTTPCACHE_POLICY": "crawler.discovery.middlewares.httpcache.ValidatorPolicy",
        "HTTPCACHE_STORAGE": "crawler.discovery.middlewares.httpcache.DistrictCacheStorage",
        SIZE_SETTING: config.budget.http_cache_mb * 1024 * 1024,
    }


class ScoutAddon:
    """Applies the configuration under ``scrapy crawl`` (``run_crawl`` passes it directly).

    Loads ``SCOUT_CONFIG_PATH`` (a setting), else ``$SCOUT_CONFIG``, else ``./scout.toml``; a
    ``SCOUT_DISTRICT`` setting (``-s``, or Scrapyd's ``setting=``) chooses the district.
    Values are set with addon priority: a spider's ``custom_settings`` and ``-s`` options win.
    """

    def update_settings(self, settings: BaseSettings) -> None:
        if settings.get("SCOUT_CONFIG") is not None:
            return
        config = load_config(settings.get("SCOUT_CONFIG_PATH"))
        # a Scrapyd job's district (the dispatcher's ``setting=SCOUT_DISTRICT=KEY``): the
        # spider arguments are read only after the add-ons, and a database of several
        # districts needs it to load the profile
        district = settings.get("SCOUT_DISTRICT")
        if district:
            config = replace(config, district=str(district))
        profile = district_profile(config)
        # a scan's Scrapyd job (the dispatcher's ``setting=SCOUT_SCAN_JOB=1``) keeps the
        # district's HTTP cache on the node, as a local scan does
        values = scout_settings(
            config,
            district_name=profile.district.name,
            for_scan=settings.getbool(SCAN_JOB_SETTING),
        )
        for name, value in values.items():
            settings.set(name, value, priority="addon")
