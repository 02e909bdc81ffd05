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
* liveness (:mod:`crawler.db.liveness`): no case opens for an account whose page or API
  says, in this scan, that it does not exist, whatever a search result or a link says; a
  followed case whose account is gone is "not seen", with the answer in its history;
* numbers come from :class:`CaseCounter`, so they never repeat.

Functions take the session; the caller owns the transaction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.cases.followup import auto_resolve_registered, follow_up
from crawler.cases.records import (
    DISMISSED,
    FAMILY,
    LIVE_SOURCES,
    REOPEN_MARGIN,
    CaseUpdate,
    SeenInScan,
    add_event,
    case_prefix,
    fingerprint,
    next_number,
    note_seen,
)
from crawler.cases.reemergence import related_cases, reopen_reason
from crawler.config import Config
from crawler.db.liveness import scan_liveness
from crawler.db.models import Account, Assessment, Case, Scan, Sighting, utcnow
from crawler.db.store import find_registered
from crawler.errors import InputError
from crawler.vocab import CaseKind, CaseStatus, Classification


@dataclass(frozen=True, slots=True)
class _Candidate:
    account: Account
    kind: str
    entity_key: str | None
    confidence: float
    imitates_url: str | None
    note: str


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
                (Classification.UNREGISTERED, Classification.IMPERSONATION)
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


def _seen_in_scan(session: Session, scan: Scan, gone: Iterable[int] = ()) -> SeenInScan:
    """Account id -> (latest sighting time, sources) for the accounts seen in this scan (not
    those whose page or API said they are gone)."""
    seen: SeenInScan = {}
    gone = set(gone)
    for account_id, source, at in session.execute(
        select(Sighting.account_id, Sighting.source, Sighting.fetched_at).where(
            Sighting.scan_id == scan.id
        )
    ):
        if account_id in gone:
            continue
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
        if account_id not in gone:
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
    gone = {i: lv for i, lv in scan_liveness(session, scan.id).items() if lv.gone}
    seen = _seen_in_scan(session, scan, gone)
    handled: set[int] = set()

    for cand in _candidates(session, scan, deactivation_incomplete):
        if cand.account.id in gone:  # its page or API says it does not exist: no case
            result.gone.append(cand.account.url)
            continue
        kinds = FAMILY if cand.kind in FAMILY else (cand.kind,)
        case = _find_existing(session, cand.account, kinds)
        at = seen.get(cand.account.id, (now, set()))[0]
        if case is None:
            case = _open(session, cand, scan, config, actor, at)
            result.opened.append(case.number)
        else:
            _update_existing(session, case, cand, scan, config, actor, at, seen, result)
        handled.add(case.id)

    auto_resolve_registered(session, scan, actor, handled, result)
    follow_up(session, scan, actor, handled, seen, result, gone)
    session.flush()
    return result


def _open(
    session: Session, cand: _Candidate, scan: Scan, config: Config, actor: str, at: datetime
) -> Case:
    now = utcnow()
    case = Case(
        number=next_number(
            session,
            case_prefix(session, cand.account.district_id, config.case_prefix),
            now.year,
            district_id=cand.account.district_id,
        ),
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
    related = related_cases(session, cand.account, cand.imitates_url) if cand.kind in FAMILY else []
    case.related_cases = related or None
    session.add(case)
    add_event(
        case,
        "opened",
        actor=actor,
        scan_id=scan.id,
        to_status=case.status,
        note=f"{cand.note} (as @{cand.account.handle})"
        + (f"; re-emerges from {', '.join(related)}, taken down before" if related else ""),
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
    seen: SeenInScan,
    result: CaseUpdate,
) -> None:
    acc = cand.account
    if case.account_id != acc.id:
        old = case.account
        add_event(
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
        add_event(
            case,
            "renamed",
            actor=actor,
            scan_id=scan.id,
            note=f"handle is now @{acc.handle} (before: {', '.join('@' + str(h) for h in acc.previous_handles)})",
        )
        result.renamed.append(case.number)
    if case.kind != cand.kind and not _kind_taken(session, case, cand.kind):
        add_event(
            case, "reclassified", actor=actor, scan_id=scan.id, note=f"{case.kind} → {cand.kind}"
        )
        case.kind = CaseKind(cand.kind)
    case.last_seen_at = max(case.last_seen_at, at) if case.last_seen_at else at
    case.last_scan_id = scan.id

    status = CaseStatus(case.status)
    if not status.is_closed:
        if cand.entity_key and cand.entity_key != case.entity_key:
            add_event(
                case,
                "entity-changed",
                actor=actor,
                scan_id=scan.id,
                note=f"{case.entity_key or 'none'} → {cand.entity_key}",
            )
        case.entity_key = cand.entity_key or case.entity_key
        case.confidence = cand.confidence
        case.imitates_url = cand.imitates_url or case.imitates_url
        note_seen(case, scan, actor, result)
        return

    reason = _reopen_reason(case, cand, scan, seen)
    if reason is None:
        result.kept_closed.append(case.number)
        return
    add_event(
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


def _reopen_reason(case: Case, cand: _Candidate, scan: Scan, seen: SeenInScan) -> str | None:
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
    if case.status == CaseStatus.RESOLVED_DEACTIVATED:
        sources = seen.get(cand.account.id, (scan.started_at, set()))[1]
        live = sources & LIVE_SOURCES or (cand.kind == CaseKind.DEACTIVATION_INCOMPLETE and sources)
        closed = case.closed_at or case.opened_at
        if live and scan.started_at >= closed:
            return f"resolved as deactivated, but seen live again ({', '.join(sorted(sources))}) in scan {scan.id}"
    if case.status == CaseStatus.REPORTED_TO_PLATFORM:
        sources = seen.get(cand.account.id, (scan.started_at, set()))[1]
        return reopen_reason(case, sources, scan.id)
    return None
