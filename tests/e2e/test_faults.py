"""A scan under faults: it completes, reports what it could not cover, and loses no case."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from crawler.db import transaction
from crawler.db.models import Case, ScanQuery
from crawler.sampleworld import Faults, SampleWorld
from crawler.scan import ScanOptions, run_scan
from crawler.vocab import CaseStatus
from tests.e2e.conftest import KEYS, make_site


def _cases(url: str) -> set[tuple[str, str, str]]:
    with transaction(url) as s:
        return {(c.account.url, c.kind, c.status) for c in s.scalars(select(Case))}


def _numbers(url: str) -> set[tuple[str, int, str]]:
    with transaction(url) as s:
        return {(c.number, c.account_id, c.kind) for c in s.scalars(select(Case))}


@pytest.fixture
def clean_scan(scan_templates, tmp_path, monkeypatch):
    """The sample district after a full scan of the clean world (a copy of the shared one)."""
    for k, v in KEYS.items():
        monkeypatch.setenv(k, v)
    with scan_templates.copy("in_process", "sqlite", tmp_path) as scanned:
        yield scanned


def _faulty(config, **crawl):
    return replace(config, crawl=replace(config.crawl, **crawl))


@pytest.mark.slow
def test_faulty_world_gives_the_same_cases_as_a_clean_one(clean_scan, tmp_path):
    expected = _cases(clean_scan.site.database_url)
    assert expected
    faults = Faults.typical(client_timeout=3.0, retry_after=1)
    with SampleWorld(
        faults=faults, **{k.lower().split("_")[1] + "_key": v for k, v in KEYS.items()}
    ) as bad:
        d = tmp_path / "faulty"
        d.mkdir()
        site = make_site(bad, d, f"sqlite:///{d}/scout.sqlite3")
        config = _faulty(site.config(), download_timeout=3, retry_times=3)
        outcome = run_scan(config, ScanOptions(screenshots=False, reports=False))
        assert any(r.fault for r in bad.requests), "no fault was injected"
    assert _cases(site.database_url) == expected
    assert outcome.sources


@pytest.mark.slow
def test_failed_fetches_mean_unknown_never_gone(clean_scan):
    keys = {k.lower().split("_")[1] + "_key": v for k, v in KEYS.items()}
    site = clean_scan.site
    before = _cases(site.database_url)
    numbers_before = _numbers(site.database_url)
    assert before and all(status == CaseStatus.OPEN.value for _, _, status in before)
    # the same site, a month later, on a very bad day: search down, district pages hostile
    hostile = Faults(
        server_error=1.0,
        hosts=("search.west-fargo.k12.nd.us", "api.search.brave.com"),
        huge=("/shs",),
        gzip_bomb=("/wfhs",),
        redirect_loop=("/hhs",),
        repeat=1000,
    )
    with SampleWorld(faults=hostile, **keys) as world:
        text = world.config_toml(profile="profile.yaml", registry="registry.csv")
        site.config_path.write_text(text, encoding="utf-8")
        config = replace(
            site.config(),
            crawl=replace(
                site.config().crawl, download_timeout=3, retry_times=1, max_download_bytes=2_000_000
            ),
        )
        outcome = run_scan(config, ScanOptions(screenshots=False, reports=False))
    after = _cases(site.database_url)
    assert len(after) >= len(before)
    assert _numbers(site.database_url) >= numbers_before, "a case was lost"
    assert all(status == CaseStatus.OPEN.value for _, _, status in after), (
        "a case was closed by a failure"
    )
    with transaction(site.database_url) as s:
        failed = s.scalars(
            select(ScanQuery).where(
                ScanQuery.scan_id == outcome.scan_id, ScanQuery.status == "failed"
            )
        ).all()
        assert failed, "coverage gaps are not reported"
        assert {q.source for q in failed} >= {"web_search"}
        not_seen = [
            e
            for c in s.scalars(select(Case))
            for e in c.events
            if e.action in ("not-seen", "not_seen")
        ]
        assert not_seen == []
    gaps = [g for st in outcome.sources.values() for g in st.get("coverage_gaps", [])]
    assert gaps
