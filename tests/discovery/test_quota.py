"""API quotas across scans: periods, the usage table, the planner, and crawls in a row."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from sqlalchemy import select, update

from crawler.config import load_config
from crawler.db import quota, transaction
from crawler.db.models import ApiUsage, Scan
from crawler.db.quota import BRAVE, RESERVE, SEARCH_CALLS, UNITS, Ledger, current_usage, pacific_day
from crawler.discovery.middlewares.quota import QuotaMiddleware
from crawler.discovery.planner import plan
from crawler.discovery.runner import run_crawl
from crawler.district.profile import load_profile
from crawler.sample import PROFILE
from crawler.sampleworld import SampleWorld
from spiders.web_search import WebSearchSpider
from spiders.youtube import YouTubeSpider
from tests.discovery.conftest import budget, json_response, with_
from tests.discovery.test_crawl import prepare

YOUTUBE_KEY = "AIzaQUOTA-test-key"


# --------------------------------------------------------------------------- periods


@pytest.mark.parametrize(
    ("at", "day"),
    [
        ("2026-01-15T07:59:59+00:00", "2026-01-14"),  # PST: midnight Pacific is 08:00 UTC
        ("2026-01-15T08:00:00+00:00", "2026-01-15"),
        ("2026-07-15T06:59:59+00:00", "2026-07-14"),  # PDT: 07:00 UTC
        ("2026-07-15T07:00:00+00:00", "2026-07-15"),
        ("2026-03-08T09:59:00+00:00", "2026-03-08"),  # 01:59 PST, the night clocks go forward
        ("2026-11-01T08:30:00+00:00", "2026-11-01"),  # 01:30 PDT, the night clocks go back
    ],
)
def test_youtube_day_is_the_pacific_day(at: str, day: str) -> None:
    assert pacific_day(datetime.fromisoformat(at)) == day


def test_pacific_rules_without_a_tz_database(monkeypatch: pytest.MonkeyPatch) -> None:
    instants = [
        datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=h) for h in range(0, 24 * 366, 5)
    ]
    expected = [pacific_day(at) for at in instants]

    def missing(name: str) -> Any:
        raise KeyError(name)  # zoneinfo.ZoneInfoNotFoundError is a KeyError

    monkeypatch.setattr("zoneinfo.ZoneInfo", missing)
    assert [pacific_day(at) for at in instants] == expected


def test_brave_month_is_the_utc_month(config) -> None:
    bucket = quota.buckets(config)[BRAVE]
    assert bucket.period(datetime(2026, 3, 31, 23, 59, tzinfo=UTC)) == "2026-03"
    assert bucket.period(datetime(2026, 4, 1, 0, 0, tzinfo=UTC)) == "2026-04"


# --------------------------------------------------------------------------- the usage table


def _config(config, db_url: str, **limits: int):
    return with_(config, database_url=db_url, budget=budget(**limits))


def test_ledger_writes_ahead_and_gives_back(config, db_url: str) -> None:
    cfg = _config(config, db_url, youtube_search_calls_per_day=20)
    ledger = Ledger(cfg)
    ledger.charge(SEARCH_CALLS)
    # a kill now leaves the reservation on the books: counted too much, never too little
    assert current_usage(cfg)[SEARCH_CALLS].used == RESERVE
    for _ in range(RESERVE):
        ledger.charge(SEARCH_CALLS)
    assert ledger.used[SEARCH_CALLS] == RESERVE + 1
    assert current_usage(cfg)[SEARCH_CALLS].used >= RESERVE + 1
    ledger.close()
    state = current_usage(cfg)[SEARCH_CALLS]
    assert (state.used, state.remaining) == (RESERVE + 1, 20 - RESERVE - 1)
    # a second crawl adds to the same day; a crawl that never closes over-counts by one reservation
    other = Ledger(cfg)
    other.charge(SEARCH_CALLS)
    assert current_usage(cfg)[SEARCH_CALLS].used == RESERVE + 1 + RESERVE


def test_quota_exceeded_and_a_new_day(config, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = _config(config, db_url, youtube_search_calls_per_day=100)
    day = datetime(2026, 2, 10, 20, 0, tzinfo=UTC)
    monkeypatch.setattr(quota, "now", lambda: day)
    ledger = Ledger(cfg)
    ledger.charge(SEARCH_CALLS, 3)
    ledger.exhaust(SEARCH_CALLS)
    ledger.close()
    state = current_usage(cfg)[SEARCH_CALLS]
    assert state.exhausted and state.remaining == 0 and state.used == 3
    assert "quota is exceeded today" in state.reason() and "midnight Pacific" in state.reason()
    assert current_usage(cfg)[UNITS].remaining == cfg.budget.youtube_units_per_day  # its own bucket
    monkeypatch.setattr(quota, "now", lambda: day + timedelta(hours=12))  # past midnight Pacific
    fresh = current_usage(cfg)[SEARCH_CALLS]
    assert (fresh.period, fresh.used, fresh.exhausted, fresh.remaining) == (
        "2026-02-11",
        0,
        False,
        100,
    )
    with transaction(db_url) as s:
        assert sorted(
            s.scalars(select(ApiUsage.period).where(ApiUsage.bucket == "search_calls"))
        ) == ["2026-02-10"]


# --------------------------------------------------------------------------- the planner


@pytest.fixture(scope="module")
def profile():
    return load_profile(PROFILE)


def _usage(config, **used: int) -> dict[str, quota.QuotaState]:
    out = {}
    for key, bucket in quota.buckets(config).items():
        out[key] = quota.QuotaState(bucket, bucket.period(), used.get(key.replace("/", "_"), 0))
    return out


def test_plan_within_what_the_period_left(profile, config, monkeypatch) -> None:
    monkeypatch.setenv("SCOUT_YOUTUBE_API_KEY", "k")
    monkeypatch.setenv("SCOUT_BRAVE_API_KEY", "k")
    cfg = with_(
        config,
        searxng_url=None,
        budget=budget(results_pages=2, brave_requests_per_scan=50, brave_requests_per_month=2000),
    )
    p = plan(profile, cfg, usage=_usage(cfg, youtube_search_calls=94, brave_requests=1990))
    assert len(p.queries["youtube"]) == 3  # 6 calls left, 2 pages per query
    assert len(p.queries["web_search"]) == 10  # min(per scan 50, 10 left this month)
    p = plan(profile, cfg, usage=_usage(cfg, youtube_search_calls=99))
    assert len(p.queries["youtube"]) == 1  # the last call still runs a first page
    p = plan(profile, cfg, usage=_usage(cfg, youtube_search_calls=100, brave_requests=2000))
    assert p.skipped["youtube"] == (
        "YouTube daily quota used: 100/100 search.list calls today (resets at midnight Pacific)"
    )
    assert p.skipped["web_search"] == (
        "Brave Search monthly budget used: 2000/2000 requests this month (resets on the 1st, UTC)"
    )
    assert "youtube" not in p.queries and "youtube/search_calls: 0 of 100" in p.as_text()
    # SearXNG has no monthly quota: Brave's month does not matter to it
    assert "web_search" in plan(profile, config, usage=_usage(config, brave_requests=2000)).queries


def test_dry_run_shows_the_quotas_left(scout, tmp_path: Path) -> None:
    (tmp_path / "scout.toml").write_text("[budget]\nyoutube_search_calls_per_day = 40\n")
    assert scout("district", "import", PROFILE)[0] == 0
    cfg = load_config(tmp_path / "scout.toml", env={})
    search = quota.buckets(cfg)[SEARCH_CALLS]
    with transaction(cfg.database_url) as s:
        quota.charge(s, search, search.period(), 15)
    code, out, _ = scout("scan", "--dry-run", "--sources", "youtube,web_search")
    assert code == 0
    assert "youtube/search_calls: 25 of 40 search.list calls left today" in out
    assert "brave/requests: 2000 of 2000 requests left this month" in out


# --------------------------------------------------------------------------- charging in the spiders


def test_calls_are_charged_when_sent_and_brave_only_when_billed(
    config, make_spider, monkeypatch
) -> None:
    monkeypatch.setenv("SCOUT_YOUTUBE_API_KEY", "k")
    monkeypatch.setenv("SCOUT_BRAVE_API_KEY", "k")
    yt = make_spider(YouTubeSpider, config)
    yt_quota = QuotaMiddleware.from_crawler(yt.crawler)
    first = Request(
        "https://www.googleapis.com/youtube/v3/search?q=a", meta={quota.META: SEARCH_CALLS}
    )
    retry = first.replace(meta={**first.meta, "retry_times": 1})
    for r in (first, retry):
        yt_quota.process_request(r)
    assert (
        yt.crawler.stats.get_value("scout/quota/youtube/search_calls") == 2
    )  # a retry costs a call
    assert yt.quota_retries == {SEARCH_CALLS: 1}
    web = make_spider(WebSearchSpider, with_(config, searxng_url=None))
    web_quota = QuotaMiddleware.from_crawler(web.crawler)
    web.request_budget()
    req = Request("https://api.search.brave.com/res/v1/web/search?q=a", meta={quota.META: BRAVE})
    web_quota.process_request(req)
    web_quota.process_response(req, json_response(req.url, {}, status=429, request=req))
    web_quota.process_response(req, json_response(req.url, {}, status=200, request=req))
    assert web.crawler.stats.get_value("scout/quota/brave/requests") == 1  # failures are not billed
    yt_quota.closed()
    web_quota.closed()
    usage = current_usage(config)
    assert (usage[SEARCH_CALLS].used, usage[BRAVE].used) == (2, 1)


# --------------------------------------------------------------------------- crawls in a row


def _new_scan(config) -> int:
    with transaction(config.database_url) as s:
        scan = Scan(district_id=1)
        s.add(scan)
        s.flush()
        return scan.id


def _crawl(config, sources: list[str], tmp_path: Path, **kwargs: Any):
    scan_id = _new_scan(config)
    result = run_crawl(
        config, scan_id=scan_id, sources=sources, job_dir=tmp_path / f"jobs-{scan_id}", **kwargs
    )
    assert result.ok, result.error
    return result.sources[sources[0]]


def _used(config, key: str) -> tuple[int, bool]:
    state = current_usage(config)[key]
    return state.used, state.exhausted


def _to_previous_period(config, source: str) -> None:
    """What the next day (or month) sees: today's rows belong to a past period."""
    with transaction(config.database_url) as s:
        s.execute(update(ApiUsage).where(ApiUsage.source == source).values(period="2000-01"))


@pytest.fixture
def youtube_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCOUT_YOUTUBE_API_KEY", YOUTUBE_KEY)


@pytest.mark.slow
def test_youtube_daily_quota_across_crawls(sample_world, tmp_path, db_url, youtube_key) -> None:
    sample_world.reset_quota()
    extra = (
        "[budget]\nyoutube_search_calls_per_day = 8\nresults_pages = 1\nqueries_per_entity = 1\n"
    )
    config, _ = prepare(sample_world, tmp_path, extra, database_url=db_url)
    day = current_usage(config)[SEARCH_CALLS].period
    # an ad-hoc search for one school, then the scan: it gets only what the search left
    first = _crawl(config, ["youtube"], tmp_path, entity="shs")
    spent = first.quota_used["youtube/search_calls"]
    assert 0 < spent < 8 and _used(config, SEARCH_CALLS) == (spent, False)
    second = _crawl(config, ["youtube"], tmp_path)
    assert second.skipped is None and second.quota_used["youtube/search_calls"] == 8 - spent
    # the real cost: what the API saw, search calls and channels.list units alike
    assert _used(config, SEARCH_CALLS) == (sample_world.youtube.search_calls, False) == (8, False)
    assert _used(config, UNITS)[0] == sample_world.youtube.unit_calls > 0
    third = _crawl(config, ["youtube"], tmp_path)
    if current_usage(config)[SEARCH_CALLS].period != day:
        pytest.skip("the Pacific day changed during the test")
    assert third.skipped == (
        "YouTube daily quota used: 8/8 search.list calls today (resets at midnight Pacific)"
    )
    assert third.requests == 0 and sample_world.youtube.search_calls == 8
    _to_previous_period(config, "youtube")
    fourth = _crawl(config, ["youtube"], tmp_path)
    assert fourth.skipped is None and fourth.quota_used["youtube/search_calls"] == 8


@pytest.mark.slow
def test_quota_exceeded_from_the_api_marks_the_day_used_up(tmp_path, youtube_key) -> None:
    with SampleWorld(youtube_search_quota=2) as world:
        config, scan_id = prepare(world, tmp_path, "[budget]\nresults_pages = 1\n")
        result = run_crawl(config, scan_id=scan_id, sources=["youtube"], job_dir=tmp_path / "jobs")
        assert result.ok, result.error
        yt = result.sources["youtube"]
        assert yt.stopped and "quota exceeded" in yt.stopped
        assert yt.quota_used["youtube/search_calls"] >= 3  # two answered, then the refused ones
        used, exhausted = _used(config, SEARCH_CALLS)
        assert exhausted and used == yt.quota_used["youtube/search_calls"]
        again = _crawl(config, ["youtube"], tmp_path)
        assert again.skipped and again.skipped.startswith(
            "YouTube daily quota used: the API answered"
        )
        assert again.requests == 0


@pytest.mark.slow
def test_brave_monthly_budget_across_crawls(sample_world, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SCOUT_BRAVE_API_KEY", "brave-quota-test")
    extra = (
        "[budget]\nbrave_requests_per_month = 5\nbrave_requests_per_scan = 3\nresults_pages = 1\n"
        "queries_per_entity = 1\n"
    )
    config, _ = prepare(sample_world, tmp_path, extra)
    config = dataclasses.replace(config, searxng_url=None)
    month = current_usage(config)[BRAVE].period
    first = _crawl(config, ["web_search"], tmp_path)
    assert first.quota_used["brave/requests"] == 3 and _used(config, BRAVE) == (3, False)
    second = _crawl(config, ["web_search"], tmp_path)
    assert second.quota_used["brave/requests"] == 2 and _used(config, BRAVE) == (5, False)
    third = _crawl(config, ["web_search"], tmp_path)
    if current_usage(config)[BRAVE].period != month:
        pytest.skip("the month changed during the test")
    assert third.skipped == (
        "Brave Search monthly budget used: 5/5 requests this month (resets on the 1st, UTC)"
    )
    _to_previous_period(config, "brave")
    assert _crawl(config, ["web_search"], tmp_path).quota_used["brave/requests"] == 3
