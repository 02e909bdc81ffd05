"""The base of the sources that ask a JSON search API: pages of results, then details.

:class:`ApiSearchSpider` runs one search per planned query, follows the API's cursor for at
most ``budget.results_pages`` pages within the source's request budget, and turns each
page's records into sightings. Hooks, in the order they run:

- :meth:`~ApiSearchSpider.search_url`: the URL of a page, given the previous page's cursor;
  :meth:`~ApiSearchSpider.search_headers`.
- :meth:`~ApiSearchSpider.api_error`: an error message for an answer, and whether it ends
  the source (default: any non-2xx, or a body that is not JSON).
- :meth:`~ApiSearchSpider.parse_results`: the page's records and the next cursor;
  :meth:`~ApiSearchSpider.page_full`: the next page is asked for only after a full page.
- :meth:`~ApiSearchSpider.request_budget`: the requests this source may make in the crawl.
- batch details, when ``details_per_call`` is set: search results often lack what matching
  needs (followers, website), so the records of a page are looked up in batches of
  ``details_per_call`` ids (:meth:`~ApiSearchSpider.details_key`,
  :meth:`~ApiSearchSpider.details_url`, :meth:`~ApiSearchSpider.read_details`) and the
  details merged into the search facts (rank, title and snippet stay the search's).
  Bluesky ``getProfiles`` (25 actors) and YouTube ``channels.list`` (50 ids) use it.
- :meth:`~ApiSearchSpider.emit`: the sightings of one page (default: the records as they
  are, or through the details lookup).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from scrapy.http import Request, Response

from crawler.db.quota import META
from crawler.discovery.items import json_body
from crawler.discovery.middlewares.quota import RETRIES, quota_exhausted
from crawler.discovery.planner import PlannedQuery
from crawler.platforms import ProfileRecord
from spiders.base import QUERY, ScoutSpider

Ranked = list[tuple[str, tuple[int, ProfileRecord]]]


# pages a popular term may take (PlannedQuery.deep), past budget.results_pages, while each page
# is full of accounts
DEEP_PAGES = 5


class ApiSearchSpider(ScoutSpider):
    """A paginated JSON search API (see the module docstring for the hooks)."""

    requests_used = 0
    first_pages_left = 0
    quota_stat: str | None = None  # a per-crawl count without a quota bucket (SearXNG requests)
    search_bucket: str | None = None  # the quota bucket search requests are charged to
    details_per_call: ClassVar[int] = 0  # ids per details call; 0: no details lookup
    details_bucket: ClassVar[str | None] = None  # the quota bucket details calls are charged to

    # ------------------------------------------------------------------ hooks

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
            return "blocked (HTTP 429)", False
        if data is not None or response.status >= 300:
            return f"HTTP {response.status}", False
        return "response is not JSON", False

    def page_full(self, records: list[Any], data: Any) -> bool:
        """Whether a page was full of results: only then is the next page asked for."""
        return True

    def request_budget(self) -> int | None:
        """Requests this source may make in the crawl (a quota), or None for no limit."""
        return None

    def details_key(self, record: ProfileRecord) -> str | None:
        """The id a record's details are looked up by (None: not looked up)."""
        return record.platform_id or record.handle

    def details_url(self, keys: list[str]) -> str:
        raise NotImplementedError

    def allow_details(self) -> bool:
        """Budget check before a details call (False: the search facts only)."""
        return True

    def read_details(self, response: Response, data: Any) -> dict[str, ProfileRecord] | None:
        """The details of a details answer by key, or None: the query failed."""
        raise NotImplementedError

    # ------------------------------------------------------------------ the flow

    @property
    def quota_retries(self) -> dict[str, int]:
        """Retried calls per quota bucket (counted by the quota middleware)."""
        stats = self.crawler.stats.get_stats()
        return {k[len(RETRIES) :]: int(v) for k, v in stats.items() if k.startswith(RETRIES)}

    def quota_exceeded(self, response: Response) -> None:
        """The API said the request's quota bucket is used up: recorded for the whole period."""
        self.quota_usage()  # the plan stays the one this crawl started with (stop_source reads it)
        self.crawler.signals.send_catch_log(quota_exhausted, key=response.meta.get(META))

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

    def planned(self) -> list[PlannedQuery]:
        rows = super().planned()
        self.first_pages_left = len(rows)
        return rows

    def allow_request(self, first_page: bool = True, deep: bool = False) -> bool:
        """Budget check before each request. First pages of the planned queries are reserved
        (the planner sized the plan to the budget); further pages use what is left. A
        ``deep`` page (a popular term's, past ``results_pages``, after full pages of accounts)
        may take what the plan's last first pages reserved: a full page of accounts has shown
        it finds them, an untried narrow term has not. Never past the budget."""
        limit = self.request_budget()
        if limit is None:
            return True
        # retried calls cost quota too (YouTube): they come out of what is left
        spent = self.requests_used + self.quota_retries.get(self.search_bucket or "", 0)
        if first_page:
            self.first_pages_left = max(self.first_pages_left - 1, 0)
        elif not deep and spent + self.first_pages_left >= limit:
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
        pages = max(self.config.budget.results_pages, 1)
        # a popular term goes deeper while its pages stay full of accounts
        deepest = max(pages, DEEP_PAGES) if pq.deep else pages
        # a fresh query (an incremental scan's) asks for its first page only
        if cursor and page < deepest and not pq.fresh and self.page_full(records, data):
            if self.allow_request(first_page=False, deep=page >= pages):
                yield self.search_request(
                    pq, cursor, page + 1, rank_base + len(records), response.meta[QUERY]
                )
        yield from self.emit(records, pq, response, rank_base)
        self.query_done(response)

    def emit(
        self, records: list[Any], pq: PlannedQuery, response: Response, rank_base: int
    ) -> Iterator[Any]:
        """Sightings of the records of one page (or the requests that add their details)."""
        if self.details_per_call:
            yield from self.details_requests(records, response, rank_base)
            return
        yield from self.record_sightings(records, response, rank_base)

    def record_sightings(
        self, records: list[Any], response: Response, rank_base: int
    ) -> Iterator[Any]:
        for i, record in enumerate(records, 1):
            item = self.from_record(
                record, query=response.meta[QUERY], source_url=response.url, rank=rank_base + i
            )
            if item is not None:
                yield item

    def details_requests(
        self, records: list[Any], response: Response, rank_base: int
    ) -> Iterator[Any]:
        found = {
            key: (rank_base + i, r)
            for i, r in enumerate(records, 1)
            if (key := self.details_key(r))
        }
        if not found:
            return
        if not self.allow_details():
            yield from self.record_sightings(records, response, rank_base)  # the search facts only
            return
        # an account's details are asked once per crawl: known ones are reused, ones asked by
        # another query and not answered yet keep this query's search facts
        known = self.details_known
        asked = [(k, v) for k, v in found.items() if k in known]
        yield from self.known_sightings(asked, response)
        ranked = [(k, v) for k, v in found.items() if k not in known]
        for start in range(0, len(ranked), self.details_per_call):
            chunk = ranked[start : start + self.details_per_call]
            known.update((key, None) for key, _ in chunk)
            yield self.api_request(
                self.details_url([key for key, _ in chunk]),
                self.parse_details,
                response.meta[QUERY],
                meta={META: self.details_bucket} if self.details_bucket else {},
                cb_kwargs={"ranked": chunk, "search_url": response.url},
            )

    @property
    def details_known(self) -> dict[str, ProfileRecord | None]:
        """Details asked in this crawl, by key (None: asked, no answer yet)."""
        if not hasattr(self, "_details"):
            self._details: dict[str, ProfileRecord | None] = {}
        return self._details

    def known_sightings(self, ranked: Ranked, response: Response) -> Iterator[Any]:
        for key, (rank, basic) in ranked:
            item = self.from_record(
                self.details_known.get(key) or basic,
                query=response.meta[QUERY],
                source_url=response.url,
                rank=rank,
                title=basic.display_name,
                snippet=basic.bio,
            )
            if item is not None:
                yield item

    def parse_details(self, response: Response, ranked: Ranked, search_url: str) -> Iterator[Any]:
        details = self.read_details(response, json_body(response))
        if details is None:
            return
        self.details_known.update(details)
        for key, (rank, basic) in ranked:
            item = self.from_record(
                details.get(key, basic),
                query=response.meta[QUERY],
                source_url=search_url,
                rank=rank,
                title=basic.display_name,
                snippet=basic.bio,
            )
            if item is not None:
                yield item
        self.query_done(response)
