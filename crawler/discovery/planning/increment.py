"""Incremental scans: what a scan asks when a complete scan of the district exists.

An :class:`Increment` says since when the scan asks for what is new (the last complete
scan's start minus a margin), which entities get their full sweep this time (the rotation),
which sources are swept in full because their last scan left a coverage gap, and which
candidate handles already have a definitive answer on file (an answer stands until the
entity's first sweep at least ``full_sweep_months`` scans after it was given: the sweeps just
after a full scan do not ask again what it asked a month or two before). Without a complete scan (or with
``scout scan --full``) every entity is swept in full (:data:`FULL`).

The windows are each API's own (``reference/platforms.md``): SearXNG ``time_range``
(``day|week|month|year``), Brave ``freshness`` (``pd|pw|pm|py`` or
``YYYY-MM-DDtoYYYY-MM-DD``) and YouTube ``publishedAfter`` (RFC 3339).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crawler.config import Config

SEARXNG_RANGES = (("day", 1), ("week", 7), ("month", 31), ("year", 365))
BRAVE_RANGES = (("pd", 1), ("pw", 7), ("pm", 31), ("py", 365))


def slot(key: str, months: int) -> int:
    """The stable rotation slot of an entity: ``0 .. months-1`` (a hash, not Python's)."""
    digest = hashlib.sha256(key.encode()).digest()
    return int.from_bytes(digest[:4], "big") % max(months, 1)


@dataclass(frozen=True, slots=True)
class Increment:
    """What an incremental scan asks (see the module docstring)."""

    since: datetime | None = None  # None: a full scan (no complete scan yet, or --full)
    now: datetime | None = None
    index: int = 0  # the rotation's month: complete scans of the district before this one
    months: int = 3  # full_sweep_months
    full: bool = False  # scout scan --full
    gaps: frozenset[str] = frozenset()  # sources whose last scan left a coverage gap
    answered: frozenset[tuple[str, str]] = frozenset()  # (platform, handle): not found
    found: frozenset[tuple[str, str]] = frozenset()  # (platform, handle): an account there
    # (platform, handle): answered fewer than ``months`` scans ago; even a sweep keeps it
    recent: frozenset[tuple[str, str]] = frozenset()
    last_swept: dict[str, int] = field(default_factory=dict)  # entity: index of its last sweep
    all_swept: int | None = None  # index of the last scan that swept every entity

    @property
    def incremental(self) -> bool:
        return self.since is not None and not self.full

    def swept(self, entity: str | None, source: str | None = None) -> bool:
        """Whether ``entity`` gets its full sweep in this scan (on ``source``)."""
        if not self.incremental or entity is None or (source is not None and source in self.gaps):
            return True
        if slot(entity, self.months) == self.index % max(self.months, 1):
            return True
        # never longer than full_sweep_months without a sweep (a changed rotation, a new entity)
        last = self.last_swept.get(entity, self.all_swept)
        return last is None or self.index - last >= self.months

    def sweeps_next(self, entity: str | None, source: str | None = None) -> bool:
        """Whether an incremental scan leaves ``entity`` to its full sweep in the next scan
        (its rotation slot is the next month's, or it would go ``months`` scans unswept): its
        between-sweeps queries wait for that sweep, a month later at most."""
        if not self.incremental or entity is None or self.swept(entity, source):
            return False
        nxt = self.index + 1
        if slot(entity, self.months) == nxt % max(self.months, 1):
            return True
        last = self.last_swept.get(entity, self.all_swept)
        return last is None or nxt - last >= self.months

    # ------------------------------------------------------------------ the APIs' windows

    def _days(self) -> int:
        assert self.since is not None
        now = self.now or datetime.now(UTC)
        return max(int((now - self.since) / timedelta(days=1)) + 1, 1)

    def searxng_range(self) -> str | None:
        """SearXNG ``time_range``: the narrowest that covers the window (None: no filter)."""
        if not self.incremental:
            return None
        days = self._days()
        return next((name for name, n in SEARXNG_RANGES if days <= n), None)

    def brave_freshness(self) -> str | None:
        """Brave ``freshness``: ``pd`` for a day, else the exact date range."""
        if not self.incremental:
            return None
        assert self.since is not None
        if self._days() <= 1:
            return "pd"
        now = self.now or datetime.now(UTC)
        return f"{self.since:%Y-%m-%d}to{now:%Y-%m-%d}"

    def published_after(self) -> str | None:
        """YouTube ``publishedAfter`` (RFC 3339, UTC)."""
        if not self.incremental:
            return None
        assert self.since is not None
        return self.since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def describe(self) -> str:
        if not self.incremental:
            return "full sweep of every entity" + (" (--full)" if self.full else "")
        return (
            f"incremental: new since {self.published_after()}; rotation month {self.index} "
            f"of {self.months}"
            + (
                f"; swept in full after a coverage gap: {', '.join(sorted(self.gaps))}"
                if self.gaps
                else ""
            )
        )


FULL = Increment()


def from_history(
    history: object,
    *,
    months: int,
    margin_days: int,
    full: bool = False,
    now: datetime | None = None,
) -> Increment:
    """The :class:`Increment` of a scan from its :class:`crawler.db.increments.ScanHistory`."""
    from crawler.db.increments import ScanHistory

    assert isinstance(history, ScanHistory)
    if history.last_started is None or full or history.full:
        return Increment(full=full or history.full, index=history.index, months=months)
    since = history.last_started
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    last = dict(history.swept)
    if history.all_swept is not None:
        # a scan that swept everything: every entity's last sweep is at least that one
        last = {k: max(v, history.all_swept) for k, v in last.items()}
    return Increment(
        since=since - timedelta(days=margin_days),
        now=now or datetime.now(UTC),
        index=history.index,
        months=months,
        gaps=frozenset(history.gaps),
        answered=frozenset(history.answered),
        found=frozenset(history.found),
        recent=frozenset(history.recent),
        last_swept=last,
        all_swept=history.all_swept,
    )


def scan_increment(config: Config, scan_id: int | None, *, full: bool = False) -> Increment:
    """The :class:`Increment` of scan ``scan_id`` (None: the next scan) of ``config``'s
    district, from its history and its ``[budget]`` (``full_sweep_months``,
    ``freshness_margin_days``)."""
    from crawler.db.increments import scan_history

    b = config.budget
    return from_history(
        scan_history(config, scan_id),
        months=b.full_sweep_months,
        margin_days=b.freshness_margin_days,
        full=full,
    )
