"""Everything the `scout` command draws: progress bars and summary tables (printing only here)."""

from __future__ import annotations

from typing import Any

import typer


class ScanProgress:
    """A rich progress bar fed by the crawl's progress events (stderr, so --json stays clean)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> ScanProgress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            self.bar = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed} requests · {task.fields[found]} accounts"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.bar.__enter__()
            self.task = self.bar.add_task("starting", total=None, found=0)
        return self

    def __call__(self, event: dict[str, Any]) -> None:
        if self.bar is None:
            return
        kind = event.get("event")
        if kind == "stage":
            self.bar.update(self.task, description=str(event.get("stage")))
        elif kind in ("progress", "source"):
            fields: dict[str, Any] = {}
            if "requests" in event:
                fields["completed"] = int(event["requests"])
            if "accounts" in event or "sightings" in event:
                fields["found"] = int(event.get("accounts", event.get("sightings", 0)))
            if event.get("source"):
                fields["description"] = f"searching: {event['source']}"
            if event.get("total"):
                fields["total"] = int(event["total"])
            self.bar.update(self.task, **fields)
        elif kind in ("job_scheduled", "job_failed", "node_lost"):  # a crawl on Scrapyd nodes
            where = event.get("node") or ""
            text = {
                "job_scheduled": f"{event.get('source')} on {where}",
                "job_failed": f"{event.get('source')}: again on another node",
                "node_lost": f"node {where} stopped answering",
            }[str(kind)]
            self.bar.update(self.task, description=text)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


def _quota_text(used: Any) -> str:
    if isinstance(used, dict):
        return ", ".join(f"{k.split('/')[-1].replace('_', ' ')} {v}" for k, v in used.items())
    return str(used or "")


def print_scan_summary(outcome: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=140)
    for note in outcome.notes:
        console.print(f"note: {note}", markup=False, highlight=False)
    t = Table(title=f"scan {outcome.scan_id}: per source")
    for col in (
        "source",
        "requests",
        "sightings",
        "new accounts",
        "errors",
        "quota used",
        "gaps",
        "skipped",
    ):
        t.add_column(col)
    for name, st in outcome.sources.items():
        gaps = st.get("coverage_gaps") or st.get("gaps") or []
        t.add_row(
            name,
            str(st.get("requests", 0)),
            str(st.get("sightings", 0)),
            str(st.get("new_accounts", 0)),
            str(st.get("errors", 0)),
            _quota_text(st.get("quota_used")),
            str(len(gaps) if isinstance(gaps, list) else gaps),
            str(st.get("skipped") or ""),
        )
    console.print(t)
    _print_cost(console, getattr(outcome, "cost", None) or {})
    if outcome.classifications:
        console.print(
            "assessments: " + ", ".join(f"{k} {v}" for k, v in outcome.classifications.items()),
            markup=False,
            highlight=False,
        )
    if outcome.cases:
        parts = [f"{k} {len(v) if isinstance(v, list) else v}" for k, v in outcome.cases.items()]
        console.print("cases: " + ", ".join(parts), markup=False, highlight=False)
    if outcome.report_index:
        console.print(f"report: {outcome.report_index}", markup=False, highlight=False)


def _print_cost(console: Any, cost: dict[str, Any]) -> None:
    """What the scan cost per host (requests, bytes, 304 answers) and what it deferred."""
    from rich.table import Table

    if not cost.get("hosts"):
        return
    since = f", new since {cost['since']}" if cost.get("since") else ""
    t = Table(title=f"cost per host ({cost.get('mode', 'full')} scan{since})")
    for col in ("host", "requests", "bytes", "304"):
        t.add_column(col)
    for host, h in cost["hosts"].items():
        t.add_row(host, str(h["requests"]), str(h["bytes"]), str(h["not_modified"]))
    console.print(t)
    console.print(
        f"YouTube Data API units: {cost.get('youtube_units', 0)}", markup=False, highlight=False
    )
    for source, d in (cost.get("deferred") or {}).items():
        console.print(
            f"deferred by the rotation [{source}]: {d['queries']} queries; entities not swept "
            f"in full this time: {', '.join(d['entities'])}",
            markup=False,
            highlight=False,
        )


def print_selfcheck(checks: list[dict[str, Any]]) -> None:
    """``scout selfcheck``: one line per platform, its verdict and the reason."""
    for c in checks:
        typer.echo(f"{c['platform']:<10} {c['status']:<8} {c['reason']}")
    drift = [c["platform"] for c in checks if c["status"] == "drift"]
    if drift:
        typer.echo(
            f"parser drift on {', '.join(drift)}: a scan does not trust their 'not found' answers"
        )


def print_demo(result: Any) -> None:
    """The demo's scan summary, recall per source and politeness checks."""
    echo = typer.echo
    if result.outcome is not None:
        print_scan_summary(result.outcome)
    echo("recall per source (accounts the sample world hides that this source can find;")
    echo(
        "                   for profiles: accounts with a profile from a page, an API or a probe):"
    )
    for source, (hit, total) in sorted(result.recall.items()):
        pct = 100.0 * hit / total if total else 100.0
        echo(f"  {source:<14} {hit:>3}/{total:<3} {pct:5.1f}%")
    echo(
        f"robots.txt: {len(result.robots_violations)} disallowed requests"
        + (f" ({', '.join(result.robots_violations[:5])})" if result.robots_violations else "")
    )
    echo(f"host map: {result.outside_hostmap} requests outside the host map")
    if result.report:
        echo(f"open the report: {result.report.as_uri()}")


def print_changes(changes: Any, noun: str) -> None:
    """What an import added (+), updated (~) and removed (-)."""
    typer.echo(changes.summary(noun))
    for label, items in (("+", changes.added), ("~", changes.updated), ("-", changes.removed)):
        for item in items:
            typer.echo(f"  {label} {item}")
