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

from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlencode

from scrapy.http import Request, Response

from crawler.config import secret
from crawler.db.quota import UNITS
from crawler.discovery.items import json_body
from crawler.discovery.planner import PlannedQuery
from crawler.platforms import bluesky as bsky
from crawler.platforms.base import BLOCKED_STATUSES, PageState
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

    def bluesky_batch(self, batch: list[tuple[str, str]]) -> Request:
        actors = urlencode([("actors", handle) for handle, _ in batch])
        url = f"{self.config.bluesky_api_url}/xrpc/app.bsky.actor.getProfiles?{actors}"
        for _, key in batch[1:]:
            self.coverage.begin(key)
        return self.api_request(
            url, self.parse_bluesky_batch, batch[0][1], cb_kwargs={"batch": batch}
        )

    def parse_bluesky_batch(
        self, response: Response, batch: list[tuple[str, str]]
    ) -> Iterator[Any]:
        data = json_body(response)
        keys = [key for _, key in batch]
        if response.status != 200 or not isinstance(data, dict):
            error = data.get("error") if isinstance(data, dict) else None
            reason = f"HTTP {response.status}" + (f" {error}" if error else "")
            state = "blocked" if response.status in BLOCKED_STATUSES else "failed"
            for key in keys:  # proves nothing about any of them: a coverage gap
                self.coverage.fail(key, f"{state} ({reason}): Bluesky getProfiles")
            return
        records = {}
        for raw in data.get("profiles") or []:
            if isinstance(raw, dict):
                record = bsky.parse_get_profile(raw)
                records[(record.handle or "").lower()] = record
                records[(record.platform_id or "").lower()] = record
        for handle, key in batch:
            record = records.get(handle.lower())
            if record is None:  # left out: no such account
                self.crawler.stats.inc_value(
                    f"scout/probe/{Platform.BLUESKY}/{PageState.NOT_FOUND}"
                )
                miss = self.registry_miss(
                    f"https://bsky.app/profile/{handle}",
                    response,
                    "Profile not found (getProfiles left it out of its answer)",
                    asked=f"{self.config.bluesky_api_url}/xrpc/app.bsky.actor.getProfiles?"
                    + urlencode({"actors": handle}),
                )
                if miss is not None:  # a registry row: recorded for the registry audit
                    yield miss
                self.coverage.finish(key)
                continue
            self.crawler.stats.inc_value(f"scout/probe/{Platform.BLUESKY}/{record.state}")
            item = self.from_record(record, query=key, source_url=response.url)
            if item is not None:
                yield item
            self.coverage.finish(key)

    def requests_for(self, pq: PlannedQuery, keys: list[str]) -> Iterable[Request]:
        if pq.platform == Platform.YOUTUBE and secret(Source.YOUTUBE):
            yield from self.youtube_lookup(pq.query, keys[0])
        elif pq.platform is not None:
            yield from self.lookup(pq.platform, pq.query, None, keys[0])
