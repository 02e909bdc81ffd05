"""The registry under watch: findings from the snapshots of registered accounts across scans
(DESIGN.md, "The registry under watch"; the snapshots: :mod:`crawler.db.watch`).

Codes (each rests on a section of ABDB-AP):

* ``takeover-suspected`` — since the last different snapshot, the display name or bio no longer
  fits the row's entity by the matcher's own comparison, or carries scam signals (crypto,
  giveaways, "DM to claim", ticket resale, payment apps, a prize to claim for a fee, a new link
  to an unknown domain), or the link to the district's site was replaced by another domain;
* ``handle-changed`` — the same stable id under another handle than the registry's URL (the new
  URL is offered for the registry); a URL that names no handle (by id, or a legacy YouTube
  ``/user/`` or ``/c/`` name resolved to the same channel) is compared with the handle the
  account was last seen with, so an older URL form alone is no finding;
* ``closed-to-public`` — the account is private or protected;
* ``dormant`` — no public post for ``dormant_months`` where an API shows the last post;
* ``no-district-link`` — the profile shows links and none leads to the district's domains
  (severity ``check``).

Routine changes (a season's bio that still names the school and mascot, followers, a new
avatar) raise nothing: they leave the name and bio fitting the entity and the district link in
place. A finding acknowledged while the account looked as it does now stays quiet.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from crawler.config import Config
from crawler.db.liveness import DIRECT_SOURCES
from crawler.db.models import RegisteredAccount, RegistrySnapshot
from crawler.db.watch import acknowledgements, snapshots_by_row
from crawler.platforms import PageState, canonicalise

# The ABDB-AP section each finding rests on.
SECTIONS = {
    "takeover-suspected": "ABDB-AP (introduction): all district accounts are a voice for the school district",
    "handle-changed": "ABDB-AP, Registration & Reporting",
    "closed-to-public": "ABDB-AP, Closed Groups",
    "dormant": "ABDB-AP, Records Retention; Registration & Reporting",
    "gone": "ABDB-AP, Registration & Reporting",
    "no-district-link": "ABDB-AP, Social Media Account Content (redirect the public to the district website)",
    "unresolved": "ABDB-AP, Registration & Reporting",
}

SCAM_SIGNALS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (label, re.compile(pattern, re.IGNORECASE))
    for label, pattern in (
        ("crypto", r"\b(crypto|bitcoin|btc|ethereum|eth|usdt|nft|airdrop|web3|forex)\b"),
        ("giveaway", r"\b(give-?aways?|giving away|free (iphone|ipad|ps5|gift ?cards?))\b"),
        ("DM to claim", r"\b(dm|message|inbox)\b[^.!?\n]{0,20}\b(to )?(claim|win|redeem)\b"),
        (
            "ticket resale",
            r"\btickets?\b[^.!?\n]{0,30}\b(sale|resale|resell|selling|cheap|available)\b"
            r"|\b(selling|resale of)\b[^.!?\n]{0,20}\btickets?\b",
        ),
        ("payment app", r"\b(cash ?app|venmo me|paypal me|whatsapp)\b"),
        # an advance-fee prize: "you won", a fee to release it, a prize to claim
        (
            "prize claim",
            r"\byou(?:'ve| have)? (?:just |all )?won\b"
            r"|\b(?:delivery|shipping|processing|handling|release|clearance|claim) fees?\b"
            r"|\bclaim (?:your|the|a|their) (?:prize|reward|winnings|cash)\b"
            r"|\bprize\b[^.!?\n]{0,40}\b(?:claim|fee)\b",
        ),
    )
)
# Hosts a link may lead to without being "unknown": the platforms themselves.
PLATFORM_HOSTS = (
    "facebook.com",
    "instagram.com",
    "x.com",
    "twitter.com",
    "youtube.com",
    "tiktok.com",
    "threads.com",
    "threads.net",
    "bsky.app",
    "linkedin.com",
)


@dataclass(frozen=True, slots=True)
class WatchFinding:
    registered_id: int
    code: str
    severity: str
    message: str
    section: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    new_url: str | None = None
    evidence: list[str] = field(default_factory=list)


def host_of(url: str) -> str:
    try:
        return (urlsplit(url if "//" in url else "https://" + url).hostname or "").lower()
    except ValueError:
        return ""


def _under(host: str, domains: list[str]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def district_links(links: list[str], domains: list[str]) -> list[str]:
    return [u for u in links if _under(host_of(u), domains)]


def scam_signals(text: str) -> list[str]:
    return [label for label, pattern in SCAM_SIGNALS if pattern.search(text or "")]


def view(snap: RegistrySnapshot) -> dict[str, Any]:
    """A snapshot as the before/after block shows it."""
    return {
        "scan_id": snap.scan_id,
        "observed_at": snap.observed_at.isoformat() if snap.observed_at else None,
        "source": snap.source,
        "handle": snap.handle,
        "url": snap.url,
        "display_name": snap.display_name,
        "bio": snap.bio,
        "links": list(snap.links or []),
        "followers": snap.followers,
        "posts": snap.posts,
        "last_post_at": snap.last_post_at.isoformat() if snap.last_post_at else None,
        "page_state": snap.page_state,
        "private": snap.private,
    }


class EntityFit:
    """Whether a name and bio still fit a registered row's entity: the matcher's own entity
    comparison (step 3), asked of the name and bio alone."""

    def __init__(self, session: Session, config: Config) -> None:
        from crawler.db.store import current_profile, registry_rows
        from matching import Matcher
        from matching.settings import MatchSettings

        self.profile = current_profile(session)
        self.matcher = Matcher(
            self.profile, registry_rows(session), MatchSettings.from_mapping(config.matching)
        )
        self.parents = {e.key: e.parent for e in self.profile.entities}
        self.district_key = self.profile.district.key

    def _family(self, entity: str) -> set[str]:
        keys, key = {entity, self.district_key}, entity
        while (key := self.parents.get(key)) and key not in keys:  # type: ignore[assignment]
            keys.add(key)
        # and the entities under it (a school account that names its team)
        keys |= {k for k, p in self.parents.items() if p in keys and p != self.district_key}
        return keys

    def fits(self, platform: str, entity: str, name: str | None, bio: str | None) -> bool:
        from matching.types import Candidate

        if not (name or bio):
            return True  # nothing to judge
        c = Candidate(platform=platform, handle="", url="", display_name=name, bio=bio)
        f = self.matcher.features(c)
        best = self.matcher.scorer.best(f)
        weak = self.matcher.settings.name_weak
        if best is None or best.score < weak or best.record.key is None:
            return False
        family = self._family(entity)
        return best.record.key in family or any(
            m.record.key in family and m.score >= weak for m in self.matcher.best_entities(f, 5)
        )


def _previous_distinct(snaps: list[RegistrySnapshot]) -> RegistrySnapshot | None:
    cur = snaps[0]
    return next((s for s in snaps[1:] if s.digest != cur.digest), None)


def _names_handle(url: str | None, handle: str | None, platform_id: str | None) -> bool:
    """Whether ``url`` names the account's handle: not its stable id (``/channel/UC…``, a
    DID), nor a legacy name (YouTube ``/user/<name>``, ``/c/<custom>``, a bare ``/<name>``),
    which the platform resolves to the channel but which is not the channel's handle."""
    if not handle or handle == platform_id:
        return False
    ref = canonicalise(url or "")
    if ref is None:
        return True
    return not ref.needs_resolution and not (ref.platform_id and ref.handle == ref.platform_id)


def _renamed(r: RegisteredAccount, snaps: list[RegistrySnapshot]) -> dict[str, Any] | None:
    """The handle the registry's URL names, when the same account (same stable id) now goes
    by another. A URL that names no handle (by id, ``/channel/UC…`` or a DID; or a legacy
    YouTube ``/user/`` or ``/c/`` name, resolved to the same channel id) leaves the handle the
    account was last seen with as the one the registry knew: a channel whose handle was never
    its legacy name has not changed its handle (the registry only uses an older URL form)."""
    cur = snaps[0]
    if not cur.handle or (cur.platform_id and r.platform_id and cur.platform_id != r.platform_id):
        return None
    if _names_handle(r.url, r.handle, r.platform_id):
        if cur.handle.lower() == r.handle.lower() or cur.url == r.url:
            return None
        return {"handle": r.handle, "url": r.url}
    if not _names_handle(cur.url, cur.handle, cur.platform_id):
        return None
    before = next((s for s in snaps[1:] if _names_handle(s.url, s.handle, s.platform_id)), None)
    if before is None or (before.handle or "").lower() == cur.handle.lower():
        return None
    return {"handle": before.handle, "url": before.url, "scan_id": before.scan_id}


def _takeover(
    r: RegisteredAccount,
    cur: RegistrySnapshot,
    prev: RegistrySnapshot,
    fit: EntityFit,
    domains: list[str],
) -> list[str]:
    """Why the change from ``prev`` to ``cur`` looks like a takeover (empty: it does not)."""
    why: list[str] = []
    # names and bios are compared only as the same kind of observation: the account's own page
    # or API both times (a renamed account the scan re-observed by stable id), or the same
    # search (a search title is not a display name)
    same_source = (prev.source or "") == (cur.source or "") or (
        prev.source in DIRECT_SOURCES and cur.source in DIRECT_SOURCES
    )
    if same_source and fit.fits(r.platform, r.entity_key, prev.display_name, prev.bio):
        if not fit.fits(r.platform, r.entity_key, cur.display_name, cur.bio):
            why.append(f"the name and bio no longer fit {r.entity_key}")
    before = set(scam_signals(f"{prev.display_name or ''}\n{prev.bio or ''}"))
    new = [s for s in scam_signals(f"{cur.display_name or ''}\n{cur.bio or ''}") if s not in before]
    if new:
        why.append("scam signals: " + ", ".join(new))
    old_hosts = {host_of(u) for u in prev.links or []}
    unknown = [
        u
        for u in cur.links or []
        if (h := host_of(u))
        and h not in old_hosts
        and not _under(h, domains)
        and not _under(h, list(PLATFORM_HOSTS))
    ]
    had = district_links(list(prev.links or []), domains)
    has = district_links(list(cur.links or []), domains)
    if had and not has and unknown:
        why.append(f"the link to the district's site ({had[0]}) was replaced by {unknown[0]}")
    elif unknown:
        why.append(f"a new link to an unknown domain: {unknown[0]}")
    return why


def _row_findings(
    r: RegisteredAccount,
    rows: list[RegistrySnapshot],
    fit: Callable[[], EntityFit],
    config: Config,
    domains: list[str],
    dormant_cutoff: datetime,
) -> list[WatchFinding]:
    """The findings of one registered account from its snapshots (newest first)."""
    cur = rows[0]
    found: list[WatchFinding] = []

    def add(code: str, severity: str, message: str, before: Any = None, **kw: Any) -> None:
        found.append(
            WatchFinding(r.id, code, severity, message, SECTIONS[code], before, view(cur), **kw)
        )

    prev = _previous_distinct(rows)
    why = _takeover(r, cur, prev, fit(), domains) if prev is not None else []
    if prev is not None and why:
        add(
            "takeover-suspected",
            "problem",
            "the account may have been taken over: "
            + "; ".join(why)
            + ". Secure the account (PR holds co-administrator access) or report it to the platform",
            view(prev),
        )
    renamed = _renamed(r, rows)
    if renamed is not None:
        add(
            "handle-changed",
            "problem",
            f"the same {r.platform} account (id {cur.platform_id or r.platform_id}) now goes by "
            f"@{cur.handle}, not @{renamed['handle']}: "
            + (
                "renamed with the suspected takeover: secure the account before the registry "
                f"takes its new URL ({cur.url})"
                if why
                else f"update the registry URL to {cur.url}"
            ),
            renamed,
            new_url=cur.url,
        )
    if cur.private or cur.page_state == PageState.PRIVATE:
        add(
            "closed-to-public",
            "problem",
            "the account is private (closed to the public): a district account must stay "
            "open to every member of the public",
            view(prev) if prev is not None else None,
        )
    if cur.last_post_at is not None and cur.last_post_at < dormant_cutoff:
        add(
            "dormant",
            "problem",
            f"no public post since {cur.last_post_at.date().isoformat()} (more than "
            f"{config.dormant_months} months): deactivate the account, or keep it in use",
        )
    links = list(cur.links or [])
    if links and not why and not district_links(links, domains):
        add(
            "no-district-link",
            "check",
            "the profile links to "
            + ", ".join(links[:3])
            + f" and none leads to the district's website ({', '.join(domains)})",
        )
    return found


def watch_findings(
    session: Session,
    config: Config,
    district_id: int,
    domains: list[str],
    scan_id: int | None,
    *,
    now: datetime,
    include_acknowledged: bool = False,
) -> dict[int, list[WatchFinding]]:
    """Registered row id -> its registry-watch findings, from the snapshots of ``scan_id``
    (the latest scan): an account the scan did not observe has none here. A finding
    acknowledged while the account looked as it does now is left out."""
    if scan_id is None:
        return {}
    snaps = snapshots_by_row(session, district_id)
    acks = acknowledgements(session, district_id)
    fits: list[EntityFit] = []

    def fit() -> EntityFit:  # built once, and only when a change needs judging
        if not fits:
            fits.append(EntityFit(session, config))
        return fits[0]

    out: dict[int, list[WatchFinding]] = {}
    dormant_cutoff = now - timedelta(days=round(config.dormant_months * 30.44))
    for rid, rows in snaps.items():
        r = session.get(RegisteredAccount, rid)
        if r is None or rows[0].scan_id != scan_id:
            continue
        kept = [
            f
            for f in _row_findings(r, rows, fit, config, domains, dormant_cutoff)
            if include_acknowledged
            or (a := acks.get((rid, f.code))) is None
            or a.digest != rows[0].digest
        ]
        if kept:
            out[rid] = kept
    return out


def inert(text: str) -> str:
    """Plain-text safe: control characters (terminal escape sequences, line breaks) as ``?``."""
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def before_after_text(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """The before/after block as plain lines (the audit text, Markdown and e-mails)."""
    lines: list[str] = []
    keys = ("handle", "display_name", "bio", "links", "page_state", "last_post_at")
    for label, snap in (("before", before), ("after", after)):
        if not snap:
            continue
        when = f" (scan {snap['scan_id']}, {snap.get('source')})" if snap.get("scan_id") else ""
        lines.append(f"{label}{when}:")
        for k in keys:
            if k in snap and snap[k] not in (None, [], ""):
                v = ", ".join(snap[k]) if isinstance(snap[k], list) else str(snap[k])
                lines.append(f"  {k}: {inert(v)}")
    return lines
