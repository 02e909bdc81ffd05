"""Selfcheck: parser drift per platform, before a scan's other sources (phase 0).

Per platform, through the channels the scan uses (Bluesky ``getProfile``, Mastodon
``accounts/lookup`` on the account's configured instance, YouTube ``channels.list?forHandle``
when a key is configured else its page, TikTok's page; never a page robots.txt closes): the
known live account (:func:`crawler.discovery.planner.known_accounts`) must parse as ``ok``
with a name and a fresh random handle must come back ``not_found``. The verdict
(:func:`crawler.discovery.selfcheck.verdict`) is the platform's coverage row: ``done`` (ok),
``failed`` (drift, with the reason: the later sources do not trust that platform's "not
found") or ``skipped``. In a scan the known account's answer is a sighting of this scan, so no
other source looks it up again: live, with its profile; gone (``not_found``, ``suspended``),
carrying that state, where the scan re-observes the account by handle too (not on YouTube or
Bluesky, where a handle not found may be a renamed account that ``profiles`` follows by id);
:attr:`checks` holds the verdicts (``scout selfcheck``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from crawler.config import secret
from crawler.db.models import utcnow
from crawler.db.quota import UNITS
from crawler.db.readers import done_queries
from crawler.discovery.items import describe_failure
from crawler.discovery.planner import PlannedQuery, known_accounts
from crawler.discovery.selfcheck import (
    Answer,
    Check,
    KnownAccount,
    random_handle,
    random_lookup_name,
    skipped,
    verdict,
)
from crawler.platforms import PageState, ProfileRecord
from crawler.vocab import CheckStatus, Platform, Source
from spiders.base import QUERY
from spiders.profile_lookup import REOBSERVED_BY_ID, ProfilePageSpider

KNOWN, RANDOM = "known", "random"


class SelfcheckSpider(ProfilePageSpider):
    name = "selfcheck"
    quota_buckets = (UNITS,)  # YouTube forHandle lookups

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.checks: dict[str, Check] = {}
        self.answers: dict[str, dict[str, Answer]] = {}
        self.random = random_handle()
        self._known: dict[str, tuple[KnownAccount | None, str]] | None = None

    def known(self, platform: str) -> tuple[KnownAccount | None, str]:
        """The platform's known account (read once a crawl), or None and why."""
        if self._known is None:
            self._known = known_accounts(self.config)
        return self._known[platform]

    def selfchecked(self) -> set[tuple[str, str]]:
        return set()  # the selfcheck itself looks its accounts up

    def drift(self) -> dict[str, str]:
        return {}

    def coverage_keys(self, pq: PlannedQuery) -> list[str]:
        return [pq.platform or pq.query]

    async def start(self) -> AsyncIterator[Any]:
        # a resumed scan: a platform already checked keeps its verdict (asked once a scan)
        done = done_queries(self.config, self.scan_id, self.name) if self.scan_id else set()
        for platform in sorted(done):
            self.checks[platform] = Check(
                platform, CheckStatus.OK, "passed earlier in this scan (resumed)"
            )
        async for request in super().start():
            yield request

    def requests_for(self, pq: PlannedQuery, keys: list[str]) -> Iterable[Request]:
        platform, key = str(pq.platform), keys[0]
        known, reason = self.known(platform)
        if known is None:
            self._record(key, skipped(platform, reason, checked_at=utcnow()))
            return
        self.answers[key] = {}
        youtube_api = platform == Platform.YOUTUBE and bool(secret(Source.YOUTUBE))
        sent = 0
        for role, handle, url in (
            (KNOWN, known.handle, known.url),
            (RANDOM, random_lookup_name(platform, self.random, known.handle), None),
        ):
            lookups = (
                self.youtube_lookup(handle, key, role=role)
                if youtube_api
                else self.lookup(platform, handle, url, key, role=role)
            )
            for request in lookups:
                sent += 1
                yield request
        if not sent and key in self.coverage.entries:
            # no request was made (units used up, no lookup): the coverage row says why
            entry = self.coverage.entries[key]
            self._record(key, skipped(platform, entry.error or "not looked up", known))

    # ------------------------------------------------------------------ answers

    def _outcome(
        self, response: Response, record: ProfileRecord, extra: dict[str, Any]
    ) -> Iterator[Any]:
        key = response.meta[QUERY]
        state = str(record.state)
        self.crawler.stats.inc_value(f"scout/selfcheck/{extra['platform']}/{extra['role']}/{state}")
        if extra["role"] == KNOWN and self.scan_id is not None:
            yield from self._observed(response, record, extra)
        self._answer(key, extra["role"], Answer(state, record.display_name))

    def _observed(
        self, response: Response, record: ProfileRecord, extra: dict[str, Any]
    ) -> Iterator[Any]:
        """The scan's own observation of the known account: no other source of the scan asks
        for it again (:meth:`~spiders.profile_lookup.ProfilePageSpider.answered_by_selfcheck`),
        so whatever the selfcheck learnt of it is kept here. Live (``ok``, ``private``): a
        sighting with its profile. Gone (``not_found``, ``suspended``): a sighting carrying that
        state, as the ``profiles`` source stores it (``report_gone``), so a registered account
        deleted since is the registry audit's ``gone``; but only where the lookup by handle is
        the one the scan re-observes the account with. On a platform whose known accounts are
        re-observed by stable id (:data:`~spiders.profile_lookup.REOBSERVED_BY_ID`), "no account
        has this handle" may be a renamed account, and the re-observation by id decides."""
        state = PageState(record.state)
        platform = extra["platform"]
        key = response.meta[QUERY]
        if state.live:
            item = self.from_record(record, query=key, source_url=response.url)
            if item is not None:
                yield item
        elif state.gone and platform not in REOBSERVED_BY_ID:
            known, _ = self.known(platform)
            if known is not None:
                yield self.sighting(
                    known.url,
                    query=key,
                    source_url=response.url,
                    platform_hint=platform,
                    page_state=str(state),
                )

    def query_failed(self, response: Response, error: str) -> None:
        extra = response.request.cb_kwargs.get("extra", {}) if response.request else {}
        self._answer(response.meta[QUERY], extra.get("role", KNOWN), Answer(error=error))

    def request_failed(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        if request is None or QUERY not in request.meta:
            return
        role = request.cb_kwargs.get("extra", {}).get("role", KNOWN)
        refused = bool(failure.check(IgnoreRequest))
        error = (str(failure.value) or "request refused") if refused else describe_failure(failure)
        self._answer(request.meta[QUERY], role, Answer(error=error, refused=refused))

    def _answer(self, key: str, role: str, answer: Answer) -> None:
        got = self.answers.setdefault(key, {})
        got[role] = answer
        if len(got) < 2:
            self.coverage.finish(key)  # one of the two requests is in
            return
        platform = key
        known, _ = self.known(platform)
        assert known is not None
        check = verdict(known, got[KNOWN], self.random, got[RANDOM], checked_at=utcnow())
        self._record(key, check)

    def _record(self, key: str, check: Check) -> None:
        """The verdict is the platform's coverage row: done, failed (drift) or skipped."""
        self.checks[check.platform] = check
        entry = self.coverage.entries.get(key)
        ended = entry is not None and entry.pending > 0
        if check.status == CheckStatus.OK:
            if ended:
                self.coverage.finish(key)
            else:
                self.coverage.begin(key)
                self.coverage.finish(key)
        elif check.status == CheckStatus.DRIFT:
            if not ended:
                self.coverage.begin(key)
            self.coverage.fail(key, f"drift: {check.reason}")
        elif entry is not None:  # asked but no verdict (blocked, failed): a gap of this scan
            self.coverage.skip(key, check.reason, ended=ended)
        # a platform not checked at all (robots.txt, no known account) has no coverage row
        self.crawler.stats.inc_value(f"scout/selfcheck/{check.status}")

    def check_rows(self) -> list[dict[str, Any]]:
        """The verdicts in platform order (the progress events and ``scout selfcheck``)."""
        order = {str(p): i for i, p in enumerate(Platform)}
        return [c.as_dict() for _, c in sorted(self.checks.items(), key=lambda kv: order[kv[0]])]
