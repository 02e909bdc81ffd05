"""Store: upsert the account, add the sighting, record per-query coverage.

Items are buffered and written in one transaction per batch (``SCOUT_STORE_BATCH`` items,
and at close), against ``SCOUT_DATABASE_URL`` under the scan ``SCOUT_SCAN_ID``. Under
``scrapy crawl`` without a scan id the pipeline opens a scan of its own and closes it.

An account is one row per canonical URL. When a sighting's URL is new but its stable
platform id (YouTube channel id, Bluesky DID, ...) is known, it is the same account under a
new handle: the row is renamed and the old handle kept in ``previous_handles``. A sighting
that ``resolves`` a legacy URL (YouTube ``/c/name``) renames that row the same way, or folds
it into the row of its current URL when that one is stored already. Two rows
of one account (its handle and its id-only URL seen apart before the id was known) are
merged when the id turns up.
A sighting already stored for the same scan, source, query and source URL is not stored
again (a resumed crawl repeats requests).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from crawler.db.models import Account, Assessment, Case, Evidence, Scan, ScanQuery, Sighting, utcnow
from crawler.db.registry_ids import (
    RegistryTarget,
    note_resolved,
    note_unresolved,
    registry_targets,
)
from crawler.discovery.context import ScanContext
from crawler.discovery.items import AccountSighting, CoverageBook, NotFound, QueryCoverage
from crawler.platforms import PageState, canonicalise
from crawler.vocab import ScanKind, ScanStatus

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)
PROFILE_FIELDS = ("display_name", "bio", "followers", "verified", "private", "location")
COVERAGE_CHUNK = 500  # coverage rows read per SELECT (well under SQLite's bound parameters)


@dataclass(frozen=True, slots=True)
class StoreSettings:
    database_url: str
    scan_id: int | None
    batch: int
    district: str | None = None  # the crawl's district (None: the database's only one)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoreSettings:
        """From the crawl's :class:`~crawler.discovery.context.ScanContext` when configured."""
        settings = crawler.settings
        if settings.get("SCOUT_CONFIG") is None:
            return cls.from_settings(settings)
        context = ScanContext.from_crawler(crawler)
        return cls(
            settings.get("SCOUT_DATABASE_URL") or context.database_url,
            context.scan_id,
            max(settings.getint("SCOUT_STORE_BATCH", 50), 1),
            settings.get("SCOUT_DISTRICT") or context.config.district,
        )

    @classmethod
    def from_settings(cls, settings: Any) -> StoreSettings:
        url = settings.get("SCOUT_DATABASE_URL")
        if not url:
            config = settings.get("SCOUT_CONFIG")
            url = config.database_url if config is not None else None
        if not url:
            raise ValueError("SCOUT_DATABASE_URL is not set")
        scan = settings.get("SCOUT_SCAN_ID")
        return cls(
            url,
            int(scan) if scan not in (None, "") else None,
            max(settings.getint("SCOUT_STORE_BATCH", 50), 1),
            settings.get("SCOUT_DISTRICT") or None,
        )


# --------------------------------------------------------------------------- data functions


def _by_url(session: Session, district_id: int, platform: str, url: str) -> Account | None:
    return session.scalars(
        select(Account).where(
            Account.district_id == district_id, Account.platform == platform, Account.url == url
        )
    ).first()


def _rename(acc: Account, item: AccountSighting) -> None:
    """The row found by its stable id now goes by the sighting's URL (a new handle)."""
    if item.platform_id and item.handle == item.platform_id and acc.handle != acc.platform_id:
        return  # an id-only URL (/channel/UC…) never replaces a known handle
    if (
        acc.handle
        and acc.handle != item.handle
        and acc.handle != acc.platform_id
        and acc.handle not in (acc.previous_handles or [])
    ):
        acc.previous_handles = [*(acc.previous_handles or []), acc.handle]
    acc.url = item.canonical_url or acc.url
    acc.handle = item.handle or acc.handle


def _by_platform_id(
    session: Session, district_id: int, platform: str, platform_id: str
) -> Account | None:
    return session.scalars(
        select(Account)
        .where(
            Account.district_id == district_id,
            Account.platform == platform,
            Account.platform_id == platform_id,
        )
        .order_by(Account.id)
    ).first()


def find_or_create_account(
    session: Session,
    district_id: int,
    scan_id: int,
    item: AccountSighting,
    index: BatchIndex | None = None,
) -> tuple[Account, bool]:
    """The account row of a canonicalised sighting, and whether it was created (``index``:
    the batch's rows read ahead, :class:`BatchIndex`; without it each lookup is a SELECT)."""
    assert item.platform and item.canonical_url and item.handle

    def by_url(url: str) -> Account | None:
        if index is not None:
            return index.by_url(item.platform or "", url)
        return _by_url(session, district_id, item.platform or "", url)

    acc = by_url(item.canonical_url)
    legacy = by_url(item.resolves) if item.resolves else None
    if acc is None and legacy is not None:
        acc = legacy
        _rename(acc, item)
    elif acc is not None and legacy is not None and legacy.id != acc.id:
        # the legacy URL (a YouTube /user/ link on the district's site) of an account this
        # scan already stored under its current URL: one account, one row
        merged = merge_accounts(session, acc, legacy, item)
        if merged is not None:
            acc = merged
        if index is not None:
            index.load()
    if item.platform_id:
        same_id = (
            index.by_platform_id(item.platform, item.platform_id)
            if index is not None
            else _by_platform_id(session, district_id, item.platform, item.platform_id)
        )
        if acc is None and same_id is not None:
            acc = same_id
            _rename(acc, item)
        elif acc is not None and same_id is not None and same_id.id != acc.id:
            # one account stored twice: its handle and its id were seen apart before the id was known
            merged = merge_accounts(session, acc, same_id, item)
            if merged is None:
                item.platform_id = None  # both rows carry cases: they stay apart, one holds the id
            else:
                acc = merged
            if index is not None:
                index.load()  # rows and sightings moved: read them again
    if acc is not None:
        if index is not None:
            index.note(acc)
        return acc, False
    acc = Account(
        district_id=district_id,
        platform=item.platform,
        url=item.canonical_url,
        handle=item.handle,
        platform_id=item.platform_id,
        links=[],
        previous_handles=[],
        first_seen_at=item.fetched_at,
        last_seen_at=item.fetched_at,
        first_scan_id=scan_id,
        last_scan_id=scan_id,
    )
    session.add(acc)
    session.flush()
    if index is not None:
        index.note(acc)
    return acc, True


def _has_case(session: Session, acc: Account) -> bool:
    return (
        session.scalars(select(Case.id).where(Case.account_id == acc.id).limit(1)).first()
        is not None
    )


def merge_accounts(
    session: Session, by_url: Account, by_id: Account, item: AccountSighting
) -> Account | None:
    """Fold two rows of one account into one; None when both have cases (then they stay apart).

    The row with a case (else the older row) is kept, so case numbers and their account stay
    stable; the other row's sightings, assessments and evidence move to it. The kept row takes
    the handle form of the URL (never the id-only form) and the stable id.
    """
    a_case, b_case = _has_case(session, by_url), _has_case(session, by_id)
    if a_case and b_case:
        return None
    keep, drop = (
        (by_url, by_id) if a_case or (not b_case and by_url.id < by_id.id) else (by_id, by_url)
    )
    named = by_url if by_url.handle != item.platform_id else by_id
    url, handle = named.url, named.handle
    taken = set(session.scalars(select(Assessment.scan_id).where(Assessment.account_id == keep.id)))
    for assessment in session.scalars(select(Assessment).where(Assessment.account_id == drop.id)):
        if assessment.scan_id in taken:
            session.delete(assessment)
        else:
            assessment.account_id = keep.id
    for sighting in session.scalars(select(Sighting).where(Sighting.account_id == drop.id)):
        sighting.account_id = keep.id
    for evidence in session.scalars(select(Evidence).where(Evidence.account_id == drop.id)):
        evidence.account_id = keep.id
    for name in (*PROFILE_FIELDS, "page_state"):
        if getattr(keep, name) is None:
            setattr(keep, name, getattr(drop, name))
    keep.links = list(dict.fromkeys([*(keep.links or []), *(drop.links or [])]))[:50]
    keep.previous_handles = list(
        dict.fromkeys([*(keep.previous_handles or []), *(drop.previous_handles or [])])
    )
    keep.first_seen_at = min(keep.first_seen_at, drop.first_seen_at)
    if drop.first_scan_id is not None and (
        keep.first_scan_id is None or drop.first_scan_id < keep.first_scan_id
    ):
        keep.first_scan_id = drop.first_scan_id
    session.flush()
    session.delete(drop)
    session.flush()  # the URL is free now
    keep.url, keep.handle, keep.platform_id = url, handle, item.platform_id
    session.flush()
    return keep


def update_account(acc: Account, scan_id: int, item: AccountSighting) -> None:
    """Fold what this sighting says into the account (unknown values never erase known ones)."""
    if item.platform_id and not acc.platform_id:
        acc.platform_id = item.platform_id
    for name in PROFILE_FIELDS:
        value = getattr(item, name)
        if value is not None:
            setattr(acc, name, value)
    if item.links:
        acc.links = list(dict.fromkeys([*item.links, *(acc.links or [])]))[:50]
    state = PageState(item.page_state) if item.page_state else None
    if state is not None:
        acc.page_state = state
    gone = state is not None and state.gone  # an answer that the account does not exist
    if not gone and (acc.last_seen_at is None or item.fetched_at > acc.last_seen_at):
        acc.last_seen_at = item.fetched_at
    acc.last_scan_id = scan_id


def add_sighting(
    session: Session,
    acc: Account,
    scan_id: int,
    item: AccountSighting,
    index: BatchIndex | None = None,
) -> bool:
    """Add the sighting unless the same one is already stored for this scan."""
    if index is not None:
        key = (acc.id, item.source, item.query, item.source_url)
        if key in index.sightings:
            return False
        index.sightings.add(key)
        session.add(_sighting_row(acc, scan_id, item))
        return True
    exists = session.scalars(
        select(Sighting.id)
        .where(
            Sighting.account_id == acc.id,
            Sighting.scan_id == scan_id,
            Sighting.source == item.source,
            Sighting.query.is_(None) if item.query is None else Sighting.query == item.query,
            Sighting.source_url.is_(None)
            if item.source_url is None
            else Sighting.source_url == item.source_url,
        )
        .limit(1)
    ).first()
    if exists is not None:
        return False
    session.add(_sighting_row(acc, scan_id, item))
    return True


def _sighting_row(acc: Account, scan_id: int, item: AccountSighting) -> Sighting:
    return Sighting(
        account_id=acc.id,
        scan_id=scan_id,
        source=item.source,
        query=item.query,
        source_url=item.source_url,
        rank=item.rank,
        title=item.title,
        snippet=item.snippet,
        raw_url=item.url,
        fetched_at=item.fetched_at,
        profile=sighting_profile(item),
    )


def _chunks(values: Iterable[Any], size: int = COVERAGE_CHUNK) -> Iterator[list[Any]]:
    values = list(values)
    for i in range(0, len(values), size):
        yield values[i : i + size]


class BatchIndex:
    """The rows one batch of sightings names, read ahead in its transaction: the accounts by
    canonical URL (and the legacy URLs sightings resolve) and by stable id, and this scan's
    sightings of them. A few SELECTs per batch instead of three per sighting.

    Inside the batch's transaction only the batch changes these rows (SQLite: its write lock
    is held; the pipelines of a crawl run one at a time in the crawl's thread), so the index
    follows them as the batch creates, renames and updates accounts (:meth:`note`), and a
    lookup checks that the row still has the URL or id it is found by. Merging two rows moves
    sightings and deletes a row: the index is then read again (:meth:`load`)."""

    def __init__(
        self, session: Session, district_id: int, scan_id: int, items: Iterable[Any]
    ) -> None:
        self.session = session
        self.district_id = district_id
        self.scan_id = scan_id
        self.urls: dict[str, set[str]] = {}
        self.ids: dict[str, set[str]] = {}
        for item in items:
            if not isinstance(item, AccountSighting) or not item.platform:
                continue
            self.urls.setdefault(item.platform, set()).update(
                u for u in (item.canonical_url, item.resolves) if u
            )
            if item.platform_id:
                self.ids.setdefault(item.platform, set()).add(item.platform_id)
        self.load()

    def load(self) -> None:
        self._by_url: dict[tuple[str, str], Account] = {}
        self._by_id: dict[tuple[str, str], list[Account]] = {}
        self.sightings: set[tuple[int, str, str | None, str | None]] = set()
        accounts: dict[int, Account] = {}
        for column, wanted in ((Account.url, self.urls), (Account.platform_id, self.ids)):
            for platform, values in wanted.items():
                for chunk in _chunks(sorted(values)):
                    rows = self.session.scalars(
                        select(Account).where(
                            Account.district_id == self.district_id,
                            Account.platform == platform,
                            column.in_(chunk),
                        )
                    )
                    accounts.update((acc.id, acc) for acc in rows)
        for acc in accounts.values():
            self.note(acc)
        for chunk in _chunks(sorted(accounts)):
            self.sightings.update(
                (r.account_id, r.source, r.query, r.source_url)
                for r in self.session.execute(
                    select(
                        Sighting.account_id, Sighting.source, Sighting.query, Sighting.source_url
                    ).where(Sighting.scan_id == self.scan_id, Sighting.account_id.in_(chunk))
                )
            )

    def note(self, acc: Account) -> None:
        """``acc`` as it is now (created, renamed or given its stable id by the batch)."""
        self._by_url[(acc.platform, acc.url)] = acc
        if acc.platform_id:
            same = self._by_id.setdefault((acc.platform, acc.platform_id), [])
            if acc not in same:
                same.append(acc)

    def by_url(self, platform: str, url: str) -> Account | None:
        acc = self._by_url.get((platform, url))
        return acc if acc is not None and acc.url == url else None

    def by_platform_id(self, platform: str, platform_id: str) -> Account | None:
        rows = [
            a
            for a in self._by_id.get((platform, platform_id), ())
            if a.platform == platform and a.platform_id == platform_id
        ]
        return min(rows, key=lambda a: a.id) if rows else None


def sighting_profile(item: AccountSighting) -> dict[str, Any] | None:
    """The profile facts of one sighting as the source gave them (None: a link or a search
    result without any): what the registry watch compares across scans."""
    if not item.has_profile and item.page_state is None:
        return None
    out: dict[str, Any] = {
        "handle": item.handle,
        "platform_id": item.platform_id,
        "display_name": item.display_name,
        "bio": item.bio,
        "links": list(item.links)[:50],
        "followers": item.followers,
        "private": item.private,
        "page_state": item.page_state,
    }
    for key in ("posts", "last_post_at", "avatar_hash"):
        if item.extra.get(key) is not None:
            out[key] = item.extra[key]
    return out


def sighting_urls(acc: Account, item: AccountSighting) -> list[str]:
    """The canonical URLs a sighting names its account by: its own, the legacy URL it
    ``resolves`` and the stored row's."""
    urls = [item.canonical_url, acc.url]
    if item.resolves:
        ref = canonicalise(item.resolves)
        urls.append(ref.url if ref is not None else None)
    return [u for u in dict.fromkeys(urls) if u]


class RegistryIds:
    """The registry rows in use, read once per crawl, and what this crawl's items say about
    their stable ids (written in the store's transactions)."""

    def __init__(self, targets: dict[tuple[str, str], RegistryTarget]) -> None:
        self.by_url = targets
        self.by_id = {(t.platform, t.platform_id): t for t in targets.values() if t.platform_id}

    def sighting(self, session: Session, acc: Account, item: AccountSighting) -> str | None:
        """Fold a sighting that shows a stable id into the registry row of its account."""
        platform_id = item.platform_id or acc.platform_id
        if not platform_id or item.platform is None:
            return None
        target = next(
            (
                t
                for url in sighting_urls(acc, item)
                if (t := self.by_url.get((item.platform, url))) is not None
            ),
            self.by_id.get((item.platform, platform_id)),
        )
        if target is None:
            return None
        via = f"{item.source}: {item.source_url or item.url}"
        return note_resolved(session, target.id, platform_id, via)

    def not_found(self, session: Session, miss: NotFound) -> bool:
        ref = canonicalise(miss.url)
        target = self.by_url.get((ref.platform, ref.url)) if ref is not None else None
        if target is None or target.platform_id:
            return False
        return note_unresolved(
            session, target.id, f"{miss.source} asked {miss.asked}: {miss.answer}"
        )


def write_coverage(
    session: Session, scan_id: int, source: str, entries: list[QueryCoverage]
) -> None:
    """Insert or update the ``ScanQuery`` rows of these queries: the stored rows are read
    :data:`COVERAGE_CHUNK` at a time and the new ones inserted in one statement (a handle probe
    closes thousands of queries at once)."""
    if not entries:
        return
    rows: dict[str, ScanQuery] = {}
    for chunk in _chunks(dict.fromkeys(e.query[:1000] for e in entries)):
        rows.update(
            (row.query, row)
            for row in session.scalars(
                select(ScanQuery).where(
                    ScanQuery.scan_id == scan_id,
                    ScanQuery.source == source,
                    ScanQuery.query.in_(chunk),
                )
            )
        )
    new: dict[str, dict[str, Any]] = {}
    for e in entries:
        query = e.query[:1000]
        row = rows.get(query)
        if row is not None:
            row.status = e.status
            row.error = e.error
            row.results = max(e.results, row.results or 0)
            continue
        values = new.setdefault(
            query, {"scan_id": scan_id, "source": source, "query": query, "results": 0}
        )
        values["status"] = e.status
        values["error"] = e.error
        values["results"] = max(e.results, values["results"])
    session.flush()
    if new:
        session.execute(insert(ScanQuery), list(new.values()))


# --------------------------------------------------------------------------- the pipeline


class StorePipeline:
    def __init__(self, crawler: Crawler, settings: StoreSettings) -> None:
        self.crawler = crawler
        self.settings = settings
        self.scan_id = settings.scan_id
        self.own_scan = False
        self.district_id: int | None = None
        self.buffer: list[AccountSighting | NotFound] = []
        self.registry = RegistryIds({})

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        from scrapy import signals

        pipeline = cls(crawler, StoreSettings.from_crawler(crawler))
        crawler.signals.connect(pipeline.item_gone, signal=signals.item_dropped)
        crawler.signals.connect(pipeline.item_gone, signal=signals.item_error)
        return pipeline

    def item_gone(self, item: Any, **kwargs: Any) -> None:
        """A sighting dropped (not an account) or failed before the store: it counts as landed."""
        book = self.coverage
        if book is not None and isinstance(item, AccountSighting) and item.query is not None:
            book.landed(item.query)

    def _session(self) -> Any:
        from crawler.db import transaction

        return transaction(self.settings.database_url, self.settings.district)

    def open_spider(self) -> None:
        from crawler.db.store import district_row

        with self._session() as session:
            district = district_row(session)
            self.district_id = district.id
            self.registry = RegistryIds(registry_targets(session, district.id))
            if self.scan_id is None:
                spider = self.crawler.spider
                scan = Scan(
                    district_id=district.id,
                    kind=ScanKind.SCAN,
                    status=ScanStatus.RUNNING,
                    params={"sources": [getattr(spider, "name", "?")], "via": "scrapy crawl"},
                )
                session.add(scan)
                session.flush()
                self.scan_id = scan.id
                self.own_scan = True
        spider = self.crawler.spider
        if spider is not None and getattr(spider, "scan_id", None) is None:
            setattr(spider, "scan_id", self.scan_id)  # noqa: B010 - any spider, typed or not

    @property
    def coverage(self) -> CoverageBook | None:
        return getattr(self.crawler.spider, "coverage", None)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, AccountSighting | NotFound):
            return item
        self.buffer.append(item)
        if len(self.buffer) >= self.settings.batch:
            self.flush()
        return item

    def flush(self) -> None:
        items, self.buffer = self.buffer, []
        book = self.coverage
        stats = self.crawler.stats
        assert self.district_id is not None and self.scan_id is not None
        with self._session() as session:
            index = BatchIndex(session, self.district_id, self.scan_id, items)
            for item in items:
                if isinstance(item, NotFound):
                    if self.registry.not_found(session, item):
                        stats.inc_value("scout/registry/unresolved")
                    continue
                acc, created = find_or_create_account(
                    session, self.district_id, self.scan_id, item, index
                )
                update_account(acc, self.scan_id, item)
                index.note(acc)  # it may have its stable id now
                outcome = self.registry.sighting(session, acc, item)
                if outcome is not None:
                    stats.inc_value(f"scout/registry/{outcome}")
                if created:
                    stats.inc_value("scout/accounts/new")
                if add_sighting(session, acc, self.scan_id, item, index):
                    stats.inc_value("scout/sightings")
                    if book is not None and item.query is not None:
                        book.add_results(item.query)
                if book is not None and item.query is not None:
                    book.landed(item.query)
            session.flush()
            if book is not None:
                write_coverage(session, self.scan_id, book.source, book.take_dirty())

    def close_spider(self) -> None:
        book = self.coverage
        if book is not None:
            book.close(getattr(self.crawler.spider, "stop_reason", None) or "closed")
        self.flush()
        if book is not None and book.dirty:
            logger.warning(
                "%s: coverage of %d queries not written (sightings unaccounted for): %s",
                book.source,
                len(book.dirty),
                sorted(book.dirty)[:5],
            )
        if self.own_scan:
            with self._session() as session:
                scan = session.get(Scan, self.scan_id)
                if scan is not None:
                    scan.status = ScanStatus.COMPLETED
                    scan.finished_at = utcnow()
