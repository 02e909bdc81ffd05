"""SearXNG and Brave: response shapes, pagination and query syntax."""

from __future__ import annotations

import json
from urllib.parse import quote, urlsplit

import pytest

from crawler.platforms import classify
from crawler.sampleworld import SampleWorld
from crawler.sampleworld.textsearch import loose_score, parse_web_query, tokens

from .conftest import fetch

SEARX = "https://search.west-fargo.k12.nd.us/search"
BRAVE = "https://api.search.brave.com/res/v1/web/search"
SEARX_KEYS = {
    "query",
    "results",
    "answers",
    "corrections",
    "infoboxes",
    "suggestions",
    "unresponsive_engines",
}
SEARX_RESULT_KEYS = {
    "url",
    "title",
    "content",
    "engine",
    "engines",
    "template",
    "parsed_url",
    "img_src",
    "thumbnail",
    "priority",
    "positions",
    "score",
    "category",
    "publishedDate",
}
BRAVE_RESULT_KEYS = {
    "type",
    "subtype",
    "title",
    "url",
    "description",
    "is_source_local",
    "is_source_both",
    "language",
    "family_friendly",
    "profile",
    "meta_url",
    "age",
    "page_age",
}


def searx(get, q: str, **params: str):
    extra = "".join(f"&{k}={v}" for k, v in params.items())
    return get(f"{SEARX}?q={quote(q)}&format=json{extra}")


@pytest.mark.parametrize(
    ("q", "expect"),
    [
        ('site:instagram.com "Sheyenne Mustangs"', True),
        ('"sheyenne mustang"', True),
        ("Sheyenne -Mustangs", False),
        ('"Mustangs Sheyenne"', False),
    ],
)
def test_query_syntax(q, expect):
    doc = (
        "https://www.instagram.com/sheyennehoops/",
        "Sheyenne Mustangs Basketball (@sheyennehoops)",
        "West Fargo",
    )
    assert bool(parse_web_query(q).matches(*doc)) is expect


def test_tokens_and_loose_score():
    assert tokens("Sheyenne_Mustangs Élan") == ["sheyenne", "mustang", "elan"]
    assert loose_score("Liberty Middle School", "Liberty Middle School Orlando") == 3
    assert loose_score("Liberty Middle School", "Liberty Bell") == 0
    assert loose_score("Liberty Middle School | Osgood", "Osgood Elementary") == 1
    assert loose_score("Liberty -Orlando", "Liberty Middle School Orlando") == 0


def test_searxng_json_shape_and_site_filter(get):
    r = searx(get, 'site:instagram.com "Sheyenne Mustangs"')
    assert r.status == 200 and r.headers["Content-Type"].startswith("application/json")
    body = r.json()
    assert set(body) == SEARX_KEYS and body["query"] == 'site:instagram.com "Sheyenne Mustangs"'
    assert body["results"]
    for result in body["results"]:
        assert set(result) == SEARX_RESULT_KEYS
        assert urlsplit(result["url"]).hostname.endswith("instagram.com")
        assert len(result["parsed_url"]) == 6 and result["engine"] in result["engines"]
    verdicts = [classify(r["url"]) for r in body["results"]]
    assert any(v.is_account for v in verdicts) and any(
        not v.is_account for v in verdicts
    )  # posts, hashtags too
    handles = {v.account.handle for v in verdicts if v.account}
    assert {
        "sheyenne_mustangs",
        "sheyenne_mustangs_",
        "sheyenne.mustangs",
        "sheyennehoops",
    } <= handles


def test_searxng_paginates_and_post_works(get):
    q = 'site:facebook.com "West Fargo"'
    pages, pageno = [], 1
    while True:
        results = searx(get, q, pageno=str(pageno)).json()["results"]
        if not results:
            break
        pages.append(results)
        pageno += 1
    assert len(pages) >= 2 and all(len(p) == 10 for p in pages[:-1])
    urls = [r["url"] for p in pages for r in p]
    assert len(urls) == len(set(urls))
    posted = get(
        SEARX,
        data=f"q={quote(q)}&format=json&pageno=2".encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert [r["url"] for r in posted.json()["results"]] == [r["url"] for r in pages[1]]


def test_searxng_other_formats(get):
    html = get(f"{SEARX}?q=Sheyenne&format=html")
    assert html.status == 200 and "<article" in html.text
    assert get(f"{SEARX}?q=Sheyenne&format=csv").status == 403
    assert get(f"{SEARX}?format=json").status == 400


def test_brave_shape_and_pagination(get):
    q = quote('site:instagram.com "West Fargo"')
    first = get(
        f"{BRAVE}?q={q}&count=5",
        headers={"X-Subscription-Token": "t", "Accept": "application/json"},
    )
    assert first.status == 200 and first.headers["X-RateLimit-Limit"] == "1, 15000"
    body = first.json()
    assert body["type"] == "search" and body["query"]["more_results_available"] is True
    assert body["mixed"]["type"] == "mixed" and body["web"]["type"] == "search"
    for result in body["web"]["results"]:
        assert BRAVE_RESULT_KEYS <= set(result)
        assert set(result["meta_url"]) == {"scheme", "netloc", "hostname", "favicon", "path"}
        assert set(result["profile"]) == {"name", "url", "long_name", "img"}
    second = get(f"{BRAVE}?q={q}&count=5&offset=1", headers={"X-Subscription-Token": "t"}).json()
    assert {r["url"] for r in second["web"]["results"]}.isdisjoint(
        r["url"] for r in body["web"]["results"]
    )
    nothing = quote('site:instagram.com "no such phrase anywhere"')
    empty = get(f"{BRAVE}?q={nothing}", headers={"X-Subscription-Token": "t"}).json()
    assert "web" not in empty and empty["query"]["more_results_available"] is False


def test_brave_errors(get):
    missing = get(f"{BRAVE}?q=x")
    assert missing.status == 422
    error = missing.json()["error"]
    assert error["code"] == "VALIDATION" and error["meta"]["errors"][0]["loc"] == [
        "header",
        "x-subscription-token",
    ]
    assert get(f"{BRAVE}?q=x&count=21", headers={"X-Subscription-Token": "t"}).status == 422
    assert get(f"{BRAVE}?q=x&offset=10", headers={"X-Subscription-Token": "t"}).status == 422
    with SampleWorld(brave_key="right") as world:
        wrong = fetch(world, f"{BRAVE}?q=x", headers={"X-Subscription-Token": "wrong"})
        assert wrong.status == 422 and wrong.json()["error"]["code"] == "SUBSCRIPTION_TOKEN_INVALID"
        assert fetch(world, f"{BRAVE}?q=x", headers={"X-Subscription-Token": "right"}).status == 200


def test_both_backends_agree(get):
    q = 'site:tiktok.com "Horace Hawks"'
    searx_urls = [r["url"] for r in searx(get, q).json()["results"]]
    brave = get(f"{BRAVE}?q={quote(q)}", headers={"X-Subscription-Token": "t"}).json()
    assert searx_urls == [r["url"] for r in brave["web"]["results"]][: len(searx_urls)]
    assert json.dumps(searx_urls)  # deterministic, serialisable
