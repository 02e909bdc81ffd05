"""`scout selfcheck` and the selfcheck as a scan's first stage, against the sample world."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from crawler.db import transaction
from crawler.db.models import Case, ScanQuery, Sighting
from crawler.sampleworld import Faults, SampleWorld
from crawler.sampleworld.data import MASTODON_INSTANCE
from crawler.scan import ScanOptions, run_scan
from crawler.vocab import Platform
from tests.e2e.conftest import KEYS, make_site, scout_cli

ROBOTS_CLOSED = {"facebook", "instagram", "x", "threads", "linkedin"}
CHECKABLE = {"youtube", "tiktok", "bluesky"}  # the sample registry has an account there


@pytest.mark.slow
def test_selfcheck_json_lists_every_platform(site, sample_world):
    """`scout selfcheck --json`: a verdict per platform with its reason; the checkable ones
    pass on the sample world, robots-closed ones are skipped without a request."""
    with site.config_path.open("a", encoding="utf-8") as f:  # Mastodon: a configured account
        f.write(f'\n[selfcheck]\nknown = {{mastodon = "https://{MASTODON_INSTANCE}/@wfpsnews"}}\n')
    sample_world.reset_log()
    proc = scout_cli(site, "selfcheck", "--json")
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    rows = json.loads(out)
    assert [r["platform"] for r in rows] == [str(p) for p in Platform]
    for r in rows:
        assert {"platform", "status", "reason", "known_url", "checked_at"} <= set(r)
        assert r["status"] in ("ok", "drift", "skipped") and r["reason"]
    by = {r["platform"]: r for r in rows}
    assert {p for p, r in by.items() if r["status"] == "ok"} == CHECKABLE | {"mastodon"}, rows
    assert by["youtube"]["known_url"] == "https://www.youtube.com/@sheyennemustangmedia"
    assert by["mastodon"]["known_url"] == f"https://{MASTODON_INSTANCE}/@wfpsnews"
    for p in ROBOTS_CLOSED:
        assert by[p]["status"] == "skipped" and "robots.txt disallows" in by[p]["reason"]
    hosts = {r.host for r in sample_world.requests}
    assert not hosts & {"www.facebook.com", "www.instagram.com", "x.com", "www.threads.com"}
    # the random handle is looked up once per platform, the known account once, nothing stored
    lookups = [r.path for r in sample_world.requests if "scoutcheck" in r.path]
    assert len(lookups) == len(CHECKABLE) + 1
    with transaction(site.database_url) as s:
        assert s.scalars(select(Sighting)).first() is None


@pytest.mark.slow
def test_a_scan_runs_the_selfcheck_first(scanned_in_process):
    """The shared scan: every checkable platform passes; the known accounts it looked up are
    sightings of the scan (no other source asked for them again: see the no-twice test)."""
    outcome = scanned_in_process.outcome
    by = {c["platform"]: c for c in outcome.selfcheck}
    assert {p for p, c in by.items() if c["status"] == "ok"} == CHECKABLE
    assert {p for p, c in by.items() if c["status"] == "skipped"} == {*ROBOTS_CLOSED, "mastodon"}
    with transaction(scanned_in_process.site.database_url) as s:
        seen = {
            sg.account.url
            for sg in s.scalars(select(Sighting).where(Sighting.source == "selfcheck"))
        }
    assert seen == {by[p]["known_url"] for p in CHECKABLE}


@pytest.mark.slow
def test_drift_is_a_coverage_gap_and_not_found_is_not_trusted(scan_templates, tmp_path):
    """A month later TikTok ships a new page format: the selfcheck calls it drift, the scan
    lists the gap, and no TikTok "not found" counts as absent or closes anything."""
    keys = {k.lower().split("_")[1] + "_key": v for k, v in KEYS.items()}
    with scan_templates.copy("in_process", "sqlite", tmp_path) as clean:
        url = clean.site.database_url
        with transaction(url) as s:
            tiktok_cases = {
                c.number for c in s.scalars(select(Case)) if c.account.platform == "tiktok"
            }
        assert tiktok_cases
        with SampleWorld(faults=Faults(drift=("www.tiktok.com",)), **keys) as world:
            (tmp_path / "drift").mkdir()
            site = make_site(world, tmp_path / "drift", url)
            outcome = run_scan(site.config(), ScanOptions(screenshots=False))
            assert any(r.fault == "drift" for r in world.requests)
    by = {c["platform"]: c for c in outcome.selfcheck}
    assert by["tiktok"]["status"] == "drift", by["tiktok"]
    assert "horacehawks" in by["tiktok"]["reason"]
    assert {p for p, c in by.items() if c["status"] == "ok"} == CHECKABLE - {"tiktok"}
    assert any("tiktok parser drift" in n for n in outcome.notes)
    with transaction(url) as s:
        rows = s.scalars(select(ScanQuery).where(ScanQuery.scan_id == outcome.scan_id)).all()
        gap = [r for r in rows if r.source == "selfcheck" and r.query == "tiktok"]
        assert gap and gap[0].status == "failed" and "drift" in (gap[0].error or "")
        probes = [r for r in rows if r.source == "handle_probe" and r.query.startswith("tiktok @")]
        assert probes and not [r for r in probes if r.status == "done"]
        assert any("not_found not trusted" in (r.error or "") for r in probes)
        events = [
            e.action
            for c in s.scalars(select(Case))
            if c.number in tiktok_cases
            for e in c.events
            if e.scan_id == outcome.scan_id
        ]
    assert "not-seen" not in events
    assert not set(outcome.cases.get("not_seen", [])) & tiktok_cases
    # the report's summary lists the gap with its reason
    summary = (outcome.report_index.parent / "summary.md").read_text(encoding="utf-8")
    assert "selfcheck" in summary and "drift" in summary
