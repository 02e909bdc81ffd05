"""Write every report of a scan into one folder: each document registered in
:mod:`reports.document` (builders in ``reports/documents/``), file by file.

Layout of ``out_dir``::

    index.html  index.md        cases first, then review items, affiliated, registered
    summary.html summary.md     the scan: sources, platforms, coverage, gaps, audit, trends
    cases/ABCE-2026-0001.html   one printable page per case
    cases.csv cases.json        the case list (JSON = `scout cases list --json`)
    registry-watch.csv/.json    the registry watch's findings with before/after
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

import reports.documents  # noqa: F401 - registers every document
from crawler.cases.views import list_cases
from crawler.config import Config, redact
from crawler.db.models import Case
from reports.context import Context
from reports.document import DOCUMENTS, Document
from reports.render import render, to_csv
from reports.roster import Roster


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
    files: dict[str, Path] = field(default_factory=dict)  # every document's file, by name

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
        extra = [p for p in self.files.values() if p not in fixed]
        return fixed + extra + list(self.cases.values())


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


def _format(doc: Document, file: str, data: dict[str, Any]) -> str:
    """One file of a document: a template of its folder, or the CSV / JSON of its data.

    Per-case pages sit in ``cases/``, so their links lead back up one folder.
    """
    if file.endswith(".csv"):
        return to_csv(data["columns"], data["rows"])
    if file.endswith(".json"):
        return json.dumps(data["items"], indent=2, ensure_ascii=False) + "\n"
    return render(doc.template(file), data, root="../" if doc.per_case else "")


def _write_case_pages(
    ctx: Context, doc: Document, cases: list[Case], out_dir: Path
) -> dict[str, Path]:
    written: dict[str, Path] = {}
    for case in cases:
        page = doc.build(ctx, case)
        _copy_screenshots(page, out_dir)
        for file in doc.files:
            path = out_dir / "cases" / f"{case.number}{Path(file).suffix}"
            written[case.number] = _write(path, _format(doc, file, page))
    return written


def write_reports(
    session: Session,
    scan_id: int | None,
    out_dir: Path,
    config: Config,
    *,
    roster: Roster | None = None,
) -> ReportPaths:
    """Render every registered document for ``scan_id`` (None: the latest scan) into ``out_dir``."""
    out_dir = Path(out_dir)
    ctx = Context(session, config, scan_id, roster=roster)
    written: dict[str, Path] = {}
    cases: dict[str, Path] = {}
    for doc in DOCUMENTS.values():
        if doc.on_demand:
            continue
        if doc.per_case:
            cases.update(_write_case_pages(ctx, doc, list_cases(session), out_dir))
            continue
        data = doc.build(ctx)
        for file in doc.files:
            written[file] = _write(out_dir / file, _format(doc, file, data))
    return ReportPaths(
        out_dir=out_dir,
        index=written["index.html"],
        index_md=written["index.md"],
        summary=written["summary.html"],
        summary_md=written["summary.md"],
        cases_csv=written["cases.csv"],
        cases_json=written["cases.json"],
        official=written["official.html"],
        official_md=written["official.md"],
        cases=cases,
        scan_id=ctx.scan.id if ctx.scan is not None else None,
        files=written,
    )


def write_official(session: Session, config: Config, out: Path) -> Path:
    """Only the public official-accounts page (HTML, or Markdown when ``out`` ends in .md)."""
    doc = DOCUMENTS["official"]
    file = "official.md" if out.suffix.lower() == ".md" else "official.html"
    return _write(out, _format(doc, file, doc.build(Context(session, config, None))))


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
