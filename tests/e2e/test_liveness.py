"""Liveness in a full scan of the sample world (a copy of the shared first scan): accounts that
are gone, though a search index still lists them or the district's site still links them, are
checked directly and open no case; a registered account that is gone is a `gone` finding."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from crawler.db import transaction
from crawler.db.models import Account, Case, Sighting
from crawler.db.store import import_registry
from crawler.district.registry import load_registry
from crawler.platforms import PageState

DANCE = "https://www.tiktok.com/@wfhsdance"  # deleted; the search index still lists it
# deleted; the search index still lists it, but a scan whose Bluesky source runs leaves bsky.app
# out of the web search (that source searches Bluesky itself, and a deleted account is not there)
NEWS = "https://bsky.app/profile/hhsnews.bsky.social"
CHANNEL = "https://www.youtube.com/@wfcommunityhigh"  # deleted; the district's site links it


@pytest.mark.slow
def test_gone_accounts_are_checked_directly_and_open_no_case(sample_world, scanned_in_process):
    site, outcome = scanned_in_process.site, scanned_in_process.outcome
    gone = {h.url for h in sample_world.manifest if not h.live}
    assert {DANCE, NEWS, CHANNEL} <= gone
    with transaction(site.database_url) as s:
        news = s.scalars(select(Account).where(Account.url == NEWS)).first()
        assert news is None or news.page_state == PageState.NOT_FOUND
        assert (
            news is None
            or s.scalars(select(Case).where(Case.account_id == news.id)).first() is None
        )
        for url, found_by in (
            (DANCE, "web_search"),
            (CHANNEL, "district_site"),
        ):
            acc = s.scalars(select(Account).where(Account.url == url)).one()
            sources = set(
                s.scalars(
                    select(Sighting.source).where(
                        Sighting.account_id == acc.id, Sighting.scan_id == outcome.scan_id
                    )
                )
            )
            assert {found_by, "profiles"} <= sources, url  # checked directly before any case
            assert acc.page_state == PageState.NOT_FOUND, url
            assert s.scalars(select(Case).where(Case.account_id == acc.id)).first() is None, url
    assert {DANCE, CHANNEL} <= set(outcome.cases["gone"])


@pytest.mark.slow
def test_a_registered_account_that_is_gone_is_an_audit_finding(scanned_in_process, scout):
    site, outcome = scanned_in_process.site, scanned_in_process.outcome
    registry = site.dir / "registry.csv"
    lines = registry.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = dict.fromkeys(header, "")
    row |= {
        "platform": "youtube",
        "url": CHANNEL,
        "entity": "wfchs",
        "display_name": "West Fargo Community High School",
        "administrator": "Pat Example",
        "administrator_email": "pat.example@west-fargo.k12.nd.us",
        "registered_on": "2019-09-01",
        "status": "active",
        "payments": "none",
    }
    registry.write_text("\n".join([*lines, ",".join(row[h] for h in header)]) + "\n", "utf-8")
    with transaction(site.database_url) as s:
        from crawler.db.store import current_profile

        import_registry(s, load_registry(registry, current_profile(s)).rows)
    db = ("--database-url", site.database_url)
    code, _, err = scout(*db, "match", "--scan", str(outcome.scan_id))
    assert code == 0, err
    code, out, err = scout(*db, "registry", "audit", "--json")
    assert code == 0, err
    (gone,) = [f for f in json.loads(out) if f["code"] == "gone"]
    assert (gone["severity"], gone["platform"], gone["url"], gone["status"]) == (
        "problem",
        "youtube",
        CHANNEL,
        "active",
    )
    assert "does not exist" in gone["message"] and "profiles" in gone["message"]
    with transaction(site.database_url) as s:
        assert s.scalars(select(Case).join(Account).where(Account.url == CHANNEL)).first() is None
    code, out, _ = scout(*db, "registry", "audit")
    assert code == 0 and "gone" in out
