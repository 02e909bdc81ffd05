"""The index page: cases first, then review items, affiliated accounts, registered accounts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from crawler.cases.views import list_cases
from crawler.db.models import Account, Assessment, RegisteredAccount
from crawler.vocab import CaseStatus, Classification
from reports.context import Context, affiliated_orgs, case_row, day, platform_label
from reports.document import document


def _assessed(ctx: Context, classification: str) -> list[dict[str, Any]]:
    if ctx.scan is None:
        return []
    rows = ctx.session.execute(
        select(Assessment, Account)
        .join(Account, Account.id == Assessment.account_id)
        .where(Assessment.scan_id == ctx.scan.id, Assessment.classification == classification)
        .order_by(Assessment.confidence.desc(), Account.platform, Account.handle)
    )
    out = []
    for a, acc in rows:
        out.append(
            {
                "platform": acc.platform,
                "platform_label": platform_label(acc.platform),
                "handle": acc.handle,
                "url": acc.url,
                "display_name": acc.display_name or "",
                "entity": a.entity_key,
                "entity_name": ctx.entity_name(a.entity_key),
                "confidence": round(a.confidence, 2),
                "why": "; ".join(
                    str(lv.get("label") or lv.get("code")) for lv in (a.explanation or [])[:3]
                ),
            }
        )
    return out


def _registered(ctx: Context) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    seen_ids: set[int] = set()
    if ctx.scan is not None:
        seen_ids = {
            rid
            for (rid,) in ctx.session.execute(
                select(Assessment.registered_id).where(
                    Assessment.scan_id == ctx.scan.id, Assessment.registered_id.is_not(None)
                )
            )
            if rid is not None
        }
    seen: list[dict[str, Any]] = []
    unseen: list[dict[str, Any]] = []
    for r in ctx.session.scalars(
        select(RegisteredAccount)
        .where(RegisteredAccount.district_id == ctx.district.id)
        .order_by(
            RegisteredAccount.entity_key, RegisteredAccount.platform, RegisteredAccount.handle
        )
    ):
        row = {
            "platform": r.platform,
            "platform_label": platform_label(r.platform),
            "handle": r.handle,
            "url": r.url,
            "display_name": r.display_name,
            "entity": r.entity_key,
            "entity_name": ctx.entity_name(r.entity_key),
            "status": r.status,
            "last_seen": day(r.last_seen_at),
        }
        (seen if r.id in seen_ids else unseen).append(row)
    return seen, unseen


@document("index", "index.html", "index.md")
def build_index(ctx: Context) -> dict[str, Any]:
    """Every case (open first), review items, affiliated accounts and the registry, seen or not."""
    cases = [case_row(ctx, c) for c in list_cases(ctx.session)]
    seen, unseen = _registered(ctx)
    open_cases = [c for c in cases if c["is_open"]]
    return {
        **ctx.header(),
        "open_cases": open_cases,
        "decided_cases": [c for c in cases if not c["is_open"]],
        "review": _assessed(ctx, Classification.REVIEW),
        "affiliated": _assessed(ctx, Classification.AFFILIATED),
        "registered_seen": seen,
        "registered_unseen": unseen,
        "affiliated_orgs": affiliated_orgs(ctx),
        "counts": {
            "open": sum(1 for c in open_cases if c["status"] == CaseStatus.OPEN),
            "followed": len(open_cases),
            "new": sum(1 for c in cases if c["new"]),
            "overdue": sum(1 for c in cases if c["overdue"]),
            "decided": len(cases) - len(open_cases),
        },
    }
