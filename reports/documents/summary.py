"""The scan summary: sources, platforms, new and closed cases, coverage, gaps, audit, trends."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import func, select

from crawler.cases.views import list_cases
from crawler.config import redact
from crawler.db.casework import takedown_stats
from crawler.db.models import (
    Account,
    Assessment,
    Case,
    RegisteredAccount,
    Scan,
    ScanQuery,
    Sighting,
)
from crawler.platforms import PLATFORMS, classify
from crawler.vocab import Classification, ScanKind
from reports.audit import audit_registry
from reports.charts import bar_chart
from reports.context import PLATFORM_LABELS, Context, case_row, day, platform_label
from reports.document import document


def _trend(ctx: Context) -> list[dict[str, Any]]:
    scans = list(
        ctx.session.scalars(
            select(Scan)
            .where(Scan.district_id == ctx.district.id, Scan.kind == ScanKind.SCAN)
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
        label = f"#{s.id} {day(s.started_at)[5:] if s.started_at else ''}"
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
    platforms = [str(p) for p in PLATFORM_LABELS]
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


def _per_source(ctx: Context, scan: Scan, stats: dict[str, Any]) -> list[dict[str, Any]]:
    """Sightings, accounts and queries (done, failed, skipped) of each source in the scan."""
    session = ctx.session
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
    per_source = []
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
    return per_source


def gap_platform(query: str) -> str | None:
    """The platform a query of a coverage gap was about: a looked-up account's URL
    (``profiles``), ``<platform> @handle`` (``handle_probe``) or ``site:<platform host>``."""
    verdict = classify(query) if "://" in query else None
    if verdict is not None and verdict.platform:
        return verdict.platform
    head = query.split(" ", 1)[0]
    if head in PLATFORMS:
        return head
    site = re.search(r"site:(\S+)", query)
    if site:
        return classify(f"https://{site.group(1).strip('/')}/").platform
    return None


def _per_platform(ctx: Context, scan: Scan) -> list[dict[str, Any]]:
    """Accounts seen and assessments by classification, per platform, and the coverage gaps
    about it (a blocked, login-walled or unreadable answer: never found, never absent)."""
    session = ctx.session
    gaps: Counter[str] = Counter()
    for (query,) in session.execute(
        select(ScanQuery.query).where(ScanQuery.scan_id == scan.id, ScanQuery.status != "done")
    ):
        platform = gap_platform(query)
        if platform:
            gaps[platform] += 1
    by_platform: dict[str, Counter[str]] = defaultdict(Counter)
    for platform, classification in session.execute(
        select(Account.platform, Assessment.classification)
        .join(Assessment, Assessment.account_id == Account.id)
        .where(Assessment.scan_id == scan.id)
    ):
        by_platform[platform][classification] += 1
    seen_platform: dict[str, int] = dict(
        session.execute(
            select(Account.platform, func.count(func.distinct(Account.id)))
            .join(Sighting, Sighting.account_id == Account.id)
            .where(Sighting.scan_id == scan.id)
            .group_by(Account.platform)
        ).all()
    )
    per_platform = []
    for plat in sorted(set(by_platform) | set(seen_platform) | set(gaps)):
        c = by_platform.get(plat, Counter())
        per_platform.append(
            {
                "platform": plat,
                "platform_label": platform_label(plat),
                "accounts": seen_platform.get(plat, 0),
                "gaps": gaps.get(plat, 0),
                **{k.value: c.get(k.value, 0) for k in Classification},
            }
        )
    return per_platform


def _gaps(ctx: Context, scan: Scan) -> list[dict[str, Any]]:
    """Queries of the scan that did not complete (failed or skipped), errors redacted."""
    return [
        {
            "source": gap.source,
            "query": gap.query,
            "status": gap.status,
            "error": redact(gap.error) if gap.error else None,
        }
        for gap in ctx.session.scalars(
            select(ScanQuery)
            .where(ScanQuery.scan_id == scan.id, ScanQuery.status != "done")
            .order_by(ScanQuery.source, ScanQuery.query)
        )
    ]


def _selfcheck(stats: dict[str, Any]) -> list[dict[str, Any]]:
    """The scan's selfcheck verdicts (parser drift per platform), with platform labels."""
    rows = stats.get("selfcheck")
    return [
        {
            "platform": r.get("platform"),
            "platform_label": platform_label(str(r.get("platform"))),
            "status": r.get("status"),
            "reason": r.get("reason"),
        }
        for r in (rows if isinstance(rows, list) else [])
        if isinstance(r, dict)
    ]


def _new_and_closed(ctx: Context, scan: Scan) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Cases opened by this scan, and cases closed between it and the next scan."""
    session = ctx.session
    same_district = (Scan.district_id == ctx.district.id, Scan.kind == ScanKind.SCAN)
    prev = session.scalars(
        select(Scan).where(*same_district, Scan.id < scan.id).order_by(Scan.id.desc())
    ).first()
    nxt = session.scalars(
        select(Scan).where(*same_district, Scan.id > scan.id).order_by(Scan.id)
    ).first()
    since = prev.started_at if prev is not None else None
    until = nxt.started_at if nxt is not None else None
    new_cases: list[dict[str, Any]] = []
    closed: list[dict[str, Any]] = []
    for case in list_cases(session):
        if case.opened_scan_id == scan.id:
            new_cases.append(case_row(ctx, case))
        elif (
            case.closed_at is not None
            and (since is None or case.closed_at >= since)
            and (until is None or case.closed_at < until)
        ):
            closed.append(case_row(ctx, case))
    return new_cases, closed


def _audit(ctx: Context) -> list[dict[str, Any]]:
    """The registry audit's findings, with entity and platform labels."""
    return [
        f.full()
        | {"entity_name": ctx.entity_name(f.entity), "platform_label": platform_label(f.platform)}
        for f in audit_registry(
            ctx.session,
            ctx.config,
            roster=ctx.roster,
            scan_id=ctx.scan.id if ctx.scan is not None else None,
            now=ctx.now,
        )
    ]


def _watch(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The "Registered accounts" block: the registry watch's findings, by code, each with its
    before/after lines."""
    from reports.watch import SECTIONS, before_after_text

    rows = [
        f | {"before_after": before_after_text(f.get("before"), f.get("after"))}
        for f in findings
        if f["code"] in SECTIONS
    ]
    order = list(SECTIONS)
    return sorted(rows, key=lambda f: order.index(f["code"]))


@document("summary", "summary.html", "summary.md")
def build_summary(ctx: Context) -> dict[str, Any]:
    """The scan in view (none: only the registry parts) with its figures and findings."""
    scan = ctx.scan
    stats: dict[str, Any] = (scan.stats or {}) if scan is not None else {}
    new_cases: list[dict[str, Any]] = []
    closed: list[dict[str, Any]] = []
    if scan is not None:
        new_cases, closed = _new_and_closed(ctx, scan)
    findings = _audit(ctx)
    return {
        **ctx.header(),
        "stats": {
            k: v
            for k, v in stats.items()
            if isinstance(v, int | float | str) and not isinstance(v, bool)
        },
        "per_source": _per_source(ctx, scan, stats) if scan is not None else [],
        "per_platform": _per_platform(ctx, scan) if scan is not None else [],
        "classifications": [k.value for k in Classification],
        "new_cases": new_cases,
        "closed_cases": closed,
        "coverage": _coverage_matrix(ctx),
        "gaps": _gaps(ctx, scan) if scan is not None else [],
        "selfcheck": _selfcheck(stats),
        "audit": findings,
        "watch": _watch(findings),
        "audit_problems": sum(1 for f in findings if f["severity"] == "problem"),
        "takedowns": [
            {**t, "platform_label": platform_label(t["platform"])}
            for t in takedown_stats(ctx.session, today=ctx.now.date())
        ],
        "charts": _trend(ctx),
    }
