"""Handle probe: the candidate handles the planner derives from the district's own names
(``sheyennemustangs``, ``shs_volleyball``, ``wfpackershockey``), checked one by one on the
platforms that allow it: Bluesky through ``getProfile`` (``<handle>.bsky.social``), YouTube
through ``channels.list?forHandle=@handle`` when a YouTube key is configured (1 unit each,
within the day's units; else the public page), TikTok through the public page where
robots.txt allows, Mastodon through ``accounts/lookup`` when the mastodon source does not run.
Not found, login wall and rate limited are distinct outcomes in the coverage table and the
stats.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from scrapy.http import Request, Response

from crawler.config import secret
from crawler.db.quota import META, UNITS
from crawler.discovery.planner import PlannedQuery, period_left
from crawler.platforms import PageState
from crawler.platforms import youtube as yt
from crawler.platforms.base import empty_record
from crawler.vocab import Platform, Source
from spiders.base import json_body
from spiders.profile_lookup import ProfilePageSpider
from spiders.youtube import handle_url


class HandleProbeSpider(ProfilePageSpider):
    name = "handle_probe"
    quota_buckets = (UNITS,)  # YouTube forHandle lookups
    units = 0

    def coverage_keys(self, pq: PlannedQuery) -> list[str]:
        return [f"{pq.platform} @{pq.query}"]

    def plan_sources(self) -> list[str]:
        # the mastodon source, when it crawls this scan too, looks the handles up itself:
        # the same handle is never looked up twice
        return [self.name, *(self.running() & {Source.MASTODON})]

    def requests_for(self, pq: PlannedQuery, keys: list[str]) -> Iterable[Request]:
        if pq.platform == Platform.YOUTUBE and secret(Source.YOUTUBE):
            yield from self.youtube_lookup(pq.query, keys[0])
        elif pq.platform is not None:
            yield from self.lookup(pq.platform, pq.query, None, keys[0])

    def allow_unit(self) -> bool:
        """One more YouTube unit within what the day has left."""
        limit = period_left(self.quota_usage(), UNITS, self.config.budget.youtube_units_per_day)
        if self.units >= limit:
            return False
        self.units += 1
        return True

    def youtube_lookup(self, handle: str, query: str) -> Iterator[Request]:
        if not self.allow_unit():
            self.coverage.skip(query, "YouTube units used up for today")
            return
        yield self.api_request(
            handle_url(self.config, handle),
            self.parse_youtube,
            query,
            meta={META: UNITS},
            cb_kwargs={"extra": {"platform": Platform.YOUTUBE}},
        )

    def parse_youtube(self, response: Response, extra: dict[str, Any]) -> Iterator[Any]:
        data = json_body(response)
        error = yt.api_error(data) if isinstance(data, dict) else None
        if error is not None or response.status != 200 or not isinstance(data, dict):
            reason = error[0] if error else f"HTTP {response.status}"
            self.query_failed(response, f"YouTube API error {reason}")
            return
        records = yt.parse_channels_list(data)
        record = (
            records[0]
            if records
            else empty_record(Platform.YOUTUBE, response.url, PageState.NOT_FOUND)
        )
        yield from self._outcome(response, record, extra)
