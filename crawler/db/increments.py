"""What an incremental scan reads and keeps: the district's scan history and the handle
probe's definitive answers (``probe_answers``).

:func:`scan_history` reads, for a scan (or the next one), the complete scans before it: when
the last one started, which sources it left with a coverage gap, which entities each swept in
full (``scans.stats["increment"]``), and the candidate handles with an answer on file.
:func:`record_probe_answers` keeps a finished scan's probe answers (found or not found).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.db import transaction
from crawler.db.models import ProbeAnswer, Scan, ScanQuery, utcnow
from crawler.vocab import Platform, ScanKind, ScanStatus, Source

if TYPE_CHECKING:
    from crawler.config import Config

ALL_SWEPT = "*"  # scans.stats["increment"]["swept"]: every entity was swept in full


@dataclass(slots=True)
class ScanHistory:
    """The complete scans before a scan, as an incremental plan needs them."""

    last_started: datetime | None = None
    index: int = 0  # complete scans before this one
    full: bool = False  # this scan was asked with --full
    gaps: set[str] = field(default_factory=set)
    answered: set[tuple[str, str]] = field(default_factory=set)  # probed: not found
    found: set[tuple[str, str]] = field(default_factory=set)  # probed: an account is there
    recent: set[tuple[str, str]] = field(default_factory=set)  # answered < months scans ago
    swept: dict[str, int] = field(default_factory=dict)  # entity: index of its last full sweep
    all_swept: int | None = None  # index of the last scan that swept every entity


def _history(session: Session, scan_id: int | None, months: int = 3) -> ScanHistory:
    query = select(Scan).where(Scan.kind == ScanKind.SCAN, Scan.status == ScanStatus.COMPLETED)
    if scan_id is not None:
        query = query.where(Scan.id < scan_id)
    scans = list(session.scalars(query.order_by(Scan.id)))
    out = ScanHistory(index=len(scans))
    if scan_id is not None:
        row = session.get(Scan, scan_id)
        out.full = bool(row is not None and (row.params or {}).get("full"))
    for i, scan in enumerate(scans):
        if (scan.params or {}).get("entity") or (scan.params or {}).get("name"):
            continue
        info = (scan.stats or {}).get("increment") or {}
        swept = info.get("swept", ALL_SWEPT)
        if swept == ALL_SWEPT:
            out.all_swept = i
        else:
            out.swept.update((str(e), i) for e in swept)
    if scans:
        last = scans[-1]
        out.last_started = last.started_at
        out.gaps = set(
            session.scalars(
                select(ScanQuery.source)
                .where(ScanQuery.scan_id == last.id, ScanQuery.status == "failed")
                .distinct()
            )
        )
    at = {scan.id: i for i, scan in enumerate(scans)}  # scan id: its index
    for p, h, found, answered_in in session.execute(
        select(ProbeAnswer.platform, ProbeAnswer.handle, ProbeAnswer.found, ProbeAnswer.scan_id)
    ):
        (out.found if found else out.answered).add((p, h))
        if answered_in in at and out.index - at[answered_in] < max(months, 1):
            out.recent.add((p, h))
    return out


def scan_history(config: Config, scan_id: int | None) -> ScanHistory:
    """The history before scan ``scan_id`` (None: before the next scan)."""
    with transaction(config.database_url, config.district) as session:
        return _history(session, scan_id, config.budget.full_sweep_months)


# Sources whose coverage rows are handle lookups: the probe ("<platform> @<handle>"), the
# mastodon source ("<instance>: @<user>") and the profiles source's echo lookups (the
# probe's form; its other rows are account URLs).
PROBE_SOURCES = (Source.HANDLE_PROBE, Source.MASTODON, Source.PROFILES)


def probe_key(source: str, query: str) -> tuple[str, str] | None:
    """``(platform, lower-cased handle)`` a coverage row of :data:`PROBE_SOURCES` looked up
    (None: not a handle lookup)."""
    if source == Source.MASTODON:
        instance, sep, user = query.partition(": @")
        return (str(Platform.MASTODON), f"{user}@{instance}".lower()) if sep and user else None
    if source not in PROBE_SOURCES or "://" in query:
        return None
    platform, sep, handle = query.partition(" @")
    return (platform, handle.lower()) if sep and handle and " " not in platform else None


def record_probe_answers(session: Session, scan: Scan) -> int:
    """Keep the handle lookups' definitive answers of ``scan`` (a covered candidate: found when
    it gave a sighting, else not found); a coverage gap proves nothing and is not kept."""
    rows = session.execute(
        select(ScanQuery.source, ScanQuery.query, ScanQuery.results).where(
            ScanQuery.scan_id == scan.id,
            ScanQuery.source.in_(PROBE_SOURCES),
            ScanQuery.status == "done",
        )
    ).all()
    existing = {(a.platform, a.handle): a for a in session.scalars(select(ProbeAnswer))}
    n = 0
    for source, query, results in rows:
        key = probe_key(source, str(query))
        if key is None:
            continue
        row = existing.get(key)
        if row is None:
            row = ProbeAnswer(district_id=scan.district_id, platform=key[0], handle=key[1])
            session.add(row)
            existing[key] = row
        row.found = bool(results)
        row.scan_id = scan.id
        row.answered_at = utcnow()
        n += 1
    return n


def increment_stats(info: dict[str, Any]) -> dict[str, Any]:
    """What ``scans.stats["increment"]`` keeps (JSON)."""
    return {k: v for k, v in info.items() if v is not None}
