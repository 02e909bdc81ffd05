"""Incremental scans: the APIs' own freshness parameters, the rotation of full sweeps, the
probe answers kept, conditional requests answered 304, and the sample world's dates."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from scrapy import Request, Spider
from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.http import Response, TextResponse
from scrapy.utils.test import get_crawler

from crawler.db.increments import ScanHistory
from crawler.discovery.planner import PlannedQuery, plan
from crawler.discovery.planning.increment import FULL, Increment, from_history, slot
from crawler.discovery.planning.sources import ONE_PHRASE, SITE_PREFIX
from crawler.district.profile import load_profile
from crawler.sample import PROFILE
from crawler.vocab import Platform, Source
from spiders.search_backends import Brave, Searxng

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def _inc(days: float, **kw) -> Increment:
    return Increment(since=NOW - timedelta(days=days), now=NOW, index=1, months=3, **kw)


def _args(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


@pytest.fixture(scope="module")
def profile():
    return load_profile(PROFILE)


# --------------------------------------------------------------------------- freshness


@pytest.mark.parametrize(
    ("days", "searxng", "brave"),
    [
        (0.5, "day", "pd"),
        (5, "week", "2026-12-01to2026-12-06"),
        (33, "year", "2026-11-03to2026-12-06"),
        (400, None, "2025-11-01to2026-12-06"),
    ],
)
def test_windows_as_each_api_documents_them(days, searxng, brave):
    inc = _inc(days)
    assert inc.searxng_range() == searxng  # day | week | month | year, the narrowest that covers
    assert inc.brave_freshness() == brave  # pd | pw | pm | py | YYYY-MM-DDtoYYYY-MM-DD
    after = inc.published_after()
    assert after is not None and after.endswith("Z")
    assert datetime.fromisoformat(after.replace("Z", "+00:00")) == (
        NOW - timedelta(days=days)
    ).replace(microsecond=0)


def test_a_full_scan_sends_no_freshness_parameter(config):
    assert FULL.searxng_range() is None and FULL.brave_freshness() is None
    assert "time_range" not in _args(Searxng(config).url('site:x.com "a"', 1, FULL))
    assert "freshness" not in _args(Brave(config).url('site:x.com "a"', 1, FULL))


def test_web_search_backends_send_the_window(config):
    inc = _inc(3)
    assert _args(Searxng(config).url("q", 1, inc))["time_range"] == "week"
    brave = _args(Brave(config).url("q", 1, inc))
    assert brave["freshness"] == "2026-12-03to2026-12-06"
    assert brave["offset"] == "0"


def test_youtube_search_asks_published_after_in_date_order(config, make_spider, monkeypatch):
    from spiders.youtube import YouTubeSpider

    monkeypatch.setenv("SCOUT_YOUTUBE_API_KEY", "k-yt")
    spider = make_spider(YouTubeSpider, config)
    spider._increment = _inc(10)
    fresh = PlannedQuery(Source.YOUTUBE, "a|b", Platform.YOUTUBE, None, 0, fresh=True)
    args = _args(spider.search_url(fresh, None))
    assert args["publishedAfter"] == "2026-11-26T12:00:00Z"
    assert args["order"] == "date" and args["type"] == "channel" and args["q"] == "a|b"
    plain = _args(spider.search_url(PlannedQuery(Source.YOUTUBE, "a", Platform.YOUTUBE), None))
    assert "publishedAfter" not in plain and "order" not in plain


# --------------------------------------------------------------------------- rotation


def test_every_entity_is_swept_within_full_sweep_months(profile):
    keys = [profile.district.key, *(e.key for e in profile.entities)]
    months = 3
    history = ScanHistory(last_started=NOW, index=1, all_swept=0)
    last: dict[str, int] = {k: 0 for k in keys}
    per_scan = []
    for index in range(1, 10):
        history.index = index
        history.swept = dict(last)
        inc = from_history(history, months=months, margin_days=2, now=NOW)
        swept = [k for k in keys if inc.swept(k)]
        per_scan.append(len(swept))
        for k in swept:
            last[k] = index
        assert all(index - last[k] < months for k in keys), index
    # spread over the months: no scan sweeps everything, every scan sweeps some
    assert 0 < min(per_scan) and max(per_scan) < len(keys)


def test_slots_are_stable():
    assert slot("shs", 3) == slot("shs", 3)
    assert {slot(f"e{i}", 3) for i in range(30)} == {0, 1, 2}


def test_full_and_gaps_sweep_everything():
    history = ScanHistory(last_started=NOW, index=1, all_swept=0)
    assert not from_history(history, months=3, margin_days=2, full=True).incremental
    inc = from_history(
        ScanHistory(last_started=NOW, index=1, gaps={"youtube"}, all_swept=0),
        months=3,
        margin_days=2,
    )
    keys = [f"e{i}" for i in range(20)]
    assert all(inc.swept(k, Source.YOUTUBE) for k in keys)
    assert not all(inc.swept(k, Source.WEB_SEARCH) for k in keys)
    # no complete scan yet: a full sweep
    assert not from_history(ScanHistory(), months=3, margin_days=2).incremental


# --------------------------------------------------------------------------- the plan


def _terms_part(query: str) -> str:
    """What a web-search query asks after its ``site:`` hosts."""
    m = SITE_PREFIX.match(query)
    return m.group(2) if m else query


def test_incremental_plan_asks_less_and_only_what_is_new(profile, config, monkeypatch):
    monkeypatch.setenv("SCOUT_YOUTUBE_API_KEY", "k-yt")
    full = plan(profile, config)
    keys = [profile.district.key, *(e.key for e in profile.entities)]
    answered = frozenset((q.platform, q.query.lower()) for q in full.queries[Source.HANDLE_PROBE])
    inc = Increment(
        since=NOW - timedelta(days=33), now=NOW, index=1, months=3, answered=answered, all_swept=0
    )
    part = plan(profile, config, increment=inc)
    swept = {k for k in keys if inc.swept(k)}
    assert 0 < len(swept) < len(keys)
    for source in (Source.WEB_SEARCH, Source.YOUTUBE, Source.HANDLE_PROBE, Source.MASTODON):
        assert len(part.queries[source]) < len(full.queries[source]), source
    # web search: the others' terms in few OR'ed queries that ask only for what is new
    fresh = [q for q in part.queries[Source.WEB_SEARCH] if q.fresh]
    assert any(" OR " in _terms_part(q.query) for q in fresh)
    for q in fresh:  # OR joins whole phrases only: '"ELHS" soccer' is asked alone
        terms = _terms_part(q.query).split(" OR ")
        assert len(terms) == 1 or all(ONE_PHRASE.match(x) for x in terms), q.query
    assert all(inc.swept(q.entity_key) for q in part.queries[Source.WEB_SEARCH] if not q.fresh)
    # YouTube: the OR operator, publishedAfter queries for the entities not swept
    yt = part.queries[Source.YOUTUBE]
    assert any(q.fresh and "|" in q.query for q in yt)
    # the probe: no candidate with an answer on file unless its entity is swept
    for q in part.queries[Source.HANDLE_PROBE]:
        if (q.platform, q.query.lower()) in answered:
            assert q.entity_key in swept
    assert part.deferred[Source.HANDLE_PROBE]
    assert "incremental" in part.as_text()


def test_plan_cost_counts_first_pages_of_fresh_queries(profile, config, monkeypatch):
    from crawler.scan import plan_cost

    monkeypatch.setenv("SCOUT_YOUTUBE_API_KEY", "k-yt")
    full = plan_cost(plan(profile, config), config)
    inc = plan_cost(plan(profile, config, increment=_inc(33, all_swept=0)), config)
    assert inc.youtube_units < full.youtube_units
    assert inc.fresh > 0 and full.fresh == 0
    assert sum(inc.requests.values()) < sum(full.requests.values())


# --------------------------------------------------------------------------- conditional requests


def _cache(tmp_path: Path, spidercls=Spider):
    from crawler.discovery.middlewares.httpcache import SIZE_SETTING

    crawler = get_crawler(
        spidercls,
        {
            "HTTPCACHE_ENABLED": True,
            "HTTPCACHE_DIR": str(tmp_path / "cache"),
            "HTTPCACHE_POLICY": "crawler.discovery.middlewares.httpcache.ValidatorPolicy",
            "HTTPCACHE_STORAGE": "crawler.discovery.middlewares.httpcache.DistrictCacheStorage",
            SIZE_SETTING: 10_000_000,
        },
    )
    spider = Spider("youtube")
    spider.crawler = crawler
    crawler.spider = spider
    mw = HttpCacheMiddleware.from_crawler(crawler)
    mw.spider_opened(spider)
    return mw, spider


def _call(mw, spider, request, response):
    assert mw.process_request(request) is None  # not fresh: revalidated, never served blind
    return mw.process_response(request, response)


def test_a_304_reuses_the_stored_answer_and_no_secret_reaches_the_disk(tmp_path):
    mw, spider = _cache(tmp_path)
    url = "https://www.googleapis.com/youtube/v3/channels?part=snippet&id=UC1&key=SECRET-KEY"
    body = json.dumps({"items": [{"id": "UC1"}]}).encode()
    referer = "https://www.googleapis.com/youtube/v3/search?q=x&key=SECRET-KEY"
    first = Request(url, headers={"X-Subscription-Token": "SECRET-TOKEN", "Referer": referer})
    got = _call(
        mw, spider, first, TextResponse(url, status=200, body=body, headers={"ETag": '"v1"'})
    )
    assert got.body == body
    again = Request(url, headers={"X-Subscription-Token": "SECRET-TOKEN"})
    mw.process_request(again)
    assert again.headers.get("If-None-Match") == b'"v1"'
    reused = mw.process_response(again, Response(url, status=304, headers={"ETag": '"v1"'}))
    assert reused.status == 200 and reused.body == body and reused.url == url
    for f in (tmp_path / "cache").rglob("*"):
        if f.is_file():
            data = f.read_bytes()
            assert b"SECRET" not in data, f


def test_answers_without_validators_are_not_stored(tmp_path):
    mw, spider = _cache(tmp_path)
    url = "https://api.search.brave.com/res/v1/web/search?q=x"
    request = Request(url)
    _call(mw, spider, request, TextResponse(url, status=200, body=b"{}"))
    assert not [f for f in (tmp_path / "cache").rglob("pickled_meta")]


def test_the_cache_is_bounded(tmp_path):
    from crawler.discovery.middlewares.httpcache import prune

    mw, spider = _cache(tmp_path)
    for i in range(20):
        url = f"https://www.west-fargo.k12.nd.us/p{i}"
        _call(
            mw, spider, Request(url), TextResponse(url, body=b"x" * 1000, headers={"ETag": '"a"'})
        )
    removed = prune(tmp_path / "cache", 10_000)
    assert removed > 0
    total = sum(f.stat().st_size for f in (tmp_path / "cache").rglob("*") if f.is_file())
    assert total <= 10_000


# --------------------------------------------------------------------------- the sample world


def test_sample_world_dates_new_accounts_and_honours_freshness():
    import urllib.request

    from crawler.sampleworld import SampleWorld

    with SampleWorld(month=2, youtube_key="k", brave_key="b") as world:
        added = [a for a in world.data.accounts if a.added]
        assert added and all(
            a.created(world.clock) > world.clock - timedelta(days=1) for a in added
        )
        new = next(a for a in added if a.search)

        def get(url: str, **headers: str):
            req = urllib.request.Request(world.url(url), headers=headers)
            try:
                with urllib.request.urlopen(req) as r:
                    return r.status, dict(r.headers), r.read()
            except urllib.error.HTTPError as e:
                return e.code, dict(e.headers), e.read()

        site = new.public_url.split("/")[2].removeprefix("www.")
        q = f"site:{site} {new.name.split()[0]}"
        brave = "https://api.search.brave.com/res/v1/web/search?q="
        status, _, body = get(
            brave + urllib.parse.quote(q) + "&freshness=pw", **{"X-Subscription-Token": "b"}
        )
        urls = [r["url"] for r in json.loads(body).get("web", {}).get("results", [])]
        assert (
            status == 200 and urls and all(world.data.by_key.get(k) is None or True for k in urls)
        )
        everything = json.loads(
            get(brave + urllib.parse.quote(q), **{"X-Subscription-Token": "b"})[2]
        )
        assert len(everything.get("web", {}).get("results", [])) >= len(urls)
        # YouTube: publishedAfter keeps the channels created since
        after = (world.clock - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
        yt = "https://www.googleapis.com/youtube/v3/search?part=snippet&type=channel&maxResults=50&key=k"
        old = json.loads(get(yt + "&q=school")[2])["items"]
        fresh = json.loads(get(yt + f"&q=school&order=date&publishedAfter={after}")[2]).get(
            "items", []
        )
        assert old and len(fresh) < len(old)
        assert all(i["snippet"]["publishedAt"] > after for i in fresh)
        # validators: the district's site answers 304 to If-None-Match
        home = world.districts[0].www
        status, headers, _ = get(f"https://{home}/")
        etag = headers.get("ETag")
        assert status == 200 and etag
        assert get(f"https://{home}/", **{"If-None-Match": etag})[0] == 304


# --------------------------------------------------------------------------- quota across districts


def test_quota_schedule_spreads_districts_over_days():
    from crawler.scan import DistrictQuota, schedule

    costs = [DistrictQuota(f"d{i}", 4_000, 100) for i in range(5)]
    plan_ = schedule(costs, units_per_day=10_000, brave=2_000)
    assert [d.day for d in plan_.districts] == [1, 1, 2, 2, 3]
    assert plan_.covered and "covers them all" in plan_.as_text()


def test_quota_schedule_says_when_the_period_does_not_cover_them():
    from crawler.scan import DistrictQuota, schedule

    costs = [DistrictQuota("big", 12_000, 0), *(DistrictQuota(f"d{i}", 9_000, 0) for i in range(3))]
    plan_ = schedule(costs, units_per_day=10_000, brave=2_000, days=2)
    assert [d.day for d in plan_.districts] == [0, 1, 2, 0]
    assert not plan_.covered
    text = plan_.as_text()
    assert "big: at most 12000 YouTube units, 0 Brave requests; needs more than a day's" in text
    assert "d2: at most 9000 YouTube units, 0 Brave requests; does not fit: waits" in text
    brave = schedule([DistrictQuota("a", 0, 1_500), DistrictQuota("b", 0, 1_500)], 10_000, 2_000)
    assert [d.day for d in brave.districts] == [1, 0]


def test_all_dry_run_plans_the_quota_across_districts(scout, tmp_path: Path, monkeypatch):
    from crawler.sampleworld.data import DISTRICTS_DIR

    monkeypatch.setenv("SCOUT_YOUTUBE_API_KEY", "k-yt")
    (tmp_path / "scout.toml").write_text("[budget]\nyoutube_units_per_day = 3000\n")
    for key in ("cibolo-valley", "verde-mesa"):
        assert scout("district", "import", DISTRICTS_DIR / key / "profile.yaml")[0] == 0
    code, out, _ = scout("scan", "--all", "--dry-run")
    assert code == 0, out
    assert "Quota plan for 2 districts" in out
    assert out.count(": at most ") == 2
    # a full first scan of either needs more than the 3,000 units of a day
    assert out.count("needs more than a day's YouTube units") == 2 and "does NOT cover" in out
    (tmp_path / "scout.toml").write_text("[budget]\nyoutube_units_per_day = 20000\n")
    code, out, _ = scout("scan", "--all", "--dry-run")
    assert "covers them all" in out and "scan on day 1" in out


def test_dry_run_shows_the_plan_cost(scout, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SCOUT_YOUTUBE_API_KEY", "k-yt")
    (tmp_path / "scout.toml").write_text("")
    assert scout("district", "import", PROFILE)[0] == 0
    code, out, _ = scout("scan", "--dry-run", "--sources", "youtube,web_search")
    assert code == 0, out
    assert "Plan cost (at most):" in out and "YouTube Data API units:" in out


def test_a_scan_that_would_overrun_the_day_waits_and_a_fresh_day_always_fits(
    scout, tmp_path: Path, monkeypatch
):
    from crawler.config import load_config
    from crawler.db import transaction
    from crawler.db.quota import UNITS, buckets, charge
    from crawler.sampleworld.data import DISTRICTS_DIR
    from crawler.scan import district_quota, quota_wait

    monkeypatch.setenv("SCOUT_YOUTUBE_API_KEY", "k-yt")
    (tmp_path / "scout.toml").write_text("[budget]\nyoutube_units_per_day = 3000\n")
    assert scout("district", "import", DISTRICTS_DIR / "cibolo-valley" / "profile.yaml")[0] == 0
    config = load_config(tmp_path / "scout.toml")
    key = "cvisd"
    # a first scan needs more than a day's units: on a day nothing was spent yet it runs anyway
    assert district_quota(config, key).youtube_units > 3000
    assert quota_wait(config, key) is None
    # a scan of sources that use no YouTube units never waits for them
    bucket = buckets(config)[UNITS]
    with transaction(config.database_url, key) as s:
        charge(s, bucket, bucket.period(), 2_500)
    assert quota_wait(config, key, sources=("bluesky",)) is None
    # once part of the day is spent, a scan that needs more than what is left waits
    wait = quota_wait(config, key)
    assert wait == "3000 YouTube units, 500 left today"


def test_a_scrapyd_job_of_a_scan_keeps_the_district_http_cache(config, profile, monkeypatch):
    """A scan's Scrapyd job (``setting=`` fields of the dispatcher) revalidates against the
    district's cache on its node, as a local scan does; a plain ``scrapy crawl`` does not."""
    from scrapy.settings import Settings

    import crawler.discovery.addon as addon
    from crawler.discovery.dispatch import JobPlan, job_settings
    from crawler.discovery.middlewares.httpcache import cache_dir

    monkeypatch.setattr(addon, "load_config", lambda path=None: config)
    monkeypatch.setattr(addon, "district_profile", lambda cfg: profile)
    plan = JobPlan(7, "west-fargo", ("web_search",), [], {}, {})
    job = Settings({"SCOUT_CONFIG_PATH": "scout.toml", **job_settings(plan)})
    addon.ScoutAddon().update_settings(job)
    assert job.getbool("HTTPCACHE_ENABLED")
    assert job["HTTPCACHE_POLICY"].endswith("httpcache.ValidatorPolicy")
    assert Path(job["HTTPCACHE_DIR"]) == cache_dir(config.jobs_dir.parent, "west-fargo").resolve()
    plain = Settings({"SCOUT_CONFIG_PATH": "scout.toml"})
    addon.ScoutAddon().update_settings(plain)
    assert not str(plain.get("HTTPCACHE_POLICY", "")).endswith("ValidatorPolicy")


def _quoted(query: str) -> list[str]:
    return [t for t in query.split('"')[1::2]]


def test_between_full_scans_a_sweep_and_the_rest_ask_less(profile, config, monkeypatch):
    monkeypatch.setenv("SCOUT_YOUTUBE_API_KEY", "k-yt")
    full = plan(profile, config)
    keys = [profile.district.key, *(e.key for e in profile.entities)]
    probed = [q for q in full.queries[Source.HANDLE_PROBE]]
    # one candidate per entity found an account, the others were not found
    found = {}
    for q in probed:
        found.setdefault(q.entity_key, (q.platform, q.query.lower()))
    answered = frozenset((q.platform, q.query.lower()) for q in probed) - set(found.values())
    inc = Increment(
        since=NOW - timedelta(days=33),
        now=NOW,
        index=1,
        months=3,
        answered=answered,
        found=frozenset(found.values()),
        all_swept=0,
    )
    # the entities whose sweep is the next scan: neither swept now nor in a full scan
    nxt = {k for k in keys if inc.sweeps_next(k)}
    assert nxt and not nxt & {k for k in keys if inc.swept(k)}
    assert not any(FULL.sweeps_next(k) for k in keys)
    part = plan(profile, config, increment=inc)

    # web search: a swept entity's terms joined a few to a query, every swept entity asked
    web = [q for q in part.queries[Source.WEB_SEARCH] if not q.fresh]
    assert any(" OR " in q.query.split('"', 1)[1] for q in web if '"' in q.query)
    assert all(len(_quoted(q.query)) <= 3 for q in web)
    swept_full = [q for q in full.queries[Source.WEB_SEARCH] if inc.swept(q.entity_key)]
    assert {q.entity_key for q in web} == {q.entity_key for q in swept_full}
    assert len(web) < len(swept_full)

    # Bluesky and Mastodon (no date filter): a between-sweeps term for every entity not swept,
    # those swept next scan included (a new account is found now, not a month later)
    for source in (Source.BLUESKY, Source.MASTODON):
        fresh = [q for q in part.queries[source] if q.fresh]
        asked = {q.entity_key for q in fresh}
        assert fresh and nxt & asked and not asked & {k for k in keys if inc.swept(k)}, source

    # the probe: a found candidate of an entity not swept is left to the profiles source's
    # re-observation by stable id; without that source the probe asks it again
    unswept = {v for k, v in found.items() if not inc.swept(k)}
    asked = {(q.platform, q.query.lower()) for q in part.queries[Source.HANDLE_PROBE]}
    assert unswept and not unswept & asked
    alone = plan(profile, config, increment=inc, sources=[Source.HANDLE_PROBE])
    asked = {(q.platform, q.query.lower()) for q in alone.queries[Source.HANDLE_PROBE]}
    assert unswept & asked


def test_a_sweep_just_after_a_full_scan_does_not_ask_its_answers_again(
    profile, config, monkeypatch
):
    """An answer stands until the entity's first sweep at least full_sweep_months scans after
    it: the sweep a month after the first (full) scan asks none of its not-found candidates
    again; once the answer is that old, the sweep asks it again."""
    monkeypatch.setenv("SCOUT_YOUTUBE_API_KEY", "k-yt")
    full = plan(profile, config)
    answered = frozenset((q.platform, q.query.lower()) for q in full.queries[Source.HANDLE_PROBE])
    kw = dict(since=NOW - timedelta(days=33), now=NOW, months=3, answered=answered, all_swept=0)
    month2 = plan(profile, config, increment=Increment(index=1, recent=answered, **kw))
    asked = {(q.platform, q.query.lower()) for q in month2.queries[Source.HANDLE_PROBE]}
    assert not asked & answered
    # four months on (index 4, the same slot swept): the answers are old enough to ask again
    later = Increment(index=4, **{**kw, "all_swept": 1})
    swept = {
        k for k in [profile.district.key, *(e.key for e in profile.entities)] if later.swept(k)
    }
    month5 = plan(profile, config, increment=later)
    again = {
        (q.platform, q.query.lower())
        for q in month5.queries[Source.HANDLE_PROBE]
        if q.entity_key in swept
    }
    assert swept and again & answered


def test_the_history_marks_answers_younger_than_the_rotation(tmp_path):
    """``recent``: answers given fewer than ``full_sweep_months`` complete scans ago."""
    from crawler.db import engine_for, transaction, upgrade
    from crawler.db.increments import _history
    from crawler.db.models import District, ProbeAnswer, Scan
    from crawler.vocab import ScanKind, ScanStatus

    url = f"sqlite:///{tmp_path / 'h.sqlite3'}"
    upgrade(engine_for(url))
    with transaction(url) as s:
        d = District(key="d", name="D", city="Town", state="ND")
        s.add(d)
        s.flush()
        scans = []
        for _ in range(4):
            row = Scan(district_id=d.id, kind=ScanKind.SCAN, status=ScanStatus.COMPLETED)
            s.add(row)
            s.flush()
            scans.append(row)
        for i, sc in enumerate(scans):
            s.add(ProbeAnswer(district_id=d.id, platform="tiktok", handle=f"h{i}", scan_id=sc.id))
        s.flush()
        h = _history(s, None, months=3)
    assert h.index == 4
    assert h.answered == {("tiktok", f"h{i}") for i in range(4)}
    # given in scans 2 and 3 (indexes): 2 and 1 scans before the next one
    assert h.recent == {("tiktok", "h2"), ("tiktok", "h3")}


def test_youtube_fresh_queries_carry_each_entitys_best_terms(profile, config, monkeypatch):
    """publishedAfter queries OR each unswept entity's best few terms (a new channel names its
    school); the swept entities' terms share queries of YOUTUBE_OR_TERMS."""
    from crawler.discovery.planning.sources import (
        YOUTUBE_FRESH_PER_ENTITY,
        YOUTUBE_OR_TERMS,
    )

    monkeypatch.setenv("SCOUT_YOUTUBE_API_KEY", "k-yt")
    inc = _inc(33, all_swept=0)
    part = plan(profile, config, increment=inc)
    fresh = [q for q in part.queries[Source.YOUTUBE] if q.fresh]
    terms = {t.casefold() for q in fresh for t in q.query.split("|")}
    keys = [profile.district.key, *(e.key for e in profile.entities)]
    assert terms and len(terms) <= YOUTUBE_FRESH_PER_ENTITY * len(keys)
    swept = [q for q in part.queries[Source.YOUTUBE] if not q.fresh]
    assert all(len(q.query.split("|")) <= YOUTUBE_OR_TERMS for q in swept)
