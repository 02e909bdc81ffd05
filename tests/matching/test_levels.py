"""Table-driven: one row per case, with the classification and the comparison level expected to fire."""

from __future__ import annotations

import pytest

from matching import Candidate, Sighting
from matching.normalise import Segmenter, fold


def acct(platform: str, handle: str, name: str = "", bio: str = "", **kw) -> Candidate:
    urls = {
        "instagram": f"https://www.instagram.com/{handle}/",
        "x": f"https://x.com/{handle}",
        "facebook": f"https://www.facebook.com/{handle}",
        "tiktok": f"https://www.tiktok.com/@{handle}",
    }
    return Candidate(
        platform=platform,
        handle=handle,
        url=urls[platform],
        display_name=name or None,
        bio=bio or None,
        **kw,
    )


LEVELS = [
    # (candidate, classification, level code that must fire, words that must be in that level's label)
    (
        acct("instagram", "sheyennemustangsvb", "Sheyenne Mustangs Volleyball"),
        "unregistered",
        "name_exact",
        "Sheyenne Mustangs Volleyball",
    ),
    (acct("x", "SheyenneHoops", "Sheyenne Hoops"), "unregistered", "name_exact", "Sheyenne Hoops"),
    (
        acct(
            "instagram", "osgood_elem", "Osgood", links=["https://www.west-fargo.k12.nd.us/osgood"]
        ),
        "unregistered",
        "domain_link",
        "west-fargo.k12.nd.us",
    ),
    (
        acct(
            "instagram",
            "deercreekelem",
            "Deer Creek Elementary",
            sightings=[
                Sighting("district_site", source_url="https://www.west-fargo.k12.nd.us/deer-creek")
            ],
        ),
        "unregistered",
        "district_site",
        "linked from the district page",
    ),
    (
        acct(
            "facebook",
            "SheyenneValleyCTC",
            "Sheyenne Valley Area Career & Technology Center",
            "Valley City, ND",
        ),
        "unrelated",
        "not_district",
        "Sheyenne Valley",
    ),
    (
        acct("instagram", "libertyms_fl", "Liberty Middle School", "Orlando, FL"),
        "unrelated",
        "other_place",
        "Orlando, FL: not this district",
    ),
    (
        acct("instagram", "cheneyms", "Cheney Middle School", location="Valley City, ND"),
        "unrelated",
        "other_place",
        "Valley City, ND",
    ),
    (
        acct("instagram", "sheyenne_mustangs_", "Sheyenne High School"),
        "impersonation",
        "impersonation_handle",
        "copies registered @sheyenne_mustangs",
    ),
    (
        acct("instagram", "sheyenne_mustnags", "Sheyenne High School"),
        "impersonation",
        "impersonation_handle",
        "one letter",
    ),
    (
        acct("instagram", "wfps_news", "West Fargo Public Schools"),
        "impersonation",
        "impersonation_name",
        "copies registered",
    ),
    (
        acct("instagram", "sheyenne_mustangs_official", "Sheyenne HS (official)"),
        "impersonation",
        "impersonation_handle",
        "sheyenne_mustangs",
    ),
    (
        acct("instagram", "shsmustangsbb", "Sheyenne Basketball"),
        "unregistered",
        "activity",
        "basketball",
    ),
    (
        acct("facebook", "MustangBoosters", "Mustang Boosters"),
        "affiliated",
        "affiliated_org",
        "Mustang Boosters",
    ),
    (
        acct("facebook", "AuroraPTO", "Aurora Elementary PTO", "West Fargo"),
        "affiliated",
        "affiliated_words",
        "pto",
    ),
    (acct("instagram", "wfhsmemes", "WFHS Memes", "parody account"), "unrelated", "fan", "account"),
    (
        acct(
            "instagram",
            "sheyennefans",
            "Official Sheyenne Mustangs Fans",
            "the official page of Sheyenne High School",
        ),
        "unregistered",
        "official_claim",
        "official",
    ),
    (
        acct("instagram", "packers", "Green Bay Packers"),
        "unrelated",
        "not_district",
        "Green Bay Packers",
    ),
    (
        acct("instagram", "libertymstigers", "Liberty Middle School Tigers"),
        "unrelated",
        "mascot_conflict",
        "Tigers",
    ),
    (
        acct("instagram", "libertyhs", "Liberty High School", "West Fargo"),
        "unrelated",
        "level_conflict",
        "middle",
    ),
    (acct("instagram", "horacemann", "Horace Mann Elementary"), "unrelated", "unexplained", "mann"),
    (
        acct("tiktok", "sheyenne_mustangs", "Sheyenne High School"),
        "unregistered",
        "registered_elsewhere",
        "instagram",
    ),
    (
        acct("instagram", "libertymiddleschool", "Liberty Middle School"),
        "review",
        "common_name",
        "common",
    ),
]


SITE = "https://www.west-fargo.k12.nd.us"


def searched(title: str, snippet: str = "") -> Sighting:
    return Sighting("web_search", query="q", title=title, snippet=snippet or None, rank=1)


def linked(page: str, page_title: str, link_text: str) -> Sighting:
    return Sighting(
        "district_site", source_url=f"{SITE}{page}", title=page_title, snippet=link_text
    )


# Found by a scan with no profile page fetched: only search results and district links say what they are.
FIXES = [
    # (candidate, classification, entity, level code that must fire, words in its label)
    # 1. the lookalike 'Fargo Public Schools' is not looked for inside the district's own name
    (
        acct(
            "instagram",
            "mustangboosters",
            sightings=[
                linked(
                    "/shs/activities",
                    "Sheyenne Activities | West Fargo Public Schools",
                    "Mustang Boosters",
                ),
                searched(
                    "Mustang Boosters (@mustangboosters) • Instagram photos and videos",
                    "880 Followers, 120 Following, 150 Posts - Mustang Boosters (@mustangboosters) on Instagram: "
                    '"Booster club supporting Sheyenne High School activities. A 501(c)(3); not an official WFPS account."',
                ),
            ],
        ),
        "affiliated",
        "mustang-boosters",
        "affiliated_org",
        "supports West Fargo Sheyenne High School",
    ),
    (
        acct(
            "facebook",
            "osgoodpto",
            sightings=[
                linked("/osgood", "Osgood Elementary | West Fargo Public Schools", "Osgood PTO"),
                searched(
                    "Osgood Elementary PTO | West Fargo, ND | Facebook",
                    "Osgood Elementary PTO. 390 likes · 9 talking about this. Parent Teacher Organization of Osgood "
                    "Elementary, West Fargo.",
                ),
            ],
        ),
        "affiliated",
        "osgood-pto",
        "affiliated_org",
        "Osgood PTO",
    ),
    (
        acct("instagram", "wfpsboosterclub", "Booster Club of West Fargo Public Schools"),
        "affiliated",
        "wfps",
        "affiliated_words",
        "booster",
    ),
    (
        acct(
            "x", "fargoschools", "Fargo Public Schools", "Fargo Public Schools (Fargo 1), Fargo ND."
        ),
        "unrelated",
        None,
        "not_district",
        "Fargo Public Schools",
    ),
    # 2. no bio: the search snippet is read as one
    (
        acct(
            "instagram",
            "mrshansens2ndgrade",
            sightings=[
                searched(
                    "Mrs. Hansen's 2nd Grade (@mrshansens2ndgrade) • Instagram photos and videos",
                    "96 Followers, 120 Following, 88 Posts - Mrs. Hansen's 2nd Grade (@mrshansens2ndgrade) on Instagram: "
                    '"Learning and growing in 2nd grade at Aurora Elementary, West Fargo ND."',
                )
            ],
        ),
        "unregistered",
        "aurora",
        "bio_names",
        "search snippet names 'Aurora Elementary'",
    ),
    (
        acct(
            "instagram",
            "mrshansens2ndgrade",
            "Mrs. Hansen's 2nd Grade",
            "Learning and growing in 2nd grade at Aurora Elementary, West Fargo ND.",
        ),
        "unregistered",
        "aurora",
        "bio_names",
        "bio names 'Aurora Elementary'",
    ),
    # 3. one letter dropped, digits for letters
    (
        acct(
            "instagram",
            "westfargoschool",
            sightings=[
                searched(
                    "West Fargo Public Schools (@westfargoschool) • Instagram photos and videos",
                    "133 Followers, 2,100 Following, 3 Posts - West Fargo Public Schools (@westfargoschool) on Instagram: "
                    '"West Fargo Public Schools. Scholarship giveaway: link in bio"',
                )
            ],
        ),
        "impersonation",
        "wfps",
        "impersonation_handle",
        "one letter from registered @westfargoschools",
    ),
    (
        acct(
            "instagram",
            "westfargoschool",
            "West Fargo Public Schools",
            "West Fargo Public Schools. Scholarship giveaway: link in bio",
        ),
        "impersonation",
        "wfps",
        "impersonation_handle",
        "one letter",
    ),
    (
        acct(
            "x",
            "WFPSch00ls",
            "West Fargo Public Schools",
            "Official account of West Fargo Public Schools in West Fargo, North Dakota.",
        ),
        "impersonation",
        "wfps",
        "impersonation_handle",
        "@wfpschools",
    ),
    (
        acct(
            "instagram",
            "wfps_updates",
            sightings=[searched("West Fargo Public Schools (@wfps_updates) • Instagram")],
        ),
        "impersonation",
        "wfps",
        "impersonation_name",
        "name in search results",
    ),
    # 4. a common school name with the district's town beside it
    (
        acct("facebook", "westfargoecc", "West Fargo Early Childhood Center"),
        "unregistered",
        "ecc",
        "common_name_local",
        "mentions West Fargo",
    ),
    (
        acct(
            "facebook",
            "westfargoecc",
            sightings=[
                searched(
                    "WFPS Early Childhood Center | West Fargo, ND | Facebook",
                    "WFPS Early Childhood Center. 702 likes · 17 talking about this. West Fargo Public Schools Early "
                    "Childhood Center.",
                )
            ],
        ),
        "unregistered",
        "ecc",
        "common_name_local",
        "local",
    ),
    # 5. alumni words, another school's mascot: not the district's
    (
        acct(
            "tiktok",
            "oldhoracemustangs",
            "Horace Mustangs Alumni",
            "Memories of the old Horace High School Mustangs (closed 1980s).",
        ),
        "unrelated",
        None,
        "mascot_conflict",
        "Mustangs",
    ),
    # 6. only a mascot and a sport: a person decides
    (
        acct(
            "tiktok",
            "mustangs_hoops_wf",
            "Mustangs Hoops",
            "Mustangs hoops highlights from the Sheyenne gym",
        ),
        "review",
        "shs-basketball",
        "mascot_sport_only",
        "mustangs, basketball",
    ),
    (
        acct(
            "tiktok",
            "mustangs_hoops_wf",
            "Mustangs Hoops",
            "Sheyenne Mustangs Basketball, West Fargo ND",
        ),
        "unregistered",
        "shs-basketball",
        "bio_names",
        "Sheyenne Mustangs Basketball",
    ),
    # 7. an affiliated organisation is its own entity
    (
        acct("instagram", "thepackernews", "The Packer", "Student news of West Fargo High School"),
        "affiliated",
        "the-packer",
        "affiliated_org",
        "supports West Fargo High School",
    ),
]


@pytest.mark.parametrize(
    ("cand", "classification", "entity", "code", "words"),
    FIXES,
    ids=[f"{c.handle}-{i}" for i, (c, *_) in enumerate(FIXES)],
)
def test_scan_findings(matcher, cand, classification, entity, code, words) -> None:
    res = matcher.assess(cand)
    fired = {lv.code: lv.label for lv in res.explanation}
    assert (res.classification, res.entity) == (classification, entity), res.explanation
    assert code in fired, res.explanation
    assert words.lower() in fired[code].lower(), fired[code]


def test_a_common_name_still_needs_local_evidence(matcher) -> None:
    res = matcher.assess(acct("facebook", "earlychildhoodcenter", "Early Childhood Center"))
    assert res.classification == "review"
    assert "common_name" in {lv.code for lv in res.explanation}


@pytest.mark.parametrize(
    ("cand", "classification", "code", "words"), LEVELS, ids=[c.handle for c, *_ in LEVELS]
)
def test_level_fires(matcher, cand, classification, code, words) -> None:
    res = matcher.assess(cand)
    fired = {lv.code: lv.label for lv in res.explanation}
    assert res.classification == classification, res.explanation
    assert code in fired, res.explanation
    assert words.lower() in fired[code].lower()


REGISTERED = [
    # (URL variant the registry did not spell, platform id, expected entity)
    (acct("instagram", "sheyenne_mustangs"), None, "shs"),
    (
        Candidate(
            "facebook",
            "libertymiddlewf",
            "https://www.facebook.com/libertymiddlewf",
            platform_id="100064123456789",
        ),
        "100064123456789",
        "lms",
    ),
    (
        Candidate(
            "youtube",
            "UCwfps0Sample0Channel001",
            "https://www.youtube.com/channel/UCwfps0Sample0Channel001",
            platform_id="UCwfps0Sample0Channel001",
        ),
        None,
        "wfps",
    ),
]


@pytest.mark.parametrize(
    ("cand", "pid", "entity"), REGISTERED, ids=[c.handle for c, *_ in REGISTERED]
)
def test_registered(matcher, cand, pid, entity) -> None:
    res = matcher.assess(cand)
    assert (res.classification, res.entity, res.case_kind) == ("registered", entity, None)
    assert res.registered_url


def test_deactivated_account_still_live_is_a_deactivation_case(matcher) -> None:
    res = matcher.assess(acct("instagram", "wfjrotc", "West Fargo JROTC", live=True))
    assert (res.classification, res.case_kind) == ("registered", "deactivation_incomplete")
    res = matcher.assess(acct("instagram", "wfjrotc", "West Fargo JROTC", live=False))
    assert (res.classification, res.case_kind) == ("registered", None)


FOLD = [
    ("Sheyenne  Mustangs!!", "sheyenne mustangs"),
    ("Mustang's Café 🐎", "mustangs cafe"),
    ("SheyenneHoops2025", "sheyenne hoops 2025"),
    ("Packers & Backers", "packers and backers"),
    ("L.E. Berger", "l e berger"),
]


@pytest.mark.parametrize(("text", "folded"), FOLD)
def test_fold(text, folded) -> None:
    assert fold(text) == folded


SPLIT = [
    ("sheyennemustangsvb", ["sheyenne", "mustangs", "volleyball"]),
    ("shsmustangsvb", ["west", "fargo", "sheyenne", "high", "school", "mustangs", "volleyball"]),
    ("wfhs_class2026", ["west", "fargo", "high", "school", "class", "2026"]),
    ("westfargoschools", ["west", "fargo", "school"]),
    ("horacehawksfb", ["horace", "hawks", "football"]),
]


@pytest.mark.parametrize(("handle", "words"), SPLIT)
def test_handle_words_use_the_district_vocabulary(matcher, handle, words) -> None:
    assert matcher.ref.handle_tokens(handle) == words


def test_segmenter_keeps_unknown_runs_whole() -> None:
    seg = Segmenter(["sheyenne", "mustangs"])
    assert seg.split("sheyennexqzmustangs") == ["sheyenne", "xqz", "mustangs"]
    assert seg.unknown("sheyennexqz") == ["xqz"]


def test_a_qualifier_letter_before_an_activity_is_a_word_of_its_own() -> None:
    """``elhsgsoccer`` is ELHS girls' soccer: the ``g`` is not the end of an unknown acronym
    'elhsg' (a word no entity explains), while ``hcsuathletics`` keeps its acronym whole."""
    seg = Segmenter(["elhs", "hcs", "soccer", "athletics", "vb"], activities=["soccer", "vb"])
    assert seg.split("elhsgsoccer") == ["elhs", "g", "soccer"]
    assert seg.split("elhsbvb") == ["elhs", "b", "vb"]
    assert seg.split("hcsuathletics") == ["hcsu", "athletics"]  # 'u' qualifies nothing
    assert seg.split("hcsgathletics") == ["hcsg", "athletics"]  # athletics is no team
    assert seg.split("elhsgsoccer") != Segmenter(["elhs", "soccer"]).split("elhsgsoccer")


def test_a_girls_team_handle_is_explained(matcher) -> None:
    assert matcher.ref.handle_tokens("wfhsgsoccer")[-2:] == ["g", "soccer"]


def test_profile_abbreviations_come_from_aliases(matcher) -> None:
    ab = matcher.ref.abbreviations
    assert ab["wfhs"] == "west fargo high school"
    assert ab["hms"] == "heritage middle school"
    assert ab["hs"] == "high school"
