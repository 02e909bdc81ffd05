"""API quotas across scans: what each paid or rationed API has left in its current period.

The per-scan budgets (``[budget]``) cap one crawl; the APIs' own quotas span days and months
and are shared by every scan and every ad-hoc ``scout search`` on the same key. So each call
that costs quota is recorded in the ``api_usage`` table (:class:`crawler.db.models.ApiUsage`)
under its *bucket* and *period*:

=====================  ==========================================  ==========================
bucket                 what is charged                             period
=====================  ==========================================  ==========================
``youtube/search_calls``  every ``search.list`` call sent (retries     the day in Pacific time
                       and invalid requests too)                   (resets at midnight Pacific)
``youtube/units``      every other call sent (``channels.list``)   the day in Pacific time
``brave/requests``     every successful Brave Search request       the calendar month (UTC)
=====================  ==========================================  ==========================

The planner plans each source within ``min(per-scan budget, remaining in the period)`` and
skips a source whose period quota is used up, with the reason. An API that answers "quota
exceeded" marks its bucket ``exhausted`` for the period, whatever the count says.

The crawl charges calls through a :class:`Ledger`, which writes ahead in small reservations
(:data:`RESERVE`): a crawl killed mid-way leaves at most one reservation too many on the
books (never too few), and a clean close gives back what it reserved and did not use.

The clock is :func:`now` (tests replace it); sessions are opened by the callers, except in
:func:`current_usage` and the :class:`Ledger`, which sit at the edges.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crawler.db.models import ApiUsage, utcnow

if TYPE_CHECKING:
    from crawler.config import Config

PACIFIC = "America/Los_Angeles"
RESERVE = 5  # calls written ahead per reservation: what a killed crawl may over-count
META = "scout_quota"  # request meta key: the bucket a request is charged to

SEARCH_CALLS = "youtube/search_calls"
UNITS = "youtube/units"
BRAVE = "brave/requests"


def now() -> datetime:
    """The current time (UTC); the one clock of quota periods."""
    return datetime.now(UTC)


# --------------------------------------------------------------------------- periods


def _pacific_offset(at: datetime) -> timedelta:
    """UTC offset of US Pacific time at ``at`` (tz database, else the US rules since 2007)."""
    try:
        from zoneinfo import ZoneInfo

        offset = at.astimezone(ZoneInfo(PACIFIC)).utcoffset()
        if offset is not None:
            return offset
    except (
        ImportError,
        KeyError,
        ValueError,
    ):  # no tz database on this system (ZoneInfoNotFoundError)
        pass
    year = at.year
    march = date(year, 3, 8 + (6 - date(year, 3, 8).weekday()) % 7)  # second Sunday of March
    nov = date(year, 11, 1 + (6 - date(year, 11, 1).weekday()) % 7)  # first Sunday of November
    start = datetime(year, 3, march.day, 10, tzinfo=UTC)  # 02:00 PST
    end = datetime(year, 11, nov.day, 9, tzinfo=UTC)  # 02:00 PDT
    return timedelta(hours=-7) if start <= at.astimezone(UTC) < end else timedelta(hours=-8)


def pacific_day(at: datetime) -> str:
    """``YYYY-MM-DD`` of ``at`` in US Pacific time (YouTube's quota day)."""
    return (at.astimezone(UTC) + _pacific_offset(at)).date().isoformat()


def utc_month(at: datetime) -> str:
    """``YYYY-MM`` of ``at`` in UTC (the Brave monthly budget's month)."""
    return at.astimezone(UTC).strftime("%Y-%m")


# --------------------------------------------------------------------------- buckets


@dataclass(frozen=True, slots=True)
class Bucket:
    """One rationed quantity of one API, with its period and its configured limit."""

    key: str  # "youtube/search_calls"
    limit: int  # per period, from config.budget
    label: str  # "YouTube daily quota"
    unit: str  # "search.list calls"
    monthly: bool  # False: a Pacific day
    charge_on_success: bool  # Brave bills successful requests only; YouTube charges every call
    key_fp: str = ""  # the API key's fingerprint (:func:`key_fingerprint`): a ledger per key

    @property
    def source(self) -> str:
        return self.key.split("/", 1)[0]

    @property
    def name(self) -> str:
        return self.key.split("/", 1)[1]

    def period(self, at: datetime | None = None) -> str:
        at = at or now()
        return utc_month(at) if self.monthly else pacific_day(at)

    @property
    def when(self) -> str:
        return "this month" if self.monthly else "today"

    @property
    def resets(self) -> str:
        return "resets on the 1st, UTC" if self.monthly else "resets at midnight Pacific"


def key_fingerprint(api_key: str | None) -> str:
    """The first 12 hex digits of the key's SHA-256: quotas are kept per API key, and the key
    itself is never stored. ``''`` without a key."""
    import hashlib

    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()[:12] if api_key else ""


def buckets(config: Config) -> dict[str, Bucket]:
    """The rationed buckets and their configured limits per period, each on the ledger of the
    API key in use (several districts sharing a key share its quota)."""
    from crawler.config import secret

    b = config.budget
    youtube, brave = key_fingerprint(secret("youtube")), key_fingerprint(secret("brave"))
    return {
        SEARCH_CALLS: Bucket(
            SEARCH_CALLS,
            b.youtube_search_calls_per_day,
            "YouTube daily quota",
            "search.list calls",
            monthly=False,
            charge_on_success=False,
            key_fp=youtube,
        ),
        UNITS: Bucket(
            UNITS,
            b.youtube_units_per_day,
            "YouTube daily quota",
            "units",
            monthly=False,
            charge_on_success=False,
            key_fp=youtube,
        ),
        BRAVE: Bucket(
            BRAVE,
            b.brave_requests_per_month,
            "Brave Search monthly budget",
            "requests",
            monthly=True,
            charge_on_success=True,
            key_fp=brave,
        ),
    }


@dataclass(frozen=True, slots=True)
class QuotaState:
    """A bucket's use in its current period."""

    bucket: Bucket
    period: str
    used: int = 0
    exhausted: bool = False

    @property
    def remaining(self) -> int:
        return 0 if self.exhausted else max(self.bucket.limit - self.used, 0)

    def reason(self) -> str:
        """Why the source cannot use this bucket now (for the scan summary's ``skipped``)."""
        b = self.bucket
        if self.exhausted:
            return (
                f"{b.label} used: the API answered that the quota is exceeded {b.when} "
                f"({self.used} {b.unit} recorded; {b.resets})"
            )
        return f"{b.label} used: {self.used}/{b.limit} {b.unit} {b.when} ({b.resets})"

    def describe(self) -> str:
        """One line for ``scout scan --dry-run``."""
        b = self.bucket
        state = " (exhausted: the API said so)" if self.exhausted else ""
        return f"{b.key}: {self.remaining} of {b.limit} {b.unit} left {b.when}{state}, period {self.period}; {b.resets}"


Usage = Mapping[str, QuotaState]


# --------------------------------------------------------------------------- database


def _row(session: Session, bucket: Bucket, period: str) -> ApiUsage | None:
    return session.scalars(
        select(ApiUsage).where(
            ApiUsage.source == bucket.source,
            ApiUsage.key_fp == bucket.key_fp,
            ApiUsage.bucket == bucket.name,
            ApiUsage.period == period,
        )
    ).first()


def read_usage(
    session: Session, config: Config, at: datetime | None = None
) -> dict[str, QuotaState]:
    """Every bucket's use in its period at ``at`` (default: now)."""
    at = at or now()
    out = {}
    for key, bucket in buckets(config).items():
        period = bucket.period(at)
        row = _row(session, bucket, period)
        out[key] = QuotaState(bucket, period, row.used if row else 0, bool(row and row.exhausted))
    return out


def current_usage(config: Config) -> dict[str, QuotaState]:
    """:func:`read_usage` in a transaction of its own (for the planner's callers)."""
    from crawler.db import transaction

    with transaction(config.database_url, config.district) as session:
        return read_usage(session, config)


def _ensure(session: Session, bucket: Bucket, period: str) -> None:
    if _row(session, bucket, period) is not None:
        return
    try:
        with session.begin_nested():  # another process may insert the same row first
            session.add(
                ApiUsage(
                    source=bucket.source,
                    key_fp=bucket.key_fp,
                    bucket=bucket.name,
                    period=period,
                    used=0,
                    exhausted=False,
                    updated_at=utcnow(),
                )
            )
    except IntegrityError:
        pass


def charge(session: Session, bucket: Bucket, period: str, n: int) -> int:
    """Add ``n`` (may be negative: a refund, never below zero) to the period's count; the new count."""
    _ensure(session, bucket, period)
    where = (
        ApiUsage.source == bucket.source,
        ApiUsage.key_fp == bucket.key_fp,
        ApiUsage.bucket == bucket.name,
        ApiUsage.period == period,
    )
    # one UPDATE, so concurrent crawls (a scan and an ad-hoc search) never lose each other's calls
    session.execute(
        update(ApiUsage).where(*where).values(used=ApiUsage.used + n, updated_at=utcnow())
    )
    if n < 0:
        session.execute(update(ApiUsage).where(*where, ApiUsage.used < 0).values(used=0))
    return int(session.scalar(select(ApiUsage.used).where(*where)) or 0)


def mark_exhausted(session: Session, bucket: Bucket, period: str) -> None:
    """The API said the quota is used up: nothing is left in this period."""
    _ensure(session, bucket, period)
    session.execute(
        update(ApiUsage)
        .where(
            ApiUsage.source == bucket.source,
            ApiUsage.key_fp == bucket.key_fp,
            ApiUsage.bucket == bucket.name,
            ApiUsage.period == period,
        )
        .values(exhausted=True, updated_at=utcnow())
    )


# --------------------------------------------------------------------------- the crawl's ledger


class Ledger:
    """Charges one crawl's calls to the database, written ahead in reservations of :data:`RESERVE`.

    :meth:`charge` counts a call (reserving more in the database when the reservation is
    spent); :meth:`close` gives back the unused part of the reservations. ``used`` is what
    this crawl really spent per bucket (for the scan summary); :meth:`others` is what other
    crawls spent in the period, as last seen.
    """

    def __init__(self, config: Config) -> None:
        self.database_url = config.database_url
        self.buckets = buckets(config)
        self.used: dict[str, int] = {}
        self._periods: dict[
            tuple[str, str], list[int]
        ] = {}  # (bucket, period) -> [used, reserved, db total]

    def _session(self):  # type: ignore[no-untyped-def]
        from crawler.db import transaction

        return transaction(self.database_url)

    def charge(self, key: str, n: int = 1) -> None:
        bucket = self.buckets[key]
        period = bucket.period()
        entry = self._periods.setdefault((key, period), [0, 0, 0])
        entry[0] += n
        self.used[key] = self.used.get(key, 0) + n
        if entry[0] > entry[1]:
            extra = max(entry[0] - entry[1], RESERVE)
            with self._session() as session:
                entry[2] = charge(session, bucket, period, extra)
            entry[1] += extra

    def others(self, key: str) -> int:
        """Calls other crawls recorded in the current period (as of this crawl's last reservation)."""
        entry = self._periods.get((key, self.buckets[key].period()))
        return max(entry[2] - entry[1], 0) if entry else 0

    def exhaust(self, key: str) -> None:
        """The API answered "quota exceeded" for this bucket."""
        bucket = self.buckets[key]
        with self._session() as session:
            mark_exhausted(session, bucket, bucket.period())

    def close(self) -> None:
        """Give back what was reserved and not used."""
        refunds = {k: e[1] - e[0] for k, e in self._periods.items() if e[1] > e[0]}
        if not refunds:
            return
        with self._session() as session:
            for (key, period), n in refunds.items():
                charge(session, self.buckets[key], period, -n)
                self._periods[(key, period)][1] -= n
