"""The monthly digest: cases opened and resolved per month, time to resolution, accounts per
platform; `scout report --digest` writes HTML, Markdown and a one-page PDF."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from crawler.db.models import Case, Scan
from reports.context import Context
from reports.documents.digest import build_digest
from tests.cases.scout_world import Seen, run_scan
from tests.reports.packet_world import (
    distinct_rows,
    needs_chromium,
    needs_poppler,
    pdf_pages_png,
    pdf_text,
)

NOW = datetime.now(UTC)


def _months_ago(n: int) -> datetime:
    return NOW - timedelta(days=31 * n)


def _history(world) -> None:
    """Four monthly scans; cases opened one a month, every other one resolved a week later."""
    urls = [f"https://www.instagram.com/shsfan{i}/" for i in range(4)]
    urls += ["https://www.tiktok.com/@shsfan9"]
    for k in range(4):
        run_scan(world, [Seen(u, entity="shs") for u in urls[: 2 + k]])
    with world.session() as s:
        scans = list(s.scalars(select(Scan).order_by(Scan.id)))
        for i, scan in enumerate(scans):
            scan.started_at = _months_ago(3 - i)
        for i, case in enumerate(s.scalars(select(Case).order_by(Case.id))):
            case.opened_at = _months_ago(max(0, 3 - i))
            if i in (0, 2):
                case.closed_at = case.opened_at + timedelta(days=7 + i)
                case.status = "resolved-registered"


def test_digest_figures(world):
    _history(world)
    with world.session() as s:
        data = build_digest(Context(s, world.config, None))
    months = [m["month"] for m in data["months"]]
    assert len(months) >= 4 and months[-1] == NOW.strftime("%Y-%m")
    assert data["figures"]["opened"] == 5
    assert data["figures"]["closed"] == 2
    assert data["figures"]["open"] == 3
    assert data["figures"]["median_days"] == 8.0  # 7 and 9 days
    assert sum(m["opened"] for m in data["months"]) == 5
    titles = [c["title"] for c in data["charts"]]
    assert titles == [
        "Cases opened per month",
        "Cases closed per month",
        "Median days from opening to resolution",
        "Accounts seen per platform, latest scan",
        "Open cases per platform",
    ]
    per_platform = dict((b["label"], b["value"]) for b in data["charts"][3]["bars"])
    assert per_platform == {"Instagram": 4.0, "TikTok": 1.0}


@pytest.mark.browser
@needs_chromium
@needs_poppler
def test_digest_command_writes_one_page_pdf(world, tmp_path):
    from crawler.cli import app

    _history(world)
    out = tmp_path / "digest"
    result = CliRunner().invoke(
        app, ["--database-url", world.url, "report", "--digest", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.split() == [
        str(out / f) for f in ("digest.html", "digest.md", "digest.pdf")
    ]
    html = (out / "digest.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 5 and "<script" not in html
    assert "| Month | Opened | Resolved |" in (out / "digest.md").read_text(encoding="utf-8")
    pdf = (out / "digest.pdf").read_bytes()
    assert "Cases opened per month" in pdf_text(pdf)
    (page,) = pdf_pages_png(pdf, tmp_path / "png" / "digest")  # one page for the cabinet
    assert distinct_rows(page.read_bytes()) > 20
