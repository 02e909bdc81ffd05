"""Known accounts re-observed each scan by stable id (DESIGN.md, "The registry under watch",
"Incremental scans"): the batches planned (YouTube ids ≤ 50 a call, Bluesky DIDs ≤ 25), one
call per batch, nothing re-asked that another source of the scan observed directly, and the
batch answers read on real captures (an id left out of the answer is an account that is gone)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from crawler.db.quota import META, UNITS
from crawler.db.readers import KnownAccount
from crawler.discovery.items import AccountSighting
from spiders.profiles import KNOWN, ProfilesSpider, known_batches
from tests.discovery.conftest import REAL, json_response, respond, with_


def _yt(n: int) -> KnownAccount:
    cid = f"UC{n:022d}"
    return KnownAccount(
        "youtube", f"https://www.youtube.com/@chan{n}", f"chan{n}", cid, "registered"
    )


def _bsky(n: int) -> KnownAccount:
    return KnownAccount(
        "bluesky",
        f"https://bsky.app/profile/a{n}.bsky.social",
        f"a{n}.bsky.social",
        f"did:plc:{n:024d}",
        "case",
    )


def _items(out):
    return [x for x in out if isinstance(x, AccountSighting)]


# --------------------------------------------------------------------------- the batches


def test_batches_group_ids_within_each_api_limit_each_id_once():
    mastodon = KnownAccount(
        "mastodon",
        "https://mastodon.social/@wfpsnews",
        "wfpsnews@mastodon.social",
        "1",
        "registered",
    )
    tiktok = KnownAccount(
        "tiktok", "https://www.tiktok.com/@horacehawks", "horacehawks", "70", "registered"
    )
    no_did = KnownAccount(
        "bluesky", "https://bsky.app/profile/x.bsky.social", "x.bsky.social", None, "case"
    )
    accounts = [*map(_yt, range(120)), _yt(3), *map(_bsky, range(30)), mastodon, tiktok, no_did]
    batches, single = known_batches(accounts)
    sizes = [(b.platform, len(b.accounts)) for b in batches]
    assert sizes == [
        ("youtube", 50),
        ("youtube", 50),
        ("youtube", 20),
        ("bluesky", 25),
        ("bluesky", 5),
    ]
    ids = [i for b in batches for i in b.ids]
    assert len(ids) == len(set(ids)) == 150
    assert single == [mastodon, tiktok, no_did]
    # without a YouTube key the channels are looked up one by one (their public page)
    batches, single = known_batches(accounts, youtube_api=False)
    assert [b.platform for b in batches] == ["bluesky", "bluesky"]
    assert len(single) == 120 + 3


def test_one_call_per_batch_in_the_real_formats(config, make_spider, monkeypatch):
    monkeypatch.setenv("SCOUT_YOUTUBE_API_KEY", "k")
    spider = make_spider(ProfilesSpider, config)
    yt = [_yt(n) for n in range(60)]
    bs = [_bsky(n) for n in range(26)]
    spider._known = {k.url: k for k in yt + bs}
    from crawler.discovery.planner import PlannedQuery

    pending = [
        (PlannedQuery("profiles", k.url, k.platform, None, i, KNOWN), [k.url])
        for i, k in enumerate(yt + bs)
    ]
    requests = list(spider.all_requests(pending))
    assert len(requests) == 4  # 50 + 10 channel ids, 25 + 1 DIDs
    channels = [
        parse_qs(urlsplit(r.url).query) for r in requests if "/youtube/v3/channels" in r.url
    ]
    assert [len(q["id"][0].split(",")) for q in channels] == [50, 10]
    assert all(q["part"] == ["snippet,statistics,brandingSettings"] for q in channels)
    profiles = [parse_qs(urlsplit(r.url).query) for r in requests if "getProfiles" in r.url]
    assert [len(q["actors"]) for q in profiles] == [25, 1]
    assert [r.meta.get(META) for r in requests if "/youtube/" in r.url] == [UNITS, UNITS]
    # every account's coverage row is open until its batch answers
    assert {k.url for k in yt + bs} <= set(spider.coverage.entries)
    assert spider.units == 2  # one unit per channels.list call


def test_nothing_is_re_asked_that_the_scan_observed_directly(loaded_db, config):
    """The reader: registered rows with a stable id and followed cases' accounts, under their
    latest URL, each once; an account another source of the scan observed directly (an API
    answer, its page) is left out; a search result alone is no observation."""
    from sqlalchemy import select

    from crawler.db import transaction
    from crawler.db.models import Account, Case, RegisteredAccount, Scan, Sighting
    from crawler.db.readers import known_accounts
    from crawler.db.store import district_row
    from crawler.vocab import CaseKind, CaseStatus

    cfg = with_(config, database_url=loaded_db)
    with transaction(loaded_db) as s:
        d = district_row(s)
        bsky_row = s.scalars(
            select(RegisteredAccount).where(RegisteredAccount.platform == "bluesky")
        ).one()
        bsky_row.platform_id = "did:plc:wfps"
        scan = Scan(district_id=d.id)
        s.add(scan)
        s.flush()

        def account(platform, url, handle, pid):
            a = Account(
                district_id=d.id, platform=platform, url=url, handle=handle, platform_id=pid
            )
            s.add(a)
            s.flush()
            return a

        # the registered channel, renamed since: it is asked under its latest URL
        account(
            "youtube",
            "https://www.youtube.com/@wfpublicschools",
            "wfpublicschools",
            "UCwfps0Sample0Channel001",
        )
        # the registered Bluesky account: the bluesky source observed it in this scan
        seen = account(
            "bluesky",
            "https://bsky.app/profile/westfargoschools.bsky.social",
            "westfargoschools.bsky.social",
            "did:plc:wfps",
        )
        s.add(Sighting(account_id=seen.id, scan_id=scan.id, source="bluesky"))
        # an open case's account, seen only in a search result; a dismissed case's account
        open_ = account(
            "bluesky",
            "https://bsky.app/profile/shsmustangs.bsky.social",
            "shsmustangs.bsky.social",
            "did:plc:shs",
        )
        s.add(Sighting(account_id=open_.id, scan_id=scan.id, source="web_search"))
        dismissed = account("tiktok", "https://www.tiktok.com/@notus", "notus", None)
        for n, (acc, status) in enumerate(
            ((open_, CaseStatus.OPEN), (dismissed, CaseStatus.DISMISSED_NOT_DISTRICT))
        ):
            s.add(
                Case(
                    number=f"ABCE-2026-{n:04d}",
                    district_id=d.id,
                    account_id=acc.id,
                    kind=CaseKind.UNREGISTERED,
                    status=status,
                )
            )
        scan_id = scan.id
    # (the reader lists the registered Facebook page by its id too: the spider leaves out the
    # platforms whose pages robots.txt closes, test_only_platforms_with_a_direct_channel)
    got = [k for k in known_accounts(cfg, scan_id) if k.platform != "facebook"]
    assert [(k.platform, k.url, k.why) for k in got] == [
        ("youtube", "https://www.youtube.com/@wfpublicschools", "registered"),
        # no id yet, but its page is open to crawlers: asked by its URL
        ("tiktok", "https://www.tiktok.com/@horacehawks", "registered"),
        ("bluesky", "https://bsky.app/profile/shsmustangs.bsky.social", "case"),
    ]
    assert (
        known_accounts(cfg, scan_id, platforms=["youtube"])[0].platform_id
        == "UCwfps0Sample0Channel001"
    )
    # before any source ran, the Bluesky registered account is asked too
    assert len(known_accounts(cfg, None)) == 5


def test_a_registered_page_account_without_an_id_is_asked_by_its_url(loaded_db, config):
    """A registered TikTok account no scan has resolved to its id yet is still re-observed,
    by its registry URL (its page is open to crawlers), until a source of the scan observed
    that URL directly; an id-less row on a platform whose pages robots.txt closes (Instagram)
    is not, nor one whose id a registry lookup fetches (YouTube ``/c/``)."""
    from sqlalchemy import select

    from crawler.db import transaction
    from crawler.db.models import Account, RegisteredAccount, Scan, Sighting
    from crawler.db.readers import known_accounts
    from crawler.db.store import district_row

    cfg = with_(config, database_url=loaded_db)
    url = "https://www.tiktok.com/@horacehawks"
    with transaction(loaded_db) as s:
        rows = s.scalars(select(RegisteredAccount)).all()
        tiktok = [r for r in rows if r.platform == "tiktok"]
        assert [(r.url, r.platform_id) for r in tiktok] == [(url, None)]
        idless = {r.platform for r in rows if r.platform_id is None and r.status == "active"}
        assert {"instagram", "youtube"} <= idless
        scan = Scan(district_id=district_row(s).id)
        s.add(scan)
        s.flush()
        scan_id = scan.id
    (k,) = known_accounts(cfg, scan_id, platforms=["tiktok"])
    assert (k.url, k.handle, k.platform_id, k.why) == (url, "horacehawks", None, "registered")
    assert known_accounts(cfg, scan_id, platforms=["instagram"]) == []
    youtube = known_accounts(cfg, scan_id, platforms=["youtube"])
    assert [k.platform_id for k in youtube] == ["UCwfps0Sample0Channel001"]  # by id only
    # a search result of it is no observation; its page fetched in this scan is
    with transaction(loaded_db) as s:
        acc = Account(
            district_id=district_row(s).id, platform="tiktok", url=url, handle="horacehawks"
        )
        s.add(acc)
        s.flush()
        s.add(Sighting(account_id=acc.id, scan_id=scan_id, source="web_search"))
    assert [k.url for k in known_accounts(cfg, scan_id, platforms=["tiktok"])] == [url]
    with transaction(loaded_db) as s:
        acc_id = s.scalars(select(Account.id).where(Account.url == url)).one()
        s.add(Sighting(account_id=acc_id, scan_id=scan_id, source="handle_probe"))
    assert known_accounts(cfg, scan_id, platforms=["tiktok"]) == []


def test_without_a_youtube_key_a_channel_is_read_by_its_id_page(config, make_spider):
    spider = make_spider(ProfilesSpider, config)
    k = _yt(7)
    spider._known = {k.url: k}
    from crawler.discovery.planner import PlannedQuery

    (req,) = spider.all_requests(
        [(PlannedQuery("profiles", k.url, k.platform, None, 0, KNOWN), [k.url])]
    )
    assert req.url == f"https://www.youtube.com/channel/{k.platform_id}"  # not the old handle
    assert req.meta["scout_query"] == k.url and spider.units == 0


def test_only_platforms_with_a_direct_channel(config, make_spider):
    spider = make_spider(ProfilesSpider, config)
    assert [p for p in ("youtube", "bluesky", "mastodon", "tiktok") if spider.observable(p)] == [
        "youtube",
        "bluesky",
        "mastodon",
        "tiktok",
    ]
    assert not any(spider.observable(p) for p in ("facebook", "instagram", "x", "threads"))
    assert not make_spider(ProfilesSpider, with_(config, mastodon_instances=())).observable(
        "mastodon"
    )


def test_a_known_account_a_search_also_found_is_asked_by_its_stable_id(
    config, make_spider, monkeypatch
):
    """The selfcheck's known Bluesky account, deleted since, and still in a search engine's
    index: the selfcheck's "no account has this handle" leaves the verdict to the
    re-observation by DID (it may be a renamed account), so the search result must not turn
    it into a lookup by handle that the selfcheck's answer then swallows (no request, no
    ``not_found``, and the registry audit never hears it is gone)."""
    import spiders.profiles as profiles
    from crawler.db.readers import Candidate

    k = _bsky(4)
    spider = make_spider(ProfilesSpider, config, scan_id=2)
    spider._known = {k.url: k}
    spider._registry = []
    spider._selfchecked = {("bluesky", k.handle), ("bluesky", k.url)}
    spider._drift = {}
    other = Candidate(2, "bluesky", "b.bsky.social", "https://bsky.app/profile/b.bsky.social")
    monkeypatch.setattr(
        profiles,
        "scan_candidates",
        lambda *a, **kw: [Candidate(1, "bluesky", k.handle, k.url), other],
    )
    rows = spider.planned()
    assert sorted((r.query, r.kind) for r in rows) == [
        (k.url, KNOWN),
        (other.url, "profile"),
    ]
    pending = [(r, [r.query]) for r in rows if r.query == k.url]
    (req,) = spider.all_requests(pending)
    assert "getProfiles" in req.url and parse_qs(urlsplit(req.url).query)["actors"] == [
        k.platform_id
    ]
    (dead,) = _items(respond(req, json_response, {"profiles": []}))
    assert (dead.url, dead.page_state) == (k.url, "not_found")


# --------------------------------------------------------------------------- the answers


def test_channels_list_batch_answer_on_the_real_capture():
    from crawler.platforms import youtube as yt

    data = json.loads((REAL / "youtube-api-channels-list.json").read_text())
    real = data["items"][0]["id"]
    found, missing = yt.channels_by_id(data, [real, "UCgoneGoneGoneGoneGone00"])
    assert list(found) == [real] and missing == ["UCgoneGoneGoneGoneGone00"]
    assert found[real].handle == "googledevelopers"  # the current handle, by its stable id
    assert yt.channels_by_id(
        {"kind": "youtube#channelListResponse", "pageInfo": {"totalResults": 0}}, [real]
    ) == ({}, [real])


def test_get_profiles_batch_answer_in_the_documented_shape():
    from crawler.platforms import bluesky as bsky

    view = {  # platforms.md: profileViewDetailed, from the AppView's test snapshot
        "did": "did:plc:alice",
        "handle": "alice.test",
        "displayName": "ali",
        "description": "its me!",
        "followersCount": 2,
        "followsCount": 3,
        "postsCount": 4,
        "indexedAt": "1970-01-01T00:00:00.000Z",
        "createdAt": "1970-01-01T00:00:00.000Z",
        "labels": [],
        "viewer": {"muted": False, "blockedBy": False},
    }
    found, missing = bsky.profiles_by_did({"profiles": [view]}, ["did:plc:alice", "did:plc:gone"])
    assert found["did:plc:alice"].display_name == "ali" and missing == ["did:plc:gone"]


def test_batch_answers_yield_the_renamed_account_and_the_gone_one(config, make_spider, monkeypatch):
    """A renamed channel comes back under its new handle with its id (the store folds it into
    the same account); an id the answer leaves out is a sighting that says ``not_found``."""
    monkeypatch.setenv("SCOUT_YOUTUBE_API_KEY", "k")
    spider = make_spider(ProfilesSpider, config)
    data = json.loads((REAL / "youtube-api-channels-list.json").read_text())
    real = data["items"][0]["id"]
    renamed = KnownAccount(
        "youtube", "https://www.youtube.com/@oldname", "oldname", real, "registered"
    )
    gone = KnownAccount(
        "youtube", "https://www.youtube.com/@deleted", "deleted", "UCgoneGoneGoneGoneGone00", "case"
    )
    batches, _ = known_batches([renamed, gone])
    req = spider.known_request(batches[0])
    live, dead = _items(respond(req, json_response, data))
    assert (live.url, live.platform_id, live.source) == (
        "https://www.youtube.com/@googledevelopers",
        real,
        "profiles",
    )
    assert (dead.url, dead.page_state, dead.platform_id) == (
        gone.url,
        "not_found",
        gone.platform_id,
    )
    assert {spider.coverage.entries[k.url].status for k in (renamed, gone)} == {"done"}
    # Bluesky: the same, by DID
    a, b = _bsky(1), _bsky(2)
    req = spider.known_request(known_batches([a, b])[0][0])
    view = {"did": a.platform_id, "handle": "newname.bsky.social", "displayName": "New"}
    live, dead = _items(respond(req, json_response, {"profiles": [view]}))
    assert (
        live.url == "https://bsky.app/profile/newname.bsky.social"
        and live.platform_id == a.platform_id
    )
    assert (dead.url, dead.page_state) == (b.url, "not_found")


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (
            403,
            {"error": {"code": 403, "errors": [{"reason": "quotaExceeded"}]}},
            "YouTube API error quotaExceeded",
        ),
        (500, {}, "YouTube API error HTTP 500"),
    ],
)
def test_a_failed_batch_is_a_gap_for_each_account_never_gone(
    config, make_spider, monkeypatch, status, body, error
):
    monkeypatch.setenv("SCOUT_YOUTUBE_API_KEY", "k")
    spider = make_spider(ProfilesSpider, config)
    accounts = [_yt(1), _yt(2)]
    req = spider.known_request(known_batches(accounts)[0][0])
    assert _items(respond(req, json_response, body, status=status)) == []
    assert [spider.coverage.entries[k.url].error for k in accounts] == [error, error]
