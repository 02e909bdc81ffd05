"""ABCE-AR1 noncompliance cases: opened by scans, kept across scans, decided by PR.

A case belongs to one account and one kind. ``unregistered`` and
``impersonation`` are one *family*: the same account keeps one case even if the
matcher later calls it the other kind. ``deactivation_incomplete`` is separate.

Across scans a case is found again by its account row, or by the account's
stable platform id (a handle rename that produced a new account row). The
rules that protect PR's work:

* a decision is never undone by a scan, except that a *dismissed* case re-opens
  when the account changes materially (a new name or bio that matches an
  entity more strongly than when it was dismissed), and a case *resolved as
  deactivated* re-opens when a live source sees the account again;
* an account that was not found is "not seen" only when every source that found
  it before ran in this scan without a coverage gap; otherwise it is unknown.
  A failed page never closes a case or marks it gone;
* numbers come from :class:`CaseCounter`, so they never repeat.

Functions take the session; the caller owns the transaction.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from crawler.config import Config
from crawler.db.models import (
    Account,
    Assessment,
    Case,
    CaseCounter,
    CaseEvent,
    Evidence,
    RegisteredAccount,
    Scan,
    ScanQuery,
    Sighting,
    utcnow,
)
from crawler.errors import InputError
from crawler.vocab import CaseKind, CaseStatus, Classification, ScanKind, ScanStatus

FAMILY = (CaseKind.UNREGISTERED.value, CaseKind.IMPERSONATION.value)
OPEN_STATUSES = (CaseStatus.OPEN.value, CaseStatus.NOTIFIED.value)
# Statuses whose account PR still wants to follow: after a platform report, "not
# seen any more" is the news PR waits for.
FOLLOWED_STATUSES = (*OPEN_STATUSES, CaseStatus.REPORTED_TO_PLATFORM.value)
DISMISSED = (CaseStatus.DISMISSED_NOT_DISTRICT.value, CaseStatus.DISMISSED_AFFILIATED.value)
# Sources that see an account live (an API answer or the page itself). A search
# index can lag for months, so a search hit alone never re-opens a deactivation.
LIVE_SOURCES = frozenset({"youtube", "bluesky", "mastodon", "profiles", "handle_probe"})
# How much more strongly a changed account must match than when it was dismissed.
REOPEN_MARGIN = 0.05
PRESENCE_ACTIONS = ("opened", "reopened", "not-seen", "seen-again")

DECISIONS: dict[str, CaseStatus] = {
    "notified": CaseStatus.NOTIFIED,
    "registered": CaseStatus.RESOLVED_REGISTERED,
    "deactivated": CaseStatus.RESOLVED_DEACTIVATED,
    "reported": CaseStatus.REPORTED_TO_PLATFORM,
    "not-district": CaseStatus.DISMISSED_NOT_DISTRICT,
    "affiliated": CaseStatus.DISMISSED_AFFILIATED,
    "reopen": CaseStatus.OPEN,
    **{s.value: s for s in CaseStatus},
}

SOURCE_EVIDENCE = {
    "district_site": "district_link",
    "web_search": "search_result",
    "youtube": "api_profile",
    "bluesky": "api_profile",
    "mastodon": "api_profile",
    "profiles": "profile_page",
    "handle_probe": "profile_page",
}


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

    def as_dict(self) -> dict[str, list[str]]:
        return asdict(self)

    def summary(self) -> str:
        return (
            f"cases: {len(self.opened)} opened, {len(self.reopened)} re-opened, {len(self.seen)} seen again, "
            f"{len(self.resolved)} resolved, {len(self.not_seen)} not seen, "
            f"{len(self.unknown)} not found but coverage incomplete"
        )


# --------------------------------------------------------------------------- small helpers


def fingerprint(account: Account) -> str:
    """Hash of the account's name and bio (case and spacing ignored): what PR decided on."""
    text = f"{account.display_name or ''}\n{account.bio or ''}"
    norm = re.sub(r"\s+", " ", text.casefold()).strip()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def next_number(session: Session, prefix: str, year: int) -> str:
    """The next case number ``PREFIX-YYYY-NNNN`` (the counter row is locked where the backend can)."""
    key = f"{prefix}-{year}"
    counter = session.scalars(
        select(CaseCounter).where(CaseCounter.prefix == key).with_for_update()
    ).first()
    if counter is None:
        counter = CaseCounter(prefix=key, last=0)
        session.add(counter)
    while True:
        counter.last += 1
        number = f"{key}-{counter.last:04d}"
        # A restored or hand-edited database may hold numbers the counter does not know.
        if session.scalars(select(Case.id).where(Case.number == number)).first() is None:
            session.flush()
            return number


def parse_decision(text: str) -> CaseStatus:
    value = text.strip().lower().replace("_", "-")
    if value not in DECISIONS:
        raise InputError(
            f"unknown decision '{text}' (one of: {', '.join(DECISIONS)})", field="--as"
        )
    return DECISIONS[value]


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


def _event(
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


def _last_presence(case: Case) -> str | None:
    for ev in reversed(case.events):
        if ev.action in PRESENCE_ACTIONS:
            return ev.action
    return None


def _day(at: datetime) -> str:
    return at.astimezone(UTC).date().isoformat()


# --------------------------------------------------------------------------- scans -> cases


@dataclass(frozen=True, slots=True)
class _Candidate:
    account: Account
    kind: str
    entity_key: str | None
    confidence: float
    imitates_url: str | None
    note: str


def _coverage(session: Session, scan: Scan) -> tuple[set[str], set[str]]:
    """Sources that ran in the scan, and sources with a coverage gap (a failed or skipped query)."""
    ran: set[str] = set()
    gaps: set[str] = set()
    for source, status in session.execute(
        select(ScanQuery.source, ScanQuery.status).where(ScanQuery.scan_id == scan.id)
    ):
        if status == "done":
            ran.add(source)
        else:
            gaps.add(source)
    return ran, gaps


def _find_existing(session: Session, account: Account, kinds: Iterable[str]) -> Case | None:
    kinds = tuple(kinds)
    base = (
        select(Case)
        .where(Case.district_id == account.district_id, Case.kind.in_(kinds))
        .order_by(Case.id)
    )
    hit = session.scalars(base.where(Case.account_id == account.id)).first()
    if hit is None and account.platform_id:
        hit = session.scalars(
            base.join(Account, Case.account_id == Account.id).where(
                Account.platform == account.platform, Account.platform_id == account.platform_id
            )
        ).first()
    return hit


def _candidates(
    session: Session, scan: Scan, deactivation_incomplete: Iterable[int]
) -> list[_Candidate]:
    out: list[_Candidate] = []
    rows = session.execute(
        select(Assessment, Account)
        .join(Account, Assessment.account_id == Account.id)
        .where(
            Assessment.scan_id == scan.id,
            Assessment.classification.in_(
                (Classification.UNREGISTERED.value, Classification.IMPERSONATION.value)
            ),
        )
        .order_by(Assessment.id)
    )
    for a, acc in rows:
        out.append(
            _Candidate(
                acc,
                a.classification,
                a.entity_key,
                a.confidence,
                a.imitates_url,
                note=f"classified {a.classification} in scan {scan.id}",
            )
        )
    for account_id in dict.fromkeys(deactivation_incomplete):
        account = session.get(Account, account_id)
        if account is None:
            continue
        from crawler.db.store import find_registered

        reg = find_registered(session, account.platform, account.url, account.platform_id)
        entity = reg.entity_key if reg is not None else None
        out.append(
            _Candidate(
                account,
                CaseKind.DEACTIVATION_INCOMPLETE.value,
                entity,
                1.0,
                None,
                note=f"the registry lists it as deactivated, but scan {scan.id} saw it live",
            )
        )
    return out


def _seen_in_scan(session: Session, scan: Scan) -> dict[int, tuple[datetime, set[str]]]:
    """Account id -> (latest sighting time, sources) for the accounts seen in this scan."""
    seen: dict[int, tuple[datetime, set[str]]] = {}
    for account_id, source, at in session.execute(
        select(Sighting.account_id, Sighting.source, Sighting.fetched_at).where(
            Sighting.scan_id == scan.id
        )
    ):
        prev = seen.get(account_id)
        if prev is None:
            seen[account_id] = (at, {source})
        else:
            prev[1].add(source)
            seen[account_id] = (max(prev[0], at), prev[1])
    # An assessment in this scan means the account's data was current in this scan too.
    for (account_id,) in session.execute(
        select(Assessment.account_id).where(Assessment.scan_id == scan.id)
    ):
        seen.setdefault(account_id, (scan.started_at, set()))
    return seen


def update_cases(
    session: Session,
    scan_id: int,
    config: Config,
    *,
    actor: str = "scout",
    deactivation_incomplete: Iterable[int] = (),
) -> CaseUpdate:
    """Open, update and follow up cases from the assessments of one scan.

    ``deactivation_incomplete`` lists account ids whose registered account is
    marked deactivated but was seen live in this scan.
    """
    scan = session.get(Scan, scan_id)
    if scan is None:
        raise InputError(f"no scan {scan_id}")
    now = utcnow()
    result = CaseUpdate()
    seen = _seen_in_scan(session, scan)
    handled: set[int] = set()

    for cand in _candidates(session, scan, deactivation_incomplete):
        kinds = FAMILY if cand.kind in FAMILY else (cand.kind,)
        case = _find_existing(session, cand.account, kinds)
        at = seen.get(cand.account.id, (now, set()))[0]
        if case is None:
            case = _open(session, cand, scan, config, actor, at)
            result.opened.append(case.number)
        else:
            _update_existing(session, case, cand, scan, config, actor, at, seen, result)
        handled.add(case.id)

    _auto_resolve_registered(session, scan, actor, handled, result)
    _follow_up(session, scan, actor, handled, seen, result)
    session.flush()
    return result


def _open(
    session: Session, cand: _Candidate, scan: Scan, config: Config, actor: str, at: datetime
) -> Case:
    now = utcnow()
    case = Case(
        number=next_number(session, config.case_prefix, now.year),
        district_id=cand.account.district_id,
        account_id=cand.account.id,
        kind=cand.kind,
        status=CaseStatus.OPEN.value,
        entity_key=cand.entity_key,
        confidence=cand.confidence,
        imitates_url=cand.imitates_url,
        opened_at=now,
        opened_scan_id=scan.id,
        due_at=now.date() + timedelta(days=config.due_days),
        last_seen_at=at,
        last_scan_id=scan.id,
    )
    session.add(case)
    _event(
        case,
        "opened",
        actor=actor,
        scan_id=scan.id,
        to_status=case.status,
        note=f"{cand.note} (as @{cand.account.handle})",
    )
    session.flush()
    return case


def _update_existing(
    session: Session,
    case: Case,
    cand: _Candidate,
    scan: Scan,
    config: Config,
    actor: str,
    at: datetime,
    seen: dict[int, tuple[datetime, set[str]]],
    result: CaseUpdate,
) -> None:
    acc = cand.account
    if case.account_id != acc.id:
        old = case.account
        _event(
            case,
            "renamed",
            actor=actor,
            scan_id=scan.id,
            note=f"same {acc.platform} id {acc.platform_id}: @{old.handle} is now @{acc.handle} ({acc.url})",
        )
        case.account_id = acc.id
        case.account = acc
        result.renamed.append(case.number)
    elif acc.previous_handles and not _handle_noted(case, acc.handle):
        _event(
            case,
            "renamed",
            actor=actor,
            scan_id=scan.id,
            note=f"handle is now @{acc.handle} (before: {', '.join('@' + str(h) for h in acc.previous_handles)})",
        )
        result.renamed.append(case.number)
    if case.kind != cand.kind and not _kind_taken(session, case, cand.kind):
        _event(
            case, "reclassified", actor=actor, scan_id=scan.id, note=f"{case.kind} → {cand.kind}"
        )
        case.kind = CaseKind(cand.kind)
    case.last_seen_at = max(case.last_seen_at, at) if case.last_seen_at else at
    case.last_scan_id = scan.id

    status = CaseStatus(case.status)
    if not status.is_closed:
        if cand.entity_key and cand.entity_key != case.entity_key:
            _event(
                case,
                "entity-changed",
                actor=actor,
                scan_id=scan.id,
                note=f"{case.entity_key or 'none'} → {cand.entity_key}",
            )
        case.entity_key = cand.entity_key or case.entity_key
        case.confidence = cand.confidence
        case.imitates_url = cand.imitates_url or case.imitates_url
        if _last_presence(case) == "not-seen":
            _event(
                case,
                "seen-again",
                actor=actor,
                scan_id=scan.id,
                note=f"seen again in scan {scan.id}",
            )
        result.seen.append(case.number)
        return

    reason = _reopen_reason(case, cand, scan, seen)
    if reason is None:
        result.kept_closed.append(case.number)
        return
    _event(
        case,
        "reopened",
        actor=actor,
        scan_id=scan.id,
        from_status=case.status,
        to_status=CaseStatus.OPEN.value,
        note=reason,
    )
    case.status = CaseStatus.OPEN
    case.closed_at = None
    case.entity_key = cand.entity_key or case.entity_key
    case.confidence = cand.confidence
    case.imitates_url = cand.imitates_url or case.imitates_url
    case.due_at = utcnow().date() + timedelta(days=config.due_days)
    result.reopened.append(case.number)


def _handle_noted(case: Case, handle: str) -> bool:
    """Whether the case history already names this handle (so a rename is noted once)."""
    pattern = re.compile(rf"@{re.escape(handle)}(?![\w.])", re.IGNORECASE)
    return any(pattern.search(ev.note or "") for ev in case.events)


def _kind_taken(session: Session, case: Case, kind: str) -> bool:
    return (
        session.scalars(
            select(Case.id).where(
                Case.account_id == case.account_id, Case.kind == kind, Case.id != case.id
            )
        ).first()
        is not None
    )


def _reopen_reason(
    case: Case, cand: _Candidate, scan: Scan, seen: dict[int, tuple[datetime, set[str]]]
) -> str | None:
    if case.status in DISMISSED:
        if case.fingerprint is None or fingerprint(cand.account) == case.fingerprint:
            return None
        before = case.decided_score if case.decided_score is not None else case.confidence
        if cand.confidence < before + REOPEN_MARGIN:
            return None
        return (
            f"the account changed its name or bio since it was dismissed, and now matches "
            f"{cand.entity_key or 'the district'} more strongly ({before:.2f} → {cand.confidence:.2f})"
        )
    if case.status == CaseStatus.RESOLVED_DEACTIVATED.value:
        sources = seen.get(cand.account.id, (scan.started_at, set()))[1]
        live = sources & LIVE_SOURCES or (
            cand.kind == CaseKind.DEACTIVATION_INCOMPLETE.value and sources
        )
        closed = case.closed_at or case.opened_at
        if live and scan.started_at >= closed:
            return f"resolved as deactivated, but seen live again ({', '.join(sorted(sources))}) in scan {scan.id}"
    return None


def _auto_resolve_registered(
    session: Session, scan: Scan, actor: str, handled: set[int], result: CaseUpdate
) -> None:
    """An open case whose account the registry now lists (PR imported it) is resolved as registered."""
    rows = session.execute(
        select(Case, Assessment)
        .join(Assessment, Assessment.account_id == Case.account_id)
        .where(
            Assessment.scan_id == scan.id,
            Assessment.classification == Classification.REGISTERED.value,
            Assessment.registered_id.is_not(None),
            Case.kind.in_(FAMILY),
            Case.status.in_(OPEN_STATUSES),
        )
    )
    for case, a in rows:
        if case.id in handled:
            continue
        reg = session.get(RegisteredAccount, a.registered_id)
        if reg is None or reg.status == "deactivated":
            continue
        _event(
            case,
            "resolved",
            actor=actor,
            scan_id=scan.id,
            from_status=case.status,
            to_status=CaseStatus.RESOLVED_REGISTERED.value,
            note=f"the account is now in the registry ({reg.entity_key}, {reg.url})",
        )
        case.status = CaseStatus.RESOLVED_REGISTERED
        case.closed_at = utcnow()
        case.last_scan_id = scan.id
        handled.add(case.id)
        result.resolved.append(case.number)


def _follow_up(
    session: Session,
    scan: Scan,
    actor: str,
    handled: set[int],
    seen: dict[int, tuple[datetime, set[str]]],
    result: CaseUpdate,
) -> None:
    """Cases not confirmed by this scan: seen (last_seen moves), not seen, or unknown."""
    ran, gaps = _coverage(session, scan)
    partial = scan.kind != ScanKind.SCAN.value or scan.status in (
        ScanStatus.FAILED.value,
        ScanStatus.INTERRUPTED.value,
    )
    params = scan.params or {}
    only_platforms = set(params.get("platforms") or ())
    only_entity = params.get("entity")
    cases = session.scalars(
        select(Case)
        .where(Case.district_id == scan.district_id, Case.status.in_(FOLLOWED_STATUSES))
        .order_by(Case.id)
    )
    for case in cases:
        if case.id in handled:
            continue
        hit = seen.get(case.account_id)
        if hit is not None:
            case.last_seen_at = max(case.last_seen_at, hit[0]) if case.last_seen_at else hit[0]
            case.last_scan_id = scan.id
            if _last_presence(case) == "not-seen":
                _event(
                    case,
                    "seen-again",
                    actor=actor,
                    scan_id=scan.id,
                    note=f"seen again in scan {scan.id}",
                )
            result.seen.append(case.number)
            continue
        before = {
            s
            for (s,) in session.execute(
                select(Sighting.source)
                .where(Sighting.account_id == case.account_id, Sighting.scan_id != scan.id)
                .distinct()
            )
        }
        covered = (
            not partial
            and bool(before)
            and before <= ran
            and not (before & gaps)
            and (not only_platforms or case.account.platform in only_platforms)
            and (not only_entity or only_entity == case.entity_key)
        )
        if not covered:
            result.unknown.append(case.number)
            continue
        result.not_seen.append(case.number)
        if _last_presence(case) != "not-seen":
            since = _day(case.last_seen_at) if case.last_seen_at else "unknown"
            _event(
                case,
                "not-seen",
                actor=actor,
                scan_id=scan.id,
                note=f"not found in scan {scan.id} by {', '.join(sorted(before))}; not seen since {since}",
            )


def not_seen_since(case: Case) -> datetime | None:
    """When the account was last seen, if the latest scan that could have seen it did not."""
    if _last_presence(case) == "not-seen":
        return case.last_seen_at
    return None


# --------------------------------------------------------------------------- decisions


def decide(
    session: Session,
    ident: str | int,
    decision: str | CaseStatus,
    *,
    by: str,
    note: str | None = None,
) -> Case:
    """Record a PR decision. Re-reads (and, where the backend can, locks) the case inside the
    caller's transaction, so a scan writing at the same time cannot lose it."""
    status = decision if isinstance(decision, CaseStatus) else parse_decision(decision)
    case = find_case(session, ident, lock=True)
    if case is None:
        raise InputError(f"no case '{ident}'")
    before = case.status
    now = utcnow()
    case.status = status
    if status.is_closed:
        case.closed_at = now
        case.fingerprint = fingerprint(case.account)
        case.decided_score = case.confidence
    else:
        case.closed_at = None
        if CaseStatus(before).is_closed:
            case.decided_score = None
    if status is CaseStatus.OPEN and before != CaseStatus.OPEN.value:
        action = "reopened"
    else:
        action = "decided"
    _event(case, action, actor=by, from_status=before, to_status=status.value, note=note)
    session.flush()
    return case


def registry_row_for(
    session: Session,
    case: Case,
    *,
    entity: str | None = None,
    administrator: str = "",
    administrator_email: str = "",
    backup_administrator: str = "",
    pr_coadmin: bool | None = None,
    district_email_used: bool | None = None,
    retention_plan: bool | None = None,
    payments: str = "none",
    registered_on: date | None = None,
    notes: str = "",
) -> tuple[Any, list[str]]:
    """The registry row for ``decide --as registered``, validated like the registry import.

    Returns (RegistryRow, warnings). Bad values raise :class:`InputError`.
    """
    from crawler.db.models import EntityRow
    from crawler.db.store import district_row
    from crawler.district.registry import _EMAIL_RE, Payments, RegistryRow, Status

    district = district_row(session)
    key = entity or case.entity_key
    if not key:
        raise InputError("the case names no entity: give --entity KEY", field="--entity")
    keys = {
        district.key,
        *session.scalars(select(EntityRow.key).where(EntityRow.district_id == district.id)),
    }
    if key not in keys:
        raise InputError(f"entity '{key}' is not a key of the district profile", field="--entity")
    try:
        pay = Payments(payments.strip().lower() or "none")
    except ValueError:
        raise InputError(
            f"payments '{payments}' is not one of {', '.join(p.value for p in Payments)}",
            field="--payments",
        ) from None
    warnings: list[str] = []
    if administrator_email:
        m = _EMAIL_RE.match(administrator_email)
        if not m:
            raise InputError(
                f"administrator_email '{administrator_email}' is not an e-mail address",
                field="--administrator-email",
            )
        dom = m.group(1).lower()
        if not any(dom == d or dom.endswith("." + d) for d in district.domains):
            warnings.append(
                f"administrator_email '{administrator_email}' is not a district address "
                f"({', '.join(district.domains)}); ABDB-AP asks for a district-issued e-mail"
            )
    acc = case.account
    row = RegistryRow(
        platform=acc.platform,
        url=acc.url,
        entity=key,
        display_name=acc.display_name or "",
        administrator=administrator,
        administrator_email=administrator_email,
        backup_administrator=backup_administrator,
        pr_coadmin=pr_coadmin,
        district_email_used=district_email_used,
        registered_on=registered_on or date.today(),
        status=Status.ACTIVE,
        retention_plan=retention_plan,
        payments=pay,
        notes=notes or f"registered through case {case.number}",
        handle=acc.handle,
        platform_id=acc.platform_id,
        input_url=acc.url,
    )
    return row, warnings


# --------------------------------------------------------------------------- evidence and JSON


def latest_assessment(session: Session, account_id: int) -> Assessment | None:
    return session.scalars(
        select(Assessment)
        .where(Assessment.account_id == account_id)
        .order_by(Assessment.scan_id.desc())
    ).first()


def _sighting_item(s: Sighting) -> dict[str, Any]:
    kind = SOURCE_EVIDENCE.get(s.source, "profile_page")
    if kind == "district_link":
        summary = f"Linked from the district's own site: {s.source_url or 'a district page'}"
        url = s.source_url
    elif kind == "search_result":
        parts = [f"Search result for “{s.query}”" if s.query else "Search result"]
        if s.title:
            parts.append(s.title)
        if s.snippet:
            parts.append(s.snippet)
        summary = ": ".join(parts[:2]) + (f" — {parts[2]}" if len(parts) > 2 else "")
        url = s.raw_url or s.source_url
    elif kind == "api_profile":
        summary = f"Profile from the {s.source} API" + (f" (query “{s.query}”)" if s.query else "")
        url = s.raw_url or s.account.url
    else:
        what = (
            "generated handle found live"
            if s.source == "handle_probe"
            else "public profile page fetched"
        )
        summary = what[0].upper() + what[1:] + (f" (“{s.query}”)" if s.query else "")
        url = s.raw_url or s.source_url
    return {
        "kind": kind,
        "summary": summary,
        "url": url,
        "source": s.source,
        "query": s.query,
        "title": s.title,
        "snippet": s.snippet,
        "source_url": s.source_url,
        "scan_id": s.scan_id,
        "at": s.fetched_at,
    }


def evidence_items(session: Session, case: Case) -> list[dict[str, Any]]:
    """Everything that supports the case, newest first within each kind, de-duplicated.

    Each item has ``kind``, ``summary`` and ``url`` (the DESIGN.md evidence shape)
    plus detail for reports (source, query, title, snippet, file, sha256, at).
    """
    items: list[dict[str, Any]] = []
    sightings = session.scalars(
        select(Sighting).where(Sighting.account_id == case.account_id).order_by(Sighting.id.desc())
    )
    for s in sightings:
        items.append(_sighting_item(s))
    for ev in session.scalars(
        select(Evidence).where(Evidence.account_id == case.account_id).order_by(Evidence.id.desc())
    ):
        summary = ev.summary
        if ev.kind == "html_sha256" and ev.sha256 and ev.sha256 not in summary:
            summary = f"SHA-256 of the page HTML: {ev.sha256}" + (
                f" ({summary})" if summary else ""
            )
        if not summary:
            summary = f"{ev.kind.replace('_', ' ')} captured {_day(ev.captured_at)}"
        items.append(
            {
                "kind": ev.kind,
                "summary": summary,
                "url": ev.url,
                "file_path": ev.file_path,
                "sha256": ev.sha256,
                "at": ev.captured_at,
                "scan_id": ev.scan_id,
            }
        )
    if case.kind == CaseKind.DEACTIVATION_INCOMPLETE.value:
        items.append(
            {
                "kind": "explanation",
                "url": None,
                "weight": None,
                "code": "registry_deactivated",
                "summary": "The registry lists this account as deactivated, but a scan saw it live",
            }
        )
    a = latest_assessment(session, case.account_id)
    if a is not None:
        for level in a.explanation or []:
            label = str(level.get("label") or level.get("code") or "")
            weight = level.get("weight")
            summary = (
                label if not isinstance(weight, int | float) else f"{label} (weight {weight:+.2f})"
            )
            items.append(
                {
                    "kind": "explanation",
                    "summary": summary,
                    "url": None,
                    "code": level.get("code"),
                    "weight": weight,
                }
            )
    out: list[dict[str, Any]] = []
    keys: set[tuple[str, str, str | None]] = set()
    for it in items:
        k = (it["kind"], it["summary"], it["url"])
        if k not in keys:
            keys.add(k)
            out.append(it)
    return out


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def case_json(case: Case) -> dict[str, Any]:
    """One case in the stable ``scout cases list --json`` shape of DESIGN.md."""
    session = object_session(case)
    if session is None:
        raise ValueError("case_json needs a case attached to a session")
    acc = case.account
    return {
        "case_id": case.number,
        "kind": case.kind,
        "status": case.status,
        "platform": acc.platform,
        "handle": acc.handle,
        "url": acc.url,
        "display_name": acc.display_name,
        "entity": case.entity_key,
        "confidence": round(min(1.0, max(0.0, float(case.confidence or 0.0))), 4),
        "imitates": case.imitates_url,
        "opened_at": _iso(case.opened_at),
        "last_seen": _iso(case.last_seen_at),
        "evidence": [
            {"kind": e["kind"], "summary": e["summary"], "url": e["url"]}
            for e in evidence_items(session, case)
        ],
    }


def list_cases(session: Session, status: str | None = None) -> list[Case]:
    """Cases of this database, open ones first (highest confidence, then oldest), then the rest."""
    q = select(Case)
    if status:
        q = q.where(Case.status == status)
    cases = list(session.scalars(q))
    return sorted(cases, key=sort_key)


def sort_key(case: Case) -> tuple[int, float, datetime, str]:
    rank = (
        0 if case.status == CaseStatus.OPEN.value else 1 if case.status in FOLLOWED_STATUSES else 2
    )
    return (rank, -(case.confidence or 0.0), case.opened_at, case.number)
