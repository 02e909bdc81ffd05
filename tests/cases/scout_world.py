"""Test helper: a temp SQLite database with the sample district, and simulated scans.

A simulated scan writes what the discovery and matching stages would write
(Scan, ScanQuery, Account, Sighting, Assessment rows), then calls
``update_cases`` like the lead's scan orchestration does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crawler import platforms
from crawler.cases.lifecycle import update_cases
from crawler.cases.records import CaseUpdate
from crawler.config import Config
from crawler.db import engine_for, session_factory
from crawler.db.models import Account, Assessment, Evidence, Scan, ScanQuery, Sighting, utcnow
from crawler.db.store import district_row, find_registered, import_profile, import_registry
from crawler.district.profile import load_profile
from crawler.district.registry import load_registry
from crawler.sample import PROFILE, REGISTRY
from crawler.vocab import ScanStatus

SOURCES = ("district_site", "web_search", "youtube", "bluesky", "profiles")


@dataclass
class Seen:
    """One account as a scan finds and assesses it."""

    url: str
    classification: str = "unregistered"
    entity: str | None = None
    confidence: float = 0.8
    display_name: str = ""
    bio: str = ""
    sources: tuple[str, ...] = ("web_search",)
    platform_id: str | None = None
    imitates: str | None = None
    followers: int | None = None
    links: list[str] = field(default_factory=list)
    title: str | None = None
    snippet: str | None = None
    explanation: list[dict[str, Any]] = field(
        default_factory=lambda: [
            {"code": "name_entity", "label": "name matches the entity", "weight": 0.5},
            {"code": "location", "label": "bio names West Fargo", "weight": 0.3},
        ]
    )


@dataclass
class World:
    url: str
    config: Config
    factory: sessionmaker[Session]
    tmp: Path

    def session(self) -> Any:
        return self.factory.begin()


def make_world(tmp_path: Path, url: str | None = None) -> World:
    url = url or f"sqlite:///{tmp_path}/t.sqlite3"
    engine_for(url)
    factory = session_factory(url)
    profile = load_profile(PROFILE)
    with factory.begin() as s:
        import_profile(s, profile, str(PROFILE))
        import_registry(s, load_registry(REGISTRY, profile).rows)
    config = Config(
        path=None,
        base_dir=tmp_path,
        profile=PROFILE,
        registry=REGISTRY,
        database_url=url,
        reports_dir=tmp_path / "reports",
        evidence_dir=tmp_path / "evidence",
    )
    return World(url, config, factory, tmp_path)


def _upsert_account(s: Session, district_id: int, seen: Seen, scan: Scan) -> Account:
    ref = platforms.classify(seen.url).account
    assert ref is not None, seen.url
    platform_id = seen.platform_id or ref.platform_id
    acc = s.scalars(
        select(Account).where(Account.platform == ref.platform, Account.url == ref.url)
    ).first()
    if acc is None and platform_id:
        # The discovery pipeline keeps the row on a rename (same stable id).
        acc = s.scalars(
            select(Account).where(
                Account.platform == ref.platform, Account.platform_id == platform_id
            )
        ).first()
        if acc is not None:
            acc.previous_handles = [*acc.previous_handles, acc.handle]
            acc.url, acc.handle = ref.url, ref.handle
    if acc is None:
        acc = Account(
            district_id=district_id,
            platform=ref.platform,
            url=ref.url,
            handle=ref.handle,
            platform_id=platform_id,
            first_scan_id=scan.id,
        )
        s.add(acc)
    acc.display_name = seen.display_name or acc.display_name
    acc.bio = seen.bio or acc.bio
    acc.followers = seen.followers if seen.followers is not None else acc.followers
    acc.links = seen.links or acc.links
    acc.last_seen_at = utcnow()
    acc.last_scan_id = scan.id
    s.flush()
    return acc


def run_scan(
    world: World,
    accounts: list[Seen],
    *,
    failed: tuple[str, ...] = (),
    sources: tuple[str, ...] = SOURCES,
    deactivated_live: tuple[str, ...] = (),
    status: str = ScanStatus.COMPLETED.value,
) -> tuple[int, CaseUpdate]:
    """Write one scan's rows and update the cases. ``deactivated_live`` are URLs of accounts
    the registry marks deactivated that this scan saw live."""
    with world.session() as s:
        district = district_row(s)
        scan = Scan(
            district_id=district.id,
            status=ScanStatus.RUNNING.value,
            params={"sources": list(sources)},
            stats={"sources": {}},
        )
        s.add(scan)
        s.flush()
        for source in sources:
            s.add(
                ScanQuery(
                    scan_id=scan.id,
                    source=source,
                    query=f"{source}: West Fargo",
                    status="failed" if source in failed else "done",
                    error="HTTP 503 from the search API" if source in failed else None,
                )
            )
        live_ids = []
        for seen in accounts:
            acc = _upsert_account(s, district.id, seen, scan)
            for rank, source in enumerate(seen.sources, 1):
                s.add(
                    Sighting(
                        account_id=acc.id,
                        scan_id=scan.id,
                        source=source,
                        query=f'site:{acc.platform}.com "West Fargo"'
                        if source == "web_search"
                        else None,
                        source_url="https://www.west-fargo.k12.nd.us/shs/activities"
                        if source == "district_site"
                        else None,
                        rank=rank,
                        title=seen.title or seen.display_name,
                        snippet=seen.snippet or seen.bio,
                        raw_url=seen.url,
                    )
                )
            reg = find_registered(s, acc.platform, acc.url, acc.platform_id)
            s.add(
                Assessment(
                    account_id=acc.id,
                    scan_id=scan.id,
                    classification=seen.classification,
                    entity_key=seen.entity,
                    confidence=seen.confidence,
                    explanation=seen.explanation,
                    imitates_url=seen.imitates,
                    registered_id=reg.id if reg else None,
                )
            )
            if seen.url in deactivated_live:
                live_ids.append(acc.id)
        scan.status = status
        scan.finished_at = utcnow()
        s.flush()
        update = update_cases(s, scan.id, world.config, deactivation_incomplete=live_ids)
        return scan.id, update


def add_screenshot(world: World, account_url: str, png: bytes) -> None:
    """An evidence screenshot and HTML hash for an account, as the evidence capture would store them."""
    world.config.evidence_dir.mkdir(parents=True, exist_ok=True)
    path = world.config.evidence_dir / "shot-1.png"
    path.write_bytes(png)
    with world.session() as s:
        ref = platforms.classify(account_url).account
        assert ref is not None
        acc = s.scalars(select(Account).where(Account.url == ref.url)).one()
        s.add(
            Evidence(
                account_id=acc.id,
                kind="screenshot",
                url=acc.url,
                file_path="shot-1.png",
                summary="Full-page screenshot",
            )
        )
        s.add(
            Evidence(
                account_id=acc.id,
                kind="html_sha256",
                url=acc.url,
                sha256="ab" * 32,
                summary="page HTML at capture time",
            )
        )
