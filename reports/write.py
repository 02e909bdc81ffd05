"""Write every report of a scan into one folder.

Layout of ``out_dir``::

    index.html  index.md        cases first, then review items, affiliated, registered
    summary.html summary.md     the scan: sources, platforms, coverage, gaps, audit, trends
    cases/ABCE-2026-0001.html   one printable page per case
    cases.csv cases.json        the case list (JSON = `scout cases list --json`)
    official.html official.md   the public list of official accounts, for the district website
    evidence/                   screenshots copied from the evidence folder

Every page is self-contained: CSS inline, charts as inline SVG, no JavaScript,
nothing loaded from the internet.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from crawler.cases.views import case_json, list_cases
from crawler.config import Config, redact
from reports.audit import Roster
from reports.builders import (
    Context,
    build_case,
    build_index,
    build_official,
    build_summary,
    case_row,
)
from reports.render import render, to_csv

CSV_COLUMNS = [
    "case_id",
    "status",
    "kind",
    "platform",
    "handle",
    "url",
    "display_name",
    "entity",
    "entity_name",
    "confidence",
    "imitates",
    "opened_at",
    "due",
    "last_seen",
    "not_seen_since",
    "closed_at",
    "evidence",
    "page",
]


@dataclass
class ReportPaths:
    """Where :func:`write_reports` put each file."""

    out_dir: Path
    index: Path
    index_md: Path
    summary: Path
    summary_md: Path
    cases_csv: Path
    cases_json: Path
    official: Path
    official_md: Path
    cases: dict[str, Path] = field(default_factory=dict)
    scan_id: int | None = None

    def all(self) -> list[Path]:
        fixed = [
            self.index,
            self.index_md,
            self.summary,
            self.summary_md,
            self.cases_csv,
            self.cases_json,
            self.official,
            self.official_md,
        ]
        return fixed + list(self.cases.values())


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Belt and braces: no configured secret ever reaches a report file.
    path.write_text(redact(text), encoding="utf-8", newline="")
    return path


def _copy_screenshots(page: dict[str, Any], out_dir: Path) -> None:
    for shot in page["screenshots"]:
        shot["href"] = None
        if shot["exists"]:
            target = out_dir / "evidence" / shot["name"]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(shot["source_path"], target)
            shot["href"] = f"../evidence/{shot['name']}"
        shot.pop("source_path", None)


def write_reports(
    session: Session,
    scan_id: int | None,
    out_dir: Path,
    config: Config,
    *,
    roster: Roster | None = None,
) -> ReportPaths:
    """Render every report for ``scan_id`` (None: the latest scan) into ``out_dir``."""
    out_dir = Path(out_dir)
    ctx = Context(session, config, scan_id)
    paths = ReportPaths(
        out_dir=out_dir,
        index=out_dir / "index.html",
        index_md=out_dir / "index.md",
        summary=out_dir / "summary.html",
        summary_md=out_dir / "summary.md",
        cases_csv=out_dir / "cases.csv",
        cases_json=out_dir / "cases.json",
        official=out_dir / "official.html",
        official_md=out_dir / "official.md",
        scan_id=ctx.scan.id if ctx.scan is not None else None,
    )
    index = build_index(ctx)
    _write(paths.index, render("index/index.html", index))
    _write(paths.index_md, render("index/index.md", index))
    summary = build_summary(ctx, roster=roster)
    _write(paths.summary, render("summary/summary.html", summary))
    _write(paths.summary_md, render("summary/summary.md", summary))
    official = build_official(ctx)
    _write(paths.official, render("official/official.html", official))
    _write(paths.official_md, render("official/official.md", official))

    cases = list_cases(session)
    listed = []
    csv_rows = []
    for case in cases:
        page = build_case(ctx, case)
        _copy_screenshots(page, out_dir)
        paths.cases[case.number] = _write(
            out_dir / "cases" / f"{case.number}.html", render("case/case.html", page)
        )
        data = case_json(case)
        listed.append(data)
        row = case_row(ctx, case)
        csv_rows.append(
            {
                **data,
                "entity_name": row["entity_name"],
                "due": row["due"],
                "not_seen_since": row["not_seen_since"],
                "closed_at": row["closed_at"],
                "evidence": len(data["evidence"]),
                "page": row["href"],
            }
        )
    _write(paths.cases_csv, to_csv(CSV_COLUMNS, csv_rows))
    _write(paths.cases_json, json.dumps(listed, indent=2, ensure_ascii=False) + "\n")
    return paths


def write_official(session: Session, config: Config, out: Path) -> Path:
    """Only the public official-accounts page (HTML, or Markdown when ``out`` ends in .md)."""
    ctx = Context(session, config, None)
    template = "official/official.md" if out.suffix.lower() == ".md" else "official/official.html"
    return _write(out, render(template, build_official(ctx)))


def publish_latest(out_dir: Path, reports_dir: Path) -> Path:
    """Copy ``out_dir`` to ``reports_dir/latest`` (a plain copy: works on every file system and share)."""
    latest = reports_dir / "latest"
    if latest.resolve() == out_dir.resolve():
        return latest
    tmp = reports_dir / ".latest.tmp"
    if tmp.exists():
        shutil.rmtree(tmp)
    shutil.copytree(out_dir, tmp)
    if latest.exists():
        shutil.rmtree(latest)
    tmp.rename(latest)
    (reports_dir / "LATEST").write_text(f"{out_dir.name}\n", encoding="utf-8")
    return latest
