"""The registry under watch as data: ``registry-watch.csv`` and ``registry-watch.json``.

The JSON is the registry watch's findings of ``scout registry audit --json`` (with the ABDB-AP
section and the before/after snapshots); the CSV has one row per finding, with the before and
after of the fields that tell a change (name, bio, links, handle, state)."""

from __future__ import annotations

import json
from typing import Any

from reports.audit import audit_registry
from reports.context import Context
from reports.document import document
from reports.watch import SECTIONS

CSV_COLUMNS = [
    "code",
    "severity",
    "section",
    "platform",
    "url",
    "handle",
    "entity",
    "status",
    "message",
    "new_url",
    "before_handle",
    "after_handle",
    "before_display_name",
    "after_display_name",
    "before_bio",
    "after_bio",
    "before_links",
    "after_links",
    "after_page_state",
]


def _side(snap: dict[str, Any] | None, key: str) -> Any:
    value = (snap or {}).get(key)
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list) else value


@document("registry-watch", "registry-watch.csv", "registry-watch.json")
def build_registry_watch(ctx: Context) -> dict[str, Any]:
    """``items`` (the JSON list) and ``columns``/``rows`` (the CSV)."""
    items = [
        f.full()
        for f in audit_registry(
            ctx.session,
            ctx.config,
            roster=ctx.roster,
            scan_id=ctx.scan.id if ctx.scan is not None else None,
            now=ctx.now,
        )
        if f.code in SECTIONS
    ]
    rows = []
    for f in items:
        row = {k: f.get(k) for k in CSV_COLUMNS if k in f}
        for side in ("before", "after"):
            for key in ("handle", "display_name", "bio", "links", "page_state"):
                col = f"{side}_{key}"
                if col in CSV_COLUMNS:
                    row[col] = _side(f.get(side), key)
        rows.append(row)
    return {"items": items, "columns": CSV_COLUMNS, "rows": rows}
