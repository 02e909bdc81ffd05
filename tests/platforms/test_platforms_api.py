"""API response parsers: YouTube Data API v3 (real captures), Bluesky AppView, Mastodon."""

from __future__ import annotations

import json
from pathlib import Path

from crawler.platforms import PageState, bluesky, mastodon, youtube

REAL = Path(__file__).parent.parent / "fixtures" / "real"


def load(name: str) -> dict:
    return json.loads((REAL / name).read_text(encoding="utf-8"))


def test_youtube_search_list_real() -> None:
    records, token = youtube.parse_search_list(load("youtube-api-search-channels.json"))
    assert token == "CAUQAA"
    assert len(records) == 5
    queen = records[3]
    assert queen.handle is None
    assert queen.platform_id == "UCiMhD4jzUqG-IgPzUmmytRQ"
    assert queen.url == "https://www.youtube.com/channel/UCiMhD4jzUqG-IgPzUmmytRQ"
    assert queen.display_name == "Queen Official"
    assert queen.bio.startswith("Welcome to the official Queen channel.")
    assert queen.followers is None and queen.state is PageState.OK
    assert all(r.platform == "youtube" for r in records)


def test_youtube_search_list_last_page_and_non_channels() -> None:
    data = {"items": [{"id": {"kind": "youtube#video", "videoId": "x"}, "snippet": {}}]}
    assert youtube.parse_search_list(data) == ([], None)


def test_youtube_channels_list_real() -> None:
    [record] = youtube.parse_channels_list(load("youtube-api-channels-list.json"))
    assert record.handle == "googledevelopers"
    assert record.url == "https://www.youtube.com/@googledevelopers"
    assert record.platform_id == "UC_x5XG1OV2P6uZZ5FSM9Ttw"
    assert record.display_name == "Google Developers"
    assert record.bio.startswith("The Google Developers channel features talks")
    assert record.links == []
    assert record.followers is None  # this capture has no statistics part
    assert record.extra["country"] == "US"


def test_youtube_channels_list_statistics_and_hidden_count() -> None:
    item = {
        "id": "UC_x5XG1OV2P6uZZ5FSM9Ttw",
        "snippet": {
            "title": "Google for Developers",
            "customUrl": "@GoogleDevelopers",
            "country": "US",
        },
        "statistics": {
            "viewCount": "310252146",
            "subscriberCount": "2400000",
            "hiddenSubscriberCount": False,
            "videoCount": "6362",
        },
    }
    [record] = youtube.parse_channels_list({"items": [item]})
    assert (record.handle, record.followers, record.extra["videos"]) == (
        "googledevelopers",
        2400000,
        6362,
    )
    item["statistics"]["hiddenSubscriberCount"] = True
    assert youtube.parse_channels_list({"items": [item]})[0].followers is None


def test_youtube_channels_list_no_match() -> None:
    data = {
        "kind": "youtube#channelListResponse",
        "etag": "x",
        "pageInfo": {"totalResults": 0, "resultsPerPage": 5},
    }
    assert youtube.parse_channels_list(data) == []


def test_youtube_api_error_quota() -> None:
    body = {
        "error": {
            "code": 403,
            "message": "The request cannot be completed because you have exceeded your "
            '<a href="/youtube/v3/getting-started#quota">quota</a>.',
            "errors": [{"message": "…", "domain": "youtube.quota", "reason": "quotaExceeded"}],
        }
    }
    assert youtube.api_error(body) == (
        "quotaExceeded",
        "The request cannot be completed because you have exceeded your quota.",
    )
    assert youtube.api_error(load("youtube-api-channels-list.json")) is None


PROFILE = {
    "did": "did:plc:ewvi7nxzyoun6zhxrhs64oiz",
    "handle": "WestFargo.bsky.social",
    "displayName": "West Fargo Schools",
    "description": "News from West Fargo Public Schools",
    "avatar": "https://cdn.example/img/avatar/plain/x/y",
    "followersCount": 1520,
    "followsCount": 30,
    "postsCount": 400,
    "website": "west-fargo.k12.nd.us",
    "associated": {"lists": 0, "feedgens": 0, "starterPacks": 0, "labeler": False},
    "indexedAt": "2025-01-01T00:00:00.000Z",
    "createdAt": "2024-02-01T00:00:00.000Z",
    "labels": [],
    "viewer": {"muted": False, "blockedBy": False},
    "verification": {
        "verifications": [],
        "verifiedStatus": "valid",
        "trustedVerifierStatus": "none",
    },
}


def test_bluesky_get_profile() -> None:
    record = bluesky.parse_get_profile(PROFILE)
    assert record.handle == "westfargo.bsky.social"
    assert record.url == "https://bsky.app/profile/westfargo.bsky.social"
    assert record.platform_id == "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
    assert record.followers == 1520
    assert record.links == ["https://west-fargo.k12.nd.us"]
    assert record.verified is True
    assert record.extra["posts"] == 400


def test_bluesky_invalid_handle_falls_back_to_did() -> None:
    record = bluesky.parse_get_profile(
        {**PROFILE, "handle": "handle.invalid", "verification": None}
    )
    assert record.handle == "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
    assert record.url == "https://bsky.app/profile/did:plc:ewvi7nxzyoun6zhxrhs64oiz"
    assert record.verified is None


def test_bluesky_search_actors() -> None:
    view = {
        k: PROFILE[k] for k in ("did", "handle", "displayName", "description", "avatar", "labels")
    }
    records, cursor = bluesky.parse_search_actors(
        {"actors": [view, {**view, "handle": "alice.test"}], "cursor": "25"}
    )
    assert cursor == "25"
    assert [r.handle for r in records] == ["westfargo.bsky.social", "alice.test"]
    assert records[0].followers is None  # profileView has no counts
    assert bluesky.parse_search_actors({"actors": []}) == ([], None)


def test_bluesky_not_found() -> None:
    assert bluesky.is_not_found(400, {"error": "InvalidRequest", "message": "Profile not found"})
    assert not bluesky.is_not_found(
        400, {"error": "InvalidRequest", "message": "Error: actor must be a valid did"}
    )
    assert not bluesky.is_not_found(200, PROFILE)
    assert not bluesky.is_not_found(429, None)


ACCOUNT = {
    "id": "109440137734600341",
    "username": "WestFargo",
    "acct": "WestFargo",
    "display_name": "West Fargo Schools",
    "locked": False,
    "bot": False,
    "discoverable": True,
    "group": False,
    "created_at": "2022-12-01T00:00:00.000Z",
    "note": '<p>News from <a href="https://www.west-fargo.k12.nd.us/" rel="nofollow noopener" target="_blank">'
    'west-fargo.k12.nd.us</a> &amp; more<br>Go <a href="https://mastodon.social/tags/mustangs" '
    'class="mention hashtag" rel="tag">#<span>mustangs</span></a></p>',
    "url": "https://mastodon.social/@WestFargo",
    "avatar": "…",
    "header": "…",
    "followers_count": 321,
    "following_count": 5,
    "statuses_count": 77,
    "last_status_at": "2025-01-02",
    "noindex": False,
    "emojis": [],
    "fields": [
        {
            "name": "Website",
            "value": '<a href="https://www.west-fargo.k12.nd.us" rel="nofollow noopener me">'
            "west-fargo.k12.nd.us</a>",
            "verified_at": "2024-05-01T00:00:00.000+00:00",
        },
        {
            "name": "Facebook",
            "value": '<a href="https://www.facebook.com/westfargopublicschools">fb</a>',
            "verified_at": None,
        },
        {"name": "bread", "value": "toasty.", "verified_at": None},
    ],
}


def test_mastodon_parse_account() -> None:
    record = mastodon.parse_account(ACCOUNT, "mastodon.social")
    assert record.handle == "westfargo@mastodon.social"
    assert record.url == "https://mastodon.social/@westfargo"
    assert record.platform_id is None
    assert record.display_name == "West Fargo Schools"
    assert record.bio == "News from west-fargo.k12.nd.us & more\nGo #mustangs"
    assert record.links == [
        "https://www.west-fargo.k12.nd.us/",
        "https://www.west-fargo.k12.nd.us",
        "https://www.facebook.com/westfargopublicschools",
    ]
    assert record.extra["verified_links"] == ["https://www.west-fargo.k12.nd.us"]
    assert record.followers == 321 and record.private is False


def test_mastodon_remote_account_seen_from_another_instance() -> None:
    remote = {**ACCOUNT, "acct": "WestFargo@k12.social", "url": "https://k12.social/@WestFargo"}
    record = mastodon.parse_account(remote, "mastodon.social")
    assert (record.handle, record.url) == ("westfargo@k12.social", "https://k12.social/@westfargo")
    no_url = {**ACCOUNT, "acct": "WestFargo@k12.social", "url": None}
    assert (
        mastodon.parse_account(no_url, "https://mastodon.social/").handle == "westfargo@k12.social"
    )


def test_mastodon_recorded_lookup_shape() -> None:
    recorded = {
        "id": "109440137734600341",
        "username": "mastodonpy_test",
        "acct": "mastodonpy_test",
        "display_name": "John Lennon",
        "locked": True,
        "bot": False,
        "discoverable": None,
        "group": False,
        "created_at": "2022-12-01T00:00:00.000Z",
        "note": "<p>I walk funny</p>",
        "url": "http://localhost:3000/@mastodonpy_test",
        "avatar": "…",
        "header": "…",
        "followers_count": 0,
        "following_count": 0,
        "statuses_count": 0,
        "last_status_at": "2022-12-01",
        "noindex": False,
        "emojis": [],
        "fields": [{"name": "bread", "value": "toasty.", "verified_at": None}],
    }
    record = mastodon.parse_account(recorded, "localhost:3000")
    assert record.bio == "I walk funny"
    assert record.private is True and record.links == []


def test_mastodon_search() -> None:
    records = mastodon.parse_search(
        {"accounts": [ACCOUNT], "statuses": [], "hashtags": []}, "mastodon.social"
    )
    assert [r.handle for r in records] == ["westfargo@mastodon.social"]
    assert mastodon.parse_search({"error": "The access token is invalid"}, "mastodon.social") == []
