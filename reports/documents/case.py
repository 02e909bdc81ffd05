"""One printable page per case: the account, evidence, policy quotes, steps and history."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from crawler.cases.views import evidence_items, latest_assessment
from crawler.db.models import Account, Case, Evidence, RegisteredAccount
from crawler.vocab import EvidenceKind
from reports.context import Context, case_row, day, platform_label, stamp
from reports.document import document
from reports.quotes import quotes_for

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif")


def _nearest_registered(ctx: Context, acc: Account, limit: int = 3) -> list[dict[str, Any]]:
    from rapidfuzz import fuzz, utils

    regs = list(
        ctx.session.scalars(
            select(RegisteredAccount).where(RegisteredAccount.district_id == ctx.district.id)
        )
    )
    scored = []
    for r in regs:
        handle_score = fuzz.ratio(acc.handle, r.handle, processor=utils.default_process)
        name_score = fuzz.token_set_ratio(
            acc.display_name or acc.handle,
            r.display_name or r.handle,
            processor=utils.default_process,
        )
        score = max(handle_score, name_score)
        scored.append((r.platform != acc.platform, -score, r.url, r, score))
    scored.sort(key=lambda t: t[:3])
    return [
        {
            "platform": r.platform,
            "platform_label": platform_label(r.platform),
            "handle": r.handle,
            "url": r.url,
            "display_name": r.display_name,
            "entity_name": ctx.entity_name(r.entity_key),
            "status": r.status,
            "similarity": round(score / 100, 2),
            "same_platform": r.platform == acc.platform,
        }
        for *_, r, score in scored[:limit]
    ]


def _links(acc: Account) -> list[str]:
    out = []
    for link in acc.links or []:
        if isinstance(link, str):
            out.append(link)
        elif isinstance(link, dict) and isinstance(link.get("url"), str):
            out.append(link["url"])
    return out


def _captures(ctx: Context, case: Case) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Screenshots (to copy next to the report) and page hashes captured for the account."""
    screenshots = []
    hashes = []
    for ev in ctx.session.scalars(
        select(Evidence)
        .where(Evidence.account_id == case.account_id)
        .order_by(Evidence.captured_at.desc())
    ):
        if ev.kind == EvidenceKind.SCREENSHOT and ev.file_path:
            src = Path(ev.file_path)
            if not src.is_absolute():
                src = ctx.config.evidence_dir / src
            suffix = src.suffix.lower()
            screenshots.append(
                {
                    "source_path": str(src),
                    "exists": src.is_file() and suffix in IMAGE_SUFFIXES,
                    "name": f"{case.number}-{ev.id}{suffix if suffix in IMAGE_SUFFIXES else '.bin'}",
                    "captured_at": stamp(ev.captured_at),
                    "url": ev.url,
                    "sha256": ev.sha256,
                    "summary": ev.summary,
                }
            )
        elif ev.kind == EvidenceKind.HTML_SHA256 and ev.sha256:
            hashes.append(
                {"sha256": ev.sha256, "url": ev.url, "captured_at": stamp(ev.captured_at)}
            )
    return screenshots, hashes


def _entity(ctx: Context, key: str | None) -> dict[str, Any] | None:
    """The entity the case is about, with its parent, mascot and website."""
    if not key:
        return None
    e = ctx.entities.get(key)
    return {
        "key": key,
        "name": ctx.entity_name(key),
        "kind": ctx.entity_kind(key),
        "parent": ctx.entity_name(e.parent_key) if e is not None and e.parent_key else None,
        "mascot": e.mascot if e is not None else None,
        "website": (e.website if e is not None else ctx.district.website),
    }


def _steps(ctx: Context, case: Case) -> list[dict[str, Any]]:
    """The procedure's steps, dated from the day the case was opened."""
    opened = case.opened_at.date()
    return [
        {
            "n": i,
            "step": s.step,
            "days": s.days,
            "date": (opened + timedelta(days=s.days)).isoformat(),
            "past": opened + timedelta(days=s.days) < ctx.now.date(),
            "letter": s.letter,
        }
        for i, s in enumerate(ctx.config.steps, 1)
    ]


def _history(case: Case) -> list[dict[str, Any]]:
    return [
        {
            "at": stamp(ev.at),
            "actor": ev.actor,
            "action": ev.action,
            "from_status": ev.from_status,
            "to_status": ev.to_status,
            "note": ev.note,
            "scan_id": ev.scan_id,
        }
        for ev in case.events
    ]


def _account(acc: Account, links: list[str]) -> dict[str, Any]:
    return {
        "platform_label": platform_label(acc.platform),
        "url": acc.url,
        "handle": acc.handle,
        "display_name": acc.display_name or "",
        "bio": acc.bio or "",
        "followers": acc.followers,
        "links": links,
        "location": acc.location,
        "verified": acc.verified,
        "private": acc.private,
        "page_state": acc.page_state,
        "previous_handles": [str(h) for h in acc.previous_handles or []],
        "platform_id": acc.platform_id,
        "first_seen": day(acc.first_seen_at),
    }


@document("case", "case.html", per_case=True)
def build_case(ctx: Context, case: Case) -> dict[str, Any]:
    """Everything a case page shows."""
    acc = case.account
    items = evidence_items(ctx.session, case)
    screenshots, hashes = _captures(ctx, case)
    a = latest_assessment(ctx.session, acc.id)
    links = _links(acc)
    text = " ".join([acc.display_name or "", acc.bio or "", *links])
    return {
        **ctx.header(),
        "case": case_row(ctx, case),
        "account": _account(acc, links),
        "entity": _entity(ctx, case.entity_key),
        "classification": None
        if a is None
        else {
            "classification": a.classification,
            "confidence": round(a.confidence, 2),
            "scan_id": a.scan_id,
        },
        "explanation": [it for it in items if it["kind"] == EvidenceKind.EXPLANATION],
        "sightings": [it for it in items if it.get("source")],
        "screenshots": screenshots,
        "hashes": hashes,
        "nearest": _nearest_registered(ctx, acc),
        "policy": quotes_for(acc.platform, ctx.entity_kind(case.entity_key), text),
        "steps": _steps(ctx, case),
        "history": _history(case),
    }
