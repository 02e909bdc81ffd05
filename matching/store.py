"""The only module of matching that touches the database: read a scan's accounts as
candidates, write one assessment per account per scan (re-running replaces them)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from crawler.db.models import Account, Assessment, RegisteredAccount, Scan, utcnow
from crawler.db.models import Sighting as SightingRow
from crawler.errors import InputError
from matching.types import Candidate, Result, Sighting

# Sources whose answer in this scan means the account exists now (DESIGN.md, deactivation_incomplete).
LIVE_SOURCES = frozenset({"youtube", "bluesky", "mastodon", "web_search", "district_site"})
_PAGE_SOURCES = frozenset({"profiles", "handle_probe"})


def latest_scan_id(session: Session) -> int:
    scan_id = session.scalars(select(Scan.id).order_by(Scan.id.desc()).limit(1)).first()
    if scan_id is None:
        raise InputError("no scan in the database yet: run `scout scan` first")
    return scan_id


def candidates_for_scan(session: Session, scan_id: int) -> list[tuple[int, Candidate]]:
    """Accounts with a sighting in the scan, with all of that scan's sightings, oldest account first."""
    if session.get(Scan, scan_id) is None:
        raise InputError(f"no scan with id {scan_id}")
    by_account: dict[int, list[SightingRow]] = defaultdict(list)
    for s in session.scalars(
        select(SightingRow).where(SightingRow.scan_id == scan_id).order_by(SightingRow.id)
    ):
        by_account[s.account_id].append(s)
    if not by_account:
        return []
    accounts = session.scalars(
        select(Account).where(Account.id.in_(by_account)).order_by(Account.id)
    )
    out: list[tuple[int, Candidate]] = []
    for a in accounts:
        rows = by_account[a.id]
        out.append(
            (
                a.id,
                Candidate(
                    platform=a.platform,
                    handle=a.handle,
                    url=a.url,
                    platform_id=a.platform_id,
                    display_name=a.display_name,
                    bio=a.bio,
                    links=list(a.links or []),
                    location=a.location,
                    followers=a.followers,
                    verified=a.verified,
                    sightings=[
                        Sighting(
                            source=s.source,
                            query=s.query,
                            source_url=s.source_url,
                            title=s.title,
                            snippet=s.snippet,
                            rank=s.rank,
                        )
                        for s in rows
                    ],
                    live=_live(a, rows),
                    id=a.id,
                ),
            )
        )
    return out


def _live(account: Account, rows: list[SightingRow]) -> bool:
    """Seen now: through an API, a current search result or district link, or its fetched page."""
    if account.page_state == "not_found":
        return False
    sources = {s.source for s in rows}
    if sources & LIVE_SOURCES:
        return True
    return bool(sources & _PAGE_SOURCES) and account.page_state == "ok"


def match_scan(session: Session, scan_id: int, matcher: object) -> list[tuple[int, Result]]:
    """Assess every account of the scan and store the assessments (replacing earlier ones)."""
    from matching import Matcher

    assert isinstance(matcher, Matcher)
    pairs = candidates_for_scan(session, scan_id)
    results = [(aid, matcher.assess(c)) for aid, c in pairs]
    session.execute(delete(Assessment).where(Assessment.scan_id == scan_id))
    district_id = session.scalars(select(Scan.district_id).where(Scan.id == scan_id)).one()
    reg_ids: dict[tuple[str, str], int] = {
        (r.platform, r.url): r.id
        for r in session.scalars(
            select(RegisteredAccount).where(RegisteredAccount.district_id == district_id)
        )
    }
    platform_of = {aid: c.platform for aid, c in pairs}
    now = utcnow()
    for aid, res in results:
        reg_url = res.registered_url or res.imitates
        session.add(
            Assessment(
                account_id=aid,
                scan_id=scan_id,
                classification=res.classification,
                entity_key=res.entity,
                confidence=res.confidence,
                explanation=[lv.as_dict() for lv in res.explanation],
                imitates_url=res.imitates,
                registered_id=reg_ids.get((platform_of[aid], reg_url)) if reg_url else None,
                created_at=now,
            )
        )
    session.flush()
    return results
