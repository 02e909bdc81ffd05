"""Registry rows resolve to stable ids (DESIGN.md, "Registry rows resolve to stable ids").

Offline at import (ids carried in the URL), at scan time against the sample world (YouTube
``/user/`` through ``forUsername``, ``/c/`` through the channel page, a Bluesky handle through
``getProfile``), recognised under another URL form afterwards, and the ``unresolved`` audit
finding for a row the platforms say does not exist.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from crawler.cases.checking import check_urls
from crawler.config import load_config
from crawler.db import transaction
from crawler.db.models import RegisteredAccount, Scan
from crawler.db.store import (
    current_profile,
    find_registered,
    import_profile,
    import_registry,
    registry_rows,
)
from crawler.district.profile import load_profile
from crawler.district.registry import parse_registry
from crawler.sample import PROFILE, REGISTRY
from tests.discovery.test_crawl import YOUTUBE_KEY

HEADER = REGISTRY.read_text(encoding="utf-8").splitlines()[0]
WFPS_CHANNEL = "UCwfps0Sample0Channel001"


def registry_csv(*rows: tuple[str, str, str]) -> str:
    """A registry file of ``(platform, url, entity)`` rows, the rest of each row filled in."""
    lines = [HEADER]
    for platform, url, entity in rows:
        lines.append(
            f"{platform},{url},{entity},Name,Admin,admin@west-fargo.k12.nd.us,Backup,yes,yes,"
            "2024-01-01,active,yes,none,"
        )
    return "\n".join(lines) + "\n"


def load_rows(text: str) -> Any:
    return parse_registry(text, load_profile(PROFILE), mastodon_instances=["mastodon.social"]).rows


def rows_by_url(db: str) -> dict[str, RegisteredAccount]:
    with transaction(db) as s:
        rows = s.scalars(select(RegisteredAccount).order_by(RegisteredAccount.id)).all()
        for r in rows:
            s.expunge(r)
    return {r.input_url: r for r in rows}


# --------------------------------------------------------------------------- import (offline)


def test_ids_carried_in_the_url_are_stored_at_import_and_scans_keep_theirs(db_url):
    rows = load_rows(
        registry_csv(
            ("youtube", f"https://m.youtube.com/channel/{WFPS_CHANNEL}?view_as=subscriber", "wfps"),
            ("facebook", "https://www.facebook.com/profile.php?id=100064123456789", "lms"),
            (
                "facebook",
                "https://www.facebook.com/people/Osgood-Elementary/100064999999999/",
                "osgood",
            ),
            ("bluesky", "https://bsky.app/profile/did:plc:abcdefghijklmnopqrstuvwx", "shs"),
            ("youtube", "https://www.youtube.com/user/WestFargoSchools", "wfhs"),
        )
    )
    profile = load_profile(PROFILE)
    with transaction(db_url) as s:
        import_profile(s, profile, str(PROFILE))
        import_registry(s, rows)
    got = {r.input_url: (r.platform_id, r.resolved_via) for r in rows_by_url(db_url).values()}
    assert list(got.values()) == [
        (WFPS_CHANNEL, "url"),
        ("100064123456789", "url"),
        ("100064999999999", "url"),
        ("did:plc:abcdefghijklmnopqrstuvwx", "url"),
        (None, None),  # a /user/ name carries no id: a scan resolves it
    ]
    # a scan resolved the /user/ row; importing the same file again keeps the id, changes nothing
    with transaction(db_url) as s:
        row = s.scalars(
            select(RegisteredAccount).where(RegisteredAccount.url.contains("/user/"))
        ).one()
        row.platform_id, row.resolved_via = "UCresolvedByAScan000000a", "youtube: forUsername"
    with transaction(db_url) as s:
        assert import_registry(s, rows).unchanged
        hit = find_registered(
            s, "youtube", "https://www.youtube.com/@anything", "UCresolvedByAScan000000a"
        )
        assert hit is not None and hit.entity_key == "wfhs"


def test_linkedin_school_and_company_pages_are_one_account(tmp_path):
    db = f"sqlite:///{tmp_path / 'scout.sqlite3'}"
    rows = load_rows(
        registry_csv(
            ("linkedin", "https://www.linkedin.com/school/west-fargo-public-schools/", "wfps")
        )
    )
    with transaction(db) as s:
        import_profile(s, load_profile(PROFILE), str(PROFILE))
        import_registry(s, rows)
        (company,) = check_urls(s, ["https://uk.linkedin.com/company/west-fargo-public-schools"])
        assert company["registered"] is True and company["entity"] == "wfps"
        assert company["url"] == "https://www.linkedin.com/company/west-fargo-public-schools/"
    from matching import Matcher
    from matching.types import Candidate

    matcher = Matcher(load_profile(PROFILE), rows)
    result = matcher.assess(
        Candidate(
            platform="linkedin",
            handle="west-fargo-public-schools",
            url="https://www.linkedin.com/company/west-fargo-public-schools/",
        )
    )
    assert result.classification == "registered"
    assert result.explanation[0].code == "registered_url"
    # the same account written twice (as /school/ and /company/) is a duplicate row
    from crawler.errors import InputErrors

    with pytest.raises(InputErrors, match="same account as line 2"):
        load_rows(
            registry_csv(
                ("linkedin", "https://www.linkedin.com/school/west-fargo-public-schools/", "wfps"),
                ("linkedin", "https://www.linkedin.com/company/west-fargo-public-schools/", "wfps"),
            )
        )


# --------------------------------------------------------------------------- scans (sample world)

REGISTERED = (
    ("youtube", "https://www.youtube.com/user/westfargoschools", "wfps"),
    ("youtube", "https://www.youtube.com/c/SheyenneMustangMedia", "shs"),
    ("bluesky", "https://bsky.app/profile/westfargoschools.bsky.social", "wfps"),
    ("youtube", "https://www.youtube.com/user/wfpsnosuchchannel", "wfhs"),
    ("bluesky", "https://bsky.app/profile/nosuchwfpsaccount.bsky.social", "wfhs"),
    ("instagram", "https://www.instagram.com/wfhspackers/", "wfhs"),
)


def setup_world(world: Any, folder: Path, db: str) -> Any:
    """A scout.toml for ``world`` with the registry above, the district imported into ``db``."""
    folder.mkdir(parents=True, exist_ok=True)
    registry = folder / "registry.csv"
    registry.write_text(registry_csv(*REGISTERED), encoding="utf-8")
    (folder / "scout.toml").write_text(
        world.config_toml(profile=str(PROFILE), registry=str(registry), database_url=db)
    )
    config = load_config(folder / "scout.toml", env={})
    with transaction(db) as s:
        import_profile(s, load_profile(PROFILE), str(PROFILE))
        import_registry(s, load_rows(registry.read_text(encoding="utf-8")))
    return config


def crawl(config: Any, sources: list[str]) -> int:
    from crawler.discovery.runner import run_crawl

    with transaction(config.database_url) as s:
        scan = Scan(district_id=1)
        s.add(scan)
        s.flush()
        scan_id = scan.id
    result = run_crawl(config, scan_id=scan_id, sources=sources, platforms=["youtube", "bluesky"])
    assert result.ok, result.error
    return scan_id


def assess(config: Any, scan_id: int) -> dict[str, Any]:
    from matching import Matcher
    from matching.store import candidates_for_scan

    with transaction(config.database_url) as s:
        matcher = Matcher(current_profile(s), registry_rows(s))
        return {c.url: matcher.assess(c) for _, c in candidates_for_scan(s, scan_id)}


@pytest.fixture(scope="module")
def resolved(sample_world, tmp_path_factory):
    """One crawl of the handle probe, youtube and profiles sources with the registry above."""
    import os

    os.environ["SCOUT_YOUTUBE_API_KEY"] = YOUTUBE_KEY
    try:
        folder = tmp_path_factory.mktemp("registry-ids")
        config = setup_world(sample_world, folder, f"sqlite:///{folder / 'scout.sqlite3'}")
        scan_id = crawl(config, ["handle_probe", "youtube", "profiles"])
        return config, scan_id
    finally:
        os.environ.pop("SCOUT_YOUTUBE_API_KEY", None)


@pytest.mark.slow
def test_a_scan_resolves_registry_rows_in_any_url_form(resolved, sample_world):
    config, scan_id = resolved
    world = sample_world.data.by_key
    rows = rows_by_url(config.database_url)
    user = rows["https://www.youtube.com/user/westfargoschools"]
    assert user.platform_id == WFPS_CHANNEL == world["wfps-youtube"].platform_id
    assert "forUsername=westfargoschools" in user.resolved_via and "key=" not in user.resolved_via
    custom = rows["https://www.youtube.com/c/SheyenneMustangMedia"]
    assert custom.platform_id == world["shs-media-youtube"].platform_id
    assert custom.resolved_via.startswith("profiles: ")  # the channel page, no API guess
    bluesky = rows["https://bsky.app/profile/westfargoschools.bsky.social"]
    assert bluesky.platform_id == world["wfps-bluesky"].platform_id
    assert bluesky.platform_id.startswith("did:plc:") and "getProfile" in bluesky.resolved_via
    for row in rows.values():
        assert (row.resolved_at is None) == (row.platform_id is None)
    # seen under their current @handles, the channels are the registered ones, by id
    results = assess(config, scan_id)
    for key in ("wfps-youtube", "shs-media-youtube"):
        result = results[f"https://www.youtube.com/@{world[key].lower}"]
        assert result.classification == "registered"
        assert "registered_id" in [lv.code for lv in result.explanation]
    with transaction(config.database_url) as s:
        by_id, by_handle = check_urls(
            s,
            [
                f"https://www.youtube.com/channel/{world['shs-media-youtube'].platform_id}",
                "https://www.youtube.com/@SheyenneMustangMedia",
            ],
        )
    assert by_id["registered"] is True and by_id["entity"] == "shs"
    assert by_handle["registered"] is True and by_handle["entity"] == "shs"


@pytest.mark.slow
def test_rows_the_platforms_do_not_know_are_unresolved_findings(resolved):
    from reports.audit import audit_registry

    config, _ = resolved
    with transaction(config.database_url) as s:
        findings = [f for f in audit_registry(s, config) if f.code == "unresolved"]
    assert {f.url: f.severity for f in findings} == {
        "https://www.youtube.com/user/wfpsnosuchchannel": "problem",
        "https://bsky.app/profile/nosuchwfpsaccount.bsky.social": "problem",
    }
    messages = {f.url: f.message for f in findings}
    assert (
        "forUsername=wfpsnosuchchannel"
        in messages["https://www.youtube.com/user/wfpsnosuchchannel"]
    )
    assert "found no channel" in messages["https://www.youtube.com/user/wfpsnosuchchannel"]
    assert "Profile not found" in messages["https://bsky.app/profile/nosuchwfpsaccount.bsky.social"]
    # Instagram has no id a scan can fetch: never tried, never "unresolved"
    assert not [f for f in findings if f.platform == "instagram"]


def test_rows_no_scan_tried_are_not_findings(tmp_path):
    from crawler.config import Config
    from reports.audit import audit_registry

    db = f"sqlite:///{tmp_path / 'scout.sqlite3'}"
    config = Config(
        path=None, base_dir=tmp_path, profile=PROFILE, registry=REGISTRY, database_url=db
    )
    with transaction(db) as s:
        import_profile(s, load_profile(PROFILE), str(PROFILE))
        import_registry(s, load_rows(registry_csv(*REGISTERED)))
        assert [f for f in audit_registry(s, config) if f.code == "unresolved"] == []


@pytest.mark.slow
def test_a_bluesky_row_is_recognised_after_its_handle_changes(resolved, tmp_path, monkeypatch):
    """A month later the district's Bluesky account goes by another handle (same DID): the
    next scan sees it under the new handle only, and it is still the registered account."""
    import crawler.sampleworld as sampleworld
    from crawler.sampleworld import SampleWorld
    from crawler.sampleworld.data import load_districts

    config, _ = resolved
    data = load_districts()
    old = data.by_key["wfps-bluesky"]
    moved = dataclasses.replace(old, handle="wfpsnews.bsky.social")
    later = dataclasses.replace(
        data,
        accounts=tuple(moved if a.key == old.key else a for a in data.accounts),
        by_key={**data.by_key, old.key: moved},
    )
    monkeypatch.setattr(sampleworld, "load_districts", lambda keys: later)
    with SampleWorld() as world:
        toml = world.config_toml(
            profile=str(PROFILE), registry=str(config.registry), database_url=config.database_url
        )
        (tmp_path / "scout.toml").write_text(toml)
        later_config = load_config(tmp_path / "scout.toml", env={})
        scan_id = crawl(later_config, ["bluesky"])
    results = assess(later_config, scan_id)
    result = results["https://bsky.app/profile/wfpsnews.bsky.social"]
    assert result.classification == "registered" and result.entity == "wfps"
    assert "registered_id" in [lv.code for lv in result.explanation]
    assert "https://bsky.app/profile/westfargoschools.bsky.social" not in results
    with transaction(config.database_url) as s:
        (checked,) = check_urls(s, ["https://bsky.app/profile/wfpsnews.bsky.social"])
    assert checked["registered"] is True and checked["entity"] == "wfps"


# --------------------------------------------------------------------------- migration 0004


def test_0004_upgrades_a_0003_database_with_its_registry(db_url):
    """An existing database (revision 0003, a registry imported) is upgraded in place: rows
    kept, ids already stored marked as read from the URL, and back down again."""
    from alembic import command
    from sqlalchemy import inspect, text

    from crawler.db import (
        alembic_config,
        current_revision,
        engine_for,
        head_revision,
        make_engine,
        upgrade,
    )

    engine = make_engine(db_url)
    upgrade(engine, "0003")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO districts (key, name, aliases, domains, city, state, nearby, profile,"
                " imported_at) VALUES ('wfps', 'West Fargo', '[]', '[]', 'West Fargo', 'ND', '[]',"
                " '{}', CURRENT_TIMESTAMP)"
            )
        )
        for url, handle, platform_id in (
            (f"https://www.youtube.com/channel/{WFPS_CHANNEL}", WFPS_CHANNEL, WFPS_CHANNEL),
            ("https://www.youtube.com/user/westfargoschools", "westfargoschools", None),
        ):
            conn.execute(
                text(
                    "INSERT INTO registered_accounts (district_id, platform, url, handle,"
                    " platform_id, entity_key, display_name, administrator, administrator_email,"
                    " backup_administrator, status, payments, notes, input_url, updated_at)"
                    " VALUES (1, 'youtube', :url, :handle, :pid, 'wfps', '', '', '', '',"
                    " 'active', 'none', '', :url, CURRENT_TIMESTAMP)"
                ),
                {"url": url, "handle": handle, "pid": platform_id},
            )
    engine.dispose()
    engine = engine_for(db_url)  # migrates on first use, as every command does
    assert current_revision(engine) == head_revision()  # 0004 and any later revision
    got = rows_by_url(db_url)
    assert [(r.platform_id, r.resolved_via, r.resolve_error) for r in got.values()] == [
        (WFPS_CHANNEL, "url", None),
        (None, None, None),
    ]
    assert got[f"https://www.youtube.com/channel/{WFPS_CHANNEL}"].resolved_at is not None
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0003")
    columns = {c["name"] for c in inspect(engine).get_columns("registered_accounts")}
    assert not columns & {"resolved_at", "resolved_via", "resolve_error"}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM registered_accounts")).scalar() == 2
    upgrade(engine)
    assert current_revision(engine) == head_revision()


def test_only_exact_api_lookups_resolve_channel_urls():
    """``forUsername`` for ``/user/``, ``forHandle`` for ``/@handle``; a ``/c/`` custom URL
    or a bare name is no handle (guessing one could name someone else's channel)."""
    from spiders.youtube import api_filter

    assert api_filter("https://www.youtube.com/user/WestFargoSchools") == {
        "forUsername": "WestFargoSchools"
    }
    assert api_filter("https://www.youtube.com/@wfps") == {"forHandle": "@wfps"}
    assert api_filter("https://www.youtube.com/c/SheyenneMustangMedia") is None
    assert api_filter("https://www.youtube.com/westfargoschools") is None
