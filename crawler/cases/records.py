"""Case records: status groups, numbers, look-up, history events and presence.

The small pieces every case module shares: which statuses are open or followed,
the account fingerprint PR decides on, case numbers from :class:`CaseCounter`
(``PREFIX-YYYY-NNNN``, never repeated), finding a case by number or id, and the
case history (one :class:`CaseEvent` per change; the latest presence event says
whether the account was last seen or not).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawler.db.models import Account, Case, CaseCounter, CaseEvent, District, Scan, utcnow
from crawler.vocab import CaseKind, CaseStatus, sources_where

FAMILY = (CaseKind.UNREGISTERED, CaseKind.IMPERSONATION)
OPEN_STATUSES = (CaseStatus.OPEN, CaseStatus.NOTIFIED)
# Statuses whose account PR still wants to follow: after a platform report, "not
# seen any more" is the news PR waits for.
FOLLOWED_STATUSES = (*OPEN_STATUSES, CaseStatus.REPORTED_TO_PLATFORM)
DISMISSED = (CaseStatus.DISMISSED_NOT_DISTRICT, CaseStatus.DISMISSED_AFFILIATED)
# Sources that see an account live (an API answer or the page itself). A search
# index can lag for months, so a search hit alone never re-opens a deactivation.
LIVE_SOURCES = sources_where(direct=True)
# How much more strongly a changed account must match than when it was dismissed.
REOPEN_MARGIN = 0.05
PRESENCE_ACTIONS = ("opened", "reopened", "not-seen", "seen-again")

# Account id -> (latest sighting time, sources) for the accounts seen in one scan.
SeenInScan = dict[int, tuple[datetime, set[str]]]


@dataclass
class CaseUpdate:
    """What :func:`update_cases` did, as lists of case numbers."""

    opened: list[str] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)
    reopened: list[str] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)
    kept_closed: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)
    not_seen: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)  # URLs: no case, the platform says gone

    def as_dict(self) -> dict[str, list[str]]:
        return asdict(self)

    def summary(self) -> str:
        return (
            f"cases: {len(self.opened)} opened, {len(self.reopened)} re-opened, {len(self.seen)} seen again, "
            f"{len(self.resolved)} resolved, {len(self.not_seen)} not seen, "
            f"{len(self.unknown)} not found but coverage incomplete"
            + (
                f", {len(self.gone)} not opened: the platform says the account is gone"
                if self.gone
                else ""
            )
        )


def fingerprint(account: Account) -> str:
    """Hash of the account's name and bio (case and spacing ignored): what PR decided on."""
    text = f"{account.display_name or ''}\n{account.bio or ''}"
    norm = re.sub(r"\s+", " ", text.casefold()).strip()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def case_prefix(session: Session, district_id: int | None, default: str) -> str:
    """The prefix of the district's case numbers: its profile's ``case_prefix``, else
    ``default`` (``[cases] prefix`` of scout.toml)."""
    row = session.get(District, district_id) if district_id is not None else None
    profile = (row.profile or {}) if row is not None else {}
    return str((profile.get("district") or {}).get("case_prefix") or default)


def next_number(session: Session, prefix: str, year: int, *, district_id: int | None = None) -> str:
    """The next case number ``PREFIX-YYYY-NNNN`` of the district (each district numbers its own
    cases; the counter row is locked where the backend can). Without ``district_id``: the
    session's district."""
    if district_id is None:
        from crawler.db.store import district_row

        district_id = district_row(session).id
    key = f"{prefix}-{year}"
    counter = session.scalars(
        select(CaseCounter)
        .where(CaseCounter.district_id == district_id, CaseCounter.prefix == key)
        .with_for_update()
    ).first()
    if counter is None:
        counter = CaseCounter(district_id=district_id, prefix=key, last=0)
        session.add(counter)
    while True:
        counter.last += 1
        number = f"{key}-{counter.last:04d}"
        # A restored or hand-edited database may hold numbers the counter does not know.
        taken = select(Case.id).where(Case.district_id == district_id, Case.number == number)
        if session.scalars(taken).first() is None:
            session.flush()
            return number


def find_case(session: Session, ident: str | int, *, lock: bool = False) -> Case | None:
    """A case by number (``ABCE-2026-0001``, any letter case) or numeric id."""
    text = str(ident).strip()
    q = select(Case)
    q = (
        q.where(Case.id == int(text))
        if text.isdigit()
        else q.where(func.upper(Case.number) == text.upper())
    )
    if lock:
        q = q.with_for_update()
    return session.scalars(q).first()


def add_event(
    case: Case,
    action: str,
    *,
    actor: str,
    note: str | None = None,
    scan_id: int | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
) -> CaseEvent:
    ev = CaseEvent(
        at=utcnow(),
        actor=actor,
        action=action,
        note=note,
        scan_id=scan_id,
        from_status=from_status,
        to_status=to_status,
    )
    case.events.append(ev)
    return ev


def last_presence(case: Case) -> str | None:
    for ev in reversed(case.events):
        if ev.action in PRESENCE_ACTIONS:
            return ev.action
    return None


def day(at: datetime) -> str:
    return at.astimezone(UTC).date().isoformat()


def not_seen_since(case: Case) -> datetime | None:
    """When the account was last seen, if the latest scan that could have seen it did not."""
    if last_presence(case) == "not-seen":
        return case.last_seen_at
    return None


def note_seen(case: Case, scan: Scan, actor: str, result: CaseUpdate) -> None:
    """The case's account was seen in ``scan``: a "seen again" event if it had been missing."""
    if last_presence(case) == "not-seen":
        add_event(
            case, "seen-again", actor=actor, scan_id=scan.id, note=f"seen again in scan {scan.id}"
        )
    result.seen.append(case.number)
