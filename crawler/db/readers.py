"""What a crawl reads from the database: the district profile, its domains, the queries
already done in a scan, the scan's candidates, its unresolved YouTube URLs and the known
accounts it re-observes (registered accounts with a stable id or open pages, the accounts of
cases).

The crawl's components read these once per crawl through
:class:`crawler.discovery.context.ScanContext` (or, for the per-source lists, from the spider
that needs them), so no spider, middleware or pipeline holds database code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sqlalchemy import select

from crawler.db import transaction
from crawler.db.increments import probe_key
from crawler.db.models import Account, Case, District, RegisteredAccount, ScanQuery, Sighting
from crawler.vocab import CaseStatus, Platform, Source, sources_where

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from crawler.config import Config
    from crawler.district.profile import DistrictProfile

# Sources whose sightings already carry a profile (API data or a fetched page).
PROFILE_SOURCES = tuple(sorted(sources_where(gives_profile=True)))


@lru_cache(maxsize=8)
def _profile(database_url: str, district: str | None, profile_path: str) -> DistrictProfile:
    import yaml

    from crawler.db.scope import NoDistrict
    from crawler.db.store import district_row
    from crawler.district.profile import load_profile, profile_from_text

    with transaction(database_url, district) as session:
        try:
            row: District | None = district_row(session)
        except NoDistrict:
            row = None
        stored = dict(row.profile) if row is not None and row.profile else None
    if stored:
        return profile_from_text(
            yaml.safe_dump(stored, sort_keys=False), "the imported district profile"
        )
    return load_profile(profile_path)


def district_profile(config: Config) -> DistrictProfile:
    """The district profile as imported into the database, else the configured file."""
    return _profile(config.database_url, config.district, str(config.profile))


def district_domains(config: Config) -> list[str]:
    """The district's domains plus the hosts of its and its entities' web sites."""
    profile = district_profile(config)
    hosts = list(profile.district.domains)
    for url in [profile.district.website, *(e.website for e in profile.entities)]:
        host = (urlsplit(url).hostname or "").lower() if url else ""
        if host and not profile.is_district_domain(host):
            hosts.append(host)
    return list(dict.fromkeys(hosts))


def done_queries(config: Config, scan_id: int, source: str) -> set[str]:
    """Queries of ``source`` already covered in this scan (a resumed crawl skips them)."""
    with transaction(config.database_url, config.district) as session:
        return set(
            session.scalars(
                select(ScanQuery.query).where(
                    ScanQuery.scan_id == scan_id,
                    ScanQuery.source == source,
                    ScanQuery.status == "done",
                )
            )
        )


@dataclass(frozen=True, slots=True)
class Candidate:
    account_id: int
    platform: str
    handle: str
    url: str


def scan_candidates(
    config: Config, scan_id: int, platforms: Sequence[str] | None = None
) -> list[Candidate]:
    """Accounts this scan saw only as links or search results, on platforms whose
    robots.txt lets a crawler read the public profile."""
    from crawler.platforms import PLATFORMS

    readable = [
        p
        for p, m in PLATFORMS.items()
        if not m.robots_blocks_crawlers and (not platforms or p in platforms)
    ]
    with transaction(config.database_url, config.district) as session:
        seen = select(Sighting.account_id).where(Sighting.scan_id == scan_id)
        profiled = seen.where(Sighting.source.in_(PROFILE_SOURCES))
        rows = session.scalars(
            select(Account)
            .where(
                Account.id.in_(seen),
                Account.id.not_in(profiled),
                Account.platform.in_(readable),
            )
            .order_by(Account.id)
        )
        return [Candidate(a.id, a.platform, a.handle, a.url) for a in rows]


def unresolved_youtube(config: Config, scan_id: int) -> list[str]:
    """Legacy YouTube URLs (``/c/``, ``/user/``, bare names) seen in this scan, without a channel id."""
    with transaction(config.database_url, config.district) as session:
        seen = select(Sighting.account_id).where(Sighting.scan_id == scan_id)
        rows = session.scalars(
            select(Account.url)
            .where(
                Account.id.in_(seen),
                Account.platform == Platform.YOUTUBE,
                Account.platform_id.is_(None),
            )
            .order_by(Account.id)
        )
        return [u for u in rows if "/@" not in u]


@dataclass(frozen=True, slots=True)
class RegistryLookup:
    """A registry row in use whose stable id is not known yet: a scan looks it up."""

    platform: str
    url: str
    handle: str
    entity_key: str


def _district(session: Session) -> District | None:
    """The crawl's district row, or None (no district imported yet)."""
    from crawler.db.scope import NoDistrict
    from crawler.db.store import district_row

    try:
        return district_row(session)
    except NoDistrict:
        return None


def registry_lookups(config: Config) -> list[RegistryLookup]:
    """Rows in use without a stable id, on the platforms whose id a scan can fetch."""
    from crawler.db.models import RegisteredAccount
    from crawler.db.registry_ids import FETCHABLE_IDS, IN_USE

    with transaction(config.database_url, config.district) as session:
        district = _district(session)
        if district is None:
            return []
        rows = session.scalars(
            select(RegisteredAccount)
            .where(
                RegisteredAccount.district_id == district.id,
                RegisteredAccount.status.in_(IN_USE),
                RegisteredAccount.platform.in_(FETCHABLE_IDS),
                RegisteredAccount.platform_id.is_(None),
            )
            .order_by(RegisteredAccount.id)
        )
        return [RegistryLookup(r.platform, r.url, r.handle, r.entity_key) for r in rows]


def registered_urls(config: Config) -> list[tuple[str, str, str]]:
    """``(platform, url, status)`` of the registered accounts, in the registry's order."""
    with transaction(config.database_url, config.district) as session:
        rows = session.execute(
            select(
                RegisteredAccount.platform, RegisteredAccount.url, RegisteredAccount.status
            ).order_by(RegisteredAccount.id)
        )
        return [(str(p), u, str(s)) for p, u, s in rows]


def selfcheck_drift(config: Config, scan_id: int) -> dict[str, str]:
    """Platforms whose selfcheck in this scan did not pass (``failed`` coverage rows of the
    ``selfcheck`` source, one per platform): platform -> reason. Their "not found" answers are
    not trusted in this scan."""
    with transaction(config.database_url, config.district) as session:
        rows = session.execute(
            select(ScanQuery.query, ScanQuery.error).where(
                ScanQuery.scan_id == scan_id,
                ScanQuery.source == Source.SELFCHECK,
                ScanQuery.status == "failed",
            )
        )
        return {q: e or "selfcheck failed" for q, e in rows}


@dataclass(frozen=True, slots=True)
class KnownAccount:
    """An account a scan re-observes by itself, not only when a search finds it: a registered
    account with a stable id, a registered account on a platform whose public pages a crawler
    may read even before its id is known (looked up by its URL), or the account of a case the
    district follows. ``url`` and ``handle`` are the latest known (the account row's, else the
    registry row's); ``platform_id`` is None for an account known only by its URL."""

    platform: str
    url: str
    handle: str
    platform_id: str | None
    why: str  # "registered" or "case"
    entity_key: str | None = None


# Cases whose account is re-observed each scan: the open ones (is it still there?) and those
# the district had taken down or reported (is it back?).
REOBSERVED_CASES = (
    CaseStatus.OPEN,
    CaseStatus.NOTIFIED,
    CaseStatus.REPORTED_TO_PLATFORM,
    CaseStatus.RESOLVED_DEACTIVATED,
)


def known_accounts(
    config: Config,
    scan_id: int | None,
    platforms: Sequence[str] | None = None,
    entity: str | None = None,
) -> list[KnownAccount]:
    """Registered accounts in use with a stable id, registered accounts without one yet on a
    platform whose pages robots.txt leaves open and whose id no registry lookup fetches (a
    TikTok row: looked up by its URL, as a candidate's page is), and the accounts of followed
    cases, that no source of this scan has observed directly yet (an API answer or the
    account's page): the ``profiles`` source re-observes them. Registered first, each account
    once."""
    from crawler.db.liveness import DIRECT_SOURCES
    from crawler.db.registry_ids import FETCHABLE_IDS, IN_USE
    from crawler.platforms import PLATFORMS, same_account_urls

    with transaction(config.database_url, config.district) as session:
        district = _district(session)
        if district is None:
            return []
        observed_ids: set[int] = set()
        observed_keys: set[tuple[str, str]] = set()
        if scan_id is not None:
            for acc_id, seen_on, platform_id in session.execute(
                select(Account.id, Account.platform, Account.platform_id).where(
                    Account.id.in_(
                        select(Sighting.account_id).where(
                            Sighting.scan_id == scan_id,
                            Sighting.source.in_(sorted(DIRECT_SOURCES)),
                        )
                    )
                )
            ):
                observed_ids.add(acc_id)
                if platform_id:
                    observed_keys.add((str(seen_on), platform_id))
        by_id: dict[tuple[str, str], Account] = {}
        by_url: dict[tuple[str, str], Account] = {}
        for a in session.scalars(
            select(Account)
            .where(Account.district_id == district.id)
            .order_by(Account.id.desc())  # the oldest row wins: it holds the history
        ):
            by_url[(str(a.platform), a.url)] = a
            if a.platform_id:
                by_id[(str(a.platform), a.platform_id)] = a

        def by_page(platform: str) -> bool:
            """An id-less row is looked up by its URL: the platform's pages are open to
            crawlers, and no registry lookup fetches its id (YouTube, Bluesky, Mastodon)."""
            module = PLATFORMS.get(platform)
            return (
                platform not in FETCHABLE_IDS
                and module is not None
                and not module.robots_blocks_crawlers
            )

        out: list[KnownAccount] = []
        taken: set[tuple[str, str]] = set()

        def add(k: KnownAccount, account_id: int | None) -> None:
            key = (k.platform, k.platform_id or k.url)
            if platforms and k.platform not in platforms:
                return
            if account_id in observed_ids or key in observed_keys or key in taken:
                return
            taken.add(key)
            out.append(k)

        for r in session.scalars(
            select(RegisteredAccount)
            .where(
                RegisteredAccount.district_id == district.id,
                RegisteredAccount.status.in_(IN_USE),
            )
            .order_by(RegisteredAccount.id)
        ):
            if entity is not None and r.entity_key != entity:
                continue
            platform = str(r.platform)
            if r.platform_id:
                acc = by_id.get((platform, r.platform_id))
            elif by_page(platform):
                acc = next(
                    (
                        hit
                        for u in (r.url, *same_account_urls(platform, r.url))
                        if (hit := by_url.get((platform, u))) is not None
                    ),
                    None,
                )
            else:
                continue
            url, handle = (acc.url, acc.handle) if acc is not None else (r.url, r.handle)
            pid = r.platform_id or (acc.platform_id if acc is not None else None)
            k = KnownAccount(platform, url, handle, pid, "registered", r.entity_key)
            add(k, acc.id if acc is not None else None)
        for case, case_account in session.execute(
            select(Case, Account)
            .join(Account, Account.id == Case.account_id)
            .where(Case.district_id == district.id, Case.status.in_(REOBSERVED_CASES))
            .order_by(Case.id)
        ):
            if entity is not None and case.entity_key != entity:
                continue
            k = KnownAccount(
                str(case_account.platform),
                case_account.url,
                case_account.handle,
                case_account.platform_id,
                "case",
                case.entity_key,
            )
            add(k, case_account.id)
        return out


@dataclass(frozen=True, slots=True)
class SeenHandle:
    """An account a scan saw, with the sightings that saw it (source and query each)."""

    account_id: int
    platform: str
    handle: str
    display_name: str | None
    found_by: tuple[tuple[str, str | None], ...]


def scan_handles(config: Config, scan_id: int) -> list[SeenHandle]:
    """Every account this scan saw (in the order first stored), with its sightings."""
    with transaction(config.database_url, config.district) as session:
        rows = session.execute(
            select(
                Account.id,
                Account.platform,
                Account.handle,
                Account.display_name,
                Sighting.source,
                Sighting.query,
            )
            .join(Sighting, Sighting.account_id == Account.id)
            .where(Sighting.scan_id == scan_id)
            .order_by(Account.id, Sighting.id)
        ).all()
    out: dict[int, SeenHandle] = {}
    for account_id, platform, handle, name, source, query in rows:
        seen = out.get(account_id)
        found_by = (seen.found_by if seen else ()) + ((source, query),)
        out[account_id] = SeenHandle(account_id, platform, handle, name, found_by)
    return list(out.values())


def asked_handles(config: Config, scan_id: int, sources: Sequence[str]) -> set[tuple[str, str]]:
    """``(platform, lower-cased handle)`` the handle lookups of ``sources`` asked in this scan
    (answered or not)."""
    with transaction(config.database_url, config.district) as session:
        rows = session.execute(
            select(ScanQuery.source, ScanQuery.query).where(
                ScanQuery.scan_id == scan_id, ScanQuery.source.in_(list(sources))
            )
        ).all()
    return {key for source, query in rows if (key := probe_key(source, str(query)))}


def registry_handles(config: Config) -> list[tuple[str, str, str]]:
    """``(platform, handle, display name)`` of the registered accounts in use, in the
    registry's order (the usernames the district itself gives its accounts)."""
    from crawler.db.registry_ids import IN_USE

    with transaction(config.database_url, config.district) as session:
        rows = session.execute(
            select(
                RegisteredAccount.platform,
                RegisteredAccount.handle,
                RegisteredAccount.display_name,
            )
            .where(RegisteredAccount.status.in_(IN_USE))
            .order_by(RegisteredAccount.id)
        )
        return [(str(p), h, n or "") for p, h, n in rows if h]
