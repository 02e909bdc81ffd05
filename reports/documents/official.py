"""The public list of official accounts, for the district website (no administrators)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select

from crawler.db.models import RegisteredAccount
from reports.context import Context, platform_label
from reports.document import document


@document("official", "official.html", "official.md")
def build_official(ctx: Context) -> dict[str, Any]:
    """The public list of official accounts: active and transferred only, no administrators."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in ctx.session.scalars(
        select(RegisteredAccount)
        .where(
            RegisteredAccount.district_id == ctx.district.id,
            RegisteredAccount.status.in_(("active", "transferred")),
        )
        .order_by(RegisteredAccount.platform, RegisteredAccount.handle)
    ):
        groups[ctx.school_of(r.entity_key)].append(
            {
                "platform_label": platform_label(r.platform),
                "url": r.url,
                "handle": r.handle,
                "display_name": r.display_name or ctx.entity_name(r.entity_key),
                "entity_name": ctx.entity_name(r.entity_key),
            }
        )
    order = [
        ctx.district.key,
        *sorted(
            (k for k in groups if k != ctx.district.key),
            key=lambda k: (ctx.entity_name(k) or k).casefold(),
        ),
    ]
    return {
        "district": ctx.district.name,
        "website": ctx.district.website,
        "updated": ctx.now.date().isoformat(),
        "groups": [
            {"key": k, "name": ctx.entity_name(k), "accounts": groups[k]}
            for k in order
            if k in groups
        ],
    }
