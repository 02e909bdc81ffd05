"""Mastodon, on each configured instance: ``/api/v2/search?type=accounts`` (anonymous
clients get the first page only) for the terms, ``/api/v1/accounts/lookup`` for the
candidate handles. One coverage row per instance and query.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode, urlsplit

from scrapy.http import Request, Response

from crawler.discovery.planner import PlannedQuery
from crawler.platforms import mastodon as masto
from spiders.base import ApiSearchSpider, ProfilePageSpider

SEPARATOR = ": "


class MastodonSpider(ApiSearchSpider, ProfilePageSpider):
    name = "mastodon"

    def coverage_keys(self, pq: PlannedQuery) -> list[str]:
        text = f"@{pq.query}" if pq.kind == "handle" else pq.query
        return [f"{instance}{SEPARATOR}{text}" for instance in self.config.mastodon_instances]

    def requests_for(self, pq: PlannedQuery, keys: list[str]) -> Iterable[Request]:
        for key in keys:
            instance = key.split(SEPARATOR, 1)[0]
            if pq.kind == "handle":
                request = self.lookup_request("mastodon", f"{pq.query}@{instance}", None, key)
            else:
                url = f"https://{instance}/api/v2/search?{urlencode({'q': pq.query, 'type': 'accounts', 'limit': 40})}"
                request = self.api_request(
                    url,
                    self.parse_search_page,
                    key,
                    headers=self.search_headers(),
                    cb_kwargs={"pq": pq, "page": 1, "rank_base": 0},
                )
            if request is not None:
                yield request

    def parse_results(
        self, response: Response, data: Any, pq: PlannedQuery, page: int
    ) -> tuple[list[Any], str | None]:
        instance = urlsplit(response.url).hostname or ""
        return masto.parse_search(data, instance), None  # anonymous: first page only
