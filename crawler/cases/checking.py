"""`scout check`: the canonical form of URLs and whether each is a registered account."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy.orm import Session


def check_urls(
    session: Session, urls: Sequence[str], *, mastodon_instances: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """One result per input, in order. A bad URL gives ``is_account: false``; it never stops the others."""
    from crawler import platforms
    from crawler.db.store import NoDistrict, find_registered

    instances = tuple(mastodon_instances)
    out: list[dict[str, Any]] = []
    for raw in urls:
        verdict = platforms.classify(raw, mastodon_instances=instances)
        ref = verdict.account
        result: dict[str, Any] = {
            "input": raw,
            "is_account": ref is not None,
            "platform": ref.platform if ref else verdict.platform,
            "handle": ref.handle if ref else None,
            "url": ref.url if ref else None,
            "registered": False,
            "entity": None,
            "reason": verdict.reason,
            "status": None,
        }
        if ref is not None:
            try:
                hit = find_registered(session, ref.platform, ref.url, ref.platform_id)
            except NoDistrict:
                hit = None
            if hit is not None:
                result.update(registered=True, entity=hit.entity_key, status=hit.status)
        out.append(result)
    return out


JSON_KEYS = ("input", "is_account", "platform", "handle", "url", "registered", "entity")


def as_contract(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The stable `scout check --json` shape (README, "Commands")."""
    return [{k: r[k] for k in JSON_KEYS} for r in results]
