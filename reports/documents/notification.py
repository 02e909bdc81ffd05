"""The notification after a scan: an e-mail (plain text and HTML) and the webhook's JSON.

What PR needs to know without opening the reports: cases the scan opened or re-opened (with
their due dates), open cases past their due date, coverage gaps (queries that did not
complete), sources stopped by an API quota, registry problems (the audit's ``problem``
findings), and links into the web app (``SCOUT_BASE_URL``). The HTML part is rendered with the
reports' autoescaping environment, the text part with the inert plain-text one; the subject is
one cleaned line. Sending is :mod:`crawler.notify`'s job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.cases.records import FOLLOWED_STATUSES
from crawler.cases.views import list_cases
from crawler.config import Config, redact
from crawler.db.models import Case, Scan, ScanQuery, utcnow
from reports.audit import audit_registry
from reports.context import Context, case_row, platform_label, stamp
from reports.document import DOCUMENTS, document
from reports.render import render
from reports.text import plain, render_text
from reports.watch import SECTIONS as WATCH_SECTIONS

MAX_LISTED = 50


@dataclass(frozen=True, slots=True)
class Email:
    """A rendered notification: subject, both bodies, whether there is news, the JSON."""

    subject: str
    text: str
    html: str
    noteworthy: bool
    summary: dict[str, Any]


def _link(base_url: str | None, path: str) -> str | None:
    return f"{base_url.rstrip('/')}{path}" if base_url else None


def _case(ctx: Context, case: Case, base_url: str | None) -> dict[str, Any]:
    row = case_row(ctx, case)
    row["link"] = _link(base_url, f"/cases/{quote(case.number)}")
    return row


def _gaps(ctx: Context, scan: Scan) -> list[dict[str, Any]]:
    """Queries that did not complete, grouped per source: how many, and the first error."""
    per: dict[str, dict[str, Any]] = {}
    for q in ctx.session.scalars(
        select(ScanQuery)
        .where(ScanQuery.scan_id == scan.id, ScanQuery.status != "done")
        .order_by(ScanQuery.source, ScanQuery.id)
    ):
        g = per.setdefault(q.source, {"source": q.source, "queries": 0, "error": None})
        g["queries"] += 1
        g["error"] = g["error"] or (redact(q.error)[:300] if q.error else q.status)
    return list(per.values())


def _stopped(stats: dict[str, Any]) -> list[dict[str, Any]]:
    """Sources skipped or stopped early (an API quota used up, a missing key)."""
    out = []
    sources = stats.get("sources")
    for name, s in sorted((sources if isinstance(sources, dict) else {}).items()):
        if not isinstance(s, dict):
            continue
        reason = s.get("skipped") or s.get("stopped")
        if reason:
            out.append({"source": name, "reason": redact(str(reason))[:300]})
    return out


def _problems(ctx: Context) -> list[dict[str, Any]]:
    return [
        f.as_dict() | {"platform_label": platform_label(f.platform)}
        for f in audit_registry(ctx.session, ctx.config, scan_id=ctx.scan.id if ctx.scan else None)
        if f.severity == "problem"
    ]


def _watch(ctx: Context) -> list[dict[str, Any]]:
    """The registry watch's findings of this scan (registered accounts taken over, renamed,
    closed, dormant, gone…), each with the ABDB-AP section and its before/after lines."""
    from reports.watch import before_after_text

    return [
        f.full()
        | {
            "platform_label": platform_label(f.platform),
            "before_after": before_after_text(f.before, f.after),
        }
        for f in audit_registry(ctx.session, ctx.config, scan_id=ctx.scan.id if ctx.scan else None)
        if f.code in WATCH_SECTIONS
    ]


def _subject(district: str, scan_id: int | None, counts: dict[str, int]) -> str:
    parts = [
        f"{counts['opened']} new case{'s' if counts['opened'] != 1 else ''}",
    ]
    if counts["reopened"]:
        parts.append(f"{counts['reopened']} re-opened")
    if counts["overdue"]:
        parts.append(f"{counts['overdue']} past due")
    if counts["gaps"]:
        parts.append(f"{counts['gaps']} coverage gap{'s' if counts['gaps'] != 1 else ''}")
    if counts["registry_problems"]:
        parts.append(f"{counts['registry_problems']} registry problems")
    scan = f" (scan #{scan_id})" if scan_id is not None else ""
    return plain(f"District Account Scout — {district}: {', '.join(parts)}{scan}", 200)


@document("notification", "email.txt", "email.html", on_demand=True)
def build_notification(ctx: Context, base_url: str | None = None) -> dict[str, Any]:
    """The news of the scan in view, for the e-mail and the webhook."""
    scan = ctx.scan
    stats: dict[str, Any] = (scan.stats or {}) if scan is not None else {}
    cases_stats = stats.get("cases")
    changed: dict[str, Any] = cases_stats if isinstance(cases_stats, dict) else {}
    reopened_numbers = set(changed.get("reopened") or [])
    opened: list[dict[str, Any]] = []
    reopened: list[dict[str, Any]] = []
    overdue: list[dict[str, Any]] = []
    today = ctx.now.date()
    for case in list_cases(ctx.session):
        if scan is not None and case.opened_scan_id == scan.id:
            opened.append(_case(ctx, case, base_url))
        elif case.number in reopened_numbers:
            reopened.append(_case(ctx, case, base_url))
        elif case.status in FOLLOWED_STATUSES and case.due_at is not None and case.due_at < today:
            overdue.append(_case(ctx, case, base_url))
    gaps = _gaps(ctx, scan) if scan is not None else []
    stopped = _stopped(stats)
    problems = _problems(ctx)
    counts = {
        "opened": len(opened),
        "reopened": len(reopened),
        "overdue": len(overdue),
        "gaps": sum(g["queries"] for g in gaps),
        "stopped": len(stopped),
        "registry_problems": len(problems),
    }
    return {
        **ctx.header(),
        "district_key": ctx.district.key,
        "subject": _subject(ctx.district.name, scan.id if scan else None, counts),
        "counts": counts,
        # Registry problems ride along; on their own they wait for the monthly reports.
        "noteworthy": any(v for k, v in counts.items() if k != "registry_problems"),
        "opened": opened[:MAX_LISTED],
        "reopened": reopened[:MAX_LISTED],
        "overdue": overdue[:MAX_LISTED],
        "gaps": gaps,
        "stopped": stopped,
        "problems": [p for p in problems if p["code"] not in WATCH_SECTIONS][:MAX_LISTED],
        "watch": _watch(ctx)[:MAX_LISTED],
        "links": {
            "queue": _link(base_url, "/cases?status=open"),
            "scans": _link(base_url, "/scans"),
            "registry": _link(base_url, "/registry"),
        },
        "classifications": stats.get("classifications") or {},
        "digest": DOCUMENTS["digest"].build(ctx)["figures"],
    }


def webhook_payload(data: dict[str, Any]) -> dict[str, Any]:
    """The scan summary JSON posted to ``SCOUT_WEBHOOK_URL``."""

    def brief(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        keys = ("number", "kind", "platform", "handle", "url", "entity", "due", "link")
        return [{k: r.get(k) for k in keys} for r in rows]

    return {
        "event": "scan.finished",
        "district": data["district"],
        "district_key": data["district_key"],
        "scan": data["scan"],
        "counts": data["counts"],
        "classifications": data["classifications"],
        "opened": brief(data["opened"]),
        "reopened": brief(data["reopened"]),
        "overdue": brief(data["overdue"]),
        "coverage_gaps": data["gaps"],
        "sources_stopped": data["stopped"],
        "registry_problems": [
            {k: p[k] for k in ("code", "platform", "url", "entity", "message")}
            for p in data["problems"]
        ],
        "links": data["links"],
        "digest": data["digest"],
    }


def render_notification(
    session: Session, config: Config, scan_id: int | None, base_url: str | None
) -> Email:
    """The e-mail and webhook JSON of a scan (None: the latest scan)."""
    doc = DOCUMENTS["notification"]
    ctx = Context(session, config, scan_id)
    data = doc.build(ctx, base_url=base_url)
    text = render_text(doc.template("email.txt"), data)
    html = render(doc.template("email.html"), data)
    return Email(
        subject=data["subject"],
        text=redact(text),
        html=redact(html),
        noteworthy=data["noteworthy"],
        summary=webhook_payload(data),
    )


def render_test_message(config: Config, district: str, base_url: str | None) -> Email:
    """``scout notify --test``: a message that says the settings work."""
    data = {
        "district": district,
        "generated_at": stamp(utcnow()),
        "link": _link(base_url, "/"),
        "procedure": config.procedure,
    }
    doc = DOCUMENTS["notification"]
    return Email(
        subject=plain(f"District Account Scout — {district}: test message", 200),
        text=render_text(doc.template("test.txt"), data),
        html=render(doc.template("test.html"), data),
        noteworthy=True,
        summary={"event": "test", "district": district, "link": data["link"]},
    )
