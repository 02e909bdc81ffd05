"""`scout report` (every report of a scan), `scout registry audit` and `scout registry official`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crawler.cli.common import STATE, emit_json, handle_errors


@handle_errors
def report(
    scan: Annotated[
        int | None, typer.Option("--scan", help="Scan id (default: the latest scan).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Folder (default: <reports>/scan-<id>, copied to <reports>/latest)."
        ),
    ] = None,
    roster: Annotated[
        Path | None, typer.Option("--roster", help="Staff roster CSV for the registry audit.")
    ] = None,
    digest: Annotated[
        bool,
        typer.Option(
            "--digest", help="The monthly digest (HTML, Markdown, one-page PDF) into --out."
        ),
    ] = False,
) -> None:
    """Write the HTML, Markdown, CSV and JSON reports and print the index path."""
    from reports import load_roster, publish_latest, write_reports
    from reports.context import Context

    cfg = STATE.district_config
    if digest:
        from reports.documents.digest import write_digest

        with STATE.session() as s:
            for path in write_digest(s, cfg, out or cfg.reports_dir / "digest"):
                typer.echo(str(path))
        return
    staff = load_roster(roster) if roster else None
    with STATE.session() as s:
        scan_id = Context(s, cfg, scan).scan
        sid = scan_id.id if scan_id is not None else None
        target = out or cfg.reports_dir / (f"scan-{sid}" if sid is not None else "no-scan")
        paths = write_reports(s, sid, target, cfg, roster=staff)
    if out is None:
        publish_latest(paths.out_dir, cfg.reports_dir)
    typer.echo(str(paths.index))


@handle_errors
def registry_audit(
    roster: Annotated[
        Path | None, typer.Option("--roster", help="Staff roster CSV: name,email[,status].")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Check the registry against ABDB-AP (district e-mail, PR co-admin, retention, payments, …)."""
    from reports import audit_registry, load_roster

    staff = load_roster(roster) if roster else None
    with STATE.session() as s:
        findings = audit_registry(s, STATE.config, roster=staff)
    if as_json:
        emit_json([f.as_dict() for f in findings])
        return
    if not findings:
        typer.echo("registry audit: no findings")
        return
    problems = sum(1 for f in findings if f.severity == "problem")
    typer.echo(f"registry audit: {problems} problems, {len(findings) - problems} to check")
    from reports.watch import before_after_text

    for f in findings:
        typer.echo(
            f"  [{f.severity}] {f.code}: {f.platform} @{f.handle} ({f.entity}) — {f.message}"
        )
        if f.section:
            typer.echo(f"      rests on: {f.section}")
        for line in before_after_text(f.before, f.after):
            typer.echo(f"      {line}")


@handle_errors
def registry_official(
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="File (.html or .md; default: <reports>/official.html)."),
    ] = None,
) -> None:
    """Write the public list of official accounts (active and transferred; no administrator details)."""
    from reports import write_official

    target = out or STATE.district_config.reports_dir / "official.html"
    with STATE.session() as s:
        path = write_official(s, STATE.config, target)
    typer.echo(str(path))


def register(app: typer.Typer, registry_app: typer.Typer) -> None:
    app.command("report")(report)
    registry_app.command("audit")(registry_audit)
    registry_app.command("official")(registry_official)
