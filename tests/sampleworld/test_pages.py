"""Profile pages: real shapes, parsed by crawler.platforms.parse_profile_page to the manifest's data."""

from __future__ import annotations

import pytest

from crawler.platforms import PageState, parse_profile_page
from crawler.sampleworld import SampleWorld


def _profile_url(world: SampleWorld, key: str) -> str:
    hidden = next(h for h in world.manifest if h.key == key)
    account = world.data.by_key[key]
    if account.platform == "mastodon" and account.mastodon_domain != "mastodon.social":
        return f"https://mastodon.social/@{account.handle}"  # remote account shown by the configured instance
    return hidden.url


def test_every_profile_page_parses_to_the_manifest(sample_world: SampleWorld, get):
    for hidden in sample_world.manifest:
        url = _profile_url(sample_world, hidden.key)
        page = get(url)
        record = parse_profile_page(hidden.platform, page.text, url, page.status)
        if not hidden.live:  # deleted: the page never shows it (bsky.app's shell: the API says so)
            gone = (PageState.NOT_FOUND, PageState.SUSPENDED)
            assert (
                record.state in (*gone, PageState.UNKNOWN) if hidden.platform == "bluesky" else gone
            ), hidden.key
            continue
        assert record.state == PageState.OK, hidden.key
        assert (record.handle, record.display_name) == (hidden.handle, hidden.display_name), (
            hidden.key
        )
        if record.followers is not None:  # pages round big counts (52K, 3.21K subscribers)
            assert abs(record.followers - hidden.followers) <= 0.05 * hidden.followers, hidden.key
        if hidden.platform in ("youtube", "facebook", "tiktok", "bluesky"):
            assert record.platform_id == hidden.platform_id, hidden.key


def test_instagram_page_keeps_the_real_entities(get):
    html = get("https://www.instagram.com/sheyennehoops/").text
    assert (
        '<meta property="og:title" content="Sheyenne Mustangs Basketball (&#064;sheyennehoops) '
        '&#x2022; Instagram photos and videos" />'
    ) in html
    assert (
        "2,362 Followers, 136 Following, 224 Posts - See Instagram photos and videos from" in html
    )


def test_youtube_pages_use_both_header_layouts(sample_world: SampleWorld, get):
    layouts = set()
    for account in (a for a in sample_world.data.on("youtube") if a.live):
        html = get(f"https://www.youtube.com/channel/{account.platform_id}").text
        layouts.add("c4TabbedHeaderRenderer" in html)
        assert "var ytInitialData = {" in html
    assert layouts == {True, False}


def test_facebook_page_exposes_the_page_id(get):
    html = get("https://www.facebook.com/OsgoodElementary").text
    assert (
        '<meta property="al:android:url" content="fb://page/100064555300222?referrer=app_link" />'
        in html
    )
    by_id = get("https://www.facebook.com/profile.php?id=100064123456789")
    record = parse_profile_page(
        "facebook", by_id.text, "https://www.facebook.com/profile.php?id=100064123456789"
    )
    assert (record.handle, record.display_name) == ("100064123456789", "Liberty Middle School")


def test_linkedin_og_url_on_a_country_subdomain(get):
    html = get("https://www.linkedin.com/school/west-fargo-sheyenne-high-school/").text
    assert 'content="https://ca.linkedin.com/school/west-fargo-sheyenne-high-school"' in html
    assert get("https://www.linkedin.com/company/west-fargo-sheyenne-high-school/").status == 301


@pytest.mark.parametrize(
    ("url", "platform", "status", "marker"),
    [
        (
            "https://www.instagram.com/no_such_account/",
            "instagram",
            404,
            "Sorry, this page isn&#39;t available.",
        ),
        ("https://www.tiktok.com/@no_such_account", "tiktok", 200, '"statusCode":10221'),
        ("https://www.youtube.com/@no_such_account", "youtube", 404, "This page isn't available"),
        ("https://www.facebook.com/NoSuchPage", "facebook", 404, "<title>Page Not Found</title>"),
        ("https://x.com/no_such_account", "x", 404, '<div id="react-root">'),
        ("https://www.threads.com/@no_such_account", "threads", 404, "Threads • Log in"),
        ("https://www.linkedin.com/company/no-such-company/", "linkedin", 404, "Page not found"),
        ("https://mastodon.social/@no_such_account", "mastodon", 404, "isn't here"),
    ],
)
def test_not_found_pages(get, url, platform, status, marker):
    page = get(url)
    assert page.status == status and marker in page.text
    assert parse_profile_page(platform, page.text, url, page.status).state == PageState.NOT_FOUND


def test_bsky_app_missing_profile_is_the_empty_shell(get):
    """bskyweb renders its profile template without a profile when getProfile fails (HTTP 200);
    the API (getProfile) is where a probe learns "Profile not found"."""
    page = get("https://bsky.app/profile/no-such-account.bsky.social")
    assert page.status == 200 and "profile:username" not in page.text
    assert (
        parse_profile_page("bluesky", page.text, "https://bsky.app/profile/x", 200).handle is None
    )


def test_non_account_pages(get):
    post = get("https://www.instagram.com/p/C8xQ2mPuS7d/")
    assert (
        parse_profile_page(
            "instagram", post.text, "https://www.instagram.com/p/C8xQ2mPuS7d/"
        ).handle
        is None
    )
    assert get("https://www.tiktok.com/@horacehawks/video/7400000000000000001").status == 200
