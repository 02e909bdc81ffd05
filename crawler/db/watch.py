"""The registry under watch, stored: snapshots of registered accounts and acknowledgements
(DESIGN.md, "The registry under watch").

Each scan, in its match/case stage, keeps one snapshot per registered account (in use) that it
observed: the account's page or API (a direct sighting with its profile facts), or, where no
direct observation exists, a current search result. The facts come from the scan's stored
sightings (``sightings.profile``), never from the account row, whose links and names merge
what every scan saw. Snapshots are bounded: per account the last :data:`KEEP_LAST` and every
one that differed from the one before it.

A finding can be acknowledged: it stays quiet while the account's latest snapshot has the
digest that was acknowledged, and speaks again when the account changes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from crawler.db.liveness import DIRECT_SOURCES
from crawler.db.models import (
    Account,
    Assessment,
    RegisteredAccount,
    RegistryAcknowledgement,
    RegistrySnapshot,
    Sighting,
    utcnow,
)
from crawler.db.registry_ids import IN_USE
from crawler.platforms import same_account_urls
from crawler.vocab import Classification, Source

KEEP_LAST = 12  # snapshots kept per account besides every one that differed


def digest(facts: dict[str, Any]) -> str:
    """What makes a snapshot *different*: handle, name, bio, links, page state, privacy.
    Followers, post counts and avatars move all the time and are left out."""
    key = {
        "handle": (facts.get("handle") or "").lower(),
        "display_name": facts.get("display_name") or "",
        "bio": " ".join((facts.get("bio") or "").split()),
        "links": sorted(facts.get("links") or []),
        "page_state": facts.get("page_state") or "",
        "private": bool(facts.get("private")),
    }
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode("utf-8")).hexdigest()


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _observed(session: Session, scan_id: int, district_id: int) -> dict[int, int]:
    """Registered row id -> account id, for the rows in use this scan observed: by the
    matcher's ``registered`` assessment, by URL, or by stable id (a renamed account)."""
    rows = list(
        session.scalars(
            select(RegisteredAccount).where(
                RegisteredAccount.district_id == district_id, RegisteredAccount.status.in_(IN_USE)
            )
        )
    )
    by_url: dict[tuple[str, str], int] = {}
    by_id: dict[tuple[str, str], int] = {}
    for r in rows:
        for url in (r.url, *same_account_urls(r.platform, r.url)):
            by_url.setdefault((r.platform, url), r.id)
        if r.platform_id:
            by_id[(r.platform, r.platform_id)] = r.id
    in_use = {r.id for r in rows}
    out: dict[int, int] = {}
    for account_id, rid in session.execute(
        select(Assessment.account_id, Assessment.registered_id).where(
            Assessment.scan_id == scan_id,
            Assessment.classification == Classification.REGISTERED,
            Assessment.registered_id.is_not(None),
        )
    ):
        if rid in in_use:
            out.setdefault(rid, account_id)
    seen = select(Sighting.account_id).where(Sighting.scan_id == scan_id).distinct()
    for acc in session.scalars(select(Account).where(Account.id.in_(seen))):
        rid = by_url.get((acc.platform, acc.url))
        if rid is None and acc.platform_id:
            rid = by_id.get((acc.platform, acc.platform_id))
        if rid is not None:
            out.setdefault(rid, acc.id)
    return out


def _facts(session: Session, scan_id: int, acc: Account) -> tuple[dict[str, Any], str, datetime]:
    """The profile facts of the account in this scan: its latest direct sighting with a
    profile, else its latest search result: the profile parsed from it (name, bio, counts),
    else its title and snippet. A search result shows no page state."""
    sightings = list(
        session.scalars(
            select(Sighting)
            .where(Sighting.scan_id == scan_id, Sighting.account_id == acc.id)
            .order_by(Sighting.fetched_at, Sighting.id)
        )
    )
    direct = [s for s in sightings if s.source in DIRECT_SOURCES and s.profile]
    if direct:
        s = direct[-1]
        facts = dict(s.profile or {})
        facts["handle"] = acc.handle
        facts["platform_id"] = facts.get("platform_id") or acc.platform_id
        return facts, s.source, s.fetched_at
    parsed = [
        s
        for s in sightings
        if (s.profile or {}).get("display_name") or (s.profile or {}).get("bio")
    ]
    if parsed:
        # the raw title and snippet carry the counts ("6,800 Followers, ..."): every routine
        # change of followers would make the snapshot different
        s = parsed[-1]
        p = s.profile or {}
        facts = {
            "handle": acc.handle,
            "platform_id": p.get("platform_id") or acc.platform_id,
            "display_name": p.get("display_name"),
            "bio": p.get("bio"),
            "links": list(p.get("links") or []),
            "followers": p.get("followers"),
            "posts": p.get("posts"),
            "page_state": None,
        }
        return facts, s.source, s.fetched_at
    s = sightings[-1]
    facts = {
        "handle": acc.handle,
        "platform_id": acc.platform_id,
        "display_name": s.title,
        "bio": s.snippet,
        "links": [],
        "page_state": None,
    }
    return facts, s.source, s.fetched_at


def _comparable(before: str | None, now: str | None) -> bool:
    """Whether two snapshots show the same view of an account: a link on the district's own
    site shows only its text, so it is compared only with another such link (an incremental
    scan may see a registered account only there, README "How a monthly scan saves work")."""
    return before == now or Source.DISTRICT_SITE not in (before, now)


def record_snapshots(session: Session, scan_id: int, district_id: int) -> int:
    """One snapshot per registered account the scan observed (re-running replaces them)."""
    session.execute(delete(RegistrySnapshot).where(RegistrySnapshot.scan_id == scan_id))
    observed = _observed(session, scan_id, district_id)
    for rid, account_id in sorted(observed.items()):
        acc = session.get(Account, account_id)
        if acc is None:
            continue
        facts, source, at = _facts(session, scan_id, acc)
        d = digest(facts)
        prev = latest_snapshots(session, rid, 1)
        session.add(
            RegistrySnapshot(
                registered_id=rid,
                scan_id=scan_id,
                account_id=acc.id,
                platform=acc.platform,
                handle=acc.handle,
                url=acc.url,
                platform_id=facts.get("platform_id"),
                display_name=(facts.get("display_name") or None),
                bio=facts.get("bio"),
                links=list(facts.get("links") or [])[:50],
                avatar_hash=facts.get("avatar_hash"),
                followers=facts.get("followers"),
                posts=facts.get("posts"),
                last_post_at=_parse_time(facts.get("last_post_at")),
                private=facts.get("private"),
                page_state=facts.get("page_state"),
                source=source,
                observed_at=at or utcnow(),
                digest=d,
                changed=bool(prev) and prev[0].digest != d and _comparable(prev[0].source, source),
            )
        )
        session.flush()
        _prune(session, rid)
    return len(observed)


def _prune(session: Session, registered_id: int) -> None:
    keep = {s.id for s in latest_snapshots(session, registered_id, KEEP_LAST)}
    session.execute(
        delete(RegistrySnapshot).where(
            RegistrySnapshot.registered_id == registered_id,
            RegistrySnapshot.changed.is_(False),
            RegistrySnapshot.id.not_in(keep) if keep else RegistrySnapshot.id.is_not(None),
        )
    )


def latest_snapshots(
    session: Session, registered_id: int, limit: int | None = None
) -> list[RegistrySnapshot]:
    """An account's snapshots, newest first."""
    q = (
        select(RegistrySnapshot)
        .where(RegistrySnapshot.registered_id == registered_id)
        .order_by(RegistrySnapshot.id.desc())
    )
    if limit is not None:
        q = q.limit(limit)
    return list(session.scalars(q))


def snapshots_by_row(session: Session, district_id: int) -> dict[int, list[RegistrySnapshot]]:
    """Every snapshot of the district's registered accounts, newest first per row."""
    out: dict[int, list[RegistrySnapshot]] = {}
    for snap in session.scalars(
        select(RegistrySnapshot)
        .join(RegisteredAccount, RegisteredAccount.id == RegistrySnapshot.registered_id)
        .where(RegisteredAccount.district_id == district_id)
        .order_by(RegistrySnapshot.id.desc())
    ):
        out.setdefault(snap.registered_id, []).append(snap)
    return out


@dataclass(frozen=True, slots=True)
class Acknowledged:
    code: str
    digest: str | None
    actor: str
    note: str | None
    at: datetime


def acknowledgements(session: Session, district_id: int) -> dict[tuple[int, str], Acknowledged]:
    """The latest acknowledgement per (registered row, code)."""
    out: dict[tuple[int, str], Acknowledged] = {}
    for a in session.scalars(
        select(RegistryAcknowledgement)
        .join(RegisteredAccount, RegisteredAccount.id == RegistryAcknowledgement.registered_id)
        .where(RegisteredAccount.district_id == district_id)
        .order_by(RegistryAcknowledgement.id)
    ):
        out[(a.registered_id, a.code)] = Acknowledged(a.code, a.digest, a.actor, a.note, a.at)
    return out


def acknowledge(
    session: Session, registered_id: int, code: str, actor: str, note: str | None = None
) -> RegistryAcknowledgement:
    """Record that ``actor`` acknowledged the finding ``code`` of the row as it looks now."""
    latest = latest_snapshots(session, registered_id, 1)
    ack = RegistryAcknowledgement(
        registered_id=registered_id,
        code=code,
        digest=latest[0].digest if latest else None,
        actor=actor[:200],
        note=note,
        at=utcnow(),
    )
    session.add(ack)
    session.flush()
    return ack
