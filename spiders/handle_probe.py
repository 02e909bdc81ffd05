"""Handle probe: the candidate handles the planner derives from the district's own names
(``sheyennemustangs``, ``shs_volleyball``, ``wfpackershockey``), checked one by one on the
platforms that allow it: Bluesky through ``getProfile`` (``<handle>.bsky.social``), YouTube
through ``channels.list?forHandle=@handle`` when a YouTube key is configured (1 unit each,
within the day's units; else the public page), TikTok through the public page where
robots.txt allows, Mastodon through ``accounts/lookup`` when the mastodon source does not run.
Not found, login wall and blocked are distinct outcomes in the coverage table and the
stats. The registered accounts still without a stable id on those platforms (a Bluesky
handle, a YouTube ``@handle``) are looked up first, once each: a candidate handle that is
also registered is one lookup, whose answer resolves the registry row (or, when the platform
says there is no such account, records it for the registry audit).
"""

from __future__ import annotations

from collections.abc import Iterable

from scrapy.http import Request

from crawler.config import secret
from crawler.db.quota import UNITS
from crawler.discovery.planner import PlannedQuery
from crawler.platforms import bluesky as bsky
from crawler.vocab import Platform, Source
from spiders.profile_lookup import ProfilePageSpider


class HandleProbeSpider(ProfilePageSpider):
    name = "handle_probe"
    quota_buckets = (UNITS,)  # YouTube forHandle lookups

    def coverage_keys(self, pq: PlannedQuery) -> list[str]:
        return [f"{pq.platform} @{pq.query}"]

    def planned(self) -> list[PlannedQuery]:
        rows = super().planned()
        if self.skipped_reason:
            return rows
        seen = {(r.platform, r.query.lower()) for r in rows}
        registered = []
        for r in self.registry_lookups():
            if not self.probes_registered(r.platform, r.url):
                continue
            if (r.platform, r.handle.lower()) not in seen:
                seen.add((r.platform, r.handle.lower()))
                registered.append(
                    PlannedQuery(self.name, r.handle, r.platform, r.entity_key, -1, "registered")
                )
        return registered + rows

    def probes_registered(self, platform: str, url: str) -> bool:
        """A registry row this source looks up: a Bluesky handle, a YouTube ``@handle``, a
        Mastodon account when the mastodon source does not crawl this scan."""
        if platform == Platform.YOUTUBE:
            return "/@" in url
        if platform == Platform.MASTODON:
            return Source.MASTODON not in self.context.sources
        return platform == Platform.BLUESKY

    def all_requests(self, pending: Iterable[tuple[PlannedQuery, list[str]]]) -> Iterable[Request]:
        """Bluesky candidates 25 to a ``getProfiles`` call (it answers with the profiles of the
        actors that exist, in order, and leaves the others out); the rest one by one."""
        batch: list[tuple[str, str]] = []  # (handle, coverage key)
        for pq, keys in pending:
            if pq.platform != Platform.BLUESKY:
                yield from self.requests_for(pq, keys)
                continue
            if self.answered_by_selfcheck(pq.platform, pq.query, None, keys[0]):
                continue
            batch.append((pq.query, keys[0]))
            if len(batch) == bsky.GET_PROFILES_MAX:
                yield self.bluesky_batch(batch)
                batch = []
        if batch:
            yield self.bluesky_batch(batch)

    def requests_for(self, pq: PlannedQuery, keys: list[str]) -> Iterable[Request]:
        if pq.platform == Platform.YOUTUBE and secret(Source.YOUTUBE):
            yield from self.youtube_lookup(pq.query, keys[0])
        elif pq.platform is not None:
            yield from self.lookup(pq.platform, pq.query, None, keys[0])
