"""Builders: database rows -> plain dicts for the templates (which only format them).

One builder per document: :func:`build_index`, :func:`build_case`,
:func:`build_summary`, :func:`build_official`. Values from the web (names,
bios, snippets) pass through untouched; escaping is the templates' job.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, overload

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawler.cases.lifecycle import (
    FOLLOWED_STATUSES,
    evidence_items,
    latest_assessment,
    list_cases,
    not_seen_since,
)
from crawler.config import Config
from crawler.db.models import (
    Account,
    AffiliatedOrg,
    Assessment,
    Case,
    District,
    EntityRow,
    Evidence,
    RegisteredAccount,
    Scan,
    ScanQuery,
    Sighting,
    utcnow,
)
from crawler.vocab import CaseStatus, Classification, ScanKind
from reports.audit import Roster, audit_registry
from reports.charts import bar_chart
from reports.quotes import quotes_for

PLATFORM_LABELS = {
    "facebook": "Facebook",
    "instagram": "Instagram",
    "x": "X (Twitter)",
    "youtube": "YouTube",
    "tiktok": "TikTok",
    "threads": "Threads",
    "bluesky": "Bluesky",
    "linkedin": "LinkedIn",
    "mastodon": "Mastodon",
}
STATUS_LABELS = {
    "open": "Open",
    "notified": "Notified",
    "resolved-registered": "Resolved: registered",
    "resolved-deactivated": "Resolved: deactivated",
    "reported-to-platform": "Reported to platform",
    "dismissed-not-district": "Dismissed: not the district",
    "dismissed-affiliated": "Dismissed: affiliated",
}
KIND_LABELS = {
    "unregistered": "Unregistered",
    "impersonation": "Impersonation",
    "deactivation_incomplete": "Deactivation incomplete",
}
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif")


def platform_label(name: str) -> str:
    return PLATFORM_LABELS.get(name, name.title())


@overload
def _day(value: datetime | date) -> str: ...
@overload
def _day(value: None) -> None: ...
@overload
def _day(value: datetime | date | None) -> str | None: ...
def _day(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).date().isoformat()
    return value.isoformat()


def _stamp(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if value else None


class Context:
    """What every builder needs: the district, its entities and the scan in view."""

    def __init__(self, session: Session, config: Config, scan_id: int | None) -> None:
        from crawler.db.store import district_row

        self.session = session
        self.config = config
        self.district: District = district_row(session)
        self.entities = {
            e.key: e
            for e in session.scalars(
                select(EntityRow)
                .where(EntityRow.district_id == self.district.id)
                .order_by(EntityRow.id)
            )
        }
        if scan_id is None:
            self.scan = session.scalars(
                select(Scan)
                .where(Scan.district_id == self.district.id, Scan.kind == ScanKind.SCAN.value)
                .order_by(Scan.id.desc())
            ).first()
        else:
            self.scan = session.get(Scan, scan_id)
            if self.scan is None:
                from crawler.errors import InputError

                raise InputError(f"no scan {scan_id}", field="--scan")
        self.now = utcnow()

    def entity_name(self, key: str | None) -> str | None:
        if key is None:
            return None
        if key == self.district.key:
            return self.district.name
        e = self.entities.get(key)
        return e.name if e else key

    def entity_kind(self, key: str | None) -> str | None:
        if key is None:
            return None
        if key == self.district.key:
            return "district"
        e = self.entities.get(key)
        return e.kind if e else None

    def school_of(self, key: str) -> str:
        """The school (or the district) an entity belongs to, for grouping."""
        e = self.entities.get(key)
        seen: set[str] = set()
        while e is not None and e.kind != "school" and e.parent_key and e.parent_key not in seen:
            seen.add(e.key)
            e = self.entities.get(e.parent_key)
        if e is None or e.kind != "school":
            return (
                key
                if key in self.entities and self.entities[key].kind == "school"
                else self.district.key
            )
        return e.key

    def header(self) -> dict[str, Any]:
        scan = self.scan
        return {
            "district": self.district.name,
            "procedure": self.config.procedure,
            "procedure_title": self.config.procedure_title,
            "generated_at": _stamp(self.now),
            "scan": None
            if scan is None
            else {
                "id": scan.id,
                "status": scan.status,
                "started_at": _stamp(scan.started_at),
                "finished_at": _stamp(scan.finished_at),
            },
        }


# --------------------------------------------------------------------------- cases


def case_row(ctx: Context, case: Case) -> dict[str, Any]:
    acc = case.account
    gone = not_seen_since(case)
    today = ctx.now.date()
    return {
        "number": case.number,
        "id": case.id,
        "href": f"cases/{case.number}.html",
        "status": case.status,
        "status_label": STATUS_LABELS.get(case.status, case.status),
        "is_open": case.status in FOLLOWED_STATUSES,
        "kind": case.kind,
        "kind_label": KIND_LABELS.get(case.kind, case.kind),
        "platform": acc.platform,
        "platform_label": platform_label(acc.platform),
        "handle": acc.handle,
        "url": acc.url,
        "display_name": acc.display_name or "",
        "entity": case.entity_key,
        "entity_name": ctx.entity_name(case.entity_key),
        "confidence": round(float(case.confidence or 0.0), 2),
        "imitates": case.imitates_url,
        "opened_at": _day(case.opened_at),
        "due": _day(case.due_at),
        "overdue": bool(
            case.due_at and case.status == CaseStatus.OPEN.value and case.due_at < today
        ),
        "age_days": (today - case.opened_at.date()).days,
        "last_seen": _day(case.last_seen_at),
        "not_seen_since": _day(gone) if gone else None,
        "closed_at": _day(case.closed_at),
        "new": ctx.scan is not None and case.opened_scan_id == ctx.scan.id,
    }


def _nearest_registered(ctx: Context, acc: Account, limit: int = 3) -> list[dict[str, Any]]:
    from rapidfuzz import fuzz, utils

    regs = list(
        ctx.session.scalars(
            select(RegisteredAccount).where(RegisteredAccount.district_id == ctx.district.id)
        )
    )
    scored = []
    for r in regs:
        handle_score = fuzz.ratio(acc.handle, r.handle, processor=utils.default_process)
        name_score = fuzz.token_set_ratio(
            acc.display_name or acc.handle,
            r.display_name or r.handle,
            processor=utils.default_process,
        )
        score = max(handle_score, name_score)
        scored.append((r.platform != acc.platform, -score, r.url, r, score))
    scored.sort(key=lambda t: t[:3])
    return [
        {
            "platform": r.platform,
            "platform_label": platform_label(r.platform),
            "handle": r.handle,
            "url": r.url,
            "display_name": r.display_name,
            "entity_name": ctx.entity_name(r.entity_key),
            "status": r.status,
            "similarity": round(score / 100, 2),
            "same_platform": r.platform == acc.platform,
        }
        for *_, r, score in scored[:limit]
    ]


def _links(acc: Account) -> list[str]:
    out = []
    for link in acc.links or []:
        if isinstance(link, str):
            out.append(link)
        elif isinstance(link, dict) and isinstance(link.get("url"), str):
            out.append(link["url"])
    return out


def build_case(ctx: Context, case: Case) -> dict[str, Any]:
    """Everything a case page shows."""
    acc = case.account
    items = evidence_items(ctx.session, case)
    sightings = [it for it in items if it.get("source")]
    explanation = [it for it in items if it["kind"] == "explanation"]
    evidence_rows = list(
        ctx.session.scalars(
            select(Evidence)
            .where(Evidence.account_id == acc.id)
            .order_by(Evidence.captured_at.desc())
        )
    )
    screenshots = []
    hashes = []
    for ev in evidence_rows:
        if ev.kind == "screenshot" and ev.file_path:
            src = Path(ev.file_path)
            if not src.is_absolute():
                src = ctx.config.evidence_dir / src
            suffix = src.suffix.lower()
            screenshots.append(
                {
                    "source_path": str(src),
                    "exists": src.is_file() and suffix in IMAGE_SUFFIXES,
                    "name": f"{case.number}-{ev.id}{suffix if suffix in IMAGE_SUFFIXES else '.bin'}",
                    "captured_at": _stamp(ev.captured_at),
                    "url": ev.url,
                    "sha256": ev.sha256,
                    "summary": ev.summary,
                }
            )
        elif ev.kind == "html_sha256" and ev.sha256:
            hashes.append(
                {"sha256": ev.sha256, "url": ev.url, "captured_at": _stamp(ev.captured_at)}
            )
    a = latest_assessment(ctx.session, acc.id)
    links = _links(acc)
    text = " ".join([acc.display_name or "", acc.bio or "", *links])
    entity = None
    if case.entity_key:
        e = ctx.entities.get(case.entity_key)
        entity = {
            "key": case.entity_key,
            "name": ctx.entity_name(case.entity_key),
            "kind": ctx.entity_kind(case.entity_key),
            "parent": ctx.entity_name(e.parent_key) if e is not None and e.parent_key else None,
            "mascot": e.mascot if e is not None else None,
            "website": (e.website if e is not None else ctx.district.website),
        }
    opened = case.opened_at.date()
    steps = [
        {
            "n": i,
            "step": s.step,
            "days": s.days,
            "date": (opened + timedelta(days=s.days)).isoformat(),
            "past": opened + timedelta(days=s.days) < ctx.now.date(),
        }
        for i, s in enumerate(ctx.config.steps, 1)
    ]
    history = [
        {
            "at": _stamp(ev.at),
            "actor": ev.actor,
            "action": ev.action,
            "from_status": ev.from_status,
            "to_status": ev.to_status,
            "note": ev.note,
            "scan_id": ev.scan_id,
        }
        for ev in case.events
    ]
    return {
        **ctx.header(),
        "case": case_row(ctx, case),
        "account": {
            "platform_label": platform_label(acc.platform),
            "url": acc.url,
            "handle": acc.handle,
            "display_name": acc.display_name or "",
            "bio": acc.bio or "",
            "followers": acc.followers,
            "links": links,
            "location": acc.location,
            "verified": acc.verified,
            "private": acc.private,
            "page_state": acc.page_state,
            "previous_handles": [str(h) for h in acc.previous_handles or []],
            "platform_id": acc.platform_id,
            "first_seen": _day(acc.first_seen_at),
        },
        "entity": entity,
        "classification": None
        if a is None
        else {
            "classification": a.classification,
            "confidence": round(a.confidence, 2),
            "scan_id": a.scan_id,
        },
        "explanation": explanation,
        "sightings": sightings,
        "screenshots": screenshots,
        "hashes": hashes,
        "nearest": _nearest_registered(ctx, acc),
        "policy": quotes_for(acc.platform, ctx.entity_kind(case.entity_key), text),
        "steps": steps,
        "history": history,
    }


# --------------------------------------------------------------------------- index


def _assessed(ctx: Context, classification: str) -> list[dict[str, Any]]:
    if ctx.scan is None:
        return []
    rows = ctx.session.execute(
        select(Assessment, Account)
        .join(Account, Account.id == Assessment.account_id)
        .where(Assessment.scan_id == ctx.scan.id, Assessment.classification == classification)
        .order_by(Assessment.confidence.desc(), Account.platform, Account.handle)
    )
    out = []
    for a, acc in rows:
        out.append(
            {
                "platform": acc.platform,
                "platform_label": platform_label(acc.platform),
                "handle": acc.handle,
                "url": acc.url,
                "display_name": acc.display_name or "",
                "entity": a.entity_key,
                "entity_name": ctx.entity_name(a.entity_key),
                "confidence": round(a.confidence, 2),
                "why": "; ".join(
                    str(lv.get("label") or lv.get("code")) for lv in (a.explanation or [])[:3]
                ),
            }
        )
    return out


def _registered(ctx: Context) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    seen_ids: set[int] = set()
    if ctx.scan is not None:
        seen_ids = {
            rid
            for (rid,) in ctx.session.execute(
                select(Assessment.registered_id).where(
                    Assessment.scan_id == ctx.scan.id, Assessment.registered_id.is_not(None)
                )
            )
            if rid is not None
        }
    seen: list[dict[str, Any]] = []
    unseen: list[dict[str, Any]] = []
    for r in ctx.session.scalars(
        select(RegisteredAccount)
        .where(RegisteredAccount.district_id == ctx.district.id)
        .order_by(
            RegisteredAccount.entity_key, RegisteredAccount.platform, RegisteredAccount.handle
        )
    ):
        row = {
            "platform": r.platform,
            "platform_label": platform_label(r.platform),
            "handle": r.handle,
            "url": r.url,
            "display_name": r.display_name,
            "entity": r.entity_key,
            "entity_name": ctx.entity_name(r.entity_key),
            "status": r.status,
            "last_seen": _day(r.last_seen_at),
        }
        (seen if r.id in seen_ids else unseen).append(row)
    return seen, unseen


def build_index(ctx: Context) -> dict[str, Any]:
    cases = [case_row(ctx, c) for c in list_cases(ctx.session)]
    seen, unseen = _registered(ctx)
    open_cases = [c for c in cases if c["is_open"]]
    return {
        **ctx.header(),
        "open_cases": open_cases,
        "decided_cases": [c for c in cases if not c["is_open"]],
        "review": _assessed(ctx, Classification.REVIEW.value),
        "affiliated": _assessed(ctx, Classification.AFFILIATED.value),
        "registered_seen": seen,
        "registered_unseen": unseen,
        "affiliated_orgs": affiliated_orgs(ctx),
        "counts": {
            "open": sum(1 for c in open_cases if c["status"] == "open"),
            "followed": len(open_cases),
            "new": sum(1 for c in cases if c["new"]),
            "overdue": sum(1 for c in cases if c["overdue"]),
            "decided": len(cases) - len(open_cases),
        },
    }


# --------------------------------------------------------------------------- summary


def _trend(ctx: Context) -> list[dict[str, Any]]:
    scans = list(
        ctx.session.scalars(
            select(Scan)
            .where(Scan.district_id == ctx.district.id, Scan.kind == ScanKind.SCAN.value)
            .order_by(Scan.id.desc())
            .limit(12)
        )
    )[::-1]
    if ctx.scan is not None:
        scans = [s for s in scans if s.id <= ctx.scan.id]
    cases = list(ctx.session.scalars(select(Case).where(Case.district_id == ctx.district.id)))
    accounts = dict(
        ctx.session.execute(
            select(Sighting.scan_id, func.count(func.distinct(Sighting.account_id)))
            .where(Sighting.scan_id.in_([s.id for s in scans] or [-1]))
            .group_by(Sighting.scan_id)
        ).all()
    )
    seen_points, new_points, open_points = [], [], []
    for s in scans:
        label = f"#{s.id} {_day(s.started_at)[5:] if s.started_at else ''}"
        end = s.finished_at or s.started_at
        seen_points.append((label, float(accounts.get(s.id, 0))))
        new_points.append((label, float(sum(1 for c in cases if c.opened_scan_id == s.id))))
        open_points.append(
            (
                label,
                float(
                    sum(
                        1
                        for c in cases
                        if (c.opened_scan_id or 0) <= s.id
                        and (c.closed_at is None or c.closed_at > end)
                    )
                ),
            )
        )
    return [
        bar_chart("Accounts seen per scan", seen_points),
        bar_chart("New cases per scan", new_points),
        bar_chart("Open cases at the end of each scan", open_points),
    ]


def _coverage_matrix(ctx: Context) -> dict[str, Any]:
    platforms = [p for p in PLATFORM_LABELS]
    cells: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for r in ctx.session.scalars(
        select(RegisteredAccount).where(
            RegisteredAccount.district_id == ctx.district.id,
            RegisteredAccount.status != "deactivated",
        )
    ):
        cells[ctx.school_of(r.entity_key)][r.platform].append(r.handle)
    used = [p for p in platforms if any(p in row for row in cells.values())]
    others = sorted({p for row in cells.values() for p in row} - set(platforms))
    cols = used + others
    groups = [ctx.district.key] + [k for k, e in ctx.entities.items() if e.kind == "school"]
    rows = []
    for key in groups:
        row = cells.get(key, {})
        rows.append(
            {
                "entity": key,
                "name": ctx.entity_name(key),
                "cells": [
                    {"platform": p, "count": len(row.get(p, [])), "handles": row.get(p, [])}
                    for p in cols
                ],
                "total": sum(len(v) for v in row.values()),
            }
        )
    return {"platforms": [{"name": p, "label": platform_label(p)} for p in cols], "rows": rows}


def build_summary(ctx: Context, *, roster: Roster | None = None) -> dict[str, Any]:
    session = ctx.session
    scan = ctx.scan
    per_source: list[dict[str, Any]] = []
    per_platform: list[dict[str, Any]] = []
    gaps: list[dict[str, Any]] = []
    new_cases: list[dict[str, Any]] = []
    closed: list[dict[str, Any]] = []
    stats: dict[str, Any] = {}
    if scan is not None:
        stats = scan.stats or {}
        sightings = Counter(
            dict(
                session.execute(
                    select(Sighting.source, func.count())
                    .where(Sighting.scan_id == scan.id)
                    .group_by(Sighting.source)
                ).all()
            )
        )
        accounts = Counter(
            dict(
                session.execute(
                    select(Sighting.source, func.count(func.distinct(Sighting.account_id)))
                    .where(Sighting.scan_id == scan.id)
                    .group_by(Sighting.source)
                ).all()
            )
        )
        queries: dict[str, Counter[str]] = defaultdict(Counter)
        for source, status in session.execute(
            select(ScanQuery.source, ScanQuery.status).where(ScanQuery.scan_id == scan.id)
        ):
            queries[source][status] += 1
        sources = stats.get("sources")
        source_stats: dict[str, Any] = sources if isinstance(sources, dict) else {}
        for source in sorted(set(sightings) | set(queries) | set(source_stats)):
            q = queries.get(source, Counter())
            note = source_stats.get(source)
            per_source.append(
                {
                    "source": source,
                    "sightings": sightings.get(source, 0),
                    "accounts": accounts.get(source, 0),
                    "queries_done": q.get("done", 0),
                    "queries_failed": q.get("failed", 0),
                    "queries_skipped": q.get("skipped", 0),
                    "note": note
                    if isinstance(note, str)
                    else (note.get("note") if isinstance(note, dict) else None),
                }
            )
        by_platform: dict[str, Counter[str]] = defaultdict(Counter)
        for plat, classification in session.execute(
            select(Account.platform, Assessment.classification)
            .join(Assessment, Assessment.account_id == Account.id)
            .where(Assessment.scan_id == scan.id)
        ):
            by_platform[plat][classification] += 1
        seen_platform: dict[str, int] = dict(
            session.execute(
                select(Account.platform, func.count(func.distinct(Account.id)))
                .join(Sighting, Sighting.account_id == Account.id)
                .where(Sighting.scan_id == scan.id)
                .group_by(Account.platform)
            ).all()
        )
        for platform in sorted(set(by_platform) | set(seen_platform)):
            c = by_platform.get(platform, Counter())
            per_platform.append(
                {
                    "platform": platform,
                    "platform_label": platform_label(platform),
                    "accounts": seen_platform.get(platform, 0),
                    **{k.value: c.get(k.value, 0) for k in Classification},
                }
            )
        from crawler.config import redact

        for gap in session.scalars(
            select(ScanQuery)
            .where(ScanQuery.scan_id == scan.id, ScanQuery.status != "done")
            .order_by(ScanQuery.source, ScanQuery.query)
        ):
            gaps.append(
                {
                    "source": gap.source,
                    "query": gap.query,
                    "status": gap.status,
                    "error": redact(gap.error) if gap.error else None,
                }
            )
        prev = session.scalars(
            select(Scan)
            .where(
                Scan.district_id == ctx.district.id,
                Scan.kind == ScanKind.SCAN.value,
                Scan.id < scan.id,
            )
            .order_by(Scan.id.desc())
        ).first()
        nxt = session.scalars(
            select(Scan)
            .where(
                Scan.district_id == ctx.district.id,
                Scan.kind == ScanKind.SCAN.value,
                Scan.id > scan.id,
            )
            .order_by(Scan.id)
        ).first()
        since = prev.started_at if prev is not None else None
        until = nxt.started_at if nxt is not None else None
        for case in list_cases(session):
            if case.opened_scan_id == scan.id:
                new_cases.append(case_row(ctx, case))
            elif (
                case.closed_at is not None
                and (since is None or case.closed_at >= since)
                and (until is None or case.closed_at < until)
            ):
                closed.append(case_row(ctx, case))
    findings = [
        f.as_dict()
        | {"entity_name": ctx.entity_name(f.entity), "platform_label": platform_label(f.platform)}
        for f in audit_registry(
            session,
            ctx.config,
            roster=roster,
            scan_id=scan.id if scan is not None else None,
            now=ctx.now,
        )
    ]
    return {
        **ctx.header(),
        "stats": {
            k: v
            for k, v in stats.items()
            if isinstance(v, int | float | str) and not isinstance(v, bool)
        },
        "per_source": per_source,
        "per_platform": per_platform,
        "classifications": [k.value for k in Classification],
        "new_cases": new_cases,
        "closed_cases": closed,
        "coverage": _coverage_matrix(ctx),
        "gaps": gaps,
        "audit": findings,
        "audit_problems": sum(1 for f in findings if f["severity"] == "problem"),
        "charts": _trend(ctx),
    }


# --------------------------------------------------------------------------- official accounts


def build_official(ctx: Context) -> dict[str, Any]:
    """The public list of official accounts: active and transferred only, no administrators."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in ctx.session.scalars(
        select(RegisteredAccount)
        .where(
            RegisteredAccount.district_id == ctx.district.id,
            RegisteredAccount.status.in_(("active", "transferred")),
        )
        .order_by(RegisteredAccount.platform, RegisteredAccount.handle)
    ):
        groups[ctx.school_of(r.entity_key)].append(
            {
                "platform_label": platform_label(r.platform),
                "url": r.url,
                "handle": r.handle,
                "display_name": r.display_name or ctx.entity_name(r.entity_key),
                "entity_name": ctx.entity_name(r.entity_key),
            }
        )
    order = [
        ctx.district.key,
        *sorted(
            (k for k in groups if k != ctx.district.key),
            key=lambda k: (ctx.entity_name(k) or k).casefold(),
        ),
    ]
    return {
        "district": ctx.district.name,
        "website": ctx.district.website,
        "updated": ctx.now.date().isoformat(),
        "groups": [
            {"key": k, "name": ctx.entity_name(k), "accounts": groups[k]}
            for k in order
            if k in groups
        ],
    }


def affiliated_orgs(ctx: Context) -> list[dict[str, Any]]:
    """Affiliated organisations named in the profile (listed apart, never a case)."""
    return [
        {"name": a.name, "kind": a.kind, "entity_name": ctx.entity_name(a.entity_key)}
        for a in ctx.session.scalars(
            select(AffiliatedOrg)
            .where(AffiliatedOrg.district_id == ctx.district.id)
            .order_by(AffiliatedOrg.name)
        )
    ]
