"""Views of cases: the evidence list, the stable JSON shape and the ordered case list.

``evidence_items`` gathers what supports a case (sightings, captured evidence, the
matcher's explanation); ``case_json`` is one case in the ``scout cases list --json``
shape (README, "Commands").
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from crawler.cases.records import FOLLOWED_STATUSES, day
from crawler.db.models import Assessment, Case, Evidence, Sighting
from crawler.vocab import SOURCES, CaseKind, CaseStatus, EvidenceKind, Source

# The evidence kind each source's sightings become.
SOURCE_EVIDENCE: dict[str, str] = {str(s): str(t.evidence) for s, t in SOURCES.items()}


def latest_assessment(session: Session, account_id: int) -> Assessment | None:
    return session.scalars(
        select(Assessment)
        .where(Assessment.account_id == account_id)
        .order_by(Assessment.scan_id.desc())
    ).first()


def _sighting_item(s: Sighting) -> dict[str, Any]:
    kind = SOURCE_EVIDENCE.get(s.source, str(EvidenceKind.PROFILE_PAGE))
    if kind == EvidenceKind.DISTRICT_LINK:
        summary = f"Linked from the district's own site: {s.source_url or 'a district page'}"
        url = s.source_url
    elif kind == EvidenceKind.SEARCH_RESULT:
        parts = [f"Search result for “{s.query}”" if s.query else "Search result"]
        if s.title:
            parts.append(s.title)
        if s.snippet:
            parts.append(s.snippet)
        summary = ": ".join(parts[:2]) + (f" — {parts[2]}" if len(parts) > 2 else "")
        url = s.raw_url or s.source_url
    elif kind == EvidenceKind.API_PROFILE:
        summary = f"Profile from the {s.source} API" + (f" (query “{s.query}”)" if s.query else "")
        url = s.raw_url or s.account.url
    else:
        what = (
            "generated handle found live"
            if s.source == Source.HANDLE_PROBE
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

    Each item has ``kind``, ``summary`` and ``url`` (the evidence shape of ``scout cases list --json``)
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
        if ev.kind == EvidenceKind.HTML_SHA256 and ev.sha256 and ev.sha256 not in summary:
            summary = f"SHA-256 of the page HTML: {ev.sha256}" + (
                f" ({summary})" if summary else ""
            )
        if not summary:
            summary = f"{ev.kind.replace('_', ' ')} captured {day(ev.captured_at)}"
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
    if case.kind == CaseKind.DEACTIVATION_INCOMPLETE:
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
    """One case in the stable ``scout cases list --json`` shape (README, "Commands")."""
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


def history_json(case: Case) -> list[dict[str, Any]]:
    """The case history, oldest first, in the shape of ``scout cases show --json``."""
    return [
        {
            "at": e.at.isoformat(),
            "actor": e.actor,
            "action": e.action,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "note": e.note,
            "scan_id": e.scan_id,
        }
        for e in case.events
    ]


def case_detail_json(case: Case) -> dict[str, Any]:
    """One case as ``scout cases show ID --json``: the list shape plus due and history."""
    return {
        **case_json(case),
        "due": _iso(case.due_at),
        "history": history_json(case),
    }


def list_cases(session: Session, status: str | None = None) -> list[Case]:
    """Cases of this database, open ones first (highest confidence, then oldest), then the rest."""
    q = select(Case)
    if status:
        q = q.where(Case.status == status)
    cases = list(session.scalars(q))
    return sorted(cases, key=sort_key)


def sort_key(case: Case) -> tuple[int, float, datetime, str]:
    rank = 0 if case.status == CaseStatus.OPEN else 1 if case.status in FOLLOWED_STATUSES else 2
    return (rank, -(case.confidence or 0.0), case.opened_at, case.number)
