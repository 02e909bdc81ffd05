"""Pipelines: canonicalise, field limits, store (accounts, renames, sightings, coverage)."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy import Spider
from scrapy.exceptions import DropItem
from sqlalchemy import select

from crawler.db import transaction
from crawler.db.models import Account, Scan, ScanQuery, Sighting
from crawler.discovery.items import AccountSighting, CoverageBook
from crawler.discovery.pipelines.canonicalise import CanonicalisePipeline
from crawler.discovery.pipelines.fields import FieldLimitPipeline
from crawler.discovery.pipelines.store import StorePipeline
from crawler.sample import PROFILE
from tests.discovery.conftest import with_


def pipeline(cls, crawler):
    p = cls.from_crawler(crawler)
    if crawler.spider is None:
        crawler.spider = Spider.from_crawler(crawler, name="t")
    return p


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://www.instagram.com/p/Cabc123/", "post"),
        ("https://example.org/about", "not_a_social_platform"),
        ("https://instagram.com.evil.example/x", "look_alike_host"),
    ],
)
def test_non_accounts_are_dropped_and_counted(config, make_crawler, url, reason):
    crawler = make_crawler(config)
    p = pipeline(CanonicalisePipeline, crawler)
    with pytest.raises(DropItem):
        p.process_item(AccountSighting(url=url, source="t"))
    assert crawler.stats.get_value(f"scout/dropped/not_account/{reason}") == 1


def test_canonical_form_and_redirect_wrappers(config, make_crawler):
    p = pipeline(CanonicalisePipeline, make_crawler(config))
    item = p.process_item(
        AccountSighting(
            url="https://l.facebook.com/l.php?u=https%3A%2F%2Finstagram.com%2FSheyenne_Mustangs%3Figsh%3Dx",
            source="t",
        )
    )
    assert (item.platform, item.handle, item.canonical_url) == (
        "instagram",
        "sheyenne_mustangs",
        "https://www.instagram.com/sheyenne_mustangs/",
    )
    legacy = p.process_item(
        AccountSighting(url="https://youtube.com/c/WestFargoSchools", source="t")
    )
    assert legacy.extra["needs_resolution"] is True


def test_mastodon_accounts_of_other_instances_from_the_api(config, make_crawler):
    p = pipeline(CanonicalisePipeline, make_crawler(config))
    item = p.process_item(
        AccountSighting(
            url="https://mstdn.social/@sheyenneriver", source="mastodon", platform_hint="mastodon"
        )
    )
    assert item.handle == "sheyenneriver@mstdn.social"
    with pytest.raises(DropItem):  # the same URL from a web page is not trusted as Mastodon
        p.process_item(
            AccountSighting(url="https://mstdn.social/@sheyenneriver", source="district_site")
        )


def test_platform_filter(config, make_crawler):
    crawler = make_crawler(config)
    p = pipeline(CanonicalisePipeline, crawler)
    crawler.spider.platform_filter = frozenset({"tiktok"})
    with pytest.raises(DropItem):
        p.process_item(AccountSighting(url="https://x.com/SheyenneHS", source="t"))
    assert crawler.stats.get_value("scout/dropped/platform_filter/x") == 1


def test_field_limits(config, make_crawler):
    cfg = with_(config, crawl=config.crawl.__class__(max_field_chars=200))
    crawler = make_crawler(cfg)
    p = pipeline(FieldLimitPipeline, crawler)
    item = p.process_item(
        AccountSighting(
            url="https://x.com/a",
            source="t",
            bio="b" * 1000,
            title="t" * 50,
            links=["https://e.org/" + "x" * 500, "https://ok.org"],
        )
    )
    assert len(item.bio) == 200 and item.bio.endswith("…") and len(item.title) == 50
    assert item.links == ["https://ok.org"]
    assert crawler.stats.get_value("scout/field/bio/truncated") == 1
    with pytest.raises(DropItem):
        p.process_item(AccountSighting(url="https://x.com/" + "a" * 300, source="t"))


@pytest.fixture
def store_env(config, make_crawler, sample_profile):
    from crawler.db.store import import_profile

    with transaction(config.database_url) as s:
        import_profile(s, sample_profile, str(PROFILE))
        scan = Scan(district_id=1)
        s.add(scan)
        s.flush()
        scan_id = scan.id
    crawler = make_crawler(config, scan_id=scan_id, SCOUT_STORE_BATCH=2)
    canon = pipeline(CanonicalisePipeline, crawler)
    crawler.spider.coverage = CoverageBook("t")
    store = pipeline(StorePipeline, crawler)
    store.open_spider()
    return config, crawler, canon, store, scan_id


def feed(canon, store, *items):
    for item in items:
        store.process_item(canon.process_item(item))


def test_store_accounts_and_sightings(store_env):
    config, crawler, canon, store, scan_id = store_env
    book = crawler.spider.coverage
    book.begin("q1")
    feed(
        canon,
        store,
        AccountSighting(
            url="https://instagram.com/SheyenneHoops?hl=en",
            source="t",
            query="q1",
            rank=1,
            source_url="https://search.example/search?q=x",
            title="T",
            snippet="S",
        ),
        AccountSighting(
            url="https://www.instagram.com/sheyennehoops/",
            source="t",
            query="q1",
            rank=1,
            source_url="https://search.example/search?q=x",
            display_name="Sheyenne Hoops",
            followers=10,
        ),
    )
    book.finish("q1")
    feed(
        canon,
        store,
        AccountSighting(
            url="https://www.instagram.com/sheyennehoops/",
            source="t",
            query="q1",
            source_url="https://other.example/",
        ),
    )
    store.close_spider()
    with transaction(config.database_url) as s:
        accounts = s.scalars(select(Account)).all()
        assert [(a.url, a.display_name, a.followers, a.first_scan_id) for a in accounts] == [
            ("https://www.instagram.com/sheyennehoops/", "Sheyenne Hoops", 10, scan_id)
        ]
        sightings = s.scalars(select(Sighting).order_by(Sighting.id)).all()
        # the exact repeat (same query and source URL) is stored once
        assert [(x.query, x.source_url, x.raw_url) for x in sightings] == [
            (
                "q1",
                "https://search.example/search?q=x",
                "https://instagram.com/SheyenneHoops?hl=en",
            ),
            ("q1", "https://other.example/", "https://www.instagram.com/sheyennehoops/"),
        ]
        row = s.scalars(select(ScanQuery)).one()
        assert (row.source, row.query, row.status, row.results) == ("t", "q1", "done", 2)
    assert crawler.stats.get_value("scout/accounts/new") == 1


def test_rename_by_platform_id_keeps_the_row(store_env):
    config, _, canon, store, _ = store_env
    did = "did:plc:abcdefghijklmnopqrstuvwx"
    feed(
        canon,
        store,
        AccountSighting(
            url="https://bsky.app/profile/shs.bsky.social", source="t", platform_id=did
        ),
    )
    store.flush()
    feed(
        canon,
        store,
        AccountSighting(
            url="https://bsky.app/profile/shsmustangs.bsky.social", source="t", platform_id=did
        ),
    )
    store.close_spider()
    with transaction(config.database_url) as s:
        acc = s.scalars(select(Account)).one()
        assert (acc.handle, acc.previous_handles) == (
            "shsmustangs.bsky.social",
            ["shs.bsky.social"],
        )


def _resolution() -> AccountSighting:
    """The youtube source's answer to ``channels.list?forUsername=westfargoschools``."""
    return AccountSighting(
        url="https://www.youtube.com/@westfargoschools",
        source="youtube",
        query="resolve",
        platform_id="UCwfps0Sample0Channel001",
        resolves="https://www.youtube.com/user/westfargoschools",
    )


def _one_channel(s) -> Account:
    """The one account row, under the channel's current URL with its id."""
    acc = s.scalars(select(Account)).one()
    assert (acc.url, acc.platform_id) == (
        "https://www.youtube.com/@westfargoschools",
        "UCwfps0Sample0Channel001",
    )
    return acc


def _legacy_link() -> AccountSighting:
    return AccountSighting(
        url="https://www.youtube.com/user/WestFargoSchools", source="district_site"
    )


def test_resolving_a_legacy_url(store_env):
    config, _, canon, store, _ = store_env
    feed(canon, store, _legacy_link())
    store.flush()
    feed(canon, store, _resolution())
    store.close_spider()
    with transaction(config.database_url) as s:
        acc = _one_channel(s)
        assert len(acc.sightings) == 2


def test_a_legacy_url_of_an_account_stored_under_its_current_url_is_folded_into_it(store_env):
    """The channel was seen under its handle first (a search), then as a /user/ link on the
    district's site: the link's resolution folds that row into the first, not a second account."""
    config, _, canon, store, _ = store_env
    current = AccountSighting(
        url="https://www.youtube.com/@westfargoschools",
        source="youtube",
        platform_id="UCwfps0Sample0Channel001",
    )
    feed(canon, store, current)
    feed(canon, store, _legacy_link())
    store.flush()
    with transaction(config.database_url) as s:
        assert len(s.scalars(select(Account)).all()) == 2  # apart until the link is resolved
    feed(canon, store, _resolution())
    store.close_spider()
    with transaction(config.database_url) as s:
        acc = _one_channel(s)
        assert {x.source for x in acc.sightings} == {"youtube", "district_site"}


def test_unfinished_queries_are_gaps(store_env):
    config, crawler, _, store, _ = store_env
    book = crawler.spider.coverage
    book.begin("a")
    book.begin("b")
    book.fail("b", "HTTP 500")
    book.skip("c", "quota exceeded")
    crawler.spider.stop_reason = "quota_exceeded"
    store.close_spider()
    with transaction(config.database_url) as s:
        rows = {r.query: (r.status, r.error) for r in s.scalars(select(ScanQuery))}
    assert rows == {
        "a": ("failed", "not finished: crawl ended (quota_exceeded)"),
        "b": ("failed", "HTTP 500"),
        "c": ("skipped", "quota exceeded"),
    }


def test_sightings_of_a_query_not_asked_in_this_crawl_leave_its_row_alone(store_env):
    """A resumed crawl's followed page (restored from the job folder) names its seed, which the
    first run finished: its sightings are stored, the seed's ``done`` row is not made a gap."""
    config, crawler, canon, store, scan_id = store_env
    with transaction(config.database_url) as s:
        s.add(ScanQuery(scan_id=scan_id, source="t", query="seed", status="done", results=1))
    book = crawler.spider.coverage
    book.emitted("seed")
    feed(
        canon,
        store,
        AccountSighting(
            url="https://instagram.com/SheyenneHoops",
            source="t",
            query="seed",
            source_url="https://district.example/athletics",
        ),
    )
    store.close_spider()
    with transaction(config.database_url) as s:
        rows = {r.query: (r.status, r.error) for r in s.scalars(select(ScanQuery))}
        sightings = s.scalars(select(Sighting.query)).all()
    assert rows == {"seed": ("done", None)}
    assert sightings == ["seed"]


def test_coverage_of_more_queries_than_one_select_reads(store_env):
    """A handle probe closes thousands of queries at once: the rows are read in chunks,
    inserted once and updated later."""
    from crawler.discovery.pipelines.store import COVERAGE_CHUNK

    config, crawler, _, store, _ = store_env
    book = crawler.spider.coverage
    n = COVERAGE_CHUNK * 2 + 7
    for i in range(n):
        book.begin(f"q{i}")
        if i % 3:
            book.finish(f"q{i}")
    store.flush()
    for i in range(0, n, 3):
        book.fail(f"q{i}", "HTTP 500")
    book.add_results("q1", 2)
    store.close_spider()
    with transaction(config.database_url) as s:
        rows = {r.query: (r.status, r.error, r.results) for r in s.scalars(select(ScanQuery))}
    assert len(rows) == n
    assert rows["q0"] == ("failed", "HTTP 500", 0) and rows[f"q{n - 1}"][0] == "done"
    assert rows["q1"] == ("done", None, 2)
    assert sum(v[0] == "failed" for v in rows.values()) == len(range(0, n, 3))


def test_scrapy_crawl_without_a_scan_opens_one(
    config, make_crawler, sample_profile, tmp_path: Path
):
    from crawler.db.store import import_profile

    with transaction(config.database_url) as s:
        import_profile(s, sample_profile, str(PROFILE))
    crawler = make_crawler(config)
    store = pipeline(StorePipeline, crawler)
    store.open_spider()
    store.close_spider()
    with transaction(config.database_url) as s:
        scan = s.scalars(select(Scan)).one()
        assert scan.status == "completed" and scan.params["via"] == "scrapy crawl"


def test_channel_id_urls_never_replace_a_handle_and_rows_of_one_account_merge(store_env):
    config, _, canon, store, _scan_id = store_env
    cid = "UCPeEuIGfUYtzmQbf5CexX0S"
    feed(
        canon,
        store,
        AccountSighting(
            url="https://www.youtube.com/@wfpackershockey", source="handle_probe", platform_id=cid
        ),
    )
    store.flush()
    # the API knows the channel by id only: same row, the handle URL stays
    feed(
        canon,
        store,
        AccountSighting(
            url=f"https://www.youtube.com/channel/{cid}", source="youtube", platform_id=cid
        ),
    )
    store.flush()
    # an id-only row with a case, and the handle seen apart: one row when the id turns up
    other = "UCxxxxxxxxxxxxxxxxxxxxxx"
    feed(
        canon,
        store,
        AccountSighting(
            url=f"https://www.youtube.com/channel/{other}",
            source="youtube",
            platform_id=other,
            display_name="Other",
        ),
    )
    feed(
        canon,
        store,
        AccountSighting(url="https://www.youtube.com/@otherhandle", source="district_site"),
    )
    store.flush()
    from crawler.db.models import Case

    with transaction(config.database_url) as s:
        kept = s.scalars(select(Account).where(Account.platform_id == other)).one()
        s.add(Case(number="ABCE-2026-9999", district_id=1, account_id=kept.id, kind="unregistered"))
        kept_id = kept.id
    feed(
        canon,
        store,
        AccountSighting(
            url="https://www.youtube.com/@otherhandle", source="profiles", platform_id=other
        ),
    )
    store.close_spider()
    with transaction(config.database_url) as s:
        rows = {
            a.url: (a.id, a.platform_id, a.display_name, len(a.sightings))
            for a in s.scalars(select(Account))
        }
        case_account = s.scalars(select(Case.account_id)).one()
    assert rows == {
        "https://www.youtube.com/@wfpackershockey": (
            rows["https://www.youtube.com/@wfpackershockey"][0],
            cid,
            None,
            2,
        ),
        "https://www.youtube.com/@otherhandle": (kept_id, other, "Other", 3),
    }
    assert case_account == kept_id  # the case keeps its account
