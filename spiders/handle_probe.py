"""Handle probe: the candidate handles the planner derives from the district's own names
(``sheyennemustangs``, ``shs_volleyball``, ``wfpackershockey``), checked one by one on the
platforms that allow it: Bluesky through ``getProfile`` (``<handle>.bsky.social``), YouTube
through ``channels.list?forHandle=@handle`` when a YouTube key is configured (1 unit each,
within the day's units; else the public page), TikTok through the public page where
robots.txt allows, Mastodon through ``accounts/lookup`` when the mastodon source does not run.
Not found, login wall and blocked are distinct outcomes in the coverage table and the
stats.
"""

from __future__ import annotations

from collections.abc import Iterable

from scrapy.http import Request

from crawler.config import secret
from crawler.db.quota import UNITS
from crawler.discovery.planner import PlannedQuery
from crawler.vocab import Platform, Source
from spiders.profile_lookup import ProfilePageSpider


class HandleProbeSpider(ProfilePageSpider):
    name = "handle_probe"
    quota_buckets = (UNITS,)  # YouTube forHandle lookups

    def coverage_keys(self, pq: PlannedQuery) -> list[str]:
        return [f"{pq.platform} @{pq.query}"]

    def plan_sources(self) -> list[str]:
        # the mastodon source, when it crawls this scan too, looks the handles up itself:
        # the same handle is never looked up twice
        return [self.name, *(self.context.sources & {Source.MASTODON})]

    def requests_for(self, pq: PlannedQuery, keys: list[str]) -> Iterable[Request]:
        if pq.platform == Platform.YOUTUBE and secret(Source.YOUTUBE):
            yield from self.youtube_lookup(pq.query, keys[0])
        elif pq.platform is not None:
            yield from self.lookup(pq.platform, pq.query, None, keys[0])
