"""Scrapy settings: the fixed part here, the configured part from ``scout.toml``.

``scrapy crawl <source>`` (scrapy.cfg points here) and ``scout scan`` (through
:func:`crawler.discovery.runner.run_crawl`) use the same components. This module imports
nothing of the project and does no I/O: what depends on the configuration (User-Agent,
politeness, budgets, host map, database) comes from
:func:`crawler.discovery.addon.scout_settings`; under ``scrapy crawl`` the add-on
(:class:`crawler.discovery.addon.ScoutAddon`, named in ``ADDONS``) loads the configuration
(``SCOUT_CONFIG`` or ``./scout.toml``) and applies it.

Order of the downloader middlewares (lower runs first on the way out):

- 60 SSRF guard: links from crawled content and redirects stay on platform and district
  hosts and never reach private addresses; before robots, so no robots.txt is fetched for
  a refused host.
- 70 per-host request budget.
- 100 robots.txt (replaces Scrapy's): API endpoints bypass it, Facebook/Instagram/Threads/X
  fail closed.
- 550 retries honouring ``Retry-After`` (replaces Scrapy's).
- 590 decompression that counts bodies cut at ``DOWNLOAD_MAXSIZE`` (replaces Scrapy's).
- 900 shared per-host rate (all crawls on all nodes; Redis or PostgreSQL): waits for the host's
  next slot just before the quota is charged and the request is mapped and sent.
- 940 API quota ledger: charges what reaches the download (and, for Brave, what succeeds).
- 950 host map: after robots (robots is decided for the production host, and robots.txt
  requests themselves are mapped) and after the redirect middleware (which then sees
  production URLs), just before the download handler.

Network: certificates are verified (``DOWNLOAD_VERIFY_CERTIFICATES``, the handlers of
:mod:`crawler.discovery.handlers` add ``SSL_CERT_FILE`` to the system's CAs), proxies come from the
environment (:mod:`crawler.discovery.network`), and the DNS resolver refuses private answers
(:class:`crawler.discovery.middlewares.ssrf.GuardedResolver`). A spider middleware bounds the parse
time of each response (:mod:`crawler.discovery.middlewares.limits`).
"""

from __future__ import annotations

from typing import Any

BOT_NAME = "district_account_scout"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

ADDONS = {"crawler.discovery.addon.ScoutAddon": 0}

ROBOTSTXT_OBEY = True
ROBOTSTXT_PARSER = "scrapy.robotstxt.ProtegoRobotParser"
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
DEPTH_PRIORITY = 1
# the JOBDIR's request queues, held in memory and written at a clean stop (crawler.discovery.queues)
SCHEDULER_DISK_QUEUE = "crawler.discovery.queues.HeldLifoQueue"
SCHEDULER_START_DISK_QUEUE = "crawler.discovery.queues.HeldFifoQueue"
# a callback's items and requests pass the pipelines 8 at a time: the pipelines are
# synchronous, so Scrapy's 100 parallel workers per response were only tasks to create
CONCURRENT_ITEMS = 8
# Scrapy re-reads a generator callback's source for each response to warn about a `return
# value` in it (its cache keeps bound methods weakly, so it forgets them at once); the test
# suite checks the spiders' callbacks instead (tests/discovery/test_throughput.py)
WARN_ON_GENERATOR_RETURN_VALUE = False
REDIRECT_MAX_TIMES = 5
METAREFRESH_ENABLED = False
LOG_LEVEL = "INFO"
DOWNLOAD_VERIFY_CERTIFICATES = True
DOWNLOAD_HANDLERS = {
    "http": "crawler.discovery.handlers.ScoutHttpDownloadHandler",
    "https": "crawler.discovery.handlers.ScoutHttpDownloadHandler",
}
TWISTED_DNS_RESOLVER = "crawler.discovery.middlewares.ssrf.GuardedResolver"

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.discovery.middlewares.ssrf.SsrfGuardMiddleware": 60,
    "crawler.discovery.middlewares.budget.HostBudgetMiddleware": 70,
    "crawler.discovery.middlewares.robots.ScoutRobotsTxtMiddleware": 100,
    "crawler.discovery.middlewares.retry.RetryAfterMiddleware": 550,
    "crawler.discovery.middlewares.limits.DownloadLimitMiddleware": 590,
    "crawler.discovery.middlewares.hostrate.HostRateMiddleware": 900,
    # a scan's conditional requests (off unless HTTPCACHE_ENABLED), then what each host cost
    "scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware": 905,
    "crawler.discovery.middlewares.quota.QuotaMiddleware": 940,
    "crawler.discovery.middlewares.httpcache.CostMiddleware": 945,
    "crawler.discovery.middlewares.hostmap.HostMapMiddleware": 950,
}

# closest to the spider: it times the callback itself
SPIDER_MIDDLEWARES = {
    "crawler.discovery.middlewares.limits.ParseTimeMiddleware": 1100,
}

ITEM_PIPELINES = {
    "crawler.discovery.pipelines.canonicalise.CanonicalisePipeline": 100,
    "crawler.discovery.pipelines.fields.FieldLimitPipeline": 200,
    "crawler.discovery.pipelines.store.StorePipeline": 300,
}

EXTENSIONS = {
    "crawler.discovery.progress.ProgressExtension": 500,
}

RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
# Keep small for an unattended scan: a very long Retry-After is a coverage gap, not a stall.
SCOUT_RETRY_MAX_WAIT = 120.0
SCOUT_RETRY_BACKOFF_BASE = 2.0
SCOUT_STORE_BATCH = 50

# --------------------------------------------------------------------------- presets

# a Scrapyd job of a scan (crawler.discovery.dispatch sets it): the add-on then uses the
# district's HTTP cache on the node, as a local scan does (conditional requests)
SCAN_JOB_SETTING = "SCOUT_SCAN_JOB"

CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def playwright_settings(executable: str = "/usr/bin/chromium") -> dict[str, Any]:
    """scrapy-playwright with the system Chromium (the README, "Network: proxies and TLS inspection")."""
    return {
        "DOWNLOAD_HANDLERS": {
            "http": "crawler.discovery.handlers.ScoutPlaywrightDownloadHandler",
            "https": "crawler.discovery.handlers.ScoutPlaywrightDownloadHandler",
        },
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {
            "executable_path": executable,
            "headless": True,
            "timeout": 20_000,
            "args": list(CHROMIUM_ARGS),
        },
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": 10_000,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 4,
        "PLAYWRIGHT_ABORT_REQUEST": "crawler.discovery.middlewares.ssrf.abort_browser_request",
    }


# A spider opts into the browser with ``custom_settings = PLAYWRIGHT_SETTINGS | {...}``;
# requests still go through Playwright only with ``meta={"playwright": True}``.
PLAYWRIGHT_SETTINGS: dict[str, Any] = playwright_settings()
