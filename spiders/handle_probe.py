"""Handle probe: the candidate handles the planner derives from the district's own names
(``sheyennemustangs``, ``shs_volleyball``, ``wfpackershockey``), checked one by one on the
platforms that allow it: Bluesky through ``getProfile`` (``<handle>.bsky.social``), TikTok,
YouTube and LinkedIn through the public page where robots.txt allows. Not found, login
wall and rate limited are distinct outcomes in the coverage table and the stats.
"""

from __future__ import annotations

from collections.abc import Iterable

from scrapy.http import Request

from crawler.discovery.planner import PlannedQuery
from spiders.profile_lookup import ProfilePageSpider


class HandleProbeSpider(ProfilePageSpider):
    name = "handle_probe"

    def coverage_keys(self, pq: PlannedQuery) -> list[str]:
        return [f"{pq.platform} @{pq.query}"]

    def requests_for(self, pq: PlannedQuery, keys: list[str]) -> Iterable[Request]:
        if pq.platform is not None:
            yield from self.lookup(pq.platform, pq.query, None, keys[0])
