"""The database side of matching: a scan's accounts with their sightings, read as plain data,
and the assessments of a scan written back (re-running replaces them).

``matching`` calls these with a session; nothing here knows the matcher.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from crawler.db.liveness import Liveness, scan_liveness
from crawler.db.models import Account, Assessment, RegisteredAccount, Scan, Sighting, utcnow
from crawler.errors import InputError


@dataclass(frozen=True, slots=True)
class SeenAt:
    """One sighting of an account in the scan (its provenance)."""

    source: str
    query: str | None
    source_url: str | None
    title: str | None
    snippet: str | None
    rank: int | None


@dataclass(slots=True)
class ScanAccount:
    """An account with a sighting in the scan, with all of that scan's sightings."""

    id: int
    platform: str
    handle: str
    url: str
    platform_id: str | None
    display_name: str | None
    bio: str | None
    links: list[str]
    location: str | None
    followers: int | None
    verified: bool | None
    live: bool  # shown live in the scan (:attr:`Liveness.shown_live`)
    sightings: list[SeenAt] = field(default_factory=list)
    liveness: Liveness | None = None


@dataclass(frozen=True, slots=True)
class AssessmentRow:
    """One assessment to store; ``registered_url`` is the registry entry it is about, if any."""

    account_id: int
    platform: str
    classification: str
    entity_key: str | None
    confidence: float
    explanation: list[dict[str, Any]]
    imitates_url: str | None
    registered_url: str | None


@dataclass(frozen=True, slots=True)
class AccountName:
    """How an account is shown: where it is and what it calls itself."""

    id: int
    platform: str
    handle: str
    url: str
    display_name: str | None


def account_names(session: Session, ids: Iterable[int]) -> dict[int, AccountName]:
    return {
        a.id: AccountName(a.id, a.platform, a.handle, a.url, a.display_name)
        for a in session.scalars(select(Account).where(Account.id.in_(list(ids))))
    }


def latest_scan_id(session: Session) -> int:
    scan_id = session.scalars(select(Scan.id).order_by(Scan.id.desc()).limit(1)).first()
    if scan_id is None:
        raise InputError("no scan in the database yet: run `scout scan` first")
    return scan_id


def scan_accounts(session: Session, scan_id: int) -> list[ScanAccount]:
    """Accounts with a sighting in the scan, with all of that scan's sightings, oldest account first."""
    if session.get(Scan, scan_id) is None:
        raise InputError(f"no scan with id {scan_id}")
    by_account: dict[int, list[Sighting]] = defaultdict(list)
    for s in session.scalars(
        select(Sighting).where(Sighting.scan_id == scan_id).order_by(Sighting.id)
    ):
        by_account[s.account_id].append(s)
    if not by_account:
        return []
    accounts = session.scalars(
        select(Account).where(Account.id.in_(by_account)).order_by(Account.id)
    )
    liveness = scan_liveness(session, scan_id)
    out: list[ScanAccount] = []
    for a in accounts:
        rows = by_account[a.id]
        seen = liveness.get(a.id, Liveness(None))
        out.append(
            ScanAccount(
                id=a.id,
                platform=a.platform,
                handle=a.handle,
                url=a.url,
                platform_id=a.platform_id,
                display_name=a.display_name,
                bio=a.bio,
                links=list(a.links or []),
                location=a.location,
                followers=a.followers,
                verified=a.verified,
                live=seen.shown_live,
                sightings=[
                    SeenAt(s.source, s.query, s.source_url, s.title, s.snippet, s.rank)
                    for s in rows
                ],
                liveness=seen,
            )
        )
    return out


def replace_assessments(session: Session, scan_id: int, rows: Sequence[AssessmentRow]) -> None:
    """Store the scan's assessments, replacing any earlier ones of the scan."""
    session.execute(delete(Assessment).where(Assessment.scan_id == scan_id))
    district_id = session.scalars(select(Scan.district_id).where(Scan.id == scan_id)).one()
    reg_ids: dict[tuple[str, str], int] = {
        (r.platform, r.url): r.id
        for r in session.scalars(
            select(RegisteredAccount).where(RegisteredAccount.district_id == district_id)
        )
    }
    now = utcnow()
    for row in rows:
        reg_url = row.registered_url
        session.add(
            Assessment(
                account_id=row.account_id,
                scan_id=scan_id,
                classification=row.classification,
                entity_key=row.entity_key,
                confidence=row.confidence,
                explanation=row.explanation,
                imitates_url=row.imitates_url,
                registered_id=reg_ids.get((row.platform, reg_url)) if reg_url else None,
                created_at=now,
            )
        )
    session.flush()
