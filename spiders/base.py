"""The base of every discovery spider: plan, coverage, requests and sightings with provenance.

:class:`ScoutSpider` reads the crawl's :class:`~crawler.discovery.context.ScanContext` and
this source's share of the query plan (:func:`crawler.discovery.planner.plan`); skips itself
with a reason when it cannot run; on a resumed scan leaves out the queries already ``done``;
keeps per-query coverage that the store pipeline writes to ``ScanQuery``. Hooks: a concrete
spider's :meth:`~ScoutSpider.requests_for` (the first requests of a planned query) and
:meth:`~ScoutSpider.coverage_keys` (its coverage rows). Helpers: :meth:`~ScoutSpider.api_request`
(a configured API endpoint: robots.txt does not apply), :meth:`~ScoutSpider.page_request` (a web
page; ``seed=True`` only for URLs from the configuration), :meth:`~ScoutSpider.sighting` and
:meth:`~ScoutSpider.from_record` (source URLs without API keys), :meth:`~ScoutSpider.stop_source`
(the rest of the queries are skipped). A source with an API quota names its ``quota_buckets``
(the quota middleware charges them). Arguments: ``platforms``, ``entity``, ``search``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from typing import Any, ClassVar

import scrapy
from scrapy.exceptions import CloseSpider, IgnoreRequest
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from crawler.config import Config
from crawler.db.quota import Usage, current_usage
from crawler.db.readers import RegistryLookup, done_queries, registry_lookups
from crawler.discovery.context import ScanContext
from crawler.discovery.items import (
    AccountSighting,
    CoverageBook,
    NotFound,
    describe_failure,
    record_fields,
    safe_url,
)
from crawler.discovery.planner import Plan, PlannedQuery, plan, skip_reason
from crawler.discovery.planning.increment import FULL, Increment, scan_increment
from crawler.district.profile import DistrictProfile
from crawler.platforms import ProfileRecord, canonicalise

logger = logging.getLogger(__name__)
QUERY = "scout_query"  # request meta: the coverage row a request belongs to
# the plans of this crawl process (ScoutSpider.crawl_plan): one per quota reading, a few at most
_PLANS: dict[tuple[Any, ...], Plan] = {}
MAX_PLANS = 8


class ScoutSpider(scrapy.Spider):
    """Base of every discovery source (see the module docstring)."""

    context: ScanContext
    config: Config
    profile: DistrictProfile
    coverage: CoverageBook
    scan_id: int | None
    quota_buckets: ClassVar[tuple[str, ...]] = ()  # API quota buckets this source charges

    def __init__(
        self,
        *args: Any,
        platforms: str | list[str] | None = None,
        entity: str | None = None,
        search: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if isinstance(platforms, str):
            platforms = [p.strip() for p in platforms.split(",") if p.strip()]
        self.platforms: list[str] | None = list(platforms) if platforms else None
        self.platform_filter = frozenset(self.platforms) if self.platforms else None
        self.entity = entity or None
        self.search = search or None
        self.stop_reason: str | None = None
        self.skipped_reason: str | None = None
        self._usage: Usage | None = None
        self._registry: list[RegistryLookup] | None = None

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ScoutSpider:
        # a crawl job on a Scrapyd node names its scan, district and fellow sources as spider
        # arguments; the crawl's components read them from the settings (not yet frozen here)
        job = {k: kwargs.pop(k) for k in ("scan_id", "district", "crawl_sources") if k in kwargs}
        if job.get("scan_id") not in (None, ""):
            crawler.settings.set("SCOUT_SCAN_ID", int(job["scan_id"]), priority="cmdline")
        if job.get("district"):
            crawler.settings.set("SCOUT_DISTRICT", str(job["district"]), priority="cmdline")
        if job.get("crawl_sources"):
            sources = [s for s in str(job["crawl_sources"]).split(",") if s]
            crawler.settings.set("SCOUT_CRAWL_SOURCES", sources, priority="cmdline")
        spider = super().from_crawler(crawler, *args, **kwargs)
        # under `scrapy crawl` the spider is built before the add-on applies the configuration
        spider.context = ScanContext.from_crawler(crawler, load=True)
        district = job.get("district")
        if district and district != spider.context.profile.district.key:
            raise ValueError(
                f"this job is for district '{district}'; the database serves "
                f"'{spider.context.profile.district.key}'"
            )
        spider.config, spider.profile = spider.context.config, spider.context.profile
        spider.scan_id = spider.context.scan_id  # the store pipeline sets its own scan's id
        spider.coverage = CoverageBook(spider.name)
        return spider

    def plan_sources(self) -> list[str]:
        """The sources planned together: this one and every other source of this crawl, so that
        each takes the part of the plan ``scout scan --dry-run`` shows for it (the web search
        leaves YouTube and Bluesky to their API sources, the probe leaves Mastodon handles to
        the mastodon source and the YouTube units its searches need, answered handles wait for
        the profiles source)."""
        return [self.name, *sorted(self.context.sources - {self.name})]

    def quota_usage(self) -> Usage | None:
        """The quota buckets' use in the current period, read once per crawl (None: no quota)."""
        if self.quota_buckets and self._usage is None:
            self._usage = current_usage(self.config)
        return self._usage

    def increment(self) -> Increment:
        """What this scan asks when a complete scan exists (read once per crawl): an ad-hoc
        search, a crawl outside a scan and a district's first scan sweep everything."""
        cached = getattr(self, "_increment", None)
        if cached is not None:
            return cached
        inc = FULL
        if self.scan_id is not None and not self.search:
            inc = scan_increment(self.config, self.scan_id)
        self._increment: Increment = inc
        return inc

    def crawl_plan(self) -> Plan:
        """The plan of this crawl's sources, as this source sees it (:meth:`plan_sources`).

        Worked out once per crawl process for the same inputs: every source of a crawl plans
        the same sources for the same district, scan and increment, and those whose quota use
        reads the same get the same plan (a plan is read, never changed)."""
        usage, sources, increment = self.quota_usage(), self.plan_sources(), self.increment()
        key = (
            repr(self.config),
            self.scan_id,
            frozenset(sources),
            tuple(self.platforms or ()),
            self.entity,
            self.search,
            repr(sorted((usage or {}).items())),
            repr(increment),
        )
        cached = _PLANS.get(key)
        if cached is None:
            if len(_PLANS) >= MAX_PLANS:
                _PLANS.clear()
            cached = _PLANS[key] = plan(
                self.profile,
                self.config,
                sources=sources,
                platforms=self.platforms,
                entity=self.entity,
                name=self.search,
                usage=usage,
                increment=increment,
            )
        return cached

    def planned(self) -> list[PlannedQuery]:
        """This source's queries from the plan (already budgeted and in priority order)."""
        p = self.crawl_plan()
        self.skipped_reason = p.skipped.get(self.name, self.skipped_reason)
        return p.queries.get(self.name, [])

    def coverage_keys(self, pq: PlannedQuery) -> list[str]:
        """The coverage rows of one planned query (one per Mastodon instance, say)."""
        return [pq.query]

    def all_requests(self, pending: Iterable[tuple[PlannedQuery, list[str]]]) -> Iterable[Request]:
        """The first requests of every planned query still to do (a source that asks for
        several queries in one request overrides this)."""
        for pq, keys in pending:
            yield from self.requests_for(pq, keys)

    def requests_for(self, pq: PlannedQuery, keys: list[str]) -> Iterable[Request]:
        """The first request(s) of one planned query; ``keys`` are its coverage rows still to do."""
        raise NotImplementedError

    async def start(self) -> AsyncIterator[Any]:
        usage = self.quota_usage()
        self.skipped_reason = skip_reason(self.name, self.config, self.platforms, usage)
        if self.skipped_reason is None:
            scan = self.scan_id
            done = done_queries(self.config, scan, self.name) if scan is not None else set()
            pending = (
                (pq, [k for k in self.coverage_keys(pq) if k not in done]) for pq in self.planned()
            )
            for request in self.all_requests((pq, keys) for pq, keys in pending if keys):
                yield request
        if self.skipped_reason:
            logger.info("%s skipped: %s", self.name, self.skipped_reason)

    def _request(self, url: str, callback: Any, query: str, meta: dict, **kwargs: Any) -> Request:
        self.coverage.begin(query)
        # first requests of a query may repeat on a resumed scan: never drop them as duplicates
        kwargs.setdefault("dont_filter", True)
        meta = {QUERY: query, **meta}
        return Request(url, callback=callback, errback=self.request_failed, meta=meta, **kwargs)

    def api_request(self, url: str, callback: Any, query: str, **kwargs: Any) -> Request:
        """A request to a configured API endpoint: every status reaches the callback."""
        meta = {"dont_obey_robotstxt": True, "handle_httpstatus_all": True}
        return self._request(url, callback, query, meta | kwargs.pop("meta", {}), **kwargs)

    def page_request(
        self, url: str, callback: Any, query: str, *, seed: bool = False, **kwargs: Any
    ) -> Request:
        """A web page (robots.txt applies). ``seed`` only for URLs taken from the configuration."""
        meta = {"scout_seed": seed} | kwargs.pop("meta", {})
        return self._request(url, callback, query, meta, **kwargs)

    def request_failed(self, failure: Failure) -> None:
        """Errback: a refused request (robots.txt, budget, guard) skips its query, any other failure fails it."""
        request = getattr(failure, "request", None)
        query = request.meta.get(QUERY) if request is not None else None
        if query is None:
            return
        if failure.check(IgnoreRequest):
            self.coverage.skip(query, str(failure.value) or "request refused", ended=True)
            self.crawler.stats.inc_value(f"scout/{self.name}/request_refused")
        else:
            self.coverage.fail(query, describe_failure(failure))
            self.crawler.stats.inc_value(f"scout/{self.name}/request_failed")

    def query_done(self, response: Response) -> None:
        self.coverage.finish(response.meta[QUERY])

    def query_failed(self, response: Response, error: str) -> None:
        self.coverage.fail(response.meta[QUERY], error)

    def stop_source(self, reason: str, message: str) -> None:
        """End this source cleanly: the rest of its queries are skipped with ``message``."""
        self.stop_reason = reason
        self.crawler.stats.set_value("scout/stop_reason", f"{reason}: {message}")
        for key in (k for pq in self.planned() for k in self.coverage_keys(pq)):
            self.coverage.skip(key, message)
        raise CloseSpider(reason)

    def sighting(
        self, url: str, *, query: str | None, source_url: str | None, **fields: Any
    ) -> AccountSighting:
        if query is not None:
            self.coverage.emitted(query)
        return AccountSighting(
            url=url, source=self.name, query=query, source_url=safe_url(source_url), **fields
        )

    def from_record(
        self, record: ProfileRecord, *, query: str | None, source_url: str | None, **fields: Any
    ) -> AccountSighting | None:
        """A sighting carrying a parsed profile (API or page)."""
        if not record.url:
            return None
        values = record_fields(record) | fields
        return self.sighting(record.url, query=query, source_url=source_url, **values)

    def registry_lookups(self) -> list[RegistryLookup]:
        """Registry rows of a scan (not an ad-hoc search) still without a stable id, in the
        crawl's platform and entity scope, read once per crawl."""
        if self._registry is None:
            rows = [] if self.search else registry_lookups(self.config)
            self._registry = [
                r
                for r in rows
                if (self.platform_filter is None or r.platform in self.platform_filter)
                and (self.entity is None or self.entity == r.entity_key)
            ]
        return self._registry

    def registry_miss(
        self, url: str | None, response: Response, answer: str, asked: str | None = None
    ) -> NotFound | None:
        """A not-found answer for ``url``, when ``url`` is a registry row's still to resolve
        (``asked``: what was asked, when not the response's URL)."""
        ref = canonicalise(url or "", mastodon_instances=self.config.mastodon_instances)
        if ref is None or not any(
            (r.platform, r.url) == (ref.platform, ref.url) for r in self.registry_lookups()
        ):
            return None
        asked = asked or safe_url(response.url) or response.url
        return NotFound(url=ref.url, source=self.name, asked=asked, answer=answer)

    def closed(self, reason: str) -> None:
        if self.stop_reason is None and reason != "finished":
            self.stop_reason = reason
