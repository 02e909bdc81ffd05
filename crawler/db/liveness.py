"""Liveness: what one scan shows of each account it saw (DESIGN.md, "Liveness and page states").

An answer of the account's page or of its platform's API is a *direct* observation (the sources
whose :class:`~crawler.vocab.SourceTraits` are ``direct``); a search result or a link on the
district's site is not: a search index and old pages can be stale. Per account, the latest
direct observation of the scan decides, and it always outranks a search result or a link:

* ``ok`` / ``private``: live, confirmed;
* ``not_found`` / ``suspended``: gone. No case opens; a registered account is a ``gone`` finding
  of the registry audit;
* none (the account was seen only in a search result or a link): live as far as the scan can
  tell, with the limit stated (:attr:`Liveness.limit`): robots.txt closes the platform's pages,
  or the direct check was blocked, met a login wall, was not understood, or did not run.

Direct sightings carry the account's page state (the store pipeline keeps the latest in
``accounts.page_state``); a ``login_wall``, ``blocked`` or ``unknown`` answer is no sighting but a
failed query of the ``profiles`` source (its coverage row, keyed by the account's URL, says why).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.db.models import Account, ScanQuery, Sighting
from crawler.platforms import PLATFORMS, PageState
from crawler.vocab import SOURCES, Observation, Platform, Source, sources_where

DIRECT_SOURCES = sources_where(direct=True)
# Platforms the selfcheck asks through an API (YouTube: with a key); elsewhere it reads the page.
SELFCHECK_APIS = frozenset({Platform.BLUESKY, Platform.MASTODON, Platform.YOUTUBE})
LINK_SOURCES = sources_where(observation=Observation.LINK)


@dataclass(frozen=True, slots=True)
class Liveness:
    """What a scan shows of one account it saw."""

    state: PageState | None  # the latest direct observation's state; None: none in the scan
    source: str | None = None  # the source of that observation
    at: datetime | None = None  # and its time
    limit: str | None = None  # without a direct observation: why, for the case to state
    checkable: bool = True  # the platform lets the scan check the account directly
    platform: str | None = None  # the account's

    @property
    def gone(self) -> bool:
        """The platform says, in this scan, that the account does not exist."""
        return self.state is not None and self.state.gone

    @property
    def confirmed(self) -> bool:
        """The account's page or API showed it live in this scan."""
        return self.state is not None and self.state.live

    @property
    def shown_live(self) -> bool:
        """Live by the strongest evidence this scan could get: a direct observation, or a current
        search result or link where robots.txt closes the account's pages (a direct check that
        was blocked or failed shows nothing)."""
        return self.confirmed or (self.state is None and not self.checkable)

    def describe(self) -> str:
        """The observation in words, for messages:
        ``its page answered not_found (source profiles, 2026-03-02 10:14 UTC)``."""
        traits = SOURCES.get(Source(self.source)) if self.source in SOURCES else None
        what = "API" if traits is not None and traits.observation == Observation.API else "page"
        if self.source == Source.SELFCHECK and self.platform not in SELFCHECK_APIS:
            what = "page"  # the selfcheck reads TikTok as the scan does: its public page
        when = f", {self.at.astimezone(UTC).strftime('%Y-%m-%d %H:%M UTC')}" if self.at else ""
        return f"its {what} answered {self.state} (source {self.source}{when})"


def _checkable(platform: str) -> bool:
    module = PLATFORMS.get(platform)
    return module is not None and not module.robots_blocks_crawlers


def _limit(
    platform: str, sources: set[str], check: tuple[str, str | None] | None, ran: bool
) -> str:
    seen = "a link on the district's site" if sources & LINK_SOURCES else "a search result"
    if not _checkable(platform):
        return (
            f"liveness not confirmed: seen only in {seen}; {platform}'s robots.txt closes its "
            "pages to crawlers, so the account could not be checked directly"
        )
    if check is not None and check[0] != "done":
        what = "was skipped" if check[0] == "skipped" else "failed"
        return f"liveness not confirmed: seen only in {seen}; the direct check {what}: {check[1] or check[0]}"
    if not ran:
        return f"liveness not confirmed: seen only in {seen}; the {Source.PROFILES} source did not run in this scan"
    return f"liveness not confirmed: seen only in {seen}; not checked directly in this scan"


def scan_liveness(
    session: Session, scan_id: int, account_ids: Iterable[int] | None = None
) -> dict[int, Liveness]:
    """The :class:`Liveness` of every account with a sighting in the scan (or of those given)."""
    wanted = set(account_ids) if account_ids is not None else None
    sources: dict[int, set[str]] = {}
    direct: dict[int, tuple[str, datetime]] = {}
    for account_id, source, at in session.execute(
        select(Sighting.account_id, Sighting.source, Sighting.fetched_at)
        .where(Sighting.scan_id == scan_id)
        .order_by(Sighting.id)
    ):
        if wanted is not None and account_id not in wanted:
            continue
        sources.setdefault(account_id, set()).add(source)
        if source in DIRECT_SOURCES and (account_id not in direct or at >= direct[account_id][1]):
            direct[account_id] = (source, at)
    if not sources:
        return {}
    checks: dict[str, tuple[str, str | None]] = {
        query: (status, error)
        for query, status, error in session.execute(
            select(ScanQuery.query, ScanQuery.status, ScanQuery.error).where(
                ScanQuery.scan_id == scan_id, ScanQuery.source == Source.PROFILES
            )
        )
    }
    ran = bool(checks)
    out: dict[int, Liveness] = {}
    ids = sorted(sources)
    for start in range(0, len(ids), 500):  # SQLite caps the parameters of one statement
        for acc in session.scalars(select(Account).where(Account.id.in_(ids[start : start + 500]))):
            checkable = _checkable(acc.platform)
            if acc.id in direct:
                source, at = direct[acc.id]
                state = PageState(acc.page_state) if acc.page_state else PageState.OK
                if state.gap:  # a direct sighting is only ever live or gone; be safe
                    state = PageState.OK
                out[acc.id] = Liveness(state, source, at, None, checkable, acc.platform)
            else:
                limit = _limit(acc.platform, sources[acc.id], checks.get(acc.url), ran)
                out[acc.id] = Liveness(None, None, None, limit, checkable)
    return out
