"""Bluesky public AppView: ``app.bsky.actor.searchActors`` with cursor pagination, then
``app.bsky.actor.getProfiles`` for followers and website (search results carry neither).

No key needed; the AppView is an API, not a crawled page.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from scrapy.http import Response

from crawler.discovery.planner import PlannedQuery
from crawler.platforms import bluesky as bsky
from spiders.base import QUERY, ApiSearchSpider, json_body

PROFILES_PER_CALL = 25  # getProfiles accepts up to 25 actors


class BlueskySpider(ApiSearchSpider):
    name = "bluesky"

    def search_url(self, pq: PlannedQuery, cursor: str | None) -> str:
        params = {"q": pq.query, "limit": 25, **({"cursor": cursor} if cursor else {})}
        return f"{self.config.bluesky_api_url}/xrpc/app.bsky.actor.searchActors?{urlencode(params)}"

    def parse_results(
        self, response: Response, data: Any, pq: PlannedQuery, page: int
    ) -> tuple[list[Any], str | None]:
        return bsky.parse_search_actors(data)

    def emit(
        self, records: list[Any], pq: PlannedQuery, response: Response, rank_base: int
    ) -> Iterator[Any]:
        ranked = [(rank_base + i, r) for i, r in enumerate(records, 1) if r.platform_id or r.handle]
        for start in range(0, len(ranked), PROFILES_PER_CALL):
            chunk = ranked[start : start + PROFILES_PER_CALL]
            actors = [("actors", r.platform_id or r.handle) for _, r in chunk]
            yield self.api_request(
                f"{self.config.bluesky_api_url}/xrpc/app.bsky.actor.getProfiles?{urlencode(actors)}",
                self.parse_profiles,
                response.meta[QUERY],
                cb_kwargs={"ranked": chunk, "search_url": response.url},
            )

    def parse_profiles(
        self, response: Response, ranked: list[tuple[int, Any]], search_url: str
    ) -> Iterator[Any]:
        data = json_body(response)
        details: dict[str, Any] = {}
        if response.status == 200 and isinstance(data, dict):
            for profile in data.get("profiles") or []:
                if isinstance(profile, dict):
                    record = bsky.parse_get_profile(profile)
                    details[record.platform_id or record.handle or ""] = record
        else:  # keep the search facts; the details are a gap
            self.crawler.stats.inc_value("scout/bluesky/get_profiles_failed")
        for rank, basic in ranked:
            record = details.get(basic.platform_id or basic.handle or "", basic)
            item = self.from_record(
                record,
                query=response.meta[QUERY],
                source_url=search_url,
                rank=rank,
                title=basic.display_name,
                snippet=basic.bio,
            )
            if item is not None:
                yield item
        self.query_done(response)
