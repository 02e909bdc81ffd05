"""YouTube Data API, Bluesky AppView and Mastodon API of the sample world, read with the
project's own parsers (crawler.platforms)."""

from __future__ import annotations

from crawler.platforms import bluesky, mastodon, youtube
from crawler.sampleworld import SampleWorld
from crawler.sampleworld.youtube_api import page_token, read_token

from .conftest import fetch

YT = "https://www.googleapis.com/youtube/v3"
BSKY = "https://public.api.bsky.app/xrpc"


def test_page_tokens_are_youtube_shaped():
    assert page_token(5) == "CAUQAA"
    assert page_token(5, previous=True) == "CAUQAQ"
    assert read_token(page_token(300)) == 300
    assert read_token("not a token!") is None


def test_youtube_search_channels_paginates(get):
    first = get(f"{YT}/search?part=snippet&type=channel&q=Sheyenne%20Mustangs&maxResults=1&key=k")
    assert first.status == 200
    body = first.json()
    assert body["kind"] == "youtube#searchListResponse"
    assert body["pageInfo"]["resultsPerPage"] == 1 and body["pageInfo"]["totalResults"] >= 2
    assert body["items"][0]["id"]["kind"] == "youtube#channel"
    assert "customUrl" not in body["items"][0]["snippet"]  # search snippets never carry it
    records, token = youtube.parse_search_list(body)
    assert token == "CAEQAA" and len(records) == 1
    seen = {records[0].platform_id}
    while token:
        page = get(
            f"{YT}/search?part=snippet&type=channel&q=Sheyenne%20Mustangs&maxResults=1&pageToken={token}&key=k"
        ).json()
        assert "prevPageToken" in page
        more, token = youtube.parse_search_list(page)
        seen |= {r.platform_id for r in more}
    assert len(seen) == body["pageInfo"]["totalResults"]


def test_youtube_channels_by_id_handle_and_username(get, sample_world: SampleWorld):
    wfps = sample_world.data.by_key["wfps-youtube"]
    by_id = get(
        f"{YT}/channels?part=snippet,statistics,brandingSettings&id={wfps.platform_id},UCnothing&key=k"
    ).json()
    [record] = youtube.parse_channels_list(by_id)
    assert record.platform_id == "UCwfps0Sample0Channel001"
    assert record.handle == "westfargoschools" and record.followers == wfps.followers
    assert by_id["items"][0]["statistics"]["subscriberCount"] == str(
        wfps.followers
    )  # counts are strings
    for query in (
        "forHandle=@WestFargoSchools",
        "forHandle=westfargoschools",
        "forUsername=westfargoschools",
    ):
        body = get(f"{YT}/channels?part=snippet&{query}&key=k").json()
        assert [i["id"] for i in body["items"]] == [wfps.platform_id], query
    none = get(f"{YT}/channels?part=snippet&forHandle=@nobody_at_all&key=k").json()
    assert "items" not in none and none["pageInfo"]["totalResults"] == 0


def test_youtube_errors(get):
    no_key = get(f"{YT}/search?part=snippet&q=x")
    assert no_key.status == 403 and youtube.api_error(no_key.json())[0] == "forbidden"
    assert get(f"{YT}/channels?part=snippet&key=k").status == 400  # no filter
    assert get(f"{YT}/channels?part=snippet&id=a&forHandle=b&key=k").status == 400
    assert get(f"{YT}/search?q=x&key=k").status == 400  # part is required
    assert get(f"{YT}/search?part=snippet&q=x&maxResults=51&key=k").status == 400
    assert get(f"{YT}/search?part=snippet&q=x&pageToken=%%%&key=k").status == 400


def test_youtube_quota_exceeded_body_is_the_real_one():
    with SampleWorld(youtube_search_quota=2) as world:
        url = f"{YT}/search?part=snippet&type=channel&q=West%20Fargo&key=k"
        assert [fetch(world, url).status for _ in range(2)] == [200, 200]
        over = fetch(world, url)
        assert over.status == 403
        assert over.json() == {
            "error": {
                "code": 403,
                "message": "The request cannot be completed because you have exceeded your "
                '<a href="/youtube/v3/getting-started#quota">quota</a>.',
                "errors": [
                    {
                        "message": "The request cannot be completed because you have exceeded your "
                        '<a href="/youtube/v3/getting-started#quota">quota</a>.',
                        "domain": "youtube.quota",
                        "reason": "quotaExceeded",
                    }
                ],
            }
        }
        assert youtube.api_error(over.json())[0] == "quotaExceeded"
        # channels.list has its own bucket
        assert fetch(world, f"{YT}/channels?part=snippet&forHandle=packers&key=k").status == 200
        world.reset_quota()
        assert fetch(world, url).status == 200


def test_youtube_pinned_key():
    with SampleWorld(youtube_key="right") as world:
        assert fetch(world, f"{YT}/search?part=snippet&q=x&key=wrong").status == 400
        assert fetch(world, f"{YT}/search?part=snippet&q=x&key=right").status == 200


def test_bluesky_search_actors_cursor(get):
    first = get(f"{BSKY}/app.bsky.actor.searchActors?q=West%20Fargo%20Schools&limit=1")
    assert first.status == 200 and "ratelimit-limit" in {k.lower() for k in first.headers}
    records, cursor = bluesky.parse_search_actors(first.json())
    assert len(records) == 1 and cursor
    assert "followersCount" not in first.json()["actors"][0]  # profileView has no counts
    handles = {records[0].handle}
    while cursor:
        page = get(
            f"{BSKY}/app.bsky.actor.searchActors?q=West%20Fargo%20Schools&limit=1&cursor={cursor}"
        ).json()
        more, cursor = bluesky.parse_search_actors(page)
        handles |= {r.handle for r in more}
    assert {"westfargoschools.bsky.social", "westfargo-schools.bsky.social"} <= handles
    assert get(f"{BSKY}/app.bsky.actor.searchActors?q=x&limit=101").status == 400


def test_bluesky_get_profile(get, sample_world: SampleWorld):
    ok = get(f"{BSKY}/app.bsky.actor.getProfile?actor=westfargoschools.bsky.social")
    record = bluesky.parse_get_profile(ok.json())
    account = sample_world.data.by_key["wfps-bluesky"]
    assert (record.handle, record.platform_id, record.followers) == (
        account.lower,
        account.platform_id,
        account.followers,
    )
    by_did = get(f"{BSKY}/app.bsky.actor.getProfile?actor={account.platform_id}").json()
    assert by_did["handle"] == account.lower
    missing = get(f"{BSKY}/app.bsky.actor.getProfile?actor=nobody.bsky.social")
    assert missing.status == 400
    assert missing.json() == {"error": "InvalidRequest", "message": "Profile not found"}
    assert bluesky.is_not_found(missing.status, missing.json())
    many = get(
        f"{BSKY}/app.bsky.actor.getProfiles?actors=westfargoschools.bsky.social&actors=nobody.bsky.social"
    )
    assert [p["handle"] for p in many.json()["profiles"]] == ["westfargoschools.bsky.social"]


def test_mastodon_search_and_lookup(get):
    found = get("https://mastodon.social/api/v2/search?q=Horace%20Hawks&type=accounts&limit=40")
    assert found.status == 200
    assert {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} <= set(
        found.headers.keys()
    )
    body = found.json()
    assert set(body) == {"accounts", "statuses", "hashtags"}
    records = mastodon.parse_search(body, "mastodon.social")
    assert "horacehawks@mastodon.social" in {r.handle for r in records}
    assert get("https://mastodon.social/api/v2/search?q=x&type=accounts&offset=40").status == 401
    assert get("https://mastodon.social/api/v2/search?q=x&resolve=true").status == 401
    lookup = get("https://mastodon.social/api/v1/accounts/lookup?acct=wfpsnews")
    record = mastodon.parse_account(lookup.json(), "mastodon.social")
    assert record.handle == "wfpsnews@mastodon.social"
    assert record.extra["verified_links"] == ["https://www.west-fargo.k12.nd.us/"]
    remote = get(
        "https://mastodon.social/api/v1/accounts/lookup?acct=sheyenneriver@mstdn.social"
    ).json()
    assert remote["acct"] == "sheyenneriver@mstdn.social"
    assert (
        mastodon.parse_account(remote, "mastodon.social").url
        == "https://mstdn.social/@sheyenneriver"
    )
    missing = get("https://mastodon.social/api/v1/accounts/lookup?acct=nobody")
    assert (missing.status, missing.json()) == (404, {"error": "Record not found"})
