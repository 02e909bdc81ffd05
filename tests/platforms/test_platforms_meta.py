"""Shared helpers: counts, meta tags, embedded JSON, redirect unwrapping."""

from __future__ import annotations

import pytest

from crawler.platforms import parse_count, unwrap_redirect
from crawler.platforms.meta import count_before, js_assigned_json, json_ld, page_meta, script_json


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2,362", 2362),
        ("3.9M", 3_900_000),
        ("783.4K", 783_400),
        ("1.2B", 1_200_000_000),
        ("5,750 followers", 5750),
        ("42,217,774 likes", 42_217_774),
        ("2400000", 2_400_000),
        ("1,23 M de suscriptores", 1_230_000),
        ("12.5k", 12_500),
        ("1 234 abonnés", 1234),
        ("1.234", 1234),
        ("307M", 307_000_000),
        ("Join 783.4K followers", 783_400),
        ("no subscribers", None),
        ("", None),
    ],
    ids=lambda v: repr(v),
)
def test_parse_count(text: str, expected: int | None) -> None:
    assert parse_count(text) == expected


def test_count_before_label() -> None:
    text = "2,362 Followers, 136 Following, 224 Posts - See Instagram photos"
    assert (
        count_before(text, "Followers"),
        count_before(text, "Following"),
        count_before(text, "Posts"),
    ) == (
        2362,
        136,
        224,
    )
    assert count_before("IlloJuan | 3.9M Likes. 783.4K Followers.", "Followers") == 783_400
    assert count_before("nothing here", "Followers") is None


def test_page_meta_unescapes_and_handles_odd_markup() -> None:
    page = """<html><head><TITLE> Pluto (&#064;pluto) &#x2022; Instagram </TITLE>
    <meta
      property="og:title"
      content="Pluto (&#064;pluto) &#x2022; Instagram"
    />
    <meta content='It&#39;s "quoted" > here' name="description">
    <meta property="og:title" content="second one ignored">
    <meta name=robots content=noarchive>
    <link href="https://www.instagram.com/pluto/" rel="canonical"></head></html>"""
    meta = page_meta(page)
    assert meta.title == "Pluto (@pluto) • Instagram"
    assert meta.get("og:title") == "Pluto (@pluto) • Instagram"
    assert meta.get("description") == 'It\'s "quoted" > here'
    assert meta.get("robots") == "noarchive"
    assert meta.canonical == "https://www.instagram.com/pluto/"
    assert meta.get("og:missing", "og:title") == "Pluto (@pluto) • Instagram"


def test_embedded_json_helpers() -> None:
    page = (
        '<script id="data" type="application/json">{"a": [1, 2]}</script>'
        '<script id="bad">{nope</script>'
        '<script>var ytInitialData = {"x": "};</script>"};var other = 1;</script>'
        '<script type="application/ld+json">{"@graph": [{"@type": "Organization", "name": "A"}]}</script>'
        '<script type="application/ld+json">[{"@type": "Thing"}]</script>'
    )
    assert script_json(page, "data") == {"a": [1, 2]}
    assert script_json(page, "bad") is None
    assert script_json(page, "missing") is None
    assert js_assigned_json(page, "ytInitialData") == {"x": "};</script>"}
    assert js_assigned_json(page, "absent") is None
    assert [o["@type"] for o in json_ld(page)] == ["Organization", "Thing"]


@pytest.mark.parametrize(
    ("wrapped", "target"),
    [
        (
            "https://l.facebook.com/l.php?u=https%3A%2F%2Fwww.instagram.com%2Ffoo%2F&h=AT1",
            "https://www.instagram.com/foo/",
        ),
        ("https://lm.facebook.com/l.php?u=https%3A%2F%2Fx.com%2Ffoo", "https://x.com/foo"),
        ("https://www.google.com/url?q=https://x.com/foo&sa=D", "https://x.com/foo"),
        ("https://google.co.uk/url?url=https%3A%2F%2Fx.com%2Ffoo", "https://x.com/foo"),
        (
            "https://www.youtube.com/redirect?event=video_description&q=https%3A%2F%2Fx.com%2Ffoo",
            "https://x.com/foo",
        ),
        ("https://duckduckgo.com/l/?uddg=https%3A%2F%2Fx.com%2Ffoo&rut=1", "https://x.com/foo"),
        ("//duckduckgo.com/l/?uddg=https%3A%2F%2Fx.com%2Ffoo", "https://x.com/foo"),
        (
            "https://www.google.com/url?q=https%3A%2F%2Fwww.google.com%2Furl%3Fq%3Dhttps%253A%252F%252Fx.com%252Ffoo",
            "https://x.com/foo",
        ),
        ("https://x.com/foo", "https://x.com/foo"),
        ("https://www.google.com/search?q=x.com", "https://www.google.com/search?q=x.com"),
        ("https://l.facebook.com/l.php", "https://l.facebook.com/l.php"),
        ("not a url", "not a url"),
    ],
)
def test_unwrap_redirect(wrapped: str, target: str) -> None:
    assert unwrap_redirect(wrapped) == target


def test_unwrap_redirect_is_bounded() -> None:
    url = "https://x.com/foo"
    for _ in range(20):
        from urllib.parse import quote

        url = "https://www.google.com/url?q=" + quote(url, safe="")
    assert unwrap_redirect(url).startswith(
        "https://www.google.com/url?q="
    )  # stopped, did not loop forever
