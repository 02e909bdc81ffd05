"""Page and API variants the parsers once misread, on real captures from other public projects
(unchanged; ``tests/fixtures/real/SOURCES.md`` names each source, commit and licence).

Where no real capture could be found, a test builds a minimal page from the documented real
format and says so in its docstring.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from crawler.platforms import PageState, classify, mastodon, parse_profile_page

REAL = Path(__file__).parent.parent / "fixtures" / "real"


def read(name: str) -> str:
    return (REAL / name).read_text(encoding="utf-8")


def cassette_bodies(name: str) -> list[Any]:
    """The JSON bodies of a recorded (VCR) cassette's responses, in order."""
    recorded = yaml.safe_load(read(name))
    interactions = recorded.get("http_interactions") or recorded.get("interactions") or []
    bodies = []
    for interaction in interactions:
        text = interaction["response"]["body"].get("string") or ""
        try:
            bodies.append(json.loads(text))
        except ValueError:
            continue
    return bodies


# --- X as served to link-preview crawlers ---------------------------------------------------


def test_real_x_profile_served_to_link_preview_crawlers() -> None:
    """``og:title`` ``Name (@handle) on X`` with ``og:type`` profile and the account's own
    ``og:url``: a profile, not a post."""
    record = parse_profile_page(
        "x", read("x-profile-link-preview.html"), "https://twitter.com/Kikobeats"
    )
    assert record.state is PageState.OK
    assert (record.handle, record.url) == ("kikobeats", "https://x.com/kikobeats")
    assert record.display_name == "#!/kiko/beats"
    assert record.bio is not None and record.bio.startswith("engineering ▲ @vercel; founder of")


def test_real_x_profile_with_the_older_twitter_title() -> None:
    """Before the rename the profile title ended ``/ Twitter``."""
    record = parse_profile_page(
        "x", read("x-profile-twitter-title.html"), "https://twitter.com/Kikobeats"
    )
    assert record.state is PageState.OK
    assert (record.handle, record.display_name) == ("kikobeats", "#!/kiko/beats")


def test_x_post_served_to_link_preview_crawlers_is_still_a_post() -> None:
    """Built from the documented real format (metascraper's twitter-image capture: a post's
    ``og:title`` ``SmartUA (@UaSmart) on X`` with the post's own ``og:url``)."""
    page = (
        '<meta content="https://twitter.com/UaSmart/status/934106870834454529" property="og:url">'
        '<meta content="SmartUA (@UaSmart) on X" property="og:title">'
    )
    record = parse_profile_page("x", page, "https://twitter.com/UaSmart/status/934106870834454529")
    assert record.state is PageState.UNKNOWN
    assert record.handle is None and record.extra["not_account"] == "post"


# --- LinkedIn country sub-domains -------------------------------------------------------------


def test_real_linkedin_country_subdomain_is_the_page_not_an_outside_link() -> None:
    record = parse_profile_page(
        "linkedin",
        read("linkedin-company-country-subdomain.html"),
        "https://uk.linkedin.com/company/audiense",
    )
    assert record.state is PageState.OK
    assert (record.handle, record.url) == ("audiense", "https://www.linkedin.com/company/audiense/")
    assert record.display_name == "Audiense" and record.followers == 5750
    assert record.location == "Kemp House, London, London, EC1V2NX, GB"
    # JSON-LD url is https://uk.linkedin.com/company/audiense: the page itself; sameAs is the site.
    assert record.links == ["http://www.audiense.com"]
    assert (
        classify("https://uk.linkedin.com/company/audiense").account
        == classify("https://www.linkedin.com/company/audiense/").account
    )


# --- Mastodon API: suspended and remote accounts ----------------------------------------------


def test_real_mastodon_suspended_account_is_suspended() -> None:
    """Mastodon.py's recorded admin moderation: after the suspension the account entity says
    ``"suspended": true``."""
    accounts = [
        body["account"]
        for body in cassette_bodies("mastodon-api-admin-suspended-account.yaml")
        if isinstance(body, dict) and isinstance(body.get("account"), dict)
    ]
    suspended = [a for a in accounts if a.get("suspended") is True]
    assert len(suspended) == 1
    record = mastodon.parse_account(suspended[0], "localhost:3000")
    assert record.state is PageState.SUSPENDED
    # A test instance on localhost: no public host name, so no handle; its own URL is kept.
    assert record.handle is None
    assert record.url == "http://localhost:3000/@mastodonpy_test_2"
    assert record.extra["id"] == "117020566092212359"
    live = [a for a in accounts if a.get("suspended") is not True]
    assert live and all(
        mastodon.parse_account(a, "localhost:3000").state is PageState.OK for a in live
    )


def test_real_mastodon_remote_account_keeps_its_own_url_and_home() -> None:
    """rtoot's recorded ``/api/v1/blocks`` on fosstodon.org: a remote (bridged) account whose
    ``url`` is ``/users/<id>`` on its home, not ``/@<username>``."""
    (account,) = cassette_bodies("mastodon-api-remote-account-bridge.yml")[0]
    record = mastodon.parse_account(account, "fosstodon.org")
    assert record.state is PageState.OK
    assert record.handle == "elonmusk@x-activitypub-bridge.deno.dev"
    assert record.url == "https://x-activitypub-bridge.deno.dev/users/44196397"
    assert record.display_name == "Elon Musk" and record.followers == 199083157
    assert record.extra["acct"] == "elonmusk@x-activitypub-bridge.deno.dev"


# --- YouTube: a channel without a description ---------------------------------------------

YOUTUBE_GENERIC = (
    "Enjoy the videos and music you love, upload original content, and share it all with "
    "friends, family, and the world on YouTube."
)


def test_youtube_channel_without_description_has_no_bio() -> None:
    """Built from the documented real format (no real capture of a channel without a
    description was found): ``ytInitialData`` ``metadata.channelMetadataRenderer`` with an
    empty ``description`` (yt-dlp ``_tab.py``; metascraper's youtube-channel capture), and the
    description meta tags carrying YouTube's own site description instead."""
    data = {
        "metadata": {
            "channelMetadataRenderer": {
                "title": "Horace Hawks",
                "description": "",
                "externalId": "UCzcRQ3vRNr6fJ1A9rqFn7QA",
                "channelUrl": "https://www.youtube.com/channel/UCzcRQ3vRNr6fJ1A9rqFn7QA",
                "vanityChannelUrl": "http://www.youtube.com/@HoraceHawks",
            }
        }
    }
    page = (
        f'<meta name="description" content="{YOUTUBE_GENERIC}">'
        f'<meta property="og:description" content="{YOUTUBE_GENERIC}">'
        '<meta property="og:title" content="Horace Hawks">'
        f"<script>var ytInitialData = {json.dumps(data)};</script>"
    )
    record = parse_profile_page("youtube", page, "https://www.youtube.com/@horacehawks")
    assert record.state is PageState.OK
    assert (record.handle, record.platform_id) == ("horacehawks", "UCzcRQ3vRNr6fJ1A9rqFn7QA")
    assert record.display_name == "Horace Hawks"
    assert record.bio is None


def test_youtube_meta_only_page_with_the_site_description_has_no_bio() -> None:
    """Built from the documented real format: a channel page read by its meta tags alone
    (``og:url`` the channel, ``og:title`` its name) whose description is YouTube's own text."""
    page = (
        '<meta property="og:url" content="https://www.youtube.com/channel/UCzcRQ3vRNr6fJ1A9rqFn7QA">'
        '<meta property="og:title" content="Horace Hawks">'
        f'<meta property="og:description" content="{YOUTUBE_GENERIC}">'
    )
    record = parse_profile_page(
        "youtube", page, "https://www.youtube.com/channel/UCzcRQ3vRNr6fJ1A9rqFn7QA"
    )
    assert record.state is PageState.OK
    assert record.platform_id == "UCzcRQ3vRNr6fJ1A9rqFn7QA"
    assert record.bio is None


# --- Instagram: a page with only a <title> ----------------------------------------------------


def test_instagram_page_with_only_a_title_names_the_account() -> None:
    """Built from the documented real format (no real capture of a title-only page was found):
    the profile title of metascraper's real Instagram capture, ``Pluto (&#064;pluto__travel)
    • Instagram photos and videos``, with no og tags and no counts."""
    page = "<html><head><title>Pluto (&#064;pluto__travel) • Instagram photos and videos</title>"
    record = parse_profile_page("instagram", page, "https://www.instagram.com/pluto__travel/")
    assert record.state is PageState.OK
    assert (record.handle, record.url) == (
        "pluto__travel",
        "https://www.instagram.com/pluto__travel/",
    )
    assert record.display_name == "Pluto"
    assert record.followers is None and record.bio is None  # nothing invented


def test_instagram_title_of_a_post_is_not_a_profile() -> None:
    """A post's title form (``Tesla on Instagram: “…”``, metascraper's real post capture) names
    no account."""
    page = "<title>Tesla on Instagram: “The first Model 3 production car”</title>"
    record = parse_profile_page("instagram", page, "https://www.instagram.com/teslamotors/")
    assert record.state is PageState.UNKNOWN and record.handle is None


# --- TikTok: older pages with SIGI_STATE ------------------------------------------------------

SIGI_STATE = {
    "UserModule": {
        "users": {
            "horacehawks": {
                "id": "6781206617314018309",
                "uniqueId": "horacehawks",
                "nickname": "Horace Hawks",
                "signature": "Horace High School athletics",
                "verified": False,
                "secUid": "MS4wLjABAAAA",
                "privateAccount": False,
            }
        },
        "stats": {
            "horacehawks": {
                "followerCount": 1234,
                "followingCount": 5,
                "heart": 9876,
                "heartCount": 9876,
                "videoCount": 42,
            }
        },
    },
    "UserPage": {"uniqueId": "horacehawks"},
}


def test_tiktok_older_page_with_sigi_state() -> None:
    """Built from the documented real format (no real capture of a SIGI_STATE page was found):
    ``<script id="SIGI_STATE" type="application/json">`` with ``UserModule.users[<uniqueId>]``
    and ``UserModule.stats[<uniqueId>]`` (as yt-dlp's TikTok extractor and other scrapers read
    it), plus the meta tags of the time."""
    page = (
        "<title>Horace Hawks (@horacehawks) | TikTok</title>"
        '<meta property="og:title" content="Horace Hawks (@horacehawks) | TikTok">'
        f'<script id="SIGI_STATE" type="application/json">{json.dumps(SIGI_STATE)}</script>'
    )
    record = parse_profile_page("tiktok", page, "https://www.tiktok.com/@horacehawks")
    assert record.state is PageState.OK
    assert (record.handle, record.platform_id) == ("horacehawks", "6781206617314018309")
    assert record.display_name == "Horace Hawks"
    assert record.bio == "Horace High School athletics"
    assert record.followers == 1234 and record.extra["videos"] == 42
    assert record.private is False


def test_tiktok_sigi_state_assigned_in_a_script() -> None:
    """The other documented form: ``window['SIGI_STATE'] = {...};``."""
    page = f"<script>window['SIGI_STATE'] = {json.dumps(SIGI_STATE)};</script>"
    record = parse_profile_page("tiktok", page, "https://www.tiktok.com/@horacehawks")
    assert (record.state, record.handle, record.followers) == (PageState.OK, "horacehawks", 1234)


# --- Facebook: an older page with a /pages/<Name>/<id> canonical ------------------------------


def test_facebook_older_page_with_pages_canonical_and_no_og_tags() -> None:
    """Built from the documented real format (no real capture was found): the old page URL form
    ``/pages/<Name>/<id>`` (gallery-dl) as the canonical link, no og tags, and a ``<title>`` in
    Facebook's ``Name | Facebook`` form (as recorded in oscarotero/Embed's tests)."""
    page = (
        "<html><head><title>Horace High School Athletics | Facebook</title>"
        '<link rel="canonical" '
        'href="https://www.facebook.com/pages/Horace-High-School-Athletics/123456789012345">'
    )
    record = parse_profile_page(
        "facebook",
        page,
        "https://www.facebook.com/pages/Horace-High-School-Athletics/123456789012345",
    )
    assert record.state is PageState.OK
    assert (record.handle, record.platform_id) == ("123456789012345", "123456789012345")
    assert record.url == "https://www.facebook.com/profile.php?id=123456789012345"
    assert record.display_name == "Horace High School Athletics"
    assert record.bio is None and record.followers is None


def test_facebook_canonical_only_page_with_a_bare_title_is_not_a_profile() -> None:
    page = (
        "<title>Facebook</title>"
        '<link rel="canonical" href="https://www.facebook.com/pages/X/123456789012345">'
    )
    record = parse_profile_page(
        "facebook", page, "https://www.facebook.com/pages/X/123456789012345"
    )
    assert record.state is not PageState.OK
