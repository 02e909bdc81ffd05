"""Table-driven: one row per case, with the classification and the comparison level expected to fire."""

from __future__ import annotations

import pytest

from matching import Candidate, Sighting
from matching.normalise import Segmenter, fold


def acct(platform: str, handle: str, name: str = "", bio: str = "", **kw) -> Candidate:
    urls = {"instagram": f"https://www.instagram.com/{handle}/", "x": f"https://x.com/{handle}",
            "facebook": f"https://www.facebook.com/{handle}", "tiktok": f"https://www.tiktok.com/@{handle}"}
    return Candidate(platform=platform, handle=handle, url=urls[platform], display_name=name or None,
                     bio=bio or None, **kw)


LEVELS = [
    # (candidate, classification, level code that must fire, words that must be in that level's label)
    (acct("instagram", "sheyennemustangsvb", "Sheyenne Mustangs Volleyball"), "unregistered", "name_exact",
     "Sheyenne Mustangs Volleyball"),
    (acct("x", "SheyenneHoops", "Sheyenne Hoops"), "unregistered", "name_exact", "Sheyenne Hoops"),
    (acct("instagram", "osgood_elem", "Osgood", links=["https://www.west-fargo.k12.nd.us/osgood"]),
     "unregistered", "domain_link", "west-fargo.k12.nd.us"),
    (acct("instagram", "deercreekelem", "Deer Creek Elementary",
          sightings=[Sighting("district_site", source_url="https://www.west-fargo.k12.nd.us/deer-creek")]),
     "unregistered", "district_site", "linked from the district page"),
    (acct("facebook", "SheyenneValleyCTC", "Sheyenne Valley Area Career & Technology Center", "Valley City, ND"),
     "unrelated", "not_district", "Sheyenne Valley"),
    (acct("instagram", "libertyms_fl", "Liberty Middle School", "Orlando, FL"), "unrelated", "other_place",
     "Orlando, FL: not this district"),
    (acct("instagram", "cheneyms", "Cheney Middle School", location="Valley City, ND"), "unrelated",
     "other_place", "Valley City, ND"),
    (acct("instagram", "sheyenne_mustangs_", "Sheyenne High School"), "impersonation", "impersonation_handle",
     "copies registered @sheyenne_mustangs"),
    (acct("instagram", "sheyenne_mustnags", "Sheyenne High School"), "impersonation", "impersonation_handle",
     "one letter"),
    (acct("instagram", "wfps_news", "West Fargo Public Schools"), "impersonation", "impersonation_name",
     "copies registered"),
    (acct("instagram", "sheyenne_mustangs_official", "Sheyenne HS (official)"), "impersonation",
     "impersonation_handle", "sheyenne_mustangs"),
    (acct("instagram", "shsmustangsbb", "Sheyenne Basketball"), "unregistered", "activity", "basketball"),
    (acct("facebook", "MustangBoosters", "Mustang Boosters"), "affiliated", "affiliated_org", "Mustang Boosters"),
    (acct("facebook", "AuroraPTO", "Aurora Elementary PTO", "West Fargo"), "affiliated", "affiliated_words", "pto"),
    (acct("instagram", "wfhsmemes", "WFHS Memes", "parody account"), "unrelated", "fan", "account"),
    (acct("instagram", "sheyennefans", "Official Sheyenne Mustangs Fans", "the official page of Sheyenne High School"),
     "unregistered", "official_claim", "official"),
    (acct("instagram", "packers", "Green Bay Packers"), "unrelated", "not_district", "Green Bay Packers"),
    (acct("instagram", "libertymstigers", "Liberty Middle School Tigers"), "unrelated", "mascot_conflict", "Tigers"),
    (acct("instagram", "libertyhs", "Liberty High School", "West Fargo"), "unrelated", "level_conflict", "middle"),
    (acct("instagram", "horacemann", "Horace Mann Elementary"), "unrelated", "unexplained", "mann"),
    (acct("tiktok", "sheyenne_mustangs", "Sheyenne High School"), "unregistered", "registered_elsewhere",
     "instagram"),
    (acct("instagram", "libertymiddleschool", "Liberty Middle School"), "review", "common_name", "common"),
]


@pytest.mark.parametrize(("cand", "classification", "code", "words"), LEVELS, ids=[c.handle for c, *_ in LEVELS])
def test_level_fires(matcher, cand, classification, code, words) -> None:
    res = matcher.assess(cand)
    fired = {lv.code: lv.label for lv in res.explanation}
    assert res.classification == classification, res.explanation
    assert code in fired, res.explanation
    assert words.lower() in fired[code].lower()


REGISTERED = [
    # (URL variant the registry did not spell, platform id, expected entity)
    (acct("instagram", "sheyenne_mustangs"), None, "shs"),
    (Candidate("facebook", "libertymiddlewf", "https://www.facebook.com/libertymiddlewf",
               platform_id="100064123456789"), "100064123456789", "lms"),
    (Candidate("youtube", "UCwfps0Sample0Channel001", "https://www.youtube.com/channel/UCwfps0Sample0Channel001",
               platform_id="UCwfps0Sample0Channel001"), None, "wfps"),
]


@pytest.mark.parametrize(("cand", "pid", "entity"), REGISTERED, ids=[c.handle for c, *_ in REGISTERED])
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


def test_profile_abbreviations_come_from_aliases(matcher) -> None:
    ab = matcher.ref.abbreviations
    assert ab["wfhs"] == "west fargo high school"
    assert ab["hms"] == "heritage middle school"
    assert ab["hs"] == "high school"
