"""The monthly digest: trends over the last 12 scans, for the superintendent's cabinet.

Cases opened and closed per month, the time from opening to resolution, accounts seen per
platform in the latest scan and open cases per platform, as inline SVG bar charts (HTML) and
figures (Markdown); ``digest.pdf`` is the HTML printed on one page by Chromium.
``scout report --digest`` writes all three.
"""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawler.cases.records import FOLLOWED_STATUSES
from crawler.config import Config, redact
from crawler.db.models import Account, Case, Scan, Sighting
from crawler.vocab import ScanKind
from reports.charts import bar_chart
from reports.context import Context, platform_label
from reports.document import DOCUMENTS, document
from reports.pdf import html_to_pdf
from reports.render import render

SCANS = 12


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _months(first: date, last: date) -> list[str]:
    """``YYYY-MM`` of every month from ``first`` to ``last`` (at most the last 12)."""
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out[-12:]


def _scans(ctx: Context) -> list[Scan]:
    return list(
        ctx.session.scalars(
            select(Scan)
            .where(Scan.district_id == ctx.district.id, Scan.kind == ScanKind.SCAN)
            .order_by(Scan.id.desc())
            .limit(SCANS)
        )
    )[::-1]


def _per_platform_seen(ctx: Context, scan: Scan | None) -> list[tuple[str, float]]:
    if scan is None:
        return []
    rows = ctx.session.execute(
        select(Account.platform, func.count(func.distinct(Account.id)))
        .join(Sighting, Sighting.account_id == Account.id)
        .where(Sighting.scan_id == scan.id)
        .group_by(Account.platform)
        .order_by(Account.platform)
    ).all()
    return [(platform_label(p), float(n)) for p, n in rows]


def _resolution_days(cases: list[Case]) -> list[tuple[Case, float]]:
    return [
        (c, (_utc(c.closed_at) - _utc(c.opened_at)).total_seconds() / 86400)
        for c in cases
        if c.closed_at is not None
    ]


@document("digest", "digest.html", "digest.md", on_demand=True)
def build_digest(ctx: Context) -> dict[str, Any]:
    """Figures and charts of the months covered by the last 12 scans."""
    scans = _scans(ctx)
    today = ctx.now.date()
    first = _utc(scans[0].started_at).date() if scans else today
    months = _months(first, today)
    cases = list(ctx.session.scalars(select(Case).where(Case.district_id == ctx.district.id)))
    opened = Counter(_utc(c.opened_at).strftime("%Y-%m") for c in cases)
    closed = Counter(_utc(c.closed_at).strftime("%Y-%m") for c in cases if c.closed_at)
    resolved = _resolution_days(cases)
    per_month: dict[str, list[float]] = {m: [] for m in months}
    for c, days in resolved:
        key = _utc(c.closed_at).strftime("%Y-%m") if c.closed_at is not None else ""
        if key in per_month:
            per_month[key].append(days)
    open_now = [c for c in cases if c.status in FOLLOWED_STATUSES]
    open_platforms = Counter(platform_label(c.account.platform) for c in open_now)
    durations = [d for m in months for d in per_month[m]]
    label = {m: datetime.strptime(m, "%Y-%m").strftime("%b ’%y") for m in months}
    return {
        **ctx.header(),
        "period": {"first": months[0], "last": months[-1], "scans": len(scans)},
        "figures": {
            "open": len(open_now),
            "overdue": sum(1 for c in open_now if c.due_at is not None and c.due_at < today),
            "opened": sum(opened[m] for m in months),
            "closed": sum(closed[m] for m in months),
            "median_days": round(statistics.median(durations), 1) if durations else None,
        },
        "months": [
            {
                "month": m,
                "opened": opened[m],
                "closed": closed[m],
                "median_days": round(statistics.median(per_month[m]), 1) if per_month[m] else None,
            }
            for m in months
        ],
        "charts": [
            bar_chart("Cases opened per month", [(label[m], float(opened[m])) for m in months]),
            bar_chart("Cases closed per month", [(label[m], float(closed[m])) for m in months]),
            bar_chart(
                "Median days from opening to resolution",
                [
                    (label[m], round(statistics.median(v), 1) if v else 0.0)
                    for m, v in per_month.items()
                ],
                unit=" days",
            ),
            bar_chart(
                "Accounts seen per platform, latest scan",
                _per_platform_seen(ctx, scans[-1] if scans else None),
            ),
            bar_chart("Open cases per platform", sorted(open_platforms.items())),
        ],
    }


def write_digest(session: Session, config: Config, out_dir: Path) -> list[Path]:
    """Write ``digest.html``, ``digest.md`` and the one-page ``digest.pdf`` into ``out_dir``."""
    doc = DOCUMENTS["digest"]
    ctx = Context(session, config, None)
    data = doc.build(ctx)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for file in doc.files:
        path = out_dir / file
        path.write_text(redact(render(doc.template(file), data)), encoding="utf-8")
        paths.append(path)
    pdf = out_dir / "digest.pdf"
    pdf.write_bytes(html_to_pdf(config, redact(render(doc.template("digest.html"), data)), ctx.now))
    return [*paths, pdf]
