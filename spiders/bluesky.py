"""Bluesky AppView (no key): ``searchActors`` pages by ``cursor``, then ``getProfiles`` for
followers and website (on failure the search facts stay: ``scout/bluesky/get_profiles_failed``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from scrapy.http import Response

from crawler.discovery.planner import PlannedQuery
from crawler.platforms import bluesky as bsky
from spiders.api_search import ApiSearchSpider


class BlueskySpider(ApiSearchSpider):
    name = "bluesky"
    details_per_call = bsky.GET_PROFILES_MAX

    def xrpc(self, method: str, params: Any) -> str:
        return f"{self.config.bluesky_api_url}/xrpc/app.bsky.actor.{method}?{urlencode(params)}"

    def search_url(self, pq: PlannedQuery, cursor: str | None) -> str:
        return self.xrpc(
            "searchActors", {"q": pq.query, "limit": 25} | ({"cursor": cursor} if cursor else {})
        )

    def parse_results(self, response: Response, data: Any, pq: PlannedQuery, page: int) -> Any:
        return bsky.parse_search_actors(data)

    def details_url(self, keys: list[str]) -> str:
        return self.xrpc("getProfiles", [("actors", key) for key in keys])

    def read_details(self, response: Response, data: Any) -> dict[str, Any]:
        if response.status != 200 or not isinstance(data, dict):
            self.crawler.stats.inc_value(f"scout/{self.name}/get_profiles_failed")
            return {}  # keep the search facts; the details are a gap
        profiles = [p for p in data.get("profiles") or [] if isinstance(p, dict)]
        return {self.details_key(r) or "": r for r in map(bsky.parse_get_profile, profiles)}
