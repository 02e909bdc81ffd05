"""Follow-up after a scan: cases the scan did not confirm directly.

An open case whose account the registry now lists is resolved as registered. Every
other followed case is *seen* (its last-seen time moves), *not seen* (every source that
found it before ran in this scan without a coverage gap, and did not find it), or
*unknown* (coverage incomplete: a failed page never closes a case or marks it gone). A case
on a platform whose selfcheck found parser drift in this scan is unknown too: that
platform's "not found" answers are not trusted.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.cases.records import (
    FAMILY,
    FOLLOWED_STATUSES,
    OPEN_STATUSES,
    CaseUpdate,
    SeenInScan,
    add_event,
    day,
    last_presence,
    note_seen,
)
from crawler.db.liveness import Liveness
from crawler.db.models import Assessment, Case, RegisteredAccount, Scan, ScanQuery, Sighting, utcnow
from crawler.vocab import CaseStatus, Classification, ScanKind, ScanStatus, Source


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


def _drifted(session: Session, scan: Scan) -> set[str]:
    """Platforms whose selfcheck did not pass in the scan (its ``failed`` coverage rows)."""
    return set(
        session.scalars(
            select(ScanQuery.query).where(
                ScanQuery.scan_id == scan.id,
                ScanQuery.source == Source.SELFCHECK,
                ScanQuery.status == "failed",
            )
        )
    )


def auto_resolve_registered(
    session: Session, scan: Scan, actor: str, handled: set[int], result: CaseUpdate
) -> None:
    """An open case whose account the registry now lists (PR imported it) is resolved as registered."""
    rows = session.execute(
        select(Case, Assessment)
        .join(Assessment, Assessment.account_id == Case.account_id)
        .where(
            Assessment.scan_id == scan.id,
            Assessment.classification == Classification.REGISTERED,
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
        add_event(
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


def follow_up(
    session: Session,
    scan: Scan,
    actor: str,
    handled: set[int],
    seen: SeenInScan,
    result: CaseUpdate,
    gone: Mapping[int, Liveness] | None = None,
) -> None:
    """Cases not confirmed by this scan: seen (last_seen moves), not seen, or unknown. ``gone``:
    accounts whose page or API said in this scan that they do not exist (not seen, surely)."""
    gone = gone or {}
    ran, gaps = _coverage(session, scan)
    drifted = _drifted(session, scan)
    partial = scan.kind != ScanKind.SCAN or scan.status in (
        ScanStatus.FAILED,
        ScanStatus.INTERRUPTED,
    )
    params = scan.params or {}
    # an incremental scan sweeps some entities in full; the others' accounts may simply not
    # have been asked for (README, "How a monthly scan saves work")
    swept = ((scan.stats or {}).get("increment") or {}).get("swept", "*")
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
        if case.account_id in gone:
            _gone(case, scan, actor, gone[case.account_id], result)
            continue
        if hit is not None:
            case.last_seen_at = max(case.last_seen_at, hit[0]) if case.last_seen_at else hit[0]
            case.last_scan_id = scan.id
            note_seen(case, scan, actor, result)
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
            and case.account.platform not in drifted
            and (not only_entity or only_entity == case.entity_key)
            and (swept == "*" or case.entity_key in swept)
        )
        if not covered:
            result.unknown.append(case.number)
            continue
        result.not_seen.append(case.number)
        if last_presence(case) != "not-seen":
            since = day(case.last_seen_at) if case.last_seen_at else "unknown"
            add_event(
                case,
                "not-seen",
                actor=actor,
                scan_id=scan.id,
                note=f"not found in scan {scan.id} by {', '.join(sorted(before))}; not seen since {since}",
            )


def _gone(case: Case, scan: Scan, actor: str, liveness: Liveness, result: CaseUpdate) -> None:
    """The case's account: its page or API said in this scan that it does not exist."""
    result.not_seen.append(case.number)
    if last_presence(case) != "not-seen":
        since = day(case.last_seen_at) if case.last_seen_at else "unknown"
        add_event(
            case,
            "not-seen",
            actor=actor,
            scan_id=scan.id,
            note=f"scan {scan.id}: the platform says the account does not exist: "
            f"{liveness.describe()}; not seen since {since}",
        )
