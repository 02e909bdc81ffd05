"""Echo lookups (crawler/discovery/planning/echo.py, spiders/profiles.py): a handle the scan
found for the district, looked up on the probed platforms in their forms there, the most
specific first, never twice, within the budget; the probe's page candidates its share cut,
continued while the host's budget lasts (a full scan); on a sample district, the accounts only
an echo reaches are found and become cases."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.discovery.planner import PlannedQuery
from crawler.discovery.planning.echo import (
    ECHO_PLATFORMS,
    School,
    SeenAccount,
    Tokens,
    district_tokens,
    echo_forms,
    echo_queries,
    sibling_forms,
    username,
)
from crawler.discovery.planning.sources import (
    ECHO_SHARE,
    HOST_MARGIN,
    PAGE_HOST_SHARE,
    echo_limits,
    page_room,
)
from crawler.district.profile import load_profile
from crawler.sample import PROFILE
from spiders.profiles import ECHO, HANDLE, ProfilesSpider
from tests.discovery.conftest import (
    REAL,
    budget,
    html_response,
    json_response,
    one_district,
    respond,
    with_,
)

TOKENS = Tokens(frozenset({"sheyenne", "shs", "wfhs"}), frozenset({"mustangs"}))
LIMITS = dict.fromkeys(ECHO_PLATFORMS, 100)


def test_forms_as_found_without_separators_and_split_where_the_name_shows_the_words():
    assert echo_forms("cdbhs_gvb", "CdB Volleyball") == [["cdbhs_gvb"], ["cdbhsgvb"], []]
    assert echo_forms("mariachicorrecaminos", "Mariachi Correcaminos") == [
        ["mariachicorrecaminos"],
        [],
        ["mariachi.correcaminos", "mariachi_correcaminos"],
    ]
    # a name whose words do not make up the handle says nothing about where it splits
    assert echo_forms("shsvb", "Sheyenne Volleyball")[2] == []
    assert echo_forms("abc", "A B C D")[2] == []  # four words: too many ways to write it


def test_the_username_of_each_platforms_handle():
    assert username(SeenAccount("bluesky", "shsmustangs.bsky.social")) == "shsmustangs"
    assert username(SeenAccount("bluesky", "wfps.k12.nd.us")) is None  # a domain of its own
    assert username(SeenAccount("mastodon", "wfpsnews@mastodon.social")) == "wfpsnews"
    assert username(SeenAccount("instagram", "shs_volleyball")) == "shs_volleyball"
    # a stable id is no username
    assert username(SeenAccount("youtube", "UCwfps0Sample0Channel001")) is None
    assert username(SeenAccount("facebook", "100064123456789")) is None


def test_specific_handles_first_a_mascot_alone_last_and_others_not_at_all():
    assert TOKENS.score("sheyenne_vb") > TOKENS.score("shs_vb") > TOKENS.score("mustangsfan")
    assert TOKENS.score("mustangsfan") == 1 and TOKENS.score("randomuser") == 0
    seen = [
        SeenAccount("instagram", "mustangsfan"),
        SeenAccount("instagram", "randomuser"),
        SeenAccount("x", "shs_vb"),
        SeenAccount("instagram", "sheyenne.hoops", "Sheyenne Hoops"),
    ]
    got = echo_queries(seen, TOKENS, ["tiktok"], set(), LIMITS)
    assert got == [
        # every handle as found first (the most specific first), then the other forms
        ("tiktok", "sheyenne.hoops"),
        ("tiktok", "shs_vb"),
        ("tiktok", "mustangsfan"),
        ("tiktok", "sheyennehoops"),
        ("tiktok", "shsvb"),
        ("tiktok", "sheyenne_hoops"),
    ]


def test_each_platform_gets_the_forms_it_allows_never_its_own_or_an_asked_one():
    seen = [SeenAccount("instagram", "shs_vb"), SeenAccount("tiktok", "sheyennevb")]
    asked = {("youtube", "shsvb")}  # the probe asked it
    got = echo_queries(
        seen, TOKENS, ["tiktok", "youtube", "bluesky", "mastodon"], asked, LIMITS, ("a.social",)
    )
    assert ("tiktok", "sheyennevb") not in got  # where it was found
    assert ("youtube", "shsvb") not in got
    # a bsky.social handle takes no "_"; a Mastodon account is looked up on each instance
    assert ("bluesky", "shsvb.bsky.social") in got and ("bluesky", "shs_vb.bsky.social") not in got
    assert ("mastodon", "shs_vb@a.social") in got
    assert len(got) == len(set(got))
    # a limit per platform
    limited = echo_queries(seen, TOKENS, ["tiktok", "youtube"], set(), {"tiktok": 1, "youtube": 2})
    assert [p for p, _ in limited].count("tiktok") == 1
    assert [p for p, _ in limited].count("youtube") == 2


def test_limits_leave_a_page_host_what_the_probe_and_the_profiles_take(config):
    cfg = with_(config, budget=budget(requests_per_host=400))
    got = echo_limits(cfg, ECHO_PLATFORMS, {"tiktok": 80}, youtube_api=True)
    cap = int(400 * ECHO_SHARE)
    assert got["youtube"] == cap
    assert got["bluesky"] == cap * 25  # getProfiles asks 25 handles a call
    assert got["mastodon"] == cap * len(cfg.mastodon_instances)
    # the probe takes 300 of TikTok's 400 pages, the profiles source 80 more, and robots.txt
    # and the selfcheck a few: 12 left
    assert got["tiktok"] == 400 - int(400 * PAGE_HOST_SHARE) - HOST_MARGIN - 80 == 12
    assert echo_limits(cfg, ["youtube"], {"youtube": 500}, youtube_api=False) == {"youtube": 0}


def test_the_district_tokens_come_from_its_profile():
    tokens = district_tokens(load_profile(PROFILE))
    assert {"sheyenne", "shs", "wfps", "westfargo"} <= tokens.names
    assert "mustangs" in tokens.mascots and "mustangs" not in tokens.names
    assert not any(len(t) < 3 for t in tokens.names)


# a school of the invented KESTREL district: Harrow Crest High School (HCHS), the Kestrels
KESTREL = School(
    frozenset({"harrowcrest", "hchs", "hkestrels"}),
    (
        ("volleyball", "vball", "vb"),
        ("crosscountry", "xc"),
        ("football", "fb"),
        ("orchestra",),
    ),
)


def test_a_handle_of_a_schools_activity_gives_its_other_activities_in_the_same_pattern():
    # a short form gives short forms first, in the same separator; then the slugs
    assert sibling_forms("hchs_vball", [KESTREL]) == [
        ["hchs_xc", "hchs_fb", "hchs_orchestra"],
        ["hchs_crosscountry", "hchs_football"],
    ]
    # a slug gives slugs first; the initial with the mascot is the school's word
    assert sibling_forms("hkestrels.football", [KESTREL])[0] == [
        "hkestrels.volleyball",
        "hkestrels.crosscountry",
        "hkestrels.orchestra",
    ]
    # the longest activity form decides ('vb' of 'vball' is not the activity)
    assert sibling_forms("harrowcrestvball", [KESTREL])[0][0] == "harrowcrestxc"


def test_no_siblings_without_the_schools_word_or_one_of_its_activities():
    assert sibling_forms("kestrels_vball", [KESTREL]) == []  # a mascot alone: many schools'
    assert sibling_forms("hchs_chess", [KESTREL]) == []  # no activity of the school
    assert sibling_forms("hchs", [KESTREL]) == []


def test_siblings_come_after_every_found_forms_and_on_the_handles_own_platform_too():
    seen = [SeenAccount("tiktok", "hchs_vball"), SeenAccount("instagram", "harrowcrest.band")]
    tokens = Tokens(frozenset({"hchs", "harrowcrest"}), frozenset({"kestrels"}))
    got = echo_queries(seen, tokens, ["tiktok"], set(), LIMITS, schools=[KESTREL])
    assert got[:3] == [
        ("tiktok", "harrowcrest.band"),
        ("tiktok", "harrowcrestband"),
        ("tiktok", "hchs_xc"),  # a sibling on TikTok, where the handle itself was found
    ]
    assert ("tiktok", "hchs_vball") not in got  # its own handle is not asked again
    limited = echo_queries(seen, tokens, ["tiktok"], set(), {"tiktok": 3}, schools=[KESTREL])
    assert len(limited) == 3


def test_the_siblings_schools_come_from_the_profile():
    from crawler.discovery.planning.echo import district_schools

    schools = district_schools(load_profile(PROFILE))
    sheyenne = next(s for s in schools if "sheyenne" in s.words)
    assert "mustangs" not in sheyenne.words  # its mascot alone is many schools'
    assert any(forms[0] == "volleyball" for forms in sheyenne.acts)
    assert sibling_forms("shs_volleyball", schools)[0][0].startswith("shs_")


# --------------------------------------------------------------------------- the spider


def _scan_with(db: str, accounts: list[tuple[str, str, str, str]], asked: list[str] = ()):
    """A scan that saw ``accounts`` (platform, handle, display name, source) and whose probe
    asked ``asked`` (coverage rows)."""
    from crawler.db import transaction
    from crawler.db.models import Account, Scan, ScanQuery, Sighting
    from crawler.db.store import district_row
    from crawler.platforms import PLATFORMS

    with transaction(db) as s:
        d = district_row(s)
        scan = Scan(district_id=d.id)
        s.add(scan)
        s.flush()
        for platform, handle, name, source in accounts:
            url = PLATFORMS[platform].profile_url(handle)
            a = Account(
                district_id=d.id, platform=platform, url=url, handle=handle, display_name=name
            )
            s.add(a)
            s.flush()
            s.add(Sighting(account_id=a.id, scan_id=scan.id, source=source, query="q"))
        for q in asked:
            s.add(ScanQuery(scan_id=scan.id, source="handle_probe", query=q, status="done"))
        return scan.id


def test_profiles_plans_the_echoes_of_this_scans_handles(loaded_db, config, make_spider):
    cfg = with_(config, database_url=loaded_db)
    scan_id = _scan_with(
        loaded_db,
        [
            ("instagram", "sheyenne_gvb", "Sheyenne Volleyball", "web_search"),
            ("instagram", "pizzaplace", "Pizza Place", "web_search"),
        ],
        asked=["tiktok @sheyennegvb"],
    )
    spider = make_spider(ProfilesSpider, cfg, scan_id=scan_id)
    echoes = [(r.platform, r.query) for r in spider.planned() if r.kind == ECHO]
    assert ("tiktok", "sheyenne_gvb") in echoes
    assert ("tiktok", "sheyennegvb") not in echoes  # the probe asked it in this scan
    assert ("youtube", "sheyennegvb") in echoes
    assert ("bluesky", "sheyennegvb.bsky.social") in echoes
    assert ("mastodon", "sheyenne_gvb@mastodon.social") in echoes
    assert not any("pizza" in q for _, q in echoes)  # nothing of the district in it
    # the district's registered usernames are echoed too (Instagram's sheyenne_mustangs), but
    # no registered account is asked by handle where the scan re-observes it (TikTok's
    # horacehawks), and no stable id is taken for a username
    assert ("tiktok", "sheyenne_mustangs") in echoes and ("tiktok", "sheyennemustangs") in echoes
    assert ("tiktok", "horacehawks") not in echoes
    assert ("youtube", "horacehawks") in echoes
    assert not any("ucwfps" in q.lower() or q.isdigit() for _, q in echoes)
    pq = next(r for r in spider.planned() if r.kind == ECHO and r.query == "sheyenne_gvb")
    assert spider.coverage_keys(pq) == ["tiktok @sheyenne_gvb"]  # the probe's form


def test_a_full_scan_goes_on_with_the_probes_cut_page_candidates(
    loaded_db, config, make_spider, monkeypatch
):
    """The page candidates TikTok's share cut, in the probe's order, while the host's budget
    lasts; none in an incremental scan, none without the probe in the crawl."""
    from crawler.discovery.planner import plan

    cfg = with_(config, database_url=loaded_db, budget=budget(requests_per_host=100))
    scan_id = _scan_with(loaded_db, [])
    spider = make_spider(ProfilesSpider, cfg, scan_id=scan_id)
    spider.context = dataclasses.replace(
        spider.context, sources=frozenset({"profiles", "handle_probe"})
    )
    full = plan(load_profile(PROFILE), cfg, sources=["profiles", "handle_probe"])
    planned = spider.planned()
    rows = [r for r in planned if r.kind == HANDLE]
    # the host's room after the profiles source's other pages there (the registered TikTok)
    before = Counter(r.platform for r in planned if r.kind != HANDLE)
    assert before["tiktok"] >= 1
    # without a YouTube key its pages are a page host too; Bluesky's API is not
    assert {r.platform for r in full.overflow["handle_probe"]} == {"tiktok", "youtube"}
    for platform in ("tiktok", "youtube"):
        cut = [r.query for r in full.overflow["handle_probe"] if r.platform == platform]
        probed = {r.query for r in full.queries["handle_probe"] if r.platform == platform}
        assert cut and not set(cut) & probed
        room = page_room(cfg, platform, before)
        # a candidate an echo of this scan asks already is not asked again
        echoed = {r.query for r in planned if r.kind == ECHO and r.platform == platform}
        waiting = [c for c in cut if c not in echoed]
        assert [r.query for r in rows if r.platform == platform] == waiting[:room]
    first = next(r for r in rows if r.platform == "tiktok")
    assert spider.coverage_keys(first) == [f"tiktok @{first.query}"]
    (req,) = spider.requests_for(first, spider.coverage_keys(first))
    assert req.url == f"https://www.tiktok.com/@{first.query}"
    # an incremental scan asks what its share allows, no more
    inc = dataclasses.replace(spider.increment(), since=datetime(2026, 11, 1, tzinfo=UTC))
    spider._increment = inc
    assert not [r for r in spider.planned() if r.kind == HANDLE]
    # a crawl without the probe leaves its candidates alone
    alone = make_spider(ProfilesSpider, cfg, scan_id=scan_id)
    alone.context = dataclasses.replace(alone.context, sources=frozenset({"profiles"}))
    assert not [r for r in alone.planned() if r.kind == HANDLE]


def test_an_echo_lookup_yields_the_account_and_a_missing_handle_nothing(
    loaded_db, config, make_spider
):
    cfg = with_(config, database_url=loaded_db)
    spider = make_spider(ProfilesSpider, cfg)
    pq = PlannedQuery("profiles", "sheyennegvb", "tiktok", None, 0, ECHO)
    (req,) = spider.requests_for(pq, spider.coverage_keys(pq))
    assert req.url == "https://www.tiktok.com/@sheyennegvb"
    (item,) = respond(req, html_response, (REAL / "tiktok-profile.html").read_bytes())
    assert item.page_state == "ok" and item.query == "tiktok @sheyennegvb"
    (req,) = spider.requests_for(pq, spider.coverage_keys(pq))
    assert respond(req, html_response, "<html></html>", status=404) == []  # no account, no row
    assert spider.coverage.entries["tiktok @sheyennegvb"].status == "done"
    # Bluesky echoes: 25 to a getProfiles call, a handle left out of the answer is not found
    pending = [
        (PlannedQuery("profiles", f"e{n}.bsky.social", "bluesky", None, n, ECHO), [f"k{n}"])
        for n in range(26)
    ]
    calls = list(spider.all_requests(pending))
    assert [len(r.cb_kwargs["batch"]) for r in calls] == [25, 1]
    assert respond(calls[1], json_response, {"profiles": []}) == []
    assert spider.coverage.entries["k25"].status == "done"


def test_an_echo_answer_is_kept_like_the_probes(loaded_db):
    from sqlalchemy import select

    from crawler.db import transaction
    from crawler.db.increments import probe_key, record_probe_answers
    from crawler.db.models import ProbeAnswer, Scan, ScanQuery

    assert probe_key("profiles", "tiktok @CdbhsGvb") == ("tiktok", "cdbhsgvb")
    assert probe_key("profiles", "https://www.tiktok.com/@x") is None  # a profile row
    assert probe_key("mastodon", "mastodon.social: @wfps") == ("mastodon", "wfps@mastodon.social")
    assert probe_key("mastodon", "West Fargo") is None  # a search
    with transaction(loaded_db) as s:
        scan = s.get(Scan, _scan_with(loaded_db, []))
        for q in ("tiktok @a_b", "https://x.com/c"):
            s.add(ScanQuery(scan_id=scan.id, source="profiles", query=q, status="done", results=1))
        assert record_probe_answers(s, scan) == 1
        rows = s.execute(select(ProbeAnswer.platform, ProbeAnswer.handle, ProbeAnswer.found))
        assert rows.all() == [("tiktok", "a_b", True)]


# --------------------------------------------------------------------------- a whole scan


@pytest.mark.slow
def test_a_scan_finds_the_accounts_only_an_echo_reaches(tmp_path: Path, monkeypatch):
    """Rio Arenoso's girls' volleyball is ``cdbhs_gvb`` on Instagram and ``cdbhsgvb`` on
    TikTok, its mariachi ``mariachicorrecaminos`` and ``mariachi.correcaminos``: neither TikTok
    handle is among the probe's planned candidates, and no search lists them. The scan finds
    both by echo, each asked once, and opens their cases; the answers are kept."""
    from sqlalchemy import select

    from crawler.db import transaction
    from crawler.db.models import Account, Case, ProbeAnswer, Sighting
    from crawler.discovery.planner import plan
    from crawler.scan import ScanOptions, run_scan

    wanted = {"cdbhsgvb", "mariachi.correcaminos"}
    with one_district("rio-arenoso", tmp_path, monkeypatch) as (world, config, profile):
        db = config.database_url
        planned = {q.query for q in plan(profile, config).queries["handle_probe"]}
        assert not wanted & planned  # beyond the probe's candidates
        world.reset_log()
        run_scan(config, ScanOptions(screenshots=False, reports=False))
        pages = [r.path for r in world.requests if r.host == "www.tiktok.com"]
    for handle in wanted:
        assert pages.count(f"/@{handle}") == 1, handle
    with transaction(db) as s:
        rows = s.execute(
            select(Account.handle, Sighting.source, Sighting.query)
            .join(Sighting.account)
            .where(Account.platform == "tiktok", Account.handle.in_(wanted))
        ).all()
        assert {(h, src, q) for h, src, q in rows} == {
            (h, "profiles", f"tiktok @{h}") for h in wanted
        }
        cased = set(
            s.scalars(select(Account.handle).join(Case.account).where(Account.handle.in_(wanted)))
        )
        assert cased == wanted
        kept = set(
            s.scalars(
                select(ProbeAnswer.handle).where(
                    ProbeAnswer.platform == "tiktok", ProbeAnswer.found.is_(True)
                )
            )
        )
        assert wanted <= kept


def test_the_plan_cost_counts_the_echoes_youtube_units(config, monkeypatch):
    from crawler.discovery.planner import plan
    from crawler.scan import plan_cost

    monkeypatch.setenv("SCOUT_YOUTUBE_API_KEY", "k-yt")
    profile = load_profile(PROFILE)
    others = [s for s in config.sources if s != "profiles"]
    without = plan_cost(plan(profile, config, sources=others), config)
    with_echo = plan_cost(plan(profile, config, sources=[*others, "profiles"]), config)
    assert with_echo.youtube_units - without.youtube_units == int(
        config.budget.requests_per_host * ECHO_SHARE
    )
