"""Each spider's parsing, on real captures and platforms.md-shaped bodies (no network)."""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from dataclasses import replace

import pytest
from scrapy import Request
from scrapy.exceptions import CloseSpider

import spiders
from crawler.discovery.items import AccountSighting, safe_url
from crawler.discovery.planner import PlannedQuery, plan
from crawler.discovery.runner import spider_classes
from crawler.vocab import SOURCES, Source
from spiders.base import ScoutSpider
from spiders.bluesky import BlueskySpider
from spiders.district_site import DistrictSiteSpider
from spiders.handle_probe import HandleProbeSpider
from spiders.mastodon import MastodonSpider
from spiders.search_backends import Brave, Searxng
from spiders.web_search import WebSearchSpider
from spiders.youtube import YouTubeSpider
from tests.discovery.conftest import (
    REAL,
    budget,
    html_response,
    json_response,
    respond,
    with_,
)


def _project_settings():
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("crawler.discovery.settings", priority="project")
    return settings


SPIDERS = spider_classes(_project_settings())


def test_every_spider_imports_and_is_registered():
    names = {m.name for m in pkgutil.iter_modules(spiders.__path__)}
    for name in names:
        importlib.import_module(f"spiders.{name}")
    assert set(SPIDERS) == {
        "selfcheck",
        "district_site",
        "web_search",
        "youtube",
        "bluesky",
        "mastodon",
        "handle_probe",
        "profiles",
    }
    from crawler.config import ALL_SOURCES

    assert set(SPIDERS) == set(ALL_SOURCES)


def test_spider_classes_are_named_for_their_source():
    """Like alltheplaces: every spider class ends with ``Spider``, its ``name`` is a source of
    the table, and every source has exactly one spider."""
    import inspect

    import scrapy

    found: dict[str, list[str]] = {}
    for info in pkgutil.iter_modules(spiders.__path__):
        module = importlib.import_module(f"spiders.{info.name}")
        for cls_name, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, scrapy.Spider) or cls.__module__ != module.__name__:
                continue
            assert cls_name.endswith("Spider"), cls_name
            if getattr(cls, "name", None):
                assert cls.name in set(Source), (cls_name, cls.name)
                found.setdefault(cls.name, []).append(cls_name)
    assert set(found) == set(SOURCES)
    assert all(len(classes) == 1 for classes in found.values()), found


def test_safe_url_strips_keys(monkeypatch):
    monkeypatch.setenv("SCOUT_BRAVE_API_KEY", "s3cret-token")
    assert (
        safe_url("https://www.googleapis.com/youtube/v3/search?q=a&key=AIzaXYZ&part=snippet")
        == "https://www.googleapis.com/youtube/v3/search?q=a&part=snippet"
    )
    assert "s3cret-token" not in safe_url("https://e.org/x?t=s3cret-token")


def items(out):
    return [o for o in out if isinstance(o, AccountSighting)]


def requests(out):
    return [o for o in out if isinstance(o, Request)]


# --------------------------------------------------------------------------- youtube


@pytest.fixture
def youtube(config, make_spider, monkeypatch):
    monkeypatch.setenv("SCOUT_YOUTUBE_API_KEY", "AIzaSECRET")
    return make_spider(YouTubeSpider, config)


def test_youtube_search_then_channels(youtube):
    pq = PlannedQuery("youtube", "Sheyenne Mustangs", "youtube", "shs")
    first = youtube.search_request(pq, None, 1, 0)
    assert (
        "type=channel" in first.url
        and "key=AIzaSECRET" in first.url
        and first.meta["dont_obey_robotstxt"]
    )
    out = respond(
        first, json_response, json.loads((REAL / "youtube-api-search-channels.json").read_text())
    )
    nxt, channels = requests(out)
    assert "pageToken=CAUQAA" in nxt.url and nxt.cb_kwargs["rank_base"] == 5
    from urllib.parse import parse_qs, urlsplit

    assert "/channels?" in channels.url
    assert (
        len(parse_qs(urlsplit(channels.url).query)["id"][0].split(",")) == 5
    )  # five ids, one call
    found = respond(
        channels, json_response, json.loads((REAL / "youtube-api-channels-list.json").read_text())
    )
    assert len(items(found)) == 5 and all(
        "AIzaSECRET" not in (i.source_url or "") for i in items(found)
    )
    assert [i.rank for i in items(found)] == [1, 2, 3, 4, 5]
    assert youtube.coverage.entries["Sheyenne Mustangs"].pending == 1  # page 2 still to come
    assert youtube.requests_used == 1  # the next page (calls are charged to the quota when sent)


def test_youtube_quota_exceeded_stops_the_source(youtube):
    pq = PlannedQuery("youtube", "Sheyenne Mustangs", "youtube", "shs")
    quota = {
        "error": {
            "code": 403,
            "message": "The request cannot be completed because you have exceeded your "
            '<a href="/youtube/v3/getting-started#quota">quota</a>.',
            "errors": [{"message": "…", "domain": "youtube.quota", "reason": "quotaExceeded"}],
        }
    }
    with pytest.raises(CloseSpider) as exc:
        respond(youtube.search_request(pq, None, 1, 0), json_response, quota, status=403)
    assert exc.value.reason == "quota_exceeded"
    book = youtube.coverage
    assert book.entries["Sheyenne Mustangs"].status == "failed"
    assert any(e.status == "skipped" and "quota" in e.error for e in book.entries.values())
    assert youtube.stop_reason == "quota_exceeded"


def test_youtube_budget(config, make_spider, monkeypatch):
    from tests.discovery.conftest import budget

    monkeypatch.setenv("SCOUT_YOUTUBE_API_KEY", "k")
    spider = make_spider(
        YouTubeSpider, with_(config, budget=budget(youtube_search_calls_per_day=2))
    )
    assert [spider.allow_request() for _ in range(3)] == [True, True, False]
    spider = make_spider(
        YouTubeSpider, with_(config, budget=budget(youtube_search_calls_per_day=3))
    )
    spider.first_pages_left = 2  # two planned queries: their first pages are reserved
    assert spider.allow_request(first_page=False) is True
    assert spider.allow_request(first_page=False) is False
    assert [spider.allow_request(), spider.allow_request(), spider.allow_request()] == [
        True,
        True,
        False,
    ]


def test_youtube_resolves_legacy_urls(youtube):
    req = next(youtube.resolve_requests(["https://www.youtube.com/user/westfargoschools"]))
    assert "forUsername=westfargoschools" in req.url
    data = json.loads((REAL / "youtube-api-channels-list.json").read_text())
    (item,) = items(respond(req, json_response, data))
    assert item.resolves == "https://www.youtube.com/user/westfargoschools"
    assert (
        item.platform_id == "UC_x5XG1OV2P6uZZ5FSM9Ttw"
        and item.url == "https://www.youtube.com/@googledevelopers"
    )


# --------------------------------------------------------------------------- bluesky


ACTOR = {
    "did": "did:plc:abcdefghijklmnopqrstuvwx",
    "handle": "shsmustangs.bsky.social",
    "displayName": "Sheyenne High School",
    "description": "Go Mustangs!",
    "indexedAt": "2025-01-01T00:00:00.000Z",
}


def test_bluesky_search_then_profiles(config, make_spider):
    spider = make_spider(BlueskySpider, config)
    pq = PlannedQuery("bluesky", "Sheyenne Mustangs", "bluesky", "shs")
    out = respond(
        spider.search_request(pq, None, 1, 0), json_response, {"actors": [ACTOR], "cursor": "25"}
    )
    nxt, profiles = requests(out)
    assert "cursor=25" in nxt.url and "getProfiles?actors=did%3Aplc%3A" in profiles.url
    detailed = {**ACTOR, "followersCount": 120, "website": "west-fargo.k12.nd.us/shs"}
    (item,) = items(respond(profiles, json_response, {"profiles": [detailed]}))
    assert (item.url, item.followers, item.links, item.rank) == (
        "https://bsky.app/profile/shsmustangs.bsky.social",
        120,
        ["https://west-fargo.k12.nd.us/shs"],
        1,
    )
    (fallback,) = items(respond(profiles, json_response, {"error": "x"}, status=502))
    assert fallback.followers is None and fallback.display_name == "Sheyenne High School"


# --------------------------------------------------------------------------- mastodon


MASTO = {
    "id": "1",
    "username": "horacehawks",
    "acct": "horacehawks",
    "display_name": "Horace Hawks",
    "locked": False,
    "note": "<p>West Fargo Horace High School.</p>",
    "url": "https://mastodon.social/@horacehawks",
    "followers_count": 22,
    "fields": [
        {
            "name": "web",
            "value": '<a href="https://www.west-fargo.k12.nd.us/hhs">x</a>',
            "verified_at": "2025-01-01T00:00:00Z",
        }
    ],
}


def test_mastodon_search_and_lookup(config, make_spider):
    spider = make_spider(MastodonSpider, config)
    search = PlannedQuery("mastodon", "Horace Hawks", "mastodon", "hhs")
    (req,) = spider.requests_for(search, spider.coverage_keys(search))
    assert req.url.startswith("https://mastodon.social/api/v2/search?q=Horace+Hawks&type=accounts")
    (item,) = items(
        respond(req, json_response, {"accounts": [MASTO], "statuses": [], "hashtags": []})
    )
    assert item.query == "mastodon.social: Horace Hawks" and item.links == [
        "https://www.west-fargo.k12.nd.us/hhs"
    ]
    handle = PlannedQuery("mastodon", "horacehawks", "mastodon", "hhs", kind="handle")
    (lookup,) = spider.requests_for(handle, spider.coverage_keys(handle))
    assert lookup.url == "https://mastodon.social/api/v1/accounts/lookup?acct=horacehawks"
    assert items(respond(lookup, json_response, MASTO))[0].followers == 22
    assert respond(lookup, json_response, {"error": "Record not found"}, status=404) == []
    assert spider.coverage.entries["mastodon.social: @horacehawks"].status == "done"


def test_remote_mastodon_account_is_looked_up_on_a_configured_instance(config, make_spider):
    """An account of another server is asked of a configured instance (``acct=user@domain``),
    which knows the remote accounts its users follow; the answer keeps the account's own URL."""
    from spiders.profiles import ProfilesSpider

    spider = make_spider(ProfilesSpider, config)
    (req,) = spider.lookup_url("mastodon", "https://mastodon.social/@river@mstdn.example", "q")
    assert req.url == ("https://mastodon.social/api/v1/accounts/lookup?acct=river%40mstdn.example")
    remote = {
        **MASTO,
        "id": "110000000000000001",
        "username": "river",
        "acct": "river@mstdn.example",
        "url": "https://mstdn.example/@river",
    }
    (item,) = items(respond(req, json_response, remote))
    assert item.url == "https://mstdn.example/@river" and item.platform_hint == "mastodon"
    from crawler.discovery.pipelines.canonicalise import CanonicalisePipeline

    stored = CanonicalisePipeline(spider.crawler, ("mastodon.social",)).process_item(item)
    assert (stored.handle, stored.canonical_url) == (
        "river@mstdn.example",
        "https://mstdn.example/@river",
    )


# --------------------------------------------------------------------------- web search


SEARX = {
    "query": "x",
    "results": [
        {
            "url": "https://www.instagram.com/sheyennehoops/",
            "title": "Sheyenne Hoops (@sheyennehoops)",
            "content": "Official home of Sheyenne Mustangs boys basketball",
            "engine": "bing",
            "engines": ["bing"],
            "template": "default.html",
            "parsed_url": ["https", "www.instagram.com", "/sheyennehoops/", "", "", ""],
            "score": 1.0,
            "category": "general",
            "publishedDate": None,
        },
        {
            "url": "https://www.instagram.com/p/Cxyz/",
            "title": "a post",
            "content": "",
            "engine": "bing",
        },
    ],
    "answers": [],
    "corrections": [],
    "infoboxes": [],
    "suggestions": [],
    "unresponsive_engines": [],
}
BRAVE = {
    "type": "search",
    "query": {"original": "x", "more_results_available": True},
    "web": {
        "type": "search",
        "results": [
            {
                "type": "search_result",
                "subtype": "generic",
                "title": "WFHS Packers",
                "url": "https://x.com/WFPackerFB",
                "description": "Packers football",
                "profile": {"name": "X"},
                "meta_url": {"hostname": "x.com"},
            }
        ],
    },
}


def test_searxng_results(config, make_spider):
    spider = make_spider(WebSearchSpider, config)
    pq = PlannedQuery(
        "web_search", 'site:instagram.com "Sheyenne Hoops"', "instagram", "shs-basketball"
    )
    (req,) = spider.requests_for(pq, [pq.query])
    assert req.url.startswith("https://search.west-fargo.k12.nd.us/search?q=site%3Ainstagram.com")
    assert "format=json" in req.url and "pageno=1" in req.url
    out = respond(req, json_response, SEARX)
    assert next((i.url, i.rank, i.title) for i in items(out)) == (
        "https://www.instagram.com/sheyennehoops/",
        1,
        "Sheyenne Hoops (@sheyennehoops)",
    )
    assert requests(out) == []  # a short first page: no second page asked
    assert spider.crawler.stats.get_value("scout/quota/searxng/requests") == 1


def _searx_page(urls):
    return {"query": "x", "results": [{"url": u, "title": u, "content": ""} for u in urls]}


def test_searxng_follows_full_pages_only(config, make_spider):
    spider = make_spider(WebSearchSpider, config)
    pq = PlannedQuery("web_search", 'site:instagram.com "Sheyenne"', "instagram", "shs")
    (req,) = spider.requests_for(pq, [pq.query])
    full = _searx_page([f"https://www.instagram.com/shs{i}/" for i in range(10)])
    (nxt,) = requests(respond(req, json_response, full))
    assert "pageno=2" in nxt.url
    assert requests(respond(nxt, json_response, _searx_page(["https://x.com/a"]))) == []


def _follow(spider, req, pages: int) -> list[int]:
    """Answer ``req`` and each next page with a full page of new accounts: the page numbers
    asked after the first."""
    asked = []
    for n in range(pages):
        full = _searx_page([f"https://www.instagram.com/shs{n}x{i}/" for i in range(10)])
        nxt = requests(respond(req, json_response, full))
        if not nxt:
            break
        (req,) = nxt
        asked.append(int(req.url.split("pageno=")[1].split("&")[0]))
    return asked


def test_a_popular_term_goes_deeper_while_its_pages_are_full(config, make_spider):
    """The district's own names and its town (``deep``): past ``results_pages`` while every
    page is full of accounts, up to DEEP_PAGES; other terms stop at ``results_pages``."""
    from spiders.api_search import DEEP_PAGES

    spider = make_spider(WebSearchSpider, config)
    narrow = PlannedQuery("web_search", 'site:instagram.com "Sheyenne Hoops"', "instagram", "shs")
    (req,) = spider.requests_for(narrow, [narrow.query])
    assert _follow(spider, req, 10) == [2]  # results_pages: 2
    town = PlannedQuery(
        "web_search", 'site:instagram.com "West Fargo"', "instagram", "wfps", deep=True
    )
    (req,) = spider.requests_for(town, [town.query])
    assert _follow(spider, req, 10) == list(range(2, DEEP_PAGES + 1))


def test_a_deep_page_takes_what_the_plans_last_first_pages_reserved(config, make_spider):
    """Past results_pages, a popular term's full pages take the reservation of the plan's last
    first pages, but never go past the source's budget."""
    spider = make_spider(WebSearchSpider, with_(config, budget=budget(searxng_requests_per_scan=4)))
    spider.first_pages_left = 3  # three planned first pages still to come
    town = PlannedQuery(
        "web_search", 'site:instagram.com "West Fargo"', "instagram", "wfps", deep=True
    )
    (req,) = spider.requests_for(town, [town.query])  # 1 spent, 2 first pages reserved
    # page 2 within results_pages uses what the reservation leaves (1 request); pages 3 and 4
    # take the reservation; page 5 would pass the budget
    assert _follow(spider, req, 10) == [2, 3, 4]
    assert spider.requests_used == 4
    assert not spider.allow_request()  # a reserved first page finds the budget spent


def test_searxng_does_not_follow_a_full_page_of_posts(config, make_spider):
    """A full page that is mostly posts and hashtags says this term's accounts are exhausted."""
    spider = make_spider(WebSearchSpider, config)
    pq = PlannedQuery("web_search", 'site:instagram.com "Sheyenne"', "instagram", "shs")
    (req,) = spider.requests_for(pq, [pq.query])
    posts = [f"https://www.instagram.com/p/C{i}x/" for i in range(8)]
    page = _searx_page(
        [*posts, "https://www.instagram.com/shs1/", "https://www.instagram.com/shs2/"]
    )
    assert requests(respond(req, json_response, page)) == []


def test_crowded_multi_site_query_is_split_per_platform(config, make_spider):
    roomy = budget(results_pages=1, searxng_requests_per_scan=5000)
    spider = make_spider(WebSearchSpider, with_(config, budget=roomy))
    term = '"Sheyenne Mustangs"'
    pq = PlannedQuery("web_search", f"site:facebook.com OR site:instagram.com {term}", None, "shs")
    (req,) = spider.requests_for(pq, [pq.query])
    crowded = _searx_page([f"https://www.facebook.com/page{i}" for i in range(10)])
    split = requests(respond(req, json_response, crowded))
    assert [r.meta["scout_query"] for r in split] == [f"site:instagram.com {term}"]
    assert "pageno=1" in split[0].url
    assert requests(respond(req, json_response, crowded)) == []  # asked once per crawl
    mixed = _searx_page(
        [f"https://www.facebook.com/p{i}" for i in range(9)] + ["https://www.instagram.com/a/"]
    )
    assert requests(respond(req, json_response, mixed)) == []  # not crowded out


def test_details_are_asked_once_per_crawl(config, make_spider):
    spider = make_spider(BlueskySpider, config)
    first = PlannedQuery("bluesky", "Sheyenne Mustangs", "bluesky", "shs")
    second = PlannedQuery("bluesky", "Sheyenne", "bluesky", "shs")
    (profiles,) = requests(
        respond(spider.search_request(first, None, 1, 0), json_response, {"actors": [ACTOR]})
    )
    out = respond(spider.search_request(second, None, 1, 0), json_response, {"actors": [ACTOR]})
    assert requests(out) == [] and len(items(out)) == 1  # asked, not answered: search facts
    detailed = {**ACTOR, "followersCount": 120}
    respond(profiles, json_response, {"profiles": [detailed]})
    again = respond(spider.search_request(second, None, 1, 0), json_response, {"actors": [ACTOR]})
    assert requests(again) == [] and items(again)[0].followers == 120  # the known details


def test_youtube_follows_full_pages_only(youtube):
    pq = PlannedQuery("youtube", "Sheyenne Mustangs", "youtube", "shs")
    data = json.loads((REAL / "youtube-api-search-channels.json").read_text())
    short = {**data, "items": data["items"][:3]}  # 3 of resultsPerPage 5
    out = respond(youtube.search_request(pq, None, 1, 0), json_response, short)
    assert not any("pageToken" in r.url for r in requests(out))


def test_searxng_json_disabled_ends_the_source(config, make_spider):
    spider = make_spider(WebSearchSpider, config)
    pq = PlannedQuery("web_search", 'site:x.com "WFHS"', "x", "wfhs")
    (req,) = spider.requests_for(pq, [pq.query])
    with pytest.raises(CloseSpider):
        respond(req, json_response, {}, status=403)
    assert "search.formats" in spider.crawler.stats.get_value("scout/stop_reason")


def test_brave_results_and_key_header(config, make_spider, monkeypatch):
    monkeypatch.setenv("SCOUT_BRAVE_API_KEY", "brave-secret")
    spider = make_spider(WebSearchSpider, with_(config, searxng_url=None))
    pq = PlannedQuery(
        "web_search", 'site:x.com "West Fargo Packers Football"', "x", "wfhs-football"
    )
    (req,) = spider.requests_for(pq, [pq.query])
    assert req.headers["X-Subscription-Token"] == b"brave-secret" and "brave-secret" not in req.url
    out = respond(req, json_response, BRAVE)
    assert items(out)[0].snippet == "Packers football" and "offset=1" in requests(out)[0].url
    assert Brave(config).error(429, {}, {b"X-RateLimit-Remaining": b"1, 0"}) == (
        "Brave Search monthly quota used up",
        True,
    )
    assert Searxng(config).error(
        200, {"results": [], "unresponsive_engines": [["google", "timeout"]]}, {}
    ) == ("no results; unresponsive engines: google", False)


# --------------------------------------------------------------------------- district site


PAGE = """<html><head><title>Sheyenne High School</title></head><body>
<a href="https://l.facebook.com/l.php?u=https%3A%2F%2Fwww.facebook.com%2FSheyenneHighSchool&h=x">Facebook</a>
<a href="https://www.google.com/url?q=https://www.tiktok.com/@sheyennemustangs&sa=D">TikTok</a>
<a href="/shs/athletics"><span>Athletics</span></a>
<a href="/files/handbook.pdf">Handbook</a>
<a href="https://westfargopacker.org/">The Packer</a>
<a href="mailto:office@west-fargo.k12.nd.us">mail</a>
<link rel="me" href="https://mastodon.social/@wfpsnews">
</body></html>"""


def test_district_page_links(config, make_spider):
    spider = make_spider(DistrictSiteSpider, config)
    pq = PlannedQuery(
        "district_site", "https://www.west-fargo.k12.nd.us/shs", None, "shs", kind="seed"
    )
    first, *_ = spider.requests_for(pq, [pq.query])
    assert first.meta["scout_seed"] is True
    out = respond(first, html_response, PAGE)
    found = {i.url: i for i in items(out)}
    assert set(found) == {
        "https://l.facebook.com/l.php?u=https%3A%2F%2Fwww.facebook.com%2FSheyenneHighSchool&h=x",
        "https://www.google.com/url?q=https://www.tiktok.com/@sheyennemustangs&sa=D",
        "https://mastodon.social/@wfpsnews",
    }
    item = found["https://mastodon.social/@wfpsnews"]
    assert (item.source_url, item.title, item.query) == (pq.query, "Sheyenne High School", pq.query)
    followed = [r.url for r in requests(out)]
    assert followed == [
        "https://www.west-fargo.k12.nd.us/shs/athletics"
    ]  # no pdf, nothing off the district
    assert "scout_seed" not in requests(out)[0].meta
    assert spider.coverage.entries[pq.query].status == "done"


def test_district_sitemaps(config, make_spider):
    spider = make_spider(DistrictSiteSpider, config)
    pq = PlannedQuery(
        "district_site", "https://www.west-fargo.k12.nd.us/", None, "wfps", kind="seed"
    )
    _, robots, sitemap = spider.requests_for(pq, [pq.query])
    from tests.discovery.conftest import html_response as resp

    out = respond(
        robots,
        resp,
        "User-agent: *\nSitemap: https://www.west-fargo.k12.nd.us/sitemap_index.xml\n"
        "Sitemap: https://evil.example/sitemap.xml\n",
    )
    assert [r.url for r in out] == ["https://www.west-fargo.k12.nd.us/sitemap_index.xml"]
    index = (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<sitemap><loc>https://www.west-fargo.k12.nd.us/sitemap-pages.xml</loc></sitemap></sitemapindex>"
    )
    assert [r.url for r in respond(sitemap, resp, index)] == [
        "https://www.west-fargo.k12.nd.us/sitemap-pages.xml"
    ]
    urlset = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>https://www.west-fargo.k12.nd.us/shs/activities</loc></url>"
        "<url><loc>https://www.west-fargo.k12.nd.us/doc.pdf</loc></url></urlset>"
    )
    assert [r.url for r in respond(sitemap, resp, urlset)] == [
        "https://www.west-fargo.k12.nd.us/shs/activities"
    ]


# --------------------------------------------------------------------------- handle probe and profiles


def test_probe_tiktok_page_real_capture(config, make_spider):
    spider = make_spider(HandleProbeSpider, config)
    pq = PlannedQuery("handle_probe", "illojuan", "tiktok", "shs", kind="handle")
    (req,) = spider.requests_for(pq, spider.coverage_keys(pq))
    assert req.url == "https://www.tiktok.com/@illojuan" and not req.meta.get("dont_obey_robotstxt")
    (item,) = items(respond(req, html_response, (REAL / "tiktok-profile.html").read_bytes()))
    assert (
        item.url == "https://www.tiktok.com/@illojuan"
        and item.followers
        and item.page_state == "ok"
    )
    assert respond(req, html_response, "<html></html>", status=404) == []
    assert spider.coverage.entries["tiktok @illojuan"].status == "done"


def test_probe_outcomes_are_distinct(config, make_spider):
    spider = make_spider(HandleProbeSpider, config)
    bsky = PlannedQuery("handle_probe", "shsmustangs.bsky.social", "bluesky", "shs", kind="handle")
    (req,) = spider.requests_for(bsky, spider.coverage_keys(bsky))
    assert "app.bsky.actor.getProfile?actor=shsmustangs.bsky.social" in req.url
    respond(
        req, json_response, {"error": "InvalidRequest", "message": "Profile not found"}, status=400
    )
    respond(req, json_response, {"error": "RateLimitExceeded"}, status=429)
    stats = spider.crawler.stats
    assert stats.get_value("scout/probe/bluesky/not_found") == 1
    assert stats.get_value("scout/probe/bluesky/blocked") == 1
    assert spider.coverage.entries["bluesky @shsmustangs.bsky.social"].error == "blocked (HTTP 429)"


def test_probe_asks_bluesky_for_25_candidates_a_call(config, make_spider):
    """getProfiles answers with the actors that exist and leaves the others out: one call
    settles 25 candidates, found or not."""
    spider = make_spider(HandleProbeSpider, config)
    handles = [f"cand{i}.bsky.social" for i in range(30)]
    pending = [
        (pq, spider.coverage_keys(pq))
        for pq in (
            PlannedQuery("handle_probe", h, "bluesky", "shs", kind="handle") for h in handles
        )
    ]
    first, second = spider.all_requests(pending)
    assert first.url.count("actors=") == 25 and second.url.count("actors=") == 5
    found = {**ACTOR, "handle": "cand3.bsky.social", "followersCount": 7}
    (item,) = items(respond(first, json_response, {"profiles": [found]}))
    assert item.url.endswith("/profile/cand3.bsky.social")
    entries = spider.coverage.entries
    assert all(entries[f"bluesky @{h}"].status == "done" for h in handles[:25])
    assert spider.crawler.stats.get_value("scout/probe/bluesky/not_found") == 24
    respond(second, json_response, {"error": "RateLimitExceeded"}, status=429)
    assert all(entries[f"bluesky @{h}"].status == "failed" for h in handles[25:])


def test_probe_youtube_handles_through_for_handle(config, make_spider, monkeypatch):
    monkeypatch.setenv("SCOUT_YOUTUBE_API_KEY", "AIzaSECRET")
    spider = make_spider(HandleProbeSpider, config)
    pq = PlannedQuery("handle_probe", "wfpackershockey", "youtube", "wfhs-hockey", kind="handle")
    (req,) = spider.requests_for(pq, spider.coverage_keys(pq))
    assert "/channels?" in req.url and "forHandle=%40wfpackershockey" in req.url
    assert req.meta["dont_obey_robotstxt"] and req.meta["scout_quota"] == "youtube/units"
    channels = json.loads((REAL / "youtube-api-channels-list.json").read_text())
    channels["items"] = channels["items"][:1]
    (item,) = items(respond(req, json_response, channels))
    assert item.platform_id and "AIzaSECRET" not in (item.source_url or "")
    empty = {"kind": "youtube#channelListResponse", "pageInfo": {"totalResults": 0}}
    assert items(respond(req, json_response, empty)) == []
    assert spider.crawler.stats.get_value("scout/probe/youtube/not_found") == 1
    assert spider.units == 1  # one unit per lookup
    monkeypatch.delenv("SCOUT_YOUTUBE_API_KEY")
    (page,) = spider.requests_for(pq, spider.coverage_keys(pq))  # no key: the public page
    assert page.url == "https://www.youtube.com/@wfpackershockey"


def test_probes_never_request_robots_blocked_platforms(config, make_spider):
    spider = make_spider(HandleProbeSpider, config)
    for platform in ("instagram", "facebook", "x", "threads"):
        pq = PlannedQuery("handle_probe", "sheyennemustangs", platform, "shs", kind="handle")
        assert list(spider.requests_for(pq, spider.coverage_keys(pq))) == []
        assert spider.coverage.entries[f"{platform} @sheyennemustangs"].status == "skipped"


def test_profiles_login_wall_is_a_gap(config, make_spider):
    from spiders.profiles import ProfilesSpider

    spider = make_spider(ProfilesSpider, config)
    req = spider.lookup_request("youtube", "sheyennemustangsfootball", None, "q")
    assert req.url == "https://www.youtube.com/@sheyennemustangsfootball"
    consent = '<html><form action="https://consent.youtube.com/save"></form></html>'
    assert respond(req, html_response, consent) == []
    assert spider.coverage.entries["q"].error == "login wall"
    assert spider.lookup_request("linkedin", "wfps", None, "r") is None  # LinkedIn refuses crawlers
    assert spider.coverage.entries["r"].status == "skipped"


CLOUDFLARE_CHALLENGE = """<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<meta name="robots" content="noindex,nofollow"></head><body class="no-js">
<div class="main-wrapper" role="main"><div class="main-content">
<noscript><div id="challenge-error-title"><div class="h2"><span id="challenge-error-text">
Enable JavaScript and cookies to continue</span></div></div></noscript></div></div>
<script>(function(){window._cf_chl_opt={cvId: '3',cZone: "www.tiktok.com",cType: 'managed'};
var a = document.createElement('script');a.src = '/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1?ray=8f1e2d3c4b5a6978';
document.getElementsByTagName('head')[0].appendChild(a);}());</script></body></html>"""


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (403, "<html><head><title>403 Forbidden</title></head></html>", "blocked (HTTP 403)"),
        (429, "", "blocked (HTTP 429)"),
        (200, CLOUDFLARE_CHALLENGE, "blocked (cloudflare challenge)"),
    ],
)
def test_profiles_blocked_answer_is_a_gap_never_absent(config, make_spider, status, body, error):
    from spiders.profiles import ProfilesSpider

    spider = make_spider(ProfilesSpider, config)
    (req,) = spider.lookup_url("tiktok", "https://www.tiktok.com/@horacehawksfootball", "q")
    assert 403 in req.meta["handle_httpstatus_list"]
    assert respond(req, html_response, body, status=status) == []  # neither found nor gone
    entry = spider.coverage.entries["q"]
    assert (entry.status, entry.error) == ("failed", error)
    assert spider.crawler.stats.get_value("scout/probe/tiktok/blocked") == 1


def test_profiles_reports_a_gone_account_with_its_state(config, make_spider):
    """A known account whose page or API says it is gone: a sighting carrying that state (the
    case stage reads it); a handle probe's not-found handle yields nothing (not an account)."""
    from spiders.profiles import ProfilesSpider

    spider = make_spider(ProfilesSpider, config)
    url = "https://www.youtube.com/@wfchsmedia"
    (req,) = spider.lookup_url("youtube", url, url)
    (item,) = items(respond(req, html_response, "<html></html>", status=404))
    assert (item.url, item.page_state, item.source) == (url, "not_found", "profiles")
    assert spider.coverage.entries[url].status == "done"
    bsky = "https://bsky.app/profile/gone.bsky.social"
    (req,) = spider.lookup_url("bluesky", bsky, bsky)
    gone = {"error": "InvalidRequest", "message": "Profile not found"}
    (item,) = items(respond(req, json_response, gone, status=400))
    assert (item.url, item.page_state) == (bsky, "not_found")

    probe = make_spider(HandleProbeSpider, config)
    pq = PlannedQuery("handle_probe", "wfchsmedia", "youtube", "chs", kind="handle")
    (req,) = probe.requests_for(pq, probe.coverage_keys(pq))
    assert items(respond(req, html_response, "<html></html>", status=404)) == []


def test_profiles_uses_the_browser_only_for_pages_that_need_it(config, make_spider):
    from scrapy.utils.misc import load_object
    from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

    from spiders.profiles import ProfilesSpider

    handler = load_object(ProfilesSpider.custom_settings["DOWNLOAD_HANDLERS"]["http"])
    assert issubclass(handler, ScrapyPlaywrightDownloadHandler)
    spider = make_spider(ProfilesSpider, config)
    req = spider.lookup_request("tiktok", "sheyennemustangsvb", None, "q")
    assert "playwright" not in req.meta
    (again,) = respond(req, html_response, "<html><body><div id=app></div></body></html>")
    assert again.meta["playwright"] is True and again.url == req.url
    assert spider.coverage.entries["q"].pending == 1  # still open until the browser answers
    (item,) = items(respond(again, html_response, (REAL / "tiktok-profile.html").read_bytes()))
    assert item.page_state == "ok" and spider.coverage.entries["q"].status == "done"


# --------------------------------------------------------------------------- one scan, each request once


@pytest.mark.slow
def test_no_request_is_sent_twice_in_a_scan(sample_world, tmp_path, monkeypatch):
    """A whole sample-world crawl: every URL (robots.txt aside: each source reads it once)
    reaches the world once, across sources and queries (Mastodon handles, details, seeds)."""
    from collections import Counter

    from crawler.discovery.runner import run_crawl
    from tests.discovery.test_crawl import BUDGET, YOUTUBE_KEY, prepare

    monkeypatch.setenv("SCOUT_YOUTUBE_API_KEY", YOUTUBE_KEY)
    sample_world.reset_log()
    sample_world.reset_quota()
    config, scan_id = prepare(sample_world, tmp_path, BUDGET)
    result = run_crawl(config, scan_id=scan_id, sources=list(config.sources), job_dir=tmp_path)
    assert result.ok, result.error
    sent = Counter(
        (r.method, r.host, r.path) for r in sample_world.requests if r.bare_path != "/robots.txt"
    )
    assert len(sent) > 1000
    assert [key for key, n in sent.items() if n > 1] == []
    lookups = Counter(
        r.path for r in sample_world.requests if r.bare_path == "/api/v1/accounts/lookup"
    )
    assert lookups and max(lookups.values()) == 1  # each Mastodon handle once


def test_selfcheck_keeps_its_known_account_gone_where_the_scan_asks_by_handle(config, make_spider):
    """The selfcheck's lookup of its known account is the scan's only one (the other sources
    take it as answered): a known TikTok account whose page says it does not exist is stored
    as a sighting carrying that state, as ``profiles`` would store it (a registered account
    deleted since is the audit's ``gone``). A Bluesky handle not found is not stored: the
    account may have been renamed, and ``profiles`` re-observes it by its DID."""
    from crawler.discovery.selfcheck import KnownAccount
    from spiders.selfcheck import SelfcheckSpider

    spider = make_spider(SelfcheckSpider, config, scan_id=1)
    tiktok = KnownAccount(
        "tiktok", "https://www.tiktok.com/@gchs.wolves", "gchs.wolves", "registry"
    )
    bsky = KnownAccount(
        "bluesky", "https://bsky.app/profile/old.bsky.social", "old.bsky.social", "registry"
    )
    spider._known = {"tiktok": (tiktok, ""), "bluesky": (bsky, "")}

    def known_request(platform):
        pq = PlannedQuery("selfcheck", platform, platform, None, kind="selfcheck")
        requests = list(spider.requests_for(pq, [platform]))
        return next(r for r in requests if r.cb_kwargs["extra"]["role"] == "known")

    (item,) = items(respond(known_request("tiktok"), html_response, "<html></html>", status=404))
    assert (item.url, item.page_state, item.source) == (tiktok.url, "not_found", "selfcheck")
    gone = {"error": "InvalidRequest", "message": "Profile not found"}
    assert items(respond(known_request("bluesky"), json_response, gone, status=400)) == []


def test_web_search_leaves_the_platforms_an_api_source_of_this_crawl_searches(
    config, make_spider, monkeypatch
):
    """YouTube and Bluesky have search APIs of their own: when those sources crawl with it, the
    web search spends its requests on the platforms only it finds, as the dry run plans."""
    monkeypatch.setenv("SCOUT_YOUTUBE_API_KEY", "k-yt")
    alone = make_spider(WebSearchSpider, config)
    with_apis = make_spider(WebSearchSpider, config)
    with_apis.context = replace(
        with_apis.context, sources=frozenset({"web_search", "youtube", "bluesky"})
    )

    def hosts(spider):
        return {h for q in spider.planned() for h in re.findall(r"site:(\S+)", q.query)}

    assert {"youtube.com", "bsky.app"} <= hosts(alone)
    assert not {"youtube.com", "bsky.app"} & hosts(with_apis)
    assert {"instagram.com", "tiktok.com"} <= hosts(with_apis)
    dry = plan(with_apis.profile, config, sources=["web_search", "youtube", "bluesky"])
    assert [q.query for q in with_apis.planned()] == [q.query for q in dry.queries["web_search"]]


@pytest.mark.parametrize("source", [s for s in SOURCES if s in SPIDERS])
def test_each_spider_crawls_its_part_of_the_dry_run_plan(source, config, make_spider, monkeypatch):
    """Every source of a crawl plans with the others that crawl with it, so what it asks is what
    ``scout scan --dry-run`` shows for it (the web search leaves YouTube to the YouTube source,
    the probe leaves the units the YouTube searches need)."""
    monkeypatch.setenv("SCOUT_YOUTUBE_API_KEY", "k-yt")
    spider = make_spider(SPIDERS[source], config)
    spider.context = replace(spider.context, sources=frozenset(config.sources))
    dry = plan(spider.profile, config).queries.get(source, [])
    assert [q.query for q in ScoutSpider.planned(spider)] == [q.query for q in dry]


def test_a_crawls_sources_plan_once_for_the_same_inputs(config, make_spider, monkeypatch):
    """Every source of a crawl plans the same sources for the same district and scan: the plan
    is worked out once per process for the same inputs (a plan blocks the reactor while it is
    made), and again for other inputs."""
    from spiders import base

    monkeypatch.setattr(base, "_PLANS", {})
    made = []
    real = base.plan

    def counting(*args, **kwargs):
        made.append(kwargs.get("platforms"))
        return real(*args, **kwargs)

    monkeypatch.setattr(base, "plan", counting)
    first = make_spider(BlueskySpider, config)
    second = make_spider(BlueskySpider, config)
    assert first.crawl_plan() is second.crawl_plan() is first.crawl_plan()
    assert len(made) == 1
    assert (
        first.crawl_plan().queries
        == plan(first.profile, config, sources=["bluesky"], usage=first.quota_usage()).queries
    )
    other = make_spider(BlueskySpider, config, platforms="bluesky")
    assert other.crawl_plan() is not first.crawl_plan()
    assert made == [None, ["bluesky"]]
