"""End to end: ``run_crawl`` against the sample world (loopback only)."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import pytest
from protego import Protego
from sqlalchemy import func, select

from crawler.config import load_config
from crawler.db import transaction
from crawler.db.models import Account, Scan, ScanQuery, Sighting
from crawler.discovery.runner import run_crawl
from crawler.sample import PROFILE, REGISTRY
from crawler.sampleworld.robots import ROBOTS

YOUTUBE_KEY = "AIzaTESTKEY-not-a-real-one"
BUDGET = """[budget]
searxng_requests_per_scan = 3000
results_pages = 2
"""
API_PATHS = {  # host -> path prefix of the configured API endpoints (robots.txt does not apply)
    "www.googleapis.com": "/youtube/v3/",
    "public.api.bsky.app": "/xrpc/",
    "api.search.brave.com": "/res/",
    "search.west-fargo.k12.nd.us": "/search",
    "mastodon.social": "/api/",
}
ROBOTS_BLOCKED = {
    "www.facebook.com",
    "www.instagram.com",
    "www.threads.com",
    "x.com",
    "www.linkedin.com",
}


def prepare(
    world: Any, folder: Path, extra: str = "", database_url: str | None = None
) -> tuple[Any, int]:
    """A scout.toml for ``world`` in ``folder`` (``extra`` settings added), the sample district
    imported into ``database_url`` (default: a SQLite file in ``folder``), and a new scan."""
    from crawler.db.store import import_profile, import_registry
    from crawler.district.profile import load_profile
    from crawler.district.registry import load_registry

    folder.mkdir(parents=True, exist_ok=True)
    db = database_url or f"sqlite:///{folder / 'scout.sqlite3'}"
    text = world.config_toml(profile=str(PROFILE), registry=str(REGISTRY), database_url=db)
    (folder / "scout.toml").write_text(text.replace("[hostmap]", f"{extra}\n[hostmap]"))
    config = load_config(folder / "scout.toml", env={})
    profile = load_profile(PROFILE)
    with transaction(db) as s:
        import_profile(s, profile, str(PROFILE))
        import_registry(s, load_registry(REGISTRY, profile).rows)
        scan = Scan(district_id=1)
        s.add(scan)
        s.flush()
        return config, scan.id


@pytest.fixture(scope="module")
def full_crawl(sample_world, tmp_path_factory):
    os.environ["SCOUT_YOUTUBE_API_KEY"] = YOUTUBE_KEY
    try:
        sample_world.reset_log()
        sample_world.reset_quota()
        folder = tmp_path_factory.mktemp("full")
        config, scan_id = prepare(sample_world, folder, BUDGET)
        events: list[dict[str, Any]] = []
        result = run_crawl(
            config,
            scan_id=scan_id,
            sources=list(config.sources),
            job_dir=folder / "jobs",
            on_progress=events.append,
        )
        return config, scan_id, result, events, sample_world.requests
    finally:
        os.environ.pop("SCOUT_YOUTUBE_API_KEY", None)


@pytest.mark.slow
def test_every_findable_account_is_found(full_crawl, sample_world):
    config, _, result, _, _ = full_crawl
    assert result.ok, result.error
    with transaction(config.database_url) as s:
        urls = set(s.scalars(select(Account.url)))
    enabled = set(config.sources)
    missing = [
        (h.key, h.url, h.sources)
        for h in sample_world.manifest
        if set(h.sources) & enabled and h.url not in urls and not set(h.aliases) & urls
    ]
    assert missing == []


@pytest.mark.slow
def test_no_request_robots_forbids(full_crawl):
    config, _, _, _, requests = full_crawl
    ua = config.user_agent("West Fargo Public Schools")
    parsers = {host: Protego.parse(text) for host, text in ROBOTS.items()}
    for r in requests:
        if r.bare_path == "/robots.txt":
            continue
        if r.host in API_PATHS and r.bare_path.startswith(API_PATHS[r.host]):
            continue
        assert r.host not in ROBOTS_BLOCKED, r
        parser = parsers.get(r.host)
        assert parser is None or parser.can_fetch(f"https://{r.host}{r.path}", ua), r


@pytest.mark.slow
def test_no_request_left_the_host_map(full_crawl):
    _, _, result, _, requests = full_crawl
    sent = sum(s.requests for s in result.sources.values())
    refused = sum(s.refused.get("hostmap", 0) for s in result.sources.values())
    # every request the downloaders sent reached the world, none went anywhere else
    assert sent - refused == len(requests)
    assert all(r.user_agent and "DistrictAccountScout" in r.user_agent for r in requests)


@pytest.mark.slow
def test_results_coverage_and_provenance(full_crawl):
    config, scan_id, result, events, _ = full_crawl
    assert set(result.sources) == set(config.sources)
    for source in result.sources.values():
        assert source.skipped is None and source.requests > 0, source
        assert source.coverage_gaps == [], source
    assert result.sources["youtube"].quota_used["youtube/search_calls"] > 0
    kinds = [e["event"] for e in events]
    assert (
        kinds[0] == "started"
        and kinds[-1] == "done"
        and kinds.count("source_finished") == len(config.sources)
    )
    with transaction(config.database_url) as s:
        statuses = dict(
            s.execute(
                select(ScanQuery.status, func.count())
                .where(ScanQuery.scan_id == scan_id)
                .group_by(ScanQuery.status)
            ).all()
        )
        assert set(statuses) == {"done"}
        source_urls = list(s.scalars(select(Sighting.source_url)))
        assert source_urls and not any(
            YOUTUBE_KEY in (u or "") or "key=" in (u or "") for u in source_urls
        )
        linked = s.scalars(select(Sighting).where(Sighting.source == "district_site")).first()
        assert linked.source_url.startswith("https://www.west-fargo.k12.nd.us/")
        resolved = s.scalars(
            select(Account).where(Account.platform == "youtube", Account.platform_id.is_(None))
        ).all()
        # legacy channel URLs were resolved to channel ids; a deleted channel has none to give
        assert [a.url for a in resolved if not (a.page_state and a.page_state.gone)] == []


def test_skipped_sources_say_why(sample_world, tmp_path, monkeypatch):
    for var in ("SCOUT_YOUTUBE_API_KEY", "SCOUT_BRAVE_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    config, scan_id = prepare(sample_world, tmp_path)
    import dataclasses

    config = dataclasses.replace(config, searxng_url=None)
    result = run_crawl(config, scan_id=scan_id, sources=["youtube", "web_search"])
    assert result.ok, result.error
    assert result.sources["youtube"].skipped == "no SCOUT_YOUTUBE_API_KEY"
    assert "SCOUT_BRAVE_API_KEY" in result.sources["web_search"].skipped


@pytest.mark.slow
def test_killed_crawl_resumes(sample_world, tmp_path):
    config, scan_id = prepare(sample_world, tmp_path)
    sources = ["district_site", "bluesky", "mastodon"]

    def kill_on_first_progress(event: dict[str, Any]) -> None:
        if event["event"] == "started":
            kill_on_first_progress.pid = event["pid"]  # type: ignore[attr-defined]
        elif event["event"] == "progress" and not getattr(kill_on_first_progress, "done", False):
            kill_on_first_progress.done = True  # type: ignore[attr-defined]
            os.kill(kill_on_first_progress.pid, signal.SIGKILL)  # type: ignore[attr-defined]

    first = run_crawl(
        config,
        scan_id=scan_id,
        sources=sources,
        job_dir=tmp_path / "jobs",
        on_progress=kill_on_first_progress,
    )
    assert not first.ok and first.returncode == -signal.SIGKILL
    second = run_crawl(config, scan_id=scan_id, sources=sources, job_dir=tmp_path / "jobs")
    assert second.ok, second.error
    with transaction(config.database_url) as s:
        urls = set(s.scalars(select(Account.url)))
        dupes = s.execute(
            select(
                Sighting.account_id,
                Sighting.source,
                Sighting.query,
                Sighting.source_url,
                func.count(),
            )
            .group_by(Sighting.account_id, Sighting.source, Sighting.query, Sighting.source_url)
            .having(func.count() > 1)
        ).all()
        not_done = [
            (q.source, q.query, q.status, q.error)
            for q in s.scalars(
                select(ScanQuery).where(ScanQuery.scan_id == scan_id, ScanQuery.status != "done")
            )
        ]
    assert dupes == [] and not_done == []
    findable = [h for h in sample_world.manifest if set(h.sources) & set(sources)]
    assert findable and all(h.url in urls or set(h.aliases) & urls for h in findable)


def test_scrapy_crawl_uses_the_same_settings(sample_world, tmp_path):
    """`scrapy crawl <source>` (scrapy.cfg -> crawler.discovery.settings) loads scout.toml through the add-on."""
    import subprocess
    import sys

    prepare(sample_world, tmp_path)
    env = {**os.environ, "SCOUT_CONFIG": str(tmp_path / "scout.toml")}
    repo = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "bluesky", "-a", "search=Horace Hawks"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "'scout/hostmap/mapped'" in proc.stderr and "DistrictAccountScout" not in proc.stdout
    with transaction(f"sqlite:///{tmp_path / 'scout.sqlite3'}") as s:
        scan = s.scalars(select(Scan).where(Scan.status == "completed")).one()
        assert scan.params["via"] == "scrapy crawl"
        assert (
            s.scalars(select(Sighting.source).where(Sighting.scan_id == scan.id)).first()
            == "bluesky"
        )
