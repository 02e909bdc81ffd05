"""YouTube Data API v3: ``search.list`` (type=channel), then ``channels.list`` by id.

Search snippets carry no handle, subscriber count or custom URL, so the channel ids of each
result page are looked up in one ``channels.list`` call (up to 50 ids). Two budgets per day
(``budget.youtube_search_calls_per_day`` and ``budget.youtube_units_per_day``) cap the calls
of the day in Pacific time, across scans and searches: every call sent is charged to
``youtube/search_calls`` or ``youtube/units`` (:mod:`crawler.db.quota`), and the spider plans
within what the day has left. ``quotaExceeded`` (or a rejected key) ends the source cleanly
and the scan summary says so; ``quotaExceeded`` also marks the day's bucket used up. Legacy
``/user/name`` URLs seen in this scan or written in the registry are resolved to their channel
id with ``forUsername`` (a ``/c/name`` custom URL has no API: the profiles source reads the
channel page's id), and registered ``@handle`` URLs with ``forHandle`` when the handle probe
does not run. The key goes in the URL, as the API requires, and is stripped from every
stored URL.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit

from scrapy.http import Request, Response

from crawler.config import Config, secret
from crawler.db.quota import META, SEARCH_CALLS, UNITS
from crawler.db.readers import unresolved_youtube
from crawler.discovery.items import json_body
from crawler.discovery.planner import PlannedQuery, period_left
from crawler.platforms import ProfileRecord
from crawler.platforms import youtube as yt
from crawler.vocab import Platform, Source
from spiders.api_search import ApiSearchSpider
from spiders.base import QUERY

QUOTA_REASONS = ("quotaExceeded", "dailyLimitExceeded")
ENDING_REASONS = {*QUOTA_REASONS, "keyInvalid", "keyExpired", "accessNotConfigured"}
ENDING_REASONS |= {"forbidden", "ipRefererBlocked"}
PARTS = "snippet,statistics,brandingSettings"
PAGE = 25  # maxResults of a search.list call
FRESH_PAGE = 50  # of an incremental (publishedAfter) call: one page, the API's maximum


def api_url(config: Config, method: str, **params: Any) -> str:
    """A YouTube Data API URL (the key in the query, as the API requires)."""
    query = urlencode({**params, "key": secret(Source.YOUTUBE) or ""})
    return f"{config.youtube_api_url}/{method}?{query}"


def api_filter(url: str) -> dict[str, str] | None:
    """The ``channels.list`` filter that resolves a channel URL exactly: ``forUsername`` for
    ``/user/name``, ``forHandle`` for ``/@handle``; None for ``/c/name`` and bare names (no API
    answers those: their page has the channel id)."""
    parts = [p for p in urlsplit(url).path.split("/") if p]
    if len(parts) > 1 and parts[0].lower() == "user":
        return channel_filter("user", parts[1])
    if parts and parts[0].startswith("@"):
        return channel_filter("", parts[0])
    return None


def channel_filter(kind: str, name: str) -> dict[str, str]:
    """The ``channels.list`` filter of a legacy user name (``kind`` ``user``), else a handle."""
    return {"forUsername": name} if kind == "user" else {"forHandle": f"@{name.lstrip('@')}"}


def handle_url(config: Config, handle: str) -> str:
    """``channels.list?forHandle=@handle`` (1 unit)."""
    return api_url(config, "channels", part=PARTS, **channel_filter("", handle))


class YouTubeSpider(ApiSearchSpider):
    name = "youtube"
    quota_buckets = (SEARCH_CALLS, UNITS)
    search_bucket = SEARCH_CALLS
    details_per_call = 50
    details_bucket = UNITS
    units = 0

    def api_url(self, method: str, **params: Any) -> str:
        return api_url(self.config, method, **params)

    def search_url(self, pq: PlannedQuery, cursor: str | None) -> str:
        params: dict[str, Any] = {
            "part": "snippet",
            "type": "channel",
            "q": pq.query,
            "maxResults": PAGE,
        }
        if pq.fresh and (after := self.increment().published_after()):
            # channels created since the last complete scan (snippet.publishedAt), newest first
            params |= {"publishedAfter": after, "order": "date", "maxResults": FRESH_PAGE}
        return self.api_url("search", **params, **({"pageToken": cursor} if cursor else {}))

    def request_budget(self) -> int:
        limit = self.config.budget.youtube_search_calls_per_day
        return period_left(self.quota_usage(), SEARCH_CALLS, limit)

    def allow_details(self, n: int = 1) -> bool:
        limit = period_left(self.quota_usage(), UNITS, self.config.budget.youtube_units_per_day)
        if self.units + self.quota_retries.get(UNITS, 0) + n > limit:
            return False
        self.units += n
        return True

    def api_error(self, response: Response, data: Any) -> tuple[str, bool] | None:
        error = yt.api_error(data) if isinstance(data, dict) else None
        if error is None:
            return super().api_error(response, data)
        reason, message = error
        if reason in QUOTA_REASONS:
            self.quota_exceeded(response)
            return f"YouTube API quota exceeded ({reason})", True
        return f"YouTube API error {reason}: {message}"[:300], reason in ENDING_REASONS

    def stop_source(self, reason: str, message: str) -> None:
        super().stop_source("quota_exceeded" if "quota" in message else reason, message)

    def parse_results(self, response: Response, data: Any, pq: PlannedQuery, page: int) -> Any:
        records, cursor = yt.parse_search_list(data)
        return records, None if pq.fresh else cursor

    def page_full(self, records: list[Any], data: Any) -> bool:
        per_page = (
            (data.get("pageInfo") or {}).get("resultsPerPage") if isinstance(data, dict) else None
        )
        return len(records) >= (per_page if isinstance(per_page, int) and per_page > 0 else PAGE)

    def details_key(self, record: ProfileRecord) -> str | None:
        return record.platform_id

    def details_url(self, keys: list[str]) -> str:
        return self.api_url("channels", part=PARTS, id=",".join(keys), maxResults=50)

    def read_details(self, response: Response, data: Any) -> dict[str, ProfileRecord] | None:
        if not self.api_ok(response, data):
            return None
        return {r.platform_id or "": r for r in yt.parse_channels_list(data)}

    # ------------------------------------------------------------------ legacy URLs

    async def start(self) -> Any:
        async for request in super().start():
            yield request
        if self.skipped_reason or self.scan_id is None:
            return
        urls = unresolved_youtube(self.config, self.scan_id) + self.registered_urls()
        for request in self.resolve_requests(dict.fromkeys(urls)):
            yield request

    def registered_urls(self) -> list[str]:
        """Registry rows to resolve here: ``/user/`` names, and ``@handles`` when the handle
        probe (which looks handles up in the first phase) does not crawl this scan."""
        wanted = {"forUsername"}
        if Source.HANDLE_PROBE not in self.context.sources:
            wanted.add("forHandle")
        return [
            r.url
            for r in self.registry_lookups()
            if r.platform == Platform.YOUTUBE and set(api_filter(r.url) or {}) & wanted
        ]

    def resolve_requests(self, urls: Iterable[str]) -> Iterator[Request]:
        """``channels.list`` by legacy user name (or handle) for each URL an API resolves."""
        for url in urls:
            params = api_filter(url)
            if params is None or not self.allow_details():
                continue
            yield self.api_request(
                self.api_url("channels", part=PARTS, **params),
                self.parse_resolved,
                f"resolve {url}",
                meta={META: UNITS},
                cb_kwargs={"legacy": url},
            )

    def parse_resolved(self, response: Response, legacy: str) -> Iterator[Any]:
        data = json_body(response)
        if not self.api_ok(response, data):
            return
        records = yt.parse_channels_list(data)
        if not records:
            asked = next(iter((api_filter(legacy) or {}).keys()), "channels.list")
            miss = self.registry_miss(legacy, response, f"channels.list {asked} found no channel")
            if miss is not None:
                yield miss
        for record in records[:1]:
            item = self.from_record(
                record, query=response.meta[QUERY], source_url=response.url, resolves=legacy
            )
            if item is not None:
                yield item
        self.query_done(response)
