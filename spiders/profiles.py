"""Profiles: the public profile of every candidate this scan found only as a link or a
search result (the district site, web search), so matching has a display name, bio,
links and follower count. Bluesky and Mastodon through their APIs, other platforms through
the public page where robots.txt allows (never Facebook, Instagram, Threads or X: their
search-result title and snippet stay the evidence). A page that needs JavaScript is
fetched again through Playwright (system Chromium). Runs after the other sources.
"""

from __future__ import annotations

from collections.abc import Iterable

from scrapy.http import Request

from crawler.discovery.planner import PlannedQuery
from crawler.discovery.settings import PLAYWRIGHT_SETTINGS
from spiders.base import ProfilePageSpider


class ProfilesSpider(ProfilePageSpider):
    name = "profiles"
    use_browser = True
    custom_settings = PLAYWRIGHT_SETTINGS | {"PLAYWRIGHT_MAX_CONTEXTS": 1}

    def planned(self) -> list[PlannedQuery]:
        if self.scan_id is None:
            self.skipped_reason = "needs a scan: candidates are read from this scan's sightings"
            return []
        from crawler.discovery.runner import scan_candidates

        return [
            PlannedQuery(self.name, c.url, c.platform, None, i, kind="profile")
            for i, c in enumerate(scan_candidates(self.config, self.scan_id, self.platforms))
        ]

    def requests_for(self, pq: PlannedQuery, keys: list[str]) -> Iterable[Request]:
        from crawler.platforms import canonicalise

        ref = canonicalise(pq.query, mastodon_instances=self.config.mastodon_instances)
        if ref is None or pq.platform is None:
            return
        handle = ref.platform_id if pq.platform == "bluesky" and ref.platform_id else ref.handle
        request = self.lookup_request(
            pq.platform,
            handle,
            ref.url,
            keys[0],
            resolves=pq.query if ref.needs_resolution else None,
        )
        if request is not None:
            yield request
