"""Views of cases: the evidence list, the stable JSON shape and the ordered case list.

``evidence_items`` gathers what supports a case (sightings, captured evidence, the
matcher's explanation); ``case_json`` is one case in the ``scout cases list --json``
shape (README, "Commands").
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, object_session, selectinload

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


def _chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    # IN lists of a bounded size: SQLite caps the bound parameters of one statement.
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


@dataclass
class _Found:
    """What the database holds about some accounts, by account id, newest first."""

    sightings: dict[int, list[Sighting]] = field(default_factory=dict)
    evidence: dict[int, list[Evidence]] = field(default_factory=dict)
    explanation: dict[int, list[Any]] = field(default_factory=dict)


def _load(session: Session, account_ids: list[int]) -> _Found:
    """Sightings, captured evidence and the latest assessment's explanation of the accounts:
    three queries per 500 accounts, not three per case."""
    found = _Found()
    for chunk in _chunks(account_ids):
        for s in session.scalars(
            select(Sighting).where(Sighting.account_id.in_(chunk)).order_by(Sighting.id.desc())
        ):
            found.sightings.setdefault(s.account_id, []).append(s)
        for ev in session.scalars(
            select(Evidence).where(Evidence.account_id.in_(chunk)).order_by(Evidence.id.desc())
        ):
            found.evidence.setdefault(ev.account_id, []).append(ev)
        found.explanation.update(latest_explanations(session, chunk))
    return found


def latest_explanations(session: Session, account_ids: list[int]) -> dict[int, list[Any]]:
    """The explanation levels of each account's latest assessment (one query; give at most a
    few hundred ids), by account id; accounts never assessed are left out."""
    latest = (
        select(Assessment.account_id, func.max(Assessment.scan_id).label("scan_id"))
        .where(Assessment.account_id.in_(account_ids))
        .group_by(Assessment.account_id)
        .subquery()
    )
    rows = session.execute(
        select(Assessment.account_id, Assessment.explanation).join(
            latest,
            and_(
                Assessment.account_id == latest.c.account_id,
                Assessment.scan_id == latest.c.scan_id,
            ),
        )
    )
    return {account_id: explanation or [] for account_id, explanation in rows}


def _evidence_item(ev: Evidence) -> dict[str, Any]:
    summary = ev.summary
    if ev.kind == EvidenceKind.HTML_SHA256 and ev.sha256 and ev.sha256 not in summary:
        summary = f"SHA-256 of the page HTML: {ev.sha256}" + (f" ({summary})" if summary else "")
    if not summary:
        summary = f"{ev.kind.replace('_', ' ')} captured {day(ev.captured_at)}"
    return {
        "kind": ev.kind,
        "summary": summary,
        "url": ev.url,
        "file_path": ev.file_path,
        "sha256": ev.sha256,
        "at": ev.captured_at,
        "scan_id": ev.scan_id,
    }


def _explanation_items(levels: list[Any]) -> list[dict[str, Any]]:
    items = []
    for level in levels:
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
    return items


def _items(case: Case, found: _Found) -> list[dict[str, Any]]:
    items = [_sighting_item(s) for s in found.sightings.get(case.account_id, [])]
    items += [_evidence_item(ev) for ev in found.evidence.get(case.account_id, [])]
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
    if case.account_id in found.explanation:
        items += _explanation_items(found.explanation[case.account_id])
    out: list[dict[str, Any]] = []
    keys: set[tuple[str, str, str | None]] = set()
    for it in items:
        k = (it["kind"], it["summary"], it["url"])
        if k not in keys:
            keys.add(k)
            out.append(it)
    return out


def evidence_by_case(session: Session, cases: list[Case]) -> dict[int, list[dict[str, Any]]]:
    """:func:`evidence_items` of many cases at once (a few queries for all of them), by case id."""
    found = _load(session, sorted({c.account_id for c in cases}))
    return {c.id: _items(c, found) for c in cases}


def evidence_items(session: Session, case: Case) -> list[dict[str, Any]]:
    """Everything that supports the case, newest first within each kind, de-duplicated.

    Each item has ``kind``, ``summary`` and ``url`` (the evidence shape of ``scout cases list --json``)
    plus detail for reports (source, query, title, snippet, file, sha256, at).
    """
    return evidence_by_case(session, [case])[case.id]


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def case_json(case: Case, evidence: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """One case in the stable ``scout cases list --json`` shape (README, "Commands"); ``evidence``
    is its :func:`evidence_items` when the caller has them already."""
    if evidence is None:
        session = object_session(case)
        if session is None:
            raise ValueError("case_json needs a case attached to a session")
        evidence = evidence_items(session, case)
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
            {"kind": e["kind"], "summary": e["summary"], "url": e["url"]} for e in evidence
        ],
        "related_cases": list(case.related_cases or []),
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


def cases_json(session: Session, cases: list[Case]) -> list[dict[str, Any]]:
    """:func:`case_json` of many cases, their evidence loaded for all of them at once."""
    evidence = evidence_by_case(session, cases)
    return [case_json(c, evidence[c.id]) for c in cases]


def list_cases(session: Session, status: str | None = None) -> list[Case]:
    """Cases of this database, open ones first (highest confidence, then oldest), then the rest."""
    q = select(Case).options(selectinload(Case.account))
    if status:
        q = q.where(Case.status == status)
    cases = list(session.scalars(q))
    return sorted(cases, key=sort_key)


def sort_key(case: Case) -> tuple[int, float, datetime, str]:
    rank = 0 if case.status == CaseStatus.OPEN else 1 if case.status in FOLLOWED_STATUSES else 2
    return (rank, -(case.confidence or 0.0), case.opened_at, case.number)
