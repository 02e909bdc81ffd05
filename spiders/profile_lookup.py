"""The base of the sources that look accounts up one by one (handle probe, profiles).

:class:`ProfilePageSpider` uses a platform API where there is one (Bluesky ``getProfile``,
Mastodon ``accounts/lookup`` on a configured instance), else the public profile page where
robots.txt allows (never Facebook, Instagram, Threads or X). Every answer, page or API, has
one page state (:class:`~crawler.platforms.PageState`), counted in
``scout/probe/<platform>/<state>``: ``ok`` and ``private`` yield a sighting; ``not_found`` and
``suspended`` end the query (the account is gone) and, with ``report_gone`` (an account this
scan already found, looked up again), yield a sighting that carries that state, so the case
stage knows the account is gone; ``login_wall``, ``blocked`` (a WAF or captcha page, HTTP
403/429/999) and ``unknown`` fail the query with the state as its error: a coverage gap, never
"found" nor "absent". A page that needs JavaScript is fetched again with Playwright when
``use_browser`` is set.
Hook: :meth:`~ProfilePageSpider.lookup_request` builds the request for one account (by
handle; :meth:`~ProfilePageSpider.lookup_url` by URL); a live answer yields a sighting.

The selfcheck runs first in a scan: an account it looks up (its known account per platform)
is not looked up again (the scan has its answer: the query is ``done``), and on a platform
whose selfcheck found parser drift a "not found" answer is not trusted (the query fails with
the reason, a coverage gap, never "absent").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, ClassVar
from urllib.parse import urlencode

from scrapy.http import Request, Response

from crawler.db.quota import META, UNITS
from crawler.db.readers import selfcheck_drift
from crawler.discovery.items import json_body
from crawler.discovery.planner import known_accounts, period_left
from crawler.platforms import PLATFORMS, PageState, ProfileRecord, canonicalise
from crawler.platforms import bluesky as bsky
from crawler.platforms import mastodon as masto
from crawler.platforms import youtube as yt
from crawler.platforms.base import BLOCKED_STATUSES, empty_record
from crawler.vocab import Platform, Source
from spiders.base import QUERY, ScoutSpider
from spiders.youtube import handle_url

FAILED_STATES = {PageState.LOGIN_WALL: "login wall", PageState.BLOCKED: "blocked"}
# Platforms whose known accounts the ``profiles`` source re-observes by stable id (YouTube
# channel id, Bluesky DID): there a lookup by handle that answers "not found" shows only that no
# account has that handle now (the account may have been renamed). Elsewhere (TikTok's page,
# Mastodon's ``accounts/lookup``) every lookup asks by handle, and "not found" is the account's.
REOBSERVED_BY_ID = frozenset({Platform.YOUTUBE, Platform.BLUESKY})


def state_error(state: PageState, record: ProfileRecord, status: int) -> str:
    """The coverage error of an answer that proves nothing: its state, and why."""
    name = FAILED_STATES.get(state, f"page not understood ({state})")
    why = record.extra.get("wall") or (f"HTTP {status}" if status != 200 else None)
    return f"{name} ({why})" if why and state != PageState.UNKNOWN else name


class ProfilePageSpider(ScoutSpider):
    """Look accounts up one by one: API where there is one, else the public page."""

    use_browser: ClassVar[bool] = False
    report_gone: ClassVar[bool] = False  # a gone answer yields a sighting carrying its state
    _selfchecked: set[tuple[str, str]] | None = None
    _drift: dict[str, str] | None = None

    def selfchecked(self) -> set[tuple[str, str]]:
        """``(platform, handle)`` and ``(platform, url)`` of the accounts this crawl's selfcheck
        looks up (when it runs in this crawl), lowercased."""
        if self._selfchecked is None:
            self._selfchecked = set()
            if Source.SELFCHECK in self.context.sources and self.name != Source.SELFCHECK:
                for p, (known, _) in known_accounts(self.config).items():
                    if known is not None:
                        self._selfchecked |= {(p, known.handle.lower()), (p, known.url.lower())}
        return self._selfchecked

    def drift(self) -> dict[str, str]:
        """Platforms whose selfcheck in this scan found parser drift: platform -> reason."""
        if self._drift is None:
            scan = self.scan_id
            self._drift = selfcheck_drift(self.config, scan) if scan is not None else {}
        return self._drift

    def answered_by_selfcheck(
        self, platform: str, handle: str | None, url: str | None, query: str
    ) -> bool:
        """The selfcheck of this crawl looked this account up: the query is answered (done; on
        a platform in drift failed, with the reason)."""
        seen = self.selfchecked()
        if not ({(platform, (handle or "").lower()), (platform, (url or "").lower())} & seen):
            return False
        self.coverage.begin(query)
        if platform in self.drift():  # its answer there is not to be trusted either
            self.coverage.fail(
                query, f"looked up by the selfcheck: drift ({self.drift()[platform]})"
            )
        else:
            self.coverage.finish(query)
        self.crawler.stats.inc_value(f"scout/probe/{platform}/selfchecked")
        return True

    def lookup_request(
        self, platform: str, handle: str | None, url: str | None, query: str, **extra: Any
    ) -> Request | None:
        """The request that looks one account up, or None (coverage says why)."""
        if self.answered_by_selfcheck(platform, handle, url, query):
            return None
        module = PLATFORMS.get(platform)
        looked_up = url or (module.profile_url(handle) if module is not None and handle else None)
        extra = {"platform": platform, "url": looked_up, **extra}
        if platform == Platform.BLUESKY and handle:
            api = f"{self.config.bluesky_api_url}/xrpc/app.bsky.actor.getProfile?{urlencode({'actor': handle})}"
            return self.api_request(api, self.parse_bluesky, query, cb_kwargs={"extra": extra})
        if platform == Platform.MASTODON:
            return self._mastodon_lookup(handle, query, extra)
        return self._page_lookup(platform, handle, url, query, extra)

    def lookup(self, *args: Any, **extra: Any) -> Iterator[Request]:
        """:meth:`lookup_request` as an iterable: nothing when the account is not looked up."""
        request = self.lookup_request(*args, **extra)
        if request is not None:
            yield request

    def lookup_url(self, platform: str, url: str, query: str) -> Iterator[Request]:
        """Look up the account at ``url`` (a legacy URL is resolved: ``resolves`` names it)."""
        ref = canonicalise(url, mastodon_instances=self.config.mastodon_instances)
        if ref is None:
            return
        by_id = platform == Platform.BLUESKY and ref.platform_id
        handle = ref.platform_id if by_id else ref.handle
        resolves = url if ref.needs_resolution else None
        yield from self.lookup(
            platform, handle, ref.url, query, resolves=resolves, account_url=ref.url
        )

    # ------------------------------------------------------------- Bluesky handles in batches

    def bluesky_batch(self, batch: list[tuple[str, str]]) -> Request:
        """One ``getProfiles`` call for up to 25 ``(handle, coverage key)``: it answers with the
        profiles of the actors that exist, in order, and leaves the others out."""
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

    def _mastodon_lookup(self, handle: str | None, query: str, extra: dict) -> Request | None:
        user, _, instance = (handle or "").partition("@")
        instances = self.config.mastodon_instances
        if not (handle and instance and instances):
            self.coverage.skip(query, f"no public lookup for {Platform.MASTODON}")
            return None
        acct = user
        if instance not in instances:
            # an account of another server: a configured instance knows the accounts its users
            # follow and answers ``acct=user@domain`` for them (404 otherwise)
            acct, instance = handle, instances[0]
        api = f"https://{instance}/api/v1/accounts/lookup?{urlencode({'acct': acct})}"
        extra = {**extra, "instance": instance}
        return self.api_request(api, self.parse_mastodon, query, cb_kwargs={"extra": extra})

    def _page_lookup(
        self, platform: str, handle: str | None, url: str | None, query: str, extra: dict
    ) -> Request | None:
        module = PLATFORMS.get(platform)
        if module is None:
            self.coverage.skip(query, f"no public lookup for {platform}")
            return None
        if module.robots_blocks_crawlers:
            self.coverage.skip(
                query, f"{platform}'s robots.txt forbids crawlers: found through search only"
            )
            self.crawler.stats.inc_value(f"scout/probe/{platform}/robots_blocks")
            return None
        return self.page_request(
            url or module.profile_url(handle or ""),
            self.parse_profile,
            query,
            cb_kwargs={"extra": extra},
            meta={"handle_httpstatus_list": [403, 404, 410, 429, 999]},
        )

    def _outcome(
        self, response: Response, record: ProfileRecord, extra: dict[str, Any]
    ) -> Iterator[Any]:
        platform = extra["platform"]
        state = PageState(record.state)
        self.crawler.stats.inc_value(f"scout/probe/{platform}/{state}")
        if state.live:
            item = self.from_record(
                record,
                query=response.meta[QUERY],
                source_url=response.url,
                resolves=extra.get("resolves"),
            )
            if item is not None:
                yield item
            self.query_done(response)
        elif state.gone and platform in self.drift():
            self.query_failed(
                response, f"{state} not trusted: selfcheck drift ({self.drift()[platform]})"
            )
        elif state.gone:  # answered: the account is gone
            answer = extra.get("answer") or f"{state.replace('_', ' ')} (HTTP {response.status})"
            miss = self.registry_miss(extra.get("resolves") or extra.get("url"), response, answer)
            if miss is not None:
                yield miss
            if self.report_gone and extra.get("account_url"):
                yield self.sighting(
                    extra["account_url"],
                    query=response.meta[QUERY],
                    source_url=response.url,
                    platform_hint=platform,
                    page_state=str(state),
                )
            self.query_done(response)
        else:  # login wall, blocked, unknown: proves nothing
            self.query_failed(response, state_error(state, record, response.status))

    def parse_profile(self, response: Response, extra: dict[str, Any]) -> Iterator[Any]:
        platform = extra["platform"]
        record = PLATFORMS[platform].parse_profile_page(
            getattr(response, "text", ""), response.url, response.status
        )
        if (
            record.state == PageState.UNKNOWN
            and response.status == 200
            and self.use_browser
            and not response.meta.get("playwright")
        ):
            self.crawler.stats.inc_value(f"scout/probe/{platform}/browser")
            self.coverage.begin(response.meta[QUERY])
            assert response.request is not None
            yield response.request.replace(
                meta={**response.meta, "playwright": True}, dont_filter=True
            )
            self.query_done(response)
            return
        yield from self._outcome(response, record, extra)

    def parse_bluesky(self, response: Response, extra: dict[str, Any]) -> Iterator[Any]:
        data = json_body(response)
        not_found = bsky.is_not_found(response.status, data)
        if not_found:
            extra = {**extra, "answer": f"{data.get('message')} (HTTP {response.status})"}
        yield from self._api_lookup(
            response, extra, data, not_found, lambda: bsky.parse_get_profile(data)
        )

    def parse_mastodon(self, response: Response, extra: dict[str, Any]) -> Iterator[Any]:
        data = json_body(response)
        yield from self._api_lookup(
            response,
            extra,
            data,
            response.status in (404, 410),  # 404 {"error":"Record not found"}
            lambda: masto.parse_account(data, extra["instance"]),
        )

    def _api_lookup(
        self,
        response: Response,
        extra: dict[str, Any],
        data: Any,
        not_found: bool,
        parse: Callable[[], ProfileRecord],
    ) -> Iterator[Any]:
        if not_found:
            record = empty_record(extra["platform"], response.url, PageState.NOT_FOUND)
        elif response.status in BLOCKED_STATUSES:
            record = empty_record(extra["platform"], response.url, PageState.BLOCKED)
        elif response.status != 200 or not isinstance(data, dict):
            self.query_failed(response, f"HTTP {response.status}")
            return
        else:
            record = parse()
        yield from self._outcome(response, record, extra)

    # ------------------------------------------------------------- YouTube handles by API

    units = 0  # YouTube units this spider spent (forHandle lookups)

    def allow_unit(self) -> bool:
        """One more YouTube unit within what the day has left."""
        limit = period_left(self.quota_usage(), UNITS, self.config.budget.youtube_units_per_day)
        if self.units >= limit:
            return False
        self.units += 1
        return True

    def youtube_lookup(self, handle: str, query: str, **extra: Any) -> Iterator[Request]:
        if self.answered_by_selfcheck(Platform.YOUTUBE, handle, None, query):
            return
        if not self.allow_unit():
            self.coverage.skip(query, "YouTube units used up for today")
            return
        yield self.api_request(
            handle_url(self.config, handle),
            self.parse_youtube,
            query,
            meta={META: UNITS},
            cb_kwargs={
                "extra": {
                    "platform": Platform.YOUTUBE,
                    "url": yt.platform.profile_url(handle),
                    "answer": "channels.list found no channel with that handle",
                    **extra,
                }
            },
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
