"""Snapshots and findings without a crawl: what a scan's sightings give, on both backends."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from crawler.db.models import Account, RegisteredAccount, RegistrySnapshot, Scan, Sighting, utcnow
from crawler.vocab import ScanStatus
from tests.cases.scout_world import make_world

BLUESKY = "https://bsky.app/profile/westfargoschools.bsky.social"
SITE = "https://www.west-fargo.k12.nd.us/"
PROFILE = {
    "display_name": "West Fargo Public Schools",
    "bio": "Official account of West Fargo Public Schools, North Dakota.",
    "links": [SITE],
    "followers": 811,
    "page_state": "ok",
    "avatar_hash": "a" * 64,
}


def _scan(s, district_id: int, at) -> Scan:
    scan = Scan(
        district_id=district_id, status=ScanStatus.COMPLETED, started_at=at, params={}, stats={}
    )
    s.add(scan)
    s.flush()
    return scan


def _observe(world, profile: dict, at) -> int:
    from crawler.db.watch import record_snapshots

    with world.factory.begin() as s:
        row = s.scalars(select(RegisteredAccount).where(RegisteredAccount.url == BLUESKY)).one()
        scan = _scan(s, row.district_id, at)
        acc = s.scalars(select(Account).where(Account.url == BLUESKY)).first()
        if acc is None:
            acc = Account(
                district_id=row.district_id,
                platform="bluesky",
                url=BLUESKY,
                handle="westfargoschools.bsky.social",
                links=[],
                previous_handles=[],
            )
            s.add(acc)
            s.flush()
        s.add(
            Sighting(
                account_id=acc.id,
                scan_id=scan.id,
                source="bluesky",
                fetched_at=at,
                profile={**profile, "handle": "westfargoschools.bsky.social"},
            )
        )
        s.flush()
        assert record_snapshots(s, scan.id, row.district_id) == 1
        return scan.id


def _findings(world):
    from reports import audit_registry
    from reports.watch import SECTIONS

    with world.factory.begin() as s:
        return [
            (f.code, f.severity)
            for f in audit_registry(s, world.config)
            if f.code in SECTIONS and f.url == BLUESKY
        ]


def test_routine_change_quiet_then_link_and_acknowledgement(tmp_path, db_url):
    from crawler.db.watch import acknowledge

    world = make_world(tmp_path, db_url)
    t0 = utcnow() - timedelta(days=60)
    _observe(world, PROFILE, t0)
    assert _findings(world) == []
    # routine: a new season's bio still naming the district, followers and avatar moving
    routine = {
        **PROFILE,
        "bio": PROFILE["bio"] + " Welcome back for 2026-27!",
        "followers": 990,
        "avatar_hash": "b" * 64,
    }
    _observe(world, routine, t0 + timedelta(days=30))
    assert _findings(world) == []
    # the district link gives way to a platform link: no takeover, but no district link
    moved = {**routine, "links": ["https://www.facebook.com/WestFargoPublicSchools/"]}
    _observe(world, moved, t0 + timedelta(days=31))
    assert _findings(world) == [("no-district-link", "check")]
    with world.factory.begin() as s:
        row = s.scalars(select(RegisteredAccount).where(RegisteredAccount.url == BLUESKY)).one()
        ack = acknowledge(
            s, row.id, "no-district-link", "pr-office", "the page is linked from the site"
        )
        assert ack.actor == "pr-office" and ack.note
    assert _findings(world) == []
    _observe(world, moved, t0 + timedelta(days=32))  # unchanged: still quiet
    assert _findings(world) == []
    _observe(
        world,
        {**moved, "bio": "Official account of West Fargo Public Schools."},
        t0 + timedelta(days=33),
    )  # changed again: it speaks again
    assert _findings(world) == [("no-district-link", "check")]


def test_snapshots_are_bounded(tmp_path, db_url):
    from crawler.db.watch import KEEP_LAST

    world = make_world(tmp_path, db_url)
    t0 = utcnow() - timedelta(days=400)
    _observe(world, PROFILE, t0)
    _observe(world, {**PROFILE, "bio": "Changed once."}, t0 + timedelta(days=1))
    for i in range(KEEP_LAST + 3):
        _observe(
            world,
            {**PROFILE, "bio": "Changed once.", "followers": 900 + i},
            t0 + timedelta(days=2 + i),
        )
    with world.factory.begin() as s:
        snaps = list(s.scalars(select(RegistrySnapshot).order_by(RegistrySnapshot.id)))
    changed = [x for x in snaps if x.changed]
    assert len(changed) == 1 and changed[0].bio == "Changed once."
    assert len(snaps) == KEEP_LAST + 1  # the last N, and the one that differed
