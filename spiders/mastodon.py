"""Mastodon, per configured instance: ``/api/v2/search?type=accounts`` for the terms (anonymous:
first page only), ``/api/v1/accounts/lookup`` for handles; a coverage row per instance and query."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode, urlsplit

from scrapy.http import Request, Response

from crawler.discovery.planner import PlannedQuery
from crawler.platforms import mastodon as masto
from crawler.vocab import Platform
from spiders.api_search import ApiSearchSpider
from spiders.profile_lookup import ProfilePageSpider

SEPARATOR = ": "


class MastodonSpider(ApiSearchSpider, ProfilePageSpider):
    name = "mastodon"

    def coverage_keys(self, pq: PlannedQuery) -> list[str]:
        text = f"@{pq.query}" if pq.kind == "handle" else pq.query
        return [f"{instance}{SEPARATOR}{text}" for instance in self.config.mastodon_instances]

    def search_url(self, pq: PlannedQuery, cursor: str | None) -> str:  # cursor: the instance
        return f"https://{cursor}/api/v2/search?{urlencode({'q': pq.query, 'type': 'accounts', 'limit': 40})}"

    def requests_for(self, pq: PlannedQuery, keys: list[str]) -> Iterable[Request]:
        for key in keys:
            instance = key.split(SEPARATOR, 1)[0]
            if pq.kind == "handle":
                yield from self.lookup(Platform.MASTODON, f"{pq.query}@{instance}", None, key)
            else:
                yield self.search_request(pq, instance, 1, 0, key)

    def parse_results(self, response: Response, data: Any, pq: PlannedQuery, page: int) -> Any:
        return masto.parse_search(data, urlsplit(response.url).hostname or ""), None
