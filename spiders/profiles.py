"""Profiles: the public profile of every candidate this scan found only as a link or a
search result, so matching has a display name, bio, links and follower count. APIs where
there are, else the public page where robots.txt allows (never Facebook, Instagram, Threads
or X); a page that needs JavaScript is fetched again through Playwright. Runs in phase 2.

Also the registry rows still without a stable id that no other source of the scan looks up:
a YouTube ``/c/name`` custom URL (no API resolves it: the channel page gives the channel id),
and the rows of the youtube source or the handle probe when those do not crawl this scan.

And the *known* accounts (:func:`crawler.db.readers.known_accounts`): every registered account
with a stable id, every registered account without one yet whose public page a crawler may read
(a TikTok row: by its URL), and the account of every followed case, re-observed each scan by
stable id where there is one, so a registered account renamed out of every search is still
seen (the registry watch) and a deleted one is known to be gone (liveness). Batched where the
API batches: YouTube ``channels.list?id=<≤50 ids>`` (1 unit a call), Bluesky ``getProfiles``
with ≤25 DIDs (a handle change is followed); Mastodon ``accounts/lookup``, and the public page
where robots.txt allows, one by one. An account another source of this scan already observed
directly is not asked again, nor the selfcheck's known account (its answer, live or gone, is
the scan's). An id missing from a batch answer is an account that is gone.

This is the scan's direct check of every account it saw only in a search result or a link: an
answer that the account is gone is stored too (``report_gone``), so no case opens for it.

Last, the *echo lookups* (:mod:`crawler.discovery.planning.echo`): the district's registered
handles and the handles this scan found that carry one of its names, abbreviations or
mascots, looked up on the probed platforms (TikTok, YouTube, Bluesky, Mastodon's configured
instances) where the scan has not seen or asked them, in their forms there (``cdbhs_gvb`` on
Instagram: ``cdbhsgvb`` on TikTok), within
:func:`~crawler.discovery.planning.sources.echo_limits`. Then, in a full scan whose
handle probe crawls too, the probe's page candidates that its share of a page host cut
(``Plan.overflow``), in the probe's order, while the host's budget lasts
(:func:`~crawler.discovery.planning.sources.page_room`). Both have coverage rows in the probe's
form (``tiktok @cdbhsgvb``) and their answers are kept like the probe's; a handle with no
account yields nothing. An incremental scan does not ask again a form with an answer on file."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from crawler.config import secret
from crawler.db.quota import META, UNITS
from crawler.db.readers import (
    KnownAccount,
    asked_handles,
    known_accounts,
    registry_handles,
    scan_candidates,
    scan_handles,
)
from crawler.discovery.items import describe_failure, json_body
from crawler.discovery.planner import PlannedQuery
from crawler.discovery.planning.echo import (
    ECHO_PLATFORMS,
    SeenAccount,
    district_schools,
    district_tokens,
    echo_queries,
)
from crawler.discovery.planning.sources import echo_limits, page_room
from crawler.discovery.settings import PLAYWRIGHT_SETTINGS
from crawler.platforms import PLATFORMS, PageState
from crawler.platforms import bluesky as bsky
from crawler.platforms import youtube as yt
from crawler.platforms.base import BLOCKED_STATUSES
from crawler.vocab import Platform, Source
from spiders.profile_lookup import REOBSERVED_BY_ID, ProfilePageSpider
from spiders.youtube import PARTS, api_filter, api_url

KNOWN = "known"  # the planned kind of a known account's re-observation
ECHO = "echo"  # the planned kind of an echo lookup
HANDLE = "handle"  # the planned kind of a probe candidate the profiles source goes on with
BY_HANDLE = frozenset({ECHO, HANDLE})  # looked up by handle, coverage rows in the probe's form
ECHO_KEY = re.compile(r"^[a-z]+ @\S+$")  # a lookup by handle: "tiktok @cdbhsgvb"
# Platforms whose API looks accounts up by stable id in batches: ids per call.
BATCHED: dict[str, int] = {
    Platform.YOUTUBE: yt.CHANNELS_LIST_MAX,
    Platform.BLUESKY: bsky.GET_PROFILES_MAX,
}
assert set(BATCHED) == REOBSERVED_BY_ID


@dataclass(frozen=True, slots=True)
class KnownBatch:
    """Known accounts of one platform asked by stable id in one API call."""

    platform: str
    accounts: tuple[KnownAccount, ...]

    @property
    def ids(self) -> list[str]:
        return [a.platform_id or "" for a in self.accounts]


def _batchable(k: KnownAccount, youtube_api: bool) -> bool:
    if k.platform == Platform.YOUTUBE:
        return youtube_api and (k.platform_id or "").startswith("UC")
    if k.platform == Platform.BLUESKY:
        return (k.platform_id or "").startswith("did:")
    return False


def known_batches(
    accounts: Sequence[KnownAccount], youtube_api: bool = True
) -> tuple[list[KnownBatch], list[KnownAccount]]:
    """The batches of the known accounts (YouTube channel ids ≤ 50 a call, when a YouTube key
    is configured; Bluesky DIDs ≤ 25 a call), each id once, and the accounts looked up one by
    one (Mastodon, the public pages, an account without a usable stable id)."""
    grouped: dict[str, list[KnownAccount]] = {}
    single: list[KnownAccount] = []
    seen: set[tuple[str, str]] = set()
    for k in accounts:
        key = (k.platform, k.platform_id or k.url)
        if key in seen:
            continue
        seen.add(key)
        if _batchable(k, youtube_api):
            grouped.setdefault(k.platform, []).append(k)
        else:
            single.append(k)
    batches = [
        KnownBatch(platform, tuple(group[i : i + BATCHED[platform]]))
        for platform, group in grouped.items()
        for i in range(0, len(group), BATCHED[platform])
    ]
    return batches, single


class ProfilesSpider(ProfilePageSpider):
    name = "profiles"
    use_browser = True
    report_gone = True
    quota_buckets = (UNITS,)  # YouTube channels.list batches of known accounts
    custom_settings = PLAYWRIGHT_SETTINGS | {"PLAYWRIGHT_MAX_CONTEXTS": 1}
    _known: dict[str, KnownAccount] | None = None

    def planned(self) -> list[PlannedQuery]:
        if self.scan_id is None:
            self.skipped_reason = "needs a scan: candidates are read from this scan's sightings"
            return []
        # a known account a search of this scan also found is re-observed as a known account
        # (by stable id where there is one), not looked up by the handle the search showed: on
        # a platform re-observed by id, the selfcheck's "no account has this handle" leaves the
        # verdict (renamed, or gone) to that re-observation
        known = {(k.platform, k.url) for k in self.known()}
        found = [
            c
            for c in scan_candidates(self.config, self.scan_id, self.platforms)
            if (c.platform, c.url) not in known
        ]
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
        for k in self.known():
            if (k.platform, k.url) not in seen:
                seen.add((k.platform, k.url))
                rows.append(
                    PlannedQuery(self.name, k.url, k.platform, k.entity_key, len(rows), KNOWN)
                )
        return rows + self.echo_rows(rows)

    def echo_rows(self, planned: list[PlannedQuery]) -> list[PlannedQuery]:
        """The echo lookups (see the module docstring), after the rows ``planned`` before."""
        assert self.scan_id is not None
        targets = [
            p
            for p in ECHO_PLATFORMS
            if (not self.platforms or p in self.platforms)
            and (p != Platform.MASTODON or self.config.mastodon_instances)
        ]
        seen = scan_handles(self.config, self.scan_id)
        # the district's registered usernames first, then what this scan found (not what an
        # echo of this scan found: the lookups stay the same when a killed crawl is resumed)
        registered = [] if self.search else registry_handles(self.config)
        origins = [SeenAccount(p, h, n) for p, h, n in registered] + [
            SeenAccount(h.platform, h.handle, h.display_name)
            for h in seen
            if any(
                source != self.name or not ECHO_KEY.match(query or "")
                for source, query in h.found_by
            )
        ]
        # never asked again: what the scan saw, the probe and the mastodon source asked, the
        # registered and known accounts (this source re-observes those by URL or id)
        asked = {(h.platform, h.handle.lower()) for h in seen}
        asked |= asked_handles(self.config, self.scan_id, (Source.HANDLE_PROBE, Source.MASTODON))
        asked |= {(p, h.lower()) for p, h, _ in registered}
        asked |= {(k.platform, k.handle.lower()) for k in self.known() if k.handle}
        inc = self.increment()
        if inc.incremental:  # a form with an answer on file waits for its next full scan
            asked |= inc.answered | inc.found
        counts = Counter(r.platform or "" for r in planned)
        limits = echo_limits(self.config, targets, counts, bool(secret(Source.YOUTUBE)))
        found = echo_queries(
            origins,
            district_tokens(self.profile),
            targets,
            asked,
            limits,
            self.config.mastodon_instances,
            district_schools(self.profile),
        )
        start = len(planned)
        rows = [
            PlannedQuery(self.name, handle, p, None, start + i, ECHO)
            for i, (p, handle) in enumerate(found)
        ]
        counts.update(p for p, _ in found)
        asked |= {(p, handle.lower()) for p, handle in found}
        return rows + self.continued_rows(start + len(rows), asked, counts)

    def continued_rows(
        self, start: int, asked: set[tuple[str, str]], counts: Counter[str]
    ) -> list[PlannedQuery]:
        """The probe's page candidates that its share of a page host cut, in its order, while
        the host's budget lasts (a full scan whose probe crawls too), except ``asked``."""
        if Source.HANDLE_PROBE not in self.context.sources or self.increment().incremental:
            return []
        full = self.crawl_plan()
        rows: list[PlannedQuery] = []
        room: dict[str, int] = {}
        for r in full.overflow.get(Source.HANDLE_PROBE, []):
            platform = r.platform or ""
            if platform not in room:
                room[platform] = page_room(self.config, platform, counts)
            if room[platform] <= 0 or (platform, r.query.lower()) in asked:
                continue
            room[platform] -= 1
            asked.add((platform, r.query.lower()))
            rows.append(
                PlannedQuery(self.name, r.query, platform, r.entity_key, start + len(rows), HANDLE)
            )
        return rows

    def coverage_keys(self, pq: PlannedQuery) -> list[str]:
        return [f"{pq.platform} @{pq.query}"] if pq.kind in BY_HANDLE else [pq.query]

    def known(self) -> list[KnownAccount]:
        """The known accounts this scan re-observes (none in an ad-hoc search), read once."""
        if self._known is None:
            rows = (
                []
                if self.search or self.scan_id is None
                else known_accounts(self.config, self.scan_id, self.platforms, self.entity)
            )
            self._known = {k.url: k for k in rows if self.observable(k.platform)}
        return list(self._known.values())

    def observable(self, platform: str) -> bool:
        """The platform has a direct channel: an API (Bluesky; Mastodon on a configured
        instance; YouTube pages too) or public pages robots.txt lets a crawler read. On the
        others (Facebook, Instagram, X, Threads, LinkedIn) only a search sees the account."""
        if platform == Platform.BLUESKY:
            return True
        if platform == Platform.MASTODON:
            return bool(self.config.mastodon_instances)
        module = PLATFORMS.get(platform)
        return module is not None and not module.robots_blocks_crawlers

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

    def all_requests(self, pending: Iterable[tuple[PlannedQuery, list[str]]]) -> Iterable[Request]:
        known: list[KnownAccount] = []
        echoes: list[tuple[str, str]] = []  # Bluesky handles, 25 to a getProfiles call
        for pq, keys in pending:
            if pq.kind == KNOWN and self._known and pq.query in self._known:
                known.append(self._known[pq.query])
            elif pq.kind == ECHO and pq.platform == Platform.BLUESKY:
                if not self.answered_by_selfcheck(pq.platform, pq.query, None, keys[0]):
                    echoes.append((pq.query, keys[0]))
            else:
                yield from self.requests_for(pq, keys)
        for i in range(0, len(echoes), bsky.GET_PROFILES_MAX):
            yield self.bluesky_batch(echoes[i : i + bsky.GET_PROFILES_MAX])
        batches, single = known_batches(known, youtube_api=bool(secret(Source.YOUTUBE)))
        for batch in batches:
            request = self.known_request(batch)
            if request is not None:
                yield request
        for k in single:
            url = k.url
            if k.platform == Platform.YOUTUBE and (k.platform_id or "").startswith("UC"):
                # by id: the page of a renamed channel's old handle answers 404
                url = yt.platform.profile_url(k.platform_id or "")
            yield from self.lookup_url(k.platform, url, k.url)

    def requests_for(self, pq: PlannedQuery, keys: list[str]) -> Iterable[Request]:
        if pq.platform is None:
            return
        if pq.kind not in BY_HANDLE:
            yield from self.lookup_url(pq.platform, pq.query, keys[0])
        elif pq.platform == Platform.YOUTUBE and secret(Source.YOUTUBE):
            yield from self.youtube_lookup(pq.query, keys[0])
        else:
            yield from self.lookup(pq.platform, pq.query, None, keys[0])

    # ------------------------------------------------------------ known accounts in batches

    def known_request(self, batch: KnownBatch) -> Request | None:
        """One API call asking every account of the batch by stable id (None: none to ask).
        The selfcheck's lookup of its known account (by handle) does not answer it: a renamed
        account is not found by its old handle; one the selfcheck saw live is not in the batch
        (:func:`~crawler.db.readers.known_accounts` leaves out what the scan observed)."""
        accounts = batch.accounts
        if not accounts:
            return None
        meta: dict[str, Any] = {}
        if batch.platform == Platform.YOUTUBE:
            if not self.allow_unit():
                for k in accounts:
                    self.coverage.skip(k.url, "YouTube units used up for today")
                return None
            url = api_url(
                self.config, "channels", part=PARTS, id=",".join(batch.ids), maxResults=50
            )
            meta = {META: UNITS}
        else:
            params = urlencode([("actors", did) for did in batch.ids])
            url = f"{self.config.bluesky_api_url}/xrpc/app.bsky.actor.getProfiles?{params}"
        request = self.api_request(
            url, self.parse_known, accounts[0].url, meta=meta, cb_kwargs={"batch": batch}
        )
        for k in accounts[1:]:
            self.coverage.begin(k.url)
        self.crawler.stats.inc_value(f"scout/known/{batch.platform}/calls")
        return request.replace(errback=self.known_failed)

    def known_failed(self, failure: Failure) -> None:
        """Errback of a batch: every account of it is skipped (refused) or failed."""
        request = getattr(failure, "request", None)
        batch = request.cb_kwargs.get("batch") if request is not None else None
        if batch is None:
            self.request_failed(failure)
            return
        for k in batch.accounts:
            if failure.check(IgnoreRequest):
                self.coverage.skip(k.url, str(failure.value) or "request refused", ended=True)
            else:
                self.coverage.fail(k.url, describe_failure(failure))

    def parse_known(self, response: Response, batch: KnownBatch) -> Iterator[Any]:
        data = json_body(response)
        failed: str | None = None
        found: dict[str, Any] = {}
        if batch.platform == Platform.YOUTUBE:
            error = yt.api_error(data) if isinstance(data, dict) else None
            if error is not None or response.status != 200 or not isinstance(data, dict):
                failed = f"YouTube API error {error[0] if error else f'HTTP {response.status}'}"
            else:
                found, _ = yt.channels_by_id(data, batch.ids)
        elif response.status in BLOCKED_STATUSES:
            failed = f"blocked (HTTP {response.status})"
        elif response.status != 200 or not isinstance(data, dict):
            failed = f"HTTP {response.status}"
        else:
            found, _ = bsky.profiles_by_did(data, batch.ids)
        for k in batch.accounts:
            if failed is not None:
                self.coverage.fail(k.url, failed)
                continue
            yield from self._known_outcome(response, k, found.get(k.platform_id or ""))

    def _known_outcome(self, response: Response, k: KnownAccount, record: Any) -> Iterator[Any]:
        platform = k.platform
        state = PageState(record.state) if record is not None else PageState.NOT_FOUND
        self.crawler.stats.inc_value(f"scout/probe/{platform}/{state}")
        if record is not None and state.live:
            item = self.from_record(record, query=k.url, source_url=response.url)
            if item is not None:
                yield item
            self.coverage.finish(k.url)
        elif record is not None and not state.gone:
            self.coverage.fail(k.url, f"page not understood ({state})")
        elif platform in self.drift():
            self.coverage.fail(
                k.url, f"{state} not trusted: selfcheck drift ({self.drift()[platform]})"
            )
        else:  # the batch answer left the id out: the account does not exist any more
            yield self.sighting(
                k.url,
                query=k.url,
                source_url=response.url,
                platform_hint=platform,
                platform_id=k.platform_id,
                page_state=str(PageState.NOT_FOUND),
            )
            self.coverage.finish(k.url)
