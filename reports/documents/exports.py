"""The case list as data: ``cases.csv`` (for spreadsheets) and ``cases.json``.

``cases.json`` is exactly ``scout cases list --json``; the CSV has the same cases with
the entity's name, due date, not-seen date, closing date, evidence count and page link.
"""

from __future__ import annotations

from typing import Any

from crawler.cases.views import cases_json, list_cases
from reports.context import Context, case_row
from reports.document import document

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


@document("cases", "cases.csv", "cases.json")
def build_case_list(ctx: Context) -> dict[str, Any]:
    """``items`` (the JSON list) and ``columns``/``rows`` (the CSV)."""
    items = []
    rows = []
    cases = list_cases(ctx.session)
    for case, data in zip(cases, cases_json(ctx.session, cases), strict=True):
        items.append(data)
        row = case_row(ctx, case)
        rows.append(
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
    return {"items": items, "columns": CSV_COLUMNS, "rows": rows}
