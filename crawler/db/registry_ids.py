"""Registry rows resolved to the platforms' stable ids (DESIGN.md, "Registry rows resolve to
stable ids").

A row whose URL carries the id (``/channel/UC…``, ``profile.php?id=``, a DID) is resolved at
import (:mod:`crawler.db.store`). Every other row in use is resolved by scans: the store
pipeline folds each sighting of a row's URL that carries a stable id into the row
(:func:`note_resolved`), and a lookup of the row's URL that the platform answered "no such
account" into ``resolve_error`` (:func:`note_unresolved`), the registry audit's
``unresolved`` finding. A row keeps the id it was resolved to: a later sighting of its URL
with another id (the handle passed to someone else) does not replace it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.db.models import RegisteredAccount, utcnow
from crawler.district.registry import Status
from crawler.platforms import same_account_urls
from crawler.vocab import Platform

# Rows in use: a transferred account is still registered.
IN_USE = (Status.ACTIVE, Status.TRANSFERRED)
# Platforms whose stable id a scan can fetch (API or an allowed page); on the others (Facebook
# and LinkedIn pages refuse crawlers, Instagram, X, Threads, TikTok have no public id) a row is
# resolved only by its URL or a sighting that shows the id.
FETCHABLE_IDS = frozenset({Platform.YOUTUBE, Platform.BLUESKY, Platform.MASTODON})


@dataclass(frozen=True, slots=True)
class RegistryTarget:
    """A registry row in use, as a crawl's store pipeline needs it."""

    id: int
    platform: str
    url: str
    platform_id: str | None


def registry_targets(session: Session, district_id: int) -> dict[tuple[str, str], RegistryTarget]:
    """The rows in use by ``(platform, URL)``, under every URL of the row's account."""
    out: dict[tuple[str, str], RegistryTarget] = {}
    for r in session.scalars(
        select(RegisteredAccount)
        .where(RegisteredAccount.district_id == district_id, RegisteredAccount.status.in_(IN_USE))
        .order_by(RegisteredAccount.id)
    ):
        target = RegistryTarget(r.id, r.platform, r.url, r.platform_id)
        out[(r.platform, r.url)] = target
        for url in same_account_urls(r.platform, r.url):
            out.setdefault((r.platform, url), target)
    return out


def note_resolved(session: Session, row_id: int, platform_id: str, via: str) -> str:
    """A scan saw the row's account with ``platform_id``: ``resolved`` (the row had no id),
    ``confirmed`` (the same id) or ``conflict`` (another id: the row keeps its own)."""
    row = session.get(RegisteredAccount, row_id)
    if row is None:
        return "gone"
    if row.platform_id and row.platform_id != platform_id:
        return "conflict"
    outcome = "confirmed" if row.platform_id else "resolved"
    if not row.platform_id or row.resolved_via is None:
        row.resolved_via = via[:1000]
    row.platform_id = platform_id
    row.resolved_at = utcnow()
    row.resolve_error = None
    return outcome


def note_unresolved(session: Session, row_id: int, message: str) -> bool:
    """A scan looked the row's URL up and the platform said there is no such account. Only a
    row without a stable id is unresolved (a resolved account that is gone is another matter)."""
    row = session.get(RegisteredAccount, row_id)
    if row is None or row.platform_id:
        return False
    row.resolve_error = message[:1000]
    return True
