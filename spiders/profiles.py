"""Profiles: the public profile of every candidate this scan found only as a link or a
search result, so matching has a display name, bio, links and follower count. APIs where
there are, else the public page where robots.txt allows (never Facebook, Instagram, Threads
or X); a page that needs JavaScript is fetched again through Playwright. Runs in phase 2.

Also the registry rows still without a stable id that no other source of the scan looks up:
a YouTube ``/c/name`` custom URL (no API resolves it: the channel page gives the channel id),
and the rows of the youtube source or the handle probe when those do not crawl this scan.

This is the scan's direct check of every account it saw only in a search result or a link: an
answer that the account is gone is stored too (``report_gone``), so no case opens for it."""

from __future__ import annotations

from collections.abc import Iterable

from scrapy.http import Request

from crawler.db.readers import scan_candidates
from crawler.discovery.planner import PlannedQuery
from crawler.discovery.settings import PLAYWRIGHT_SETTINGS
from crawler.vocab import Platform, Source
from spiders.profile_lookup import ProfilePageSpider
from spiders.youtube import api_filter


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
        rows = [
            PlannedQuery(self.name, c.url, c.platform, None, i, kind="profile")
            for i, c in enumerate(found)
        ]
        seen = {(c.platform, c.url) for c in found}
        for r in self.registry_lookups():
            if (r.platform, r.url) not in seen and self.resolves_registered(r.platform, r.url):
                seen.add((r.platform, r.url))
                rows.append(
                    PlannedQuery(
                        self.name, r.url, r.platform, r.entity_key, len(rows), "registered"
                    )
                )
        return rows

    def resolves_registered(self, platform: str, url: str) -> bool:
        """A registry row that no other source of this crawl looks up (see the docstring)."""
        running = self.context.sources
        if platform == Platform.YOUTUBE:
            api = api_filter(url)
            if api is None:
                return True
            handled_by = Source.YOUTUBE if "forUsername" in api else Source.HANDLE_PROBE
            return handled_by not in running and not (
                handled_by == Source.HANDLE_PROBE and Source.YOUTUBE in running
            )
        if platform == Platform.MASTODON:
            return not running & {Source.HANDLE_PROBE, Source.MASTODON}
        return Source.HANDLE_PROBE not in running

    def requests_for(self, pq: PlannedQuery, keys: list[str]) -> Iterable[Request]:
        if pq.platform is not None:
            yield from self.lookup_url(pq.platform, pq.query, keys[0])
