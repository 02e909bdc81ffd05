"""matching.store and `scout match`: read a scan's accounts, write one assessment each."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from crawler.db import transaction
from crawler.db.models import Account, Assessment, RegisteredAccount, Scan, Sighting
from crawler.db.store import district_row, registry_rows
from matching import Matcher
from matching.store import candidates_for_scan, match_scan

ACCOUNTS = [
    # platform, handle, url, display name, sources, page_state
    (
        "instagram",
        "sheyenne_mustangs_",
        "https://www.instagram.com/sheyenne_mustangs_/",
        "Sheyenne High School",
        ["web_search"],
        None,
    ),
    (
        "instagram",
        "wfjrotc",
        "https://www.instagram.com/wfjrotc/",
        "West Fargo JROTC",
        ["profiles"],
        "ok",
    ),
    (
        "x",
        "sheyennehoops",
        "https://x.com/sheyennehoops",
        "Sheyenne Hoops",
        ["district_site"],
        None,
    ),
    (
        "facebook",
        "packerbackers",
        "https://www.facebook.com/packerbackers",
        "Packer Backers",
        ["handle_probe"],
        "not_found",
    ),
]


@pytest.fixture
def scanned(loaded_db: str) -> tuple[str, int]:
    with transaction(loaded_db) as s:
        d = district_row(s)
        old = Scan(district_id=d.id)
        scan = Scan(district_id=d.id)
        s.add_all([old, scan])
        s.flush()
        for platform, handle, url, name, sources, state in ACCOUNTS:
            a = Account(
                district_id=d.id,
                platform=platform,
                handle=handle,
                url=url,
                display_name=name,
                page_state=state,
            )
            s.add(a)
            s.flush()
            for src in sources:
                s.add(
                    Sighting(
                        account_id=a.id,
                        scan_id=scan.id,
                        source=src,
                        title=f"{name} (@{handle})",
                        source_url="https://www.west-fargo.k12.nd.us/shs/activities"
                        if src == "district_site"
                        else None,
                    )
                )
        other = Account(
            district_id=d.id, platform="x", handle="someoneelse", url="https://x.com/someoneelse"
        )
        s.add(other)
        s.flush()
        s.add(Sighting(account_id=other.id, scan_id=old.id, source="web_search"))
        return loaded_db, scan.id


def test_candidates_for_scan_and_liveness(scanned) -> None:
    url, scan_id = scanned
    with transaction(url) as s:
        cands = {c.handle: c for _, c in candidates_for_scan(s, scan_id)}
    assert set(cands) == {"sheyenne_mustangs_", "wfjrotc", "sheyennehoops", "packerbackers"}
    assert cands["sheyenne_mustangs_"].live  # a current search result
    assert cands["wfjrotc"].live  # its page fetched, state ok
    assert cands["sheyennehoops"].live  # linked from the district site now
    assert not cands["packerbackers"].live  # the page says it is gone
    assert cands["sheyennehoops"].sightings[0].source == "district_site"


def test_match_scan_writes_and_replaces(scanned) -> None:
    url, scan_id = scanned
    for _ in range(2):  # re-running replaces the assessments
        with transaction(url) as s:
            from crawler.db.store import current_profile

            matcher = Matcher(current_profile(s), registry_rows(s))
            results = dict(match_scan(s, scan_id, matcher))
    with transaction(url) as s:
        rows = {
            s.get(Account, a.account_id).handle: a
            for a in s.scalars(select(Assessment).where(Assessment.scan_id == scan_id))
        }
        assert len(rows) == 4 == len(results)
        imp = rows["sheyenne_mustangs_"]
        assert (imp.classification, imp.entity_key) == ("impersonation", "shs")
        assert imp.imitates_url == "https://www.instagram.com/sheyenne_mustangs/"
        reg = s.get(RegisteredAccount, imp.registered_id)
        assert reg is not None and reg.handle == "sheyenne_mustangs"
        jrotc = rows["wfjrotc"]
        assert jrotc.classification == "registered" and jrotc.registered_id is not None
        assert rows["sheyennehoops"].classification == "unregistered"
        assert rows["packerbackers"].classification == "affiliated"
        for a in rows.values():
            assert a.explanation and {"code", "label", "weight"} <= set(a.explanation[0])
    assert results[next(iter(results))] is not None
    assert any(r.case_kind == "deactivation_incomplete" for r in results.values())


def test_scout_match_command(scanned, scout) -> None:
    url, scan_id = scanned
    code, out, err = scout("--database-url", url, "match", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["scan"] == scan_id
    by_handle = {a["handle"]: a for a in data["assessments"]}
    assert (
        by_handle["sheyenne_mustangs_"]["imitates"]
        == "https://www.instagram.com/sheyenne_mustangs/"
    )
    assert by_handle["wfjrotc"]["case_kind"] == "deactivation_incomplete"
    code, out, _ = scout("--database-url", url, "match", "--scan", str(scan_id))
    assert (
        code == 0 and "4 accounts assessed" in out and "copies registered @sheyenne_mustangs" in out
    )
    code, _, err = scout("--database-url", url, "match", "--scan", "999")
    assert code == 1 and "no scan with id 999" in err


def test_scout_match_rejects_unknown_settings(scanned, scout, tmp_path) -> None:
    url, _ = scanned
    cfg = tmp_path / "scout.toml"
    cfg.write_text("[matching]\ncase_treshold = 0.9\n", encoding="utf-8")
    code, _, err = scout("--config", cfg, "--database-url", url, "match")
    assert code == 1 and "case_treshold" in err and "did you mean 'case_threshold'" in err


def test_liveness_sources_come_from_the_source_table() -> None:
    from crawler.db.liveness import DIRECT_SOURCES, LINK_SOURCES
    from crawler.vocab import Source

    assert DIRECT_SOURCES == {
        Source.YOUTUBE,
        Source.BLUESKY,
        Source.MASTODON,
        Source.PROFILES,
        Source.HANDLE_PROBE,
        Source.SELFCHECK,
    }
    assert LINK_SOURCES == {Source.DISTRICT_SITE}
