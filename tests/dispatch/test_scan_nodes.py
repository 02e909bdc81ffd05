"""A scan dispatched over two real Scrapyd nodes gives what a local scan gives; a node that dies
mid-scan has its jobs re-run on the other; Ctrl-C/SIGTERM cancels the jobs."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select

from crawler.config import Scrapyd
from crawler.db import transaction
from crawler.db.models import Account, Case, Sighting
from crawler.scan import ScanOptions, run_scan

SOURCES = ("bluesky", "mastodon", "profiles")  # two discovery sources, then the second phase


def accounts_and_cases(url: str) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    with transaction(url) as s:
        accounts = {(a.platform, a.url) for a in s.scalars(select(Account))}
        cases = {(c.account.url, c.status) for c in s.scalars(select(Case))}
    return accounts, cases


def duplicate_sightings(url: str) -> int:
    with transaction(url) as s:
        key = (Sighting.account_id, Sighting.scan_id, Sighting.source, Sighting.query)
        dupes = s.execute(
            select(*key, func.count()).group_by(*key, Sighting.source_url).having(func.count() > 1)
        ).all()
    return len(dupes)


def with_nodes(config, urls, **changes):
    return dataclasses.replace(
        config, scrapyd=Scrapyd(urls=tuple(urls), poll_seconds=0.3, slots=2, **changes)
    )


@pytest.mark.slow
def test_dispatched_scan_matches_a_local_scan(site, nodes, sample_world, tmp_path):
    options = ScanOptions(sources=SOURCES, screenshots=False, reports=False)
    # the same scan, locally, on a copy of the site's fresh database
    from tests.conftest import database_copy

    local_dir = tmp_path / "local"
    local_dir.mkdir()
    with database_copy(site.database_url, local_dir) as local_url:
        local = run_scan(dataclasses.replace(site.config(), database_url=local_url), options)
        want = accounts_and_cases(local_url)
    sample_world.reset_quota()
    a, b = nodes(site, 2)
    events = []
    remote = run_scan(with_nodes(site.config(), [a.url, b.url]), options, progress=events.append)
    assert accounts_and_cases(site.database_url) == want
    assert want[0], "the scan found accounts"
    assert set(remote.sources) == set(local.sources)
    for source in SOURCES:
        assert remote.sources[source]["sightings"] == local.sources[source]["sightings"]
    placed = {e["node"] for e in events if e.get("event") == "job_scheduled"}
    assert placed == {a.url, b.url}, "the jobs were spread over both nodes"
    assert duplicate_sightings(site.database_url) == 0
