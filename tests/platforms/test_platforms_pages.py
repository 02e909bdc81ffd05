"""Page parsers on the real captures (unchanged) and on small pages built from the platforms'
documented formats (``tests/fixtures/real/SOURCES.md`` names the captures).

Bluesky and Mastodon web pages have no documented markup: their fixtures use only generic
``og:*`` tags, and the API parsers are the preferred source for both.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crawler.platforms import PLATFORMS, PageState, parse_profile_page

HERE = Path(__file__).parent
REAL = HERE.parent / "fixtures" / "real"
MADE = HERE / "fixtures"


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_real_fixtures_are_verbatim_copies() -> None:
    shared = Path("/work/shared/fixtures/real")
    if not shared.is_dir():
        pytest.skip("shared fixtures not mounted")
    for original in shared.iterdir():
        assert (REAL / original.name).read_bytes() == original.read_bytes(), original.name


def test_real_instagram_profile() -> None:
    record = parse_profile_page(
        "instagram",
        read(REAL / "instagram-profile.html"),
        "https://www.instagram.com/pluto__travel/",
    )
    assert record.state is PageState.OK
    assert record.handle == "pluto__travel"
    assert record.url == "https://www.instagram.com/pluto__travel/"
    assert record.display_name == "Pluto"
    assert record.followers == 2362
    assert record.extra == {"following": 136, "posts": 224}
    assert record.bio == (
        "Home of travel — Plan a trip and find the best things to do in one simple, fun and beautiful app."
    )


def test_real_instagram_post_is_not_an_account() -> None:
    record = parse_profile_page(
        "instagram",
        read(REAL / "instagram-post-not-an-account.html"),
        "https://www.instagram.com/p/CPeC-Eenc8l/",
    )
    assert record.state is PageState.UNKNOWN
    assert record.handle is None and record.followers is None
    assert record.extra["not_account"] == "post"


def test_real_tiktok_profile() -> None:
    record = parse_profile_page(
        "tiktok", read(REAL / "tiktok-profile.html"), "https://www.tiktok.com/@illojuan"
    )
    assert record.state is PageState.OK
    assert (record.handle, record.url) == ("illojuan", "https://www.tiktok.com/@illojuan")
    assert record.platform_id == "6781206617314018309"
    assert record.display_name == "IlloJuan"
    assert record.bio == "Timing, saludos desde Almería"
    assert record.links == ["https://twitch.tv/illojuan"]
    assert record.followers == 783427  # exact statsV2 count; og:description rounds it to 783.4K
    assert record.extra["likes"] == 3922256
    assert record.extra["videos"] == 19
    assert record.verified is True and record.private is False


def test_real_tiktok_meta_fallback_matches_rounded_counts() -> None:
    """Without the JSON script the meta tags alone still give the profile (rounded counts)."""
    page = read(REAL / "tiktok-profile.html").replace("__UNIVERSAL_DATA_FOR_REHYDRATION__", "gone")
    record = parse_profile_page("tiktok", page, "https://www.tiktok.com/@illojuan")
    assert record.state is PageState.OK
    assert record.handle == "illojuan" and record.display_name == "IlloJuan"
    assert record.followers == 783400
    assert record.extra["likes"] == 3900000
    assert record.bio == "Timing, saludos desde Almería."


CASES = [
    # (platform, fixture, url, status, expected state, expected fields)
    (
        "instagram",
        "instagram-not-found.html",
        "https://www.instagram.com/nobody_here/",
        200,
        PageState.NOT_FOUND,
        {},
    ),
    (
        "instagram",
        "instagram-login.html",
        "https://www.instagram.com/accounts/login/",
        200,
        PageState.LOGIN_WALL,
        {},
    ),
    (
        "instagram",
        "instagram-rate-limited.html",
        "https://www.instagram.com/x/",
        200,
        PageState.BLOCKED,
        {},
    ),
    (
        "tiktok",
        "tiktok-not-found.html",
        "https://www.tiktok.com/@nobody",
        200,
        PageState.NOT_FOUND,
        {},
    ),
    (
        "tiktok",
        "tiktok-private.html",
        "https://www.tiktok.com/@shs.band",
        200,
        PageState.PRIVATE,
        {"handle": "shs.band", "private": True, "followers": 312, "platform_id": "7001"},
    ),
    ("tiktok", "tiktok-captcha.html", "https://www.tiktok.com/@x", 200, PageState.BLOCKED, {}),
    (
        "tiktok",
        "tiktok-meta-only.html",
        "https://www.tiktok.com/@sheyennemustangs",
        200,
        PageState.OK,
        {
            "handle": "sheyennemustangs",
            "display_name": "Sheyenne Mustangs",
            "followers": 1204,
            "bio": "Go Mustangs! 🐎",
        },
    ),
    (
        "youtube",
        "youtube-channel-c4.html",
        "https://www.youtube.com/@OneMedia.",
        200,
        PageState.OK,
        {
            "handle": "onemedia.",
            "platform_id": "UCzcRQ3vRNr6fJ1A9rqFn7QA",
            "display_name": "ONE Media",
            "followers": 1230000,
            "url": "https://www.youtube.com/@onemedia.",
            "bio": 'Canal oficial de ONE Media; noticias {y} "más".',
        },
    ),
    (
        "youtube",
        "youtube-channel-pageheader.html",
        "https://www.youtube.com/@westfargoschools",
        200,
        PageState.OK,
        {
            "handle": "westfargoschools",
            "platform_id": "UCabcdefghijklmnopqrstuv",
            "followers": 2400,
            "display_name": "West Fargo Public Schools",
            "url": "https://www.youtube.com/@westfargoschools",
        },
    ),
    (
        "youtube",
        "youtube-consent.html",
        "https://consent.youtube.com/m?continue=x",
        200,
        PageState.LOGIN_WALL,
        {},
    ),
    (
        "facebook",
        "facebook-page.html",
        "https://www.facebook.com/narendramodi",
        200,
        PageState.OK,
        {
            "handle": "narendramodi",
            "platform_id": "177526890164",
            "display_name": "Narendra Modi",
            "followers": 42217774,
            "bio": "Prime Minister of India.",
            "url": "https://www.facebook.com/narendramodi",
        },
    ),
    (
        "facebook",
        "facebook-not-found.html",
        "https://www.facebook.com/nobody.here",
        200,
        PageState.NOT_FOUND,
        {},
    ),
    (
        "facebook",
        "facebook-gated.html",
        "https://www.facebook.com/some.page",
        200,
        PageState.PRIVATE,
        {},
    ),
    (
        "facebook",
        "facebook-throttled.html",
        "https://www.facebook.com/some.page",
        200,
        PageState.BLOCKED,
        {},
    ),
    (
        "facebook",
        "facebook-login.html",
        "https://www.facebook.com/login/?next=x",
        200,
        PageState.LOGIN_WALL,
        {},
    ),
    (
        "x",
        "x-profile.html",
        "https://x.com/wfpackers",
        200,
        PageState.OK,
        {
            "handle": "wfpackers",
            "display_name": "West Fargo Packers",
            "url": "https://x.com/wfpackers",
        },
    ),
    ("x", "x-suspended.html", "https://x.com/gone", 200, PageState.NOT_FOUND, {}),
    ("x", "x-shell.html", "https://x.com/wfpackers", 200, PageState.UNKNOWN, {}),
    (
        "x",
        "x-tweet.html",
        "https://x.com/UaSmart/status/1",
        200,
        PageState.UNKNOWN,
        {"handle": None},
    ),
    (
        "threads",
        "threads-profile.html",
        "https://www.threads.com/@zuck",
        200,
        PageState.OK,
        {
            "handle": "zuck",
            "display_name": "Mark Zuckerberg",
            "followers": 5500000,
            "bio": "Mostly superintelligence and MMA takes",
        },
    ),
    (
        "threads",
        "threads-login.html",
        "https://www.threads.com/@zuck",
        200,
        PageState.LOGIN_WALL,
        {},
    ),
    (
        "linkedin",
        "linkedin-company.html",
        "https://www.linkedin.com/company/audiense/",
        200,
        PageState.OK,
        {
            "handle": "audiense",
            "url": "https://www.linkedin.com/company/audiense/",
            "display_name": "Audiense",
            "followers": 5750,
            "bio": "Audiense helps brands understand audiences.",
            "location": "Calle Orense 34, Madrid, Madrid, 28020, ES",
            "links": ["https://www.audiense.com"],
        },
    ),
    (
        "linkedin",
        "linkedin-authwall.html",
        "https://www.linkedin.com/company/audiense/",
        200,
        PageState.LOGIN_WALL,
        {},
    ),
    (
        "linkedin",
        "linkedin-company.html",
        "https://www.linkedin.com/company/audiense/",
        999,
        PageState.BLOCKED,
        {},
    ),
    (
        "bluesky",
        "bluesky-profile.html",
        "https://bsky.app/profile/westfargo.bsky.social",
        200,
        PageState.OK,
        {
            "handle": "westfargo.bsky.social",
            "display_name": "West Fargo Schools",
            "bio": "News from West Fargo Public Schools.",
        },
    ),
    (
        "mastodon",
        "mastodon-profile.html",
        "https://mastodon.social/@westfargo",
        200,
        PageState.OK,
        {"handle": "westfargo@mastodon.social", "url": "https://mastodon.social/@westfargo"},
    ),
]


@pytest.mark.parametrize(
    ("name", "fixture", "url", "status", "state", "fields"),
    CASES,
    ids=[f"{c[0]}-{c[1].removesuffix('.html')}-{c[3]}" for c in CASES],
)
def test_page_states_and_fields(name, fixture, url, status, state, fields) -> None:
    record = parse_profile_page(name, read(MADE / fixture), url, status)
    assert record.platform == name
    assert record.state is state
    for key, value in fields.items():
        assert getattr(record, key) == value, key


@pytest.mark.parametrize("name", sorted(PLATFORMS))
@pytest.mark.parametrize(
    ("status", "state"),
    [(404, PageState.NOT_FOUND), (410, PageState.NOT_FOUND), (429, PageState.BLOCKED)],
)
def test_http_status_decides_first(name: str, status: int, state: PageState) -> None:
    # Even a page that looks like a profile: the status wins.
    page = read(MADE / "x-profile.html")
    assert parse_profile_page(name, page, "https://example.org/", status).state is state


@pytest.mark.parametrize("name", sorted(PLATFORMS))
def test_blank_or_unrelated_page_is_unknown_never_not_found(name: str) -> None:
    for page in (
        "",
        "<html><head><title>Just a moment...</title></head><body>captcha</body></html>",
    ):
        assert parse_profile_page(name, page, "https://example.org/").state is PageState.UNKNOWN


def test_unknown_platform_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown platform"):
        parse_profile_page("myspace", "", "https://myspace.com/x")


def test_large_page_is_parsed_quickly() -> None:
    import time

    page = read(REAL / "instagram-profile.html")
    big = page.replace("</body>", "<div>" + "x" * 2_000_000 + "</div></body>")
    start = time.perf_counter()
    record = parse_profile_page("instagram", big, "https://www.instagram.com/pluto__travel/")
    assert record.followers == 2362
    assert time.perf_counter() - start < 2


def test_marker_looks_where_it_is_told() -> None:
    from crawler.platforms.page import Marker

    both = Marker(PageState.LOGIN_WALL, ("/authwall",), where="both")
    assert both.found("", "https://www.linkedin.com/authwall?x")
    assert both.found("<a href='/authwall'>", "https://example.org/")
    url_only = Marker(PageState.LOGIN_WALL, ("consent",), where="url")
    assert not url_only.found("consent", "https://example.org/")
    pattern = Marker(PageState.LOGIN_WALL, pattern=re.compile(r"route\d"))
    assert pattern.found("a route7 b", "") and not pattern.found("route", "")
