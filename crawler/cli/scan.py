"""`scout scan` and `scout search`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from crawler.cli.common import STATE, emit_json, handle_errors
from crawler.cli.console import ScanProgress, print_scan_summary

SEARCH_KEYS = (
    "platform",
    "handle",
    "url",
    "display_name",
    "classification",
    "entity",
    "confidence",
    "registered",
)


def _csv_opt(value: str | None) -> tuple[str, ...] | None:
    if not value:
        return None
    return tuple(v.strip() for v in value.split(",") if v.strip())


def _check_platforms(platforms: tuple[str, ...] | None) -> None:
    if not platforms:
        return
    from crawler.errors import InputError
    from crawler.platforms import PLATFORMS

    for p in platforms:
        if p not in PLATFORMS:
            raise InputError(
                f"--platforms: unknown platform '{p}' (known: {', '.join(sorted(PLATFORMS))})"
            )


def _outcome_json(outcome: Any) -> dict[str, Any]:
    return {
        "scan_id": outcome.scan_id,
        "resumed": outcome.resumed,
        "sources": outcome.sources,
        "selfcheck": outcome.selfcheck,
        "classifications": outcome.classifications,
        "cases": outcome.cases,
        "report": str(outcome.report_index) if outcome.report_index else None,
        "notes": outcome.notes,
        # per source and host: requests, bytes, 304 answers, API units; what was deferred
        "cost": outcome.cost,
    }


def _print_job_plan(
    district: str,
    sources: tuple[str, ...] | None,
    platforms: tuple[str, ...] | None,
    entity: str | None,
) -> None:
    """The Scrapyd job plan of ``scout scan --dry-run``: each node's first jobs."""
    from crawler.config import ALL_SOURCES
    from crawler.discovery.dispatch import dry_run
    from crawler.errors import InputError

    config = STATE.config
    wanted = list(sources or config.sources)
    unknown = [s for s in wanted if s not in ALL_SOURCES]
    if unknown:
        raise InputError(f"unknown source '{unknown[0]}' (known: {', '.join(ALL_SOURCES)})")
    plan = dry_run(config, district=district, sources=wanted, platforms=platforms, entity=entity)
    typer.echo(f"\nScrapyd jobs of district {district} ({config.scrapyd.slots} slots per node):")
    for node in plan["nodes"]:
        if node["status"] != "ok":
            typer.echo(f"  {node['url']}: unreachable ({node['error']}); no jobs")
            continue
        jobs = ", ".join(node["jobs"]) or "none"
        typer.echo(f"  {node['url']}: {node['free_slots']} free slots; jobs: {jobs}")
    for source, reason in plan["skipped"].items():
        typer.echo(f"  skipped {source}: {reason}")


def register(app: typer.Typer, registry_app: typer.Typer) -> None:
    @app.command()
    @handle_errors
    def scan(
        sources: Annotated[
            str | None,
            typer.Option("--sources", help="Comma-separated sources (default: all enabled)."),
        ] = None,
        platforms: Annotated[
            str | None, typer.Option("--platforms", help="Comma-separated platforms.")
        ] = None,
        entity: Annotated[
            str | None, typer.Option("--entity", help="Only this entity key.")
        ] = None,
        dry_run: Annotated[
            bool,
            typer.Option(
                "--dry-run", help="Print the query plan and the API quotas left, and stop."
            ),
        ] = False,
        out: Annotated[
            Path | None, typer.Option("--out", help="Report folder (default: reports/scan-ID).")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
        every_district: Annotated[
            bool,
            typer.Option(
                "--all", help="Scan every district in the database (across the Scrapyd nodes)."
            ),
        ] = False,
        full: Annotated[
            bool,
            typer.Option(
                "--full", help="Sweep every entity in full (no incremental scan this time)."
            ),
        ] = False,
    ) -> None:
        """The monthly scan: discover, match, open or update cases, write reports. Resumes a killed scan."""
        from crawler.db.store import current_profile
        from crawler.scan import ScanOptions, run_scan, run_scan_all
        from crawler.vocab import ScanKind

        src, plats = _csv_opt(sources), _csv_opt(platforms)
        _check_platforms(plats)
        if dry_run and every_district:
            from crawler.scan import quota_schedule

            typer.echo(quota_schedule(STATE.config, full).as_text())
            return
        if dry_run:
            from crawler.db.quota import read_usage
            from crawler.discovery.planner import plan
            from crawler.discovery.planning.increment import FULL, scan_increment
            from crawler.scan import plan_cost

            with STATE.session() as s:
                profile = current_profile(s)
                usage = read_usage(s, STATE.config)  # what the API quotas have left this period
            increment = FULL if entity else scan_increment(STATE.config, None, full=full)
            the_plan = plan(
                profile,
                STATE.config,
                sources=src,
                platforms=plats,
                entity=entity,
                usage=usage,
                increment=increment,
            )
            typer.echo(the_plan.as_text())
            typer.echo(plan_cost(the_plan, STATE.config).as_text())
            if STATE.config.scrapyd.enabled:
                _print_job_plan(profile.district.key, src, plats, entity)
            return
        options = ScanOptions(
            kind=ScanKind.SCAN, sources=src, platforms=plats, entity=entity, out_dir=out, full=full
        )
        with ScanProgress(enabled=not as_json) as progress:
            if every_district:
                outcomes = run_scan_all(STATE.config, options, progress=progress)
            else:
                outcomes = [("", run_scan(STATE.config, options, progress=progress))]
        if as_json:
            rows = [{"district": key, **_outcome_json(o)} for key, o in outcomes]
            emit_json(rows if every_district else _outcome_json(outcomes[0][1]))
            return
        for key, outcome in outcomes:
            if key:
                typer.echo(f"district {key}")
            if not outcome.scan_id:  # waits for the next period
                typer.echo("\n".join(outcome.notes))
                continue
            print_scan_summary(outcome)

    @app.command()
    @handle_errors
    def search(
        name: Annotated[
            str, typer.Argument(help='A school or team name, e.g. "Liberty Middle School".')
        ],
        platforms: Annotated[
            str | None, typer.Option("--platforms", help="Comma-separated platforms.")
        ] = None,
        sources: Annotated[
            str | None, typer.Option("--sources", help="Comma-separated sources.")
        ] = None,
        open_cases: Annotated[
            bool, typer.Option("--open-cases", help="Also open or update cases.")
        ] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Ad-hoc: discover and assess accounts for one school or team name (no cases unless asked)."""
        from crawler.errors import InputError
        from crawler.scan import ScanOptions, run_scan
        from crawler.vocab import ScanKind, Source

        if not name.strip() or len(name) > 200:
            raise InputError("NAME must be 1 to 200 characters")
        plats = _csv_opt(platforms)
        _check_platforms(plats)
        # an ad-hoc search asks the platforms; the district's own site is the monthly scan's job
        src = _csv_opt(sources) or tuple(
            s for s in STATE.config.sources if s != Source.DISTRICT_SITE
        )
        options = ScanOptions(
            kind=ScanKind.SEARCH,
            sources=src,
            platforms=plats,
            name=name.strip(),
            open_cases=open_cases,
            screenshots=False,
            reports=False,
        )
        with ScanProgress(enabled=not as_json) as progress:
            outcome = run_scan(STATE.config, options, progress=progress)
        from crawler.scan import rank_search_results

        rows = rank_search_results(
            name, [r for r in outcome.results if not plats or r["platform"] in plats]
        )
        if as_json:
            emit_json([{k: r[k] for k in SEARCH_KEYS} for r in rows])
            return
        from rich.console import Console
        from rich.table import Table

        t = Table(title=f"{len(rows)} accounts for {name!r} (scan {outcome.scan_id})")
        for col in ("classification", "confidence", "platform", "handle", "name", "entity", "why"):
            t.add_column(col, overflow="fold")
        for r in rows:
            t.add_row(
                r["classification"],
                f"{r['confidence']:.2f}",
                r["platform"],
                r["handle"],
                r["display_name"] or "",
                r["entity"] or "",
                "; ".join(r["explanation"][:3]),
            )
        Console(width=200).print(t)


__all__ = ["register"]
