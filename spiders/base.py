"""Base classes of the discovery spiders: the shared work, so a concrete spider mostly declares.

:class:`ScoutSpider`
    Every source. Reads the configuration, the district profile and this source's share of
    the query plan (:func:`crawler.discovery.planner.plan`) when built; skips itself with a reason when
    it cannot run (no API key, no instance); on a resumed scan leaves out the queries already
    ``done``. Keeps per-query coverage (:class:`crawler.discovery.items.CoverageBook`) that the store
    pipeline writes to ``ScanQuery``. Builds requests and sightings with provenance:

    - :meth:`api_request` for a documented API endpoint (robots.txt does not apply to it, the
      robots middleware checks that it really is a configured endpoint),
    - :meth:`page_request` for a web page (robots.txt applies; ``seed=True`` only for URLs
      from the configuration, see the SSRF guard),
    - :meth:`sighting` / :meth:`from_record` for the items; the source URL goes through
      :func:`safe_url` so no API key is ever stored,
    - :meth:`stop_source` ends the source cleanly (quota exhausted, key rejected): every query
      not yet run is recorded as skipped with the reason, and the run result reports it.

    A source whose API has a quota spanning scans names its buckets in ``quota_buckets``
    (:mod:`crawler.db.quota`): it plans within what is left of the current period, and each
    request carrying ``meta[crawler.db.quota.META]`` is charged to the database when it is sent
    (YouTube: every call costs, retries too) or when it succeeds (Brave bills successes only).

    Spider arguments (``-a`` or ``run_crawl``): ``platforms`` (comma-separated filter),
    ``entity`` (a profile key), ``search`` (an ad-hoc name).

:class:`ApiSearchSpider`
    A JSON search API with pagination. Hooks: :meth:`~ApiSearchSpider.search_url` (the URL of
    a page, given the previous page's cursor), :meth:`~ApiSearchSpider.parse_results`
    (records and the next cursor), :meth:`~ApiSearchSpider.api_error` (an error message, and
    whether it ends the source), :meth:`~ApiSearchSpider.emit` (sightings, or a follow-up
    request that enriches the records, e.g. ``channels.list``). At most
    ``budget.results_pages`` pages per query.

:class:`WebSearchSpider`
    ``site:`` queries through a web-search backend (:class:`SearchBackend`): each result URL is
    a sighting whose title and snippet are the evidence; the canonicalise pipeline drops the
    results that are not accounts.

:class:`ProfilePageSpider`
    Looks accounts up one by one: a platform API where there is one (Bluesky ``getProfile``,
    Mastodon ``accounts/lookup``), else the public profile page where robots.txt allows
    (never Facebook, Instagram, Threads or X). Not found, login wall, rate limited and
    private are distinct outcomes (``scout/probe/<platform>/<state>``). A page that needs
    JavaScript is fetched again with Playwright when the spider enables it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import scrapy
from scrapy.exceptions import CloseSpider, IgnoreRequest
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from crawler.config import Config, redact
from crawler.db.quota import META, Ledger, Usage
from crawler.discovery.items import AccountSighting, CoverageBook
from crawler.discovery.planner import PlannedQuery, plan, skip_reason
from crawler.district.profile import DistrictProfile
from crawler.platforms import PLATFORMS, PageState, ProfileRecord
from crawler.platforms import bluesky as bsky
from crawler.platforms import mastodon as masto
from crawler.platforms.base import empty_record

logger = logging.getLogger(__name__)
SECRET_PARAMS = frozenset(
    {"key", "api_key", "apikey", "token", "access_token", "subscription_token"}
)
QUERY = "scout_query"


def safe_url(url: str | None) -> str | None:
    """``url`` without API keys (``key=`` and friends) and without any configured secret."""
    if not url:
        return url
    try:
        p = urlsplit(url)
    except ValueError:
        return redact(url)
    params = [
        (k, v)
        for k, v in parse_qsl(p.query, keep_blank_values=True)
        if k.lower() not in SECRET_PARAMS
    ]
    return redact(urlunsplit((p.scheme, p.netloc, p.path, urlencode(params), "")))


def describe_failure(failure: Failure) -> str:
    """A short, secret-free description of a failed request for the coverage table."""
    from scrapy.spidermiddlewares.httperror import HttpError

    exc = failure.value
    if isinstance(exc, HttpError):
        return f"HTTP {exc.response.status}"
    text = str(exc) or type(exc).__name__
    return redact(f"{type(exc).__name__}: {text}")[:300]


def json_body(response: Response) -> Any:
    try:
        return json.loads(response.text)
    except (ValueError, AttributeError):
        return None


class ScoutSpider(scrapy.Spider):
    """Base of every discovery source (see the module docstring)."""

    config: Config
    profile: DistrictProfile
    coverage: CoverageBook
    scan_id: int | None
    stop_reason: str | None
    quota_buckets: ClassVar[tuple[str, ...]] = ()  # API quota buckets this source charges
    ledger: Ledger | None = None

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
        self.stop_reason = None
        self.skipped_reason: str | None = None
        self._usage: Usage | None = None
        self.quota_retries: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ScoutSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        from crawler.config import load_config
        from crawler.discovery.runner import district_profile

        # under `scrapy crawl` the spider is built before the add-on applies the configuration
        spider.config = crawler.settings.get("SCOUT_CONFIG") or load_config(
            crawler.settings.get("SCOUT_CONFIG_PATH")
        )
        spider.profile = district_profile(spider.config)
        scan = crawler.settings.get("SCOUT_SCAN_ID")
        spider.scan_id = int(scan) if scan not in (None, "") else None
        spider.coverage = CoverageBook(spider.name)
        if cls.quota_buckets:
            from scrapy import signals

            spider.ledger = Ledger(spider.config)
            crawler.signals.connect(spider._quota_sent, signal=signals.request_reached_downloader)
            crawler.signals.connect(spider._quota_answered, signal=signals.response_received)
            crawler.signals.connect(spider._quota_closed, signal=signals.spider_closed)
        return spider

    # ------------------------------------------------------------------ API quotas

    def quota_usage(self) -> Usage | None:
        """The quota buckets' use in the current period, read once per crawl (None: no quota)."""
        if not self.quota_buckets:
            return None
        if self._usage is None:
            from crawler.db.quota import current_usage

            self._usage = current_usage(self.config)
        return self._usage

    def _charge(self, key: str) -> None:
        assert self.ledger is not None
        self.ledger.charge(key)
        self.crawler.stats.set_value(f"scout/quota/{key}", self.ledger.used[key])

    def _quota_sent(self, request: Request, spider: Any = None) -> None:
        key = request.meta.get(META)
        if key and self.ledger is not None and not self.ledger.buckets[key].charge_on_success:
            if request.meta.get("retry_times"):
                self.quota_retries[key] = self.quota_retries.get(key, 0) + 1
            self._charge(key)

    def _quota_answered(self, response: Response, request: Request, spider: Any = None) -> None:
        key = request.meta.get(META)
        if (
            key
            and self.ledger is not None
            and self.ledger.buckets[key].charge_on_success
            and 200 <= response.status < 300
            and "cached" not in response.flags
        ):
            self._charge(key)

    def _quota_closed(self, spider: Any = None) -> None:
        if self.ledger is not None:
            self.ledger.close()

    def quota_exceeded(self, response: Response) -> None:
        """The API said the request's quota bucket is used up: recorded for the whole period."""
        key = response.meta.get(META)
        if key and self.ledger is not None:
            self.quota_usage()  # the plan stays the one this crawl started with (stop_source reads it)
            self.ledger.exhaust(key)

    # ------------------------------------------------------------------ planning

    def planned(self) -> list[PlannedQuery]:
        """This source's queries from the plan (already budgeted and in priority order)."""
        p = plan(
            self.profile,
            self.config,
            sources=[self.name],
            platforms=self.platforms,
            entity=self.entity,
            name=self.search,
            usage=self.quota_usage(),
        )
        if self.name in p.skipped:
            self.skipped_reason = p.skipped[self.name]
        return p.queries.get(self.name, [])

    def cannot_run(self) -> str | None:
        """Why this source cannot run (checked before planning)."""
        return skip_reason(self.name, self.config, self.platforms, self.quota_usage())

    def coverage_keys(self, pq: PlannedQuery) -> list[str]:
        """The coverage rows of one planned query (one per Mastodon instance, say)."""
        return [pq.query]

    async def start(self) -> AsyncIterator[Any]:
        reason = self.cannot_run()
        if reason:
            self.skipped_reason = reason
            logger.info("%s skipped: %s", self.name, reason)
            return
        done = self._done_queries()
        for pq in self.planned():
            keys = [k for k in self.coverage_keys(pq) if k not in done]
            if not keys:
                continue
            for request in self.requests_for(pq, keys):
                yield request
        if self.skipped_reason:
            logger.info("%s skipped: %s", self.name, self.skipped_reason)

    def _done_queries(self) -> set[str]:
        if self.scan_id is None:
            return set()
        from crawler.discovery.runner import done_queries

        return done_queries(self.config, self.scan_id, self.name)

    def requests_for(self, pq: PlannedQuery, keys: list[str]) -> Iterable[Request]:
        """The first request(s) of one planned query; ``keys`` are its coverage rows still to do."""
        raise NotImplementedError

    # ------------------------------------------------------------------ requests

    def _request(
        self,
        url: str,
        callback: Any,
        query: str,
        *,
        meta: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Request:
        self.coverage.begin(query)
        m = {QUERY: query, **(meta or {})}
        # first requests of a query may repeat on a resumed scan: never drop them as duplicates
        return Request(
            url,
            callback=callback,
            errback=self.request_failed,
            meta=m,
            dont_filter=kwargs.pop("dont_filter", True),
            **kwargs,
        )

    def api_request(self, url: str, callback: Any, query: str, **kwargs: Any) -> Request:
        """A request to a configured API endpoint: every status reaches the callback."""
        meta = {
            "dont_obey_robotstxt": True,
            "handle_httpstatus_all": True,
            **kwargs.pop("meta", {}),
        }
        return self._request(url, callback, query, meta=meta, **kwargs)

    def page_request(
        self, url: str, callback: Any, query: str, *, seed: bool = False, **kwargs: Any
    ) -> Request:
        """A web page (robots.txt applies). ``seed`` only for URLs taken from the configuration."""
        meta = {"scout_seed": seed, **kwargs.pop("meta", {})}
        return self._request(url, callback, query, meta=meta, **kwargs)

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
        for key in self._planned_keys():
            self.coverage.skip(key, message)
        raise CloseSpider(reason)

    def _planned_keys(self) -> Iterator[str]:
        for pq in self.planned():
            yield from self.coverage_keys(pq)

    # ------------------------------------------------------------------ items

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
        values: dict[str, Any] = {
            "platform_hint": record.platform,
            "display_name": record.display_name,
            "bio": record.bio,
            "links": list(record.links),
            "followers": record.followers,
            "platform_id": record.platform_id,
            "verified": record.verified,
            "private": record.private,
            "location": record.location,
            "page_state": str(record.state),
            "title": record.display_name,
            "snippet": record.bio,
        }
        values.update(fields)
        return self.sighting(record.url, query=query, source_url=source_url, **values)

    def closed(self, reason: str) -> None:
        if self.stop_reason is None and reason != "finished":
            self.stop_reason = reason


# --------------------------------------------------------------------------- API search


class ApiSearchSpider(ScoutSpider):
    """A paginated JSON search API (see the module docstring for the hooks)."""

    def search_url(self, pq: PlannedQuery, cursor: str | None) -> str:
        raise NotImplementedError

    def search_headers(self) -> dict[str, str]:
        return {"Accept": "application/json"}

    def parse_results(
        self, response: Response, data: Any, pq: PlannedQuery, page: int
    ) -> tuple[list[Any], str | None]:
        raise NotImplementedError

    def api_error(self, response: Response, data: Any) -> tuple[str, bool] | None:
        """(message, ends_source) for an error answer, else None. Default: any non-2xx."""
        if 200 <= response.status < 300 and data is not None:
            return None
        if response.status == 429:
            return "rate limited (HTTP 429)", False
        return (
            f"HTTP {response.status}"
            if data is not None or response.status >= 300
            else "response is not JSON"
        ), False

    def api_ok(self, response: Response, data: Any) -> bool:
        """False (the query failed, or the source ended) when the API answered with an error."""
        error = self.api_error(response, data)
        if error is None:
            return True
        message, ends = error
        self.query_failed(response, message)
        if ends:
            self.stop_source("api_error", message)
        return False

    requests_used = 0
    first_pages_left = 0
    quota_stat: str | None = None  # a per-crawl count without a quota bucket (SearXNG requests)
    search_bucket: str | None = None  # the quota bucket search requests are charged to

    def request_budget(self) -> int | None:
        """Requests this source may make in the crawl (a quota), or None for no limit."""
        return None

    def planned(self) -> list[PlannedQuery]:
        rows = super().planned()
        self.first_pages_left = len(rows)
        return rows

    def allow_request(self, first_page: bool = True) -> bool:
        """Budget check before each request. First pages of the planned queries are reserved
        (the planner sized the plan to the budget); further pages use what is left."""
        limit = self.request_budget()
        if limit is None:
            return True
        # retried calls cost quota too (YouTube): they come out of what is left
        spent = self.requests_used + self.quota_retries.get(self.search_bucket or "", 0)
        if first_page:
            self.first_pages_left = max(self.first_pages_left - 1, 0)
        elif spent + self.first_pages_left >= limit:
            return False
        if spent >= limit:
            return False
        self.requests_used += 1
        if self.quota_stat:
            self.crawler.stats.set_value(self.quota_stat, self.requests_used)
        return True

    def requests_for(self, pq: PlannedQuery, keys: list[str]) -> Iterable[Request]:
        if self.allow_request():
            yield self.search_request(pq, None, 1, 0)
        else:
            self.coverage.skip(pq.query, "budget used up")

    def search_request(
        self,
        pq: PlannedQuery,
        cursor: str | None,
        page: int,
        rank_base: int,
        key: str | None = None,
    ) -> Request:
        return self.api_request(
            self.search_url(pq, cursor),
            self.parse_search_page,
            key or pq.query,
            headers=self.search_headers(),
            meta={META: self.search_bucket} if self.search_bucket else {},
            cb_kwargs={"pq": pq, "page": page, "rank_base": rank_base},
        )

    def parse_search_page(
        self, response: Response, pq: PlannedQuery, page: int, rank_base: int
    ) -> Iterator[Any]:
        data = json_body(response)
        if not self.api_ok(response, data):
            return
        records, cursor = self.parse_results(response, data, pq, page)
        if cursor and page < max(self.config.budget.results_pages, 1):
            if self.allow_request(first_page=False):
                yield self.search_request(
                    pq, cursor, page + 1, rank_base + len(records), response.meta[QUERY]
                )
        yield from self.emit(records, pq, response, rank_base)
        self.query_done(response)

    def emit(
        self, records: list[Any], pq: PlannedQuery, response: Response, rank_base: int
    ) -> Iterator[Any]:
        """Sightings of the records of one page (or a request that enriches them first)."""
        for i, record in enumerate(records, 1):
            item = self.from_record(
                record, query=response.meta[QUERY], source_url=response.url, rank=rank_base + i
            )
            if item is not None:
                yield item


# --------------------------------------------------------------------------- web search


class SearchBackend:
    """One web-search API: how to ask it and how to read its answer."""

    name: ClassVar[str]
    max_pages: ClassVar[int] = 10

    def __init__(self, config: Config) -> None:
        self.config = config

    def url(self, query: str, page: int) -> str:
        raise NotImplementedError

    def headers(self) -> dict[str, str]:
        return {"Accept": "application/json"}

    def results(self, data: Any) -> tuple[list[tuple[str, str | None, str | None]], bool]:
        """((url, title, snippet) per result, whether more pages exist)."""
        raise NotImplementedError

    def error(self, status: int, data: Any, headers: Any) -> tuple[str, bool] | None:
        return None

    def quota_used_up(self, status: int, headers: Any) -> bool:
        """Whether the answer says the API's quota for the period is used up."""
        return False


class WebSearchSpider(ApiSearchSpider):
    """``site:`` queries through :attr:`backend` (see the module docstring)."""

    backend: SearchBackend

    def search_url(self, pq: PlannedQuery, cursor: str | None) -> str:
        return self.backend.url(pq.query, int(cursor or 1))

    def search_headers(self) -> dict[str, str]:
        return self.backend.headers()

    def api_error(self, response: Response, data: Any) -> tuple[str, bool] | None:
        if self.backend.quota_used_up(response.status, response.headers):
            self.quota_exceeded(response)
        return self.backend.error(response.status, data, response.headers) or super().api_error(
            response, data
        )

    def parse_results(
        self, response: Response, data: Any, pq: PlannedQuery, page: int
    ) -> tuple[list[Any], str | None]:
        results, more = self.backend.results(data)
        return results, str(page + 1) if more and page < self.backend.max_pages else None

    def emit(
        self, records: list[Any], pq: PlannedQuery, response: Response, rank_base: int
    ) -> Iterator[Any]:
        for i, (url, title, snippet) in enumerate(records, 1):
            yield self.sighting(
                url,
                query=response.meta[QUERY],
                source_url=response.url,
                rank=rank_base + i,
                title=title,
                snippet=snippet,
                platform_hint=pq.platform,
            )


# --------------------------------------------------------------------------- profiles one by one


class ProfilePageSpider(ScoutSpider):
    """Look accounts up one by one: API where there is one, else the public page."""

    use_browser: ClassVar[bool] = False
    states_found: ClassVar[frozenset[PageState]] = frozenset({PageState.OK, PageState.PRIVATE})

    def lookup_request(
        self, platform: str, handle: str | None, url: str | None, query: str, **extra: Any
    ) -> Request | None:
        """The request that looks one account up, or None (coverage says why)."""
        extra = {"platform": platform, **extra}
        if platform == "bluesky" and handle:
            api = f"{self.config.bluesky_api_url}/xrpc/app.bsky.actor.getProfile?{urlencode({'actor': handle})}"
            return self.api_request(api, self.parse_bluesky, query, cb_kwargs={"extra": extra})
        if platform == "mastodon" and handle and "@" in handle:
            user, _, instance = handle.partition("@")
            if instance in self.config.mastodon_instances:
                api = f"https://{instance}/api/v1/accounts/lookup?{urlencode({'acct': user})}"
                return self.api_request(
                    api,
                    self.parse_mastodon,
                    query,
                    cb_kwargs={"extra": {**extra, "instance": instance}},
                )
        module = PLATFORMS.get(platform)
        if module is None or platform == "mastodon":
            self.coverage.skip(query, f"no public lookup for {platform}")
            return None
        if module.robots_blocks_crawlers:
            self.coverage.skip(
                query, f"{platform}'s robots.txt forbids crawlers: found through search only"
            )
            self.crawler.stats.inc_value(f"scout/probe/{platform}/robots_blocks")
            return None
        page = url or module.profile_url(handle or "")
        return self.page_request(
            page,
            self.parse_profile,
            query,
            cb_kwargs={"extra": extra},
            meta={"handle_httpstatus_list": [404, 410, 429, 999]},
        )

    def _outcome(
        self, response: Response, record: ProfileRecord, extra: dict[str, Any]
    ) -> Iterator[Any]:
        platform = extra["platform"]
        state = PageState(record.state)
        self.crawler.stats.inc_value(f"scout/probe/{platform}/{state.value}")
        if state in self.states_found:
            item = self.from_record(
                record,
                query=response.meta[QUERY],
                source_url=response.url,
                resolves=extra.get("resolves"),
            )
            if item is not None:
                yield item
            self.query_done(response)
        elif state == PageState.NOT_FOUND:
            self.query_done(response)
        else:
            self.query_failed(
                response,
                {PageState.LOGIN_WALL: "login wall", PageState.RATE_LIMITED: "rate limited"}.get(
                    state, f"page not understood ({state.value})"
                ),
            )

    def parse_profile(self, response: Response, extra: dict[str, Any]) -> Iterator[Any]:
        platform = extra["platform"]
        record = PLATFORMS[platform].parse_profile_page(
            getattr(response, "text", ""), response.url, response.status
        )
        if (
            record.state == PageState.UNKNOWN
            and response.status == 200
            and self.use_browser
            and not response.meta.get("playwright")
        ):
            self.crawler.stats.inc_value(f"scout/probe/{platform}/browser")
            self.coverage.begin(response.meta[QUERY])
            assert response.request is not None
            yield response.request.replace(
                meta={**response.meta, "playwright": True}, dont_filter=True
            )
            self.query_done(response)
            return
        if response.status == 999:  # LinkedIn's answer to crawlers
            record.state = PageState.LOGIN_WALL
        yield from self._outcome(response, record, extra)

    def parse_bluesky(self, response: Response, extra: dict[str, Any]) -> Iterator[Any]:
        data = json_body(response)
        yield from self._api_lookup(
            response,
            extra,
            data,
            bsky.is_not_found(response.status, data),
            lambda: bsky.parse_get_profile(data),
        )

    def parse_mastodon(self, response: Response, extra: dict[str, Any]) -> Iterator[Any]:
        data = json_body(response)
        yield from self._api_lookup(
            response,
            extra,
            data,
            response.status == 404,
            lambda: masto.parse_account(data, extra["instance"]),
        )

    def _api_lookup(
        self, response: Response, extra: dict[str, Any], data: Any, not_found: bool, parse: Any
    ) -> Iterator[Any]:
        if not_found:
            record = empty_record(extra["platform"], response.url, PageState.NOT_FOUND)
        elif response.status == 429:
            record = empty_record(extra["platform"], response.url, PageState.RATE_LIMITED)
        elif response.status != 200 or not isinstance(data, dict):
            self.query_failed(response, f"HTTP {response.status}")
            return
        else:
            record = parse()
        yield from self._outcome(response, record, extra)
