"""Profiles: the public profile of every candidate this scan found only as a link or a
search result, so matching has a display name, bio, links and follower count. APIs where
there are, else the public page where robots.txt allows (never Facebook, Instagram, Threads
or X); a page that needs JavaScript is fetched again through Playwright. Runs in phase 2.

This is the scan's direct check of every account it saw only in a search result or a link: an
answer that the account is gone is stored too (``report_gone``), so no case opens for it."""

from __future__ import annotations

from collections.abc import Iterable

from scrapy.http import Request

from crawler.db.readers import scan_candidates
from crawler.discovery.planner import PlannedQuery
from crawler.discovery.settings import PLAYWRIGHT_SETTINGS
from spiders.profile_lookup import ProfilePageSpider


class ProfilesSpider(ProfilePageSpider):
    name = "profiles"
    use_browser = True
    report_gone = True
    custom_settings = PLAYWRIGHT_SETTINGS | {"PLAYWRIGHT_MAX_CONTEXTS": 1}

    def planned(self) -> list[PlannedQuery]:
        if self.scan_id is None:
            self.skipped_reason = "needs a scan: candidates are read from this scan's sightings"
            return []
        found = scan_candidates(self.config, self.scan_id, self.platforms)
        return [
            PlannedQuery(self.name, c.url, c.platform, None, i, kind="profile")
            for i, c in enumerate(found)
        ]

    def requests_for(self, pq: PlannedQuery, keys: list[str]) -> Iterable[Request]:
        if pq.platform is not None:
            yield from self.lookup_url(pq.platform, pq.query, keys[0])
