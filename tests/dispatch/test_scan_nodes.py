"""A scan dispatched over two real Scrapyd nodes gives what a local scan gives; a node that dies
mid-scan has its jobs re-run on the other; Ctrl-C/SIGTERM cancels the jobs."""

from __future__ import annotations

import dataclasses
import threading
import time

import pytest
from sqlalchemy import func, select

from crawler.config import Scrapyd
from crawler.db import transaction
from crawler.db.models import Account, Case, Sighting
from crawler.discovery.scrapyd import Node
from crawler.scan import ScanOptions, run_scan

SOURCES = ("bluesky", "mastodon")  # small: a source on each node


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
def test_a_scan_over_two_nodes_one_of_which_dies_finds_what_a_local_scan_finds(
    site, nodes, sample_world, tmp_path
):
    """One dispatched scan: its jobs are spread over both nodes; the second node is killed while
    its job runs, and the job is run again on the first, resuming from the coverage rows."""
    from tests.conftest import database_copy

    options = ScanOptions(sources=SOURCES, screenshots=False, reports=False)
    local_dir = tmp_path / "local"
    local_dir.mkdir()
    with database_copy(site.database_url, local_dir) as local_url:
        run_scan(dataclasses.replace(site.config(), database_url=local_url), options)
        want = accounts_and_cases(local_url)
    assert want[0], "the scan finds accounts"
    sample_world.reset_quota()
    a, b = nodes(site, 2)
    events: list[dict] = []
    killer: list[threading.Thread] = []

    def kill_b_when_its_job_runs(job: str) -> None:
        node = Node(b.url, "district_account_scout")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if any(j["id"] == job for j in node.jobs()["running"]):
                time.sleep(1.5)  # mid-crawl
                b.kill()
                return
            time.sleep(0.1)

    def progress(event: dict) -> None:
        events.append(event)
        if event.get("event") == "job_scheduled" and event["node"] == b.url and not killer:
            killer.append(threading.Thread(target=kill_b_when_its_job_runs, args=(event["job"],)))
            killer[0].start()

    config = with_nodes(site.config(), [a.url, b.url], node_timeout=2.0)
    outcome = run_scan(config, options, progress=progress)
    killer[0].join()
    assert accounts_and_cases(site.database_url) == want
    assert duplicate_sightings(site.database_url) == 0
    scheduled = [(e["source"], e["node"]) for e in events if e.get("event") == "job_scheduled"]
    on_b = [src for src, node in scheduled if node == b.url]
    assert on_b and scheduled.count((on_b[0], a.url)) == 1, scheduled  # re-run on the other node
    assert any(e.get("event") == "node_lost" and e["node"] == b.url for e in events)
    assert set(outcome.sources) == {*SOURCES, "selfcheck"}  # a scan runs the selfcheck first
    assert all(r["finish_reason"] == "finished" for r in outcome.sources.values())
