"""``scout match``: re-run matching on stored data (default: the latest scan)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from crawler.cli.common import STATE, emit_json, handle_errors


def register(app: typer.Typer, registry_app: typer.Typer) -> None:
    app.command("match")(match)


@handle_errors
def match(
    scan: Annotated[
        int | None, typer.Option("--scan", help="Scan id (default: the latest scan).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Re-run matching (normalise, block, compare, decide) on a stored scan and replace its assessments."""
    from collections import Counter

    from crawler.db.matches import account_names, latest_scan_id
    from crawler.db.store import current_profile, registry_rows
    from crawler.vocab import Classification
    from matching import Matcher, MatchSettings
    from matching.store import match_scan

    settings = MatchSettings.from_mapping(STATE.config.matching)
    with STATE.session() as s:
        scan_id = scan if scan is not None else latest_scan_id(s)
        matcher = Matcher(current_profile(s), registry_rows(s), settings)
        pairs = match_scan(s, scan_id, matcher)
        accounts = account_names(s, (aid for aid, _ in pairs))
        rows: list[dict[str, Any]] = [
            {
                "account_id": aid,
                "platform": accounts[aid].platform,
                "handle": accounts[aid].handle,
                "url": accounts[aid].url,
                "display_name": accounts[aid].display_name,
                "classification": r.classification,
                "entity": r.entity,
                "confidence": r.confidence,
                "case_kind": r.case_kind,
                "imitates": r.imitates,
                "registered": r.classification == Classification.REGISTERED,
                "explanation": [lv.as_dict() for lv in r.explanation],
            }
            for aid, r in pairs
        ]
    if as_json:
        emit_json({"scan": scan_id, "assessments": rows})
        return
    counts = Counter(r["classification"] for r in rows)
    typer.echo(
        f"scan {scan_id}: {len(rows)} accounts assessed — "
        + ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    )
    for r in rows:
        ent = f" [{r['entity']}]" if r["entity"] else ""
        typer.echo(
            f"  {r['classification']:<13} {r['confidence']:.2f} {r['platform']} @{r['handle']}{ent}"
        )
        for lv in r["explanation"]:
            typer.echo(f"      {lv['label']}")
