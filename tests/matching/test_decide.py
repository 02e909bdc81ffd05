"""The decision cascade: an ordered list of labelled rules; the first that settles an account wins."""

from __future__ import annotations

from dataclasses import replace

import pytest

from matching import Candidate, MatchSettings
from matching.decide import CASCADE


def test_the_cascade_runs_from_the_most_certain_rule_to_the_weights() -> None:
    assert [r.code for r in CASCADE] == [
        "registered",
        "fan",
        "impersonation",
        "union",
        "not_district",
        "affiliated",
        "namesake",
        "business",
        "weighed",
    ]
    assert all(r.label for r in CASCADE)


@pytest.mark.parametrize(
    ("handle", "name", "classification", "rule"),
    [
        ("sheyenne_mustangs", "Sheyenne High School", "registered", "registered"),
        ("sheyenne_mustangs_", "Sheyenne High School", "impersonation", "impersonation"),
        ("shs_football", "Sheyenne Football", "unregistered", "weighed"),
        ("sheyennefanpage", "Sheyenne Mustangs Fan Page", "unrelated", "fan"),
    ],
)
def test_the_rule_that_settled_it_is_stored(matcher, handle, name, classification, rule) -> None:
    c = Candidate("instagram", handle, f"https://www.instagram.com/{handle}/", display_name=name)
    r = matcher.assess(c)
    assert (r.classification, r.rule) == (classification, rule)


def test_the_rules_read_their_numbers_from_the_settings(sample_profile, sample_registry) -> None:
    from matching import Matcher

    c = Candidate(
        "instagram",
        "sheyenne_mustangs_",
        "https://www.instagram.com/sheyenne_mustangs_/",
        display_name="Sheyenne High School",
    )
    settings = MatchSettings.from_mapping({"impersonation_confidence": 0.9})
    assert Matcher(sample_profile, sample_registry, settings).assess(c).confidence == 0.9


@pytest.mark.parametrize("handle", ["sheyenne_hs_old", "sheyennehsarchive"])
def test_a_former_account_of_the_school_is_no_impersonation(matcher, handle) -> None:
    """The registered display name, but the handle calls it a former account: the school's own
    old account (a case to clean up), not a copy; the explanation says why."""
    c = Candidate(
        "instagram",
        handle,
        f"https://www.instagram.com/{handle}/",
        display_name="Sheyenne High School",
        bio="Sheyenne High School Mustangs, West Fargo ND",
    )
    r = matcher.assess(c)
    assert (r.classification, r.rule) == ("unregistered", "weighed")
    assert "former_account" in {lv.code for lv in r.explanation}
    copy = Candidate(
        "instagram",
        "sheyenne_hs_official",
        "https://www.instagram.com/sheyenne_hs_official/",
        display_name="Sheyenne High School",
        bio="Sheyenne High School Mustangs, West Fargo ND",
    )
    assert matcher.assess(copy).classification == "impersonation"


def test_a_mascot_and_sport_name_counts_when_the_bio_names_the_school(matcher) -> None:
    """'Mustangs Volleyball' alone could be any Mustangs school; with a bio naming Sheyenne High
    School, the bio says whose mascot it is: a case, and the explanation says so."""
    url = "https://www.youtube.com/@mustangsvball"
    named = Candidate(
        "youtube",
        "mustangsvball",
        url,
        display_name="Mustangs Volleyball",
        bio="Sheyenne High School volleyball.",
    )
    r = matcher.assess(named)
    assert r.classification == "unregistered"
    codes = {lv.code for lv in r.explanation}
    assert "bio_names" in codes and "mascot_sport_only" not in codes
    alone = replace(named, bio="Volleyball highlights.")
    assert matcher.assess(alone).classification not in ("unregistered", "impersonation")


def test_the_bio_alone_naming_the_school_of_a_mascot_and_sport_name(matcher) -> None:
    """Found by the name in its bio (no team of that activity to match the name): the name made
    of the school's mascot and an activity adds its weak weight, said in the explanation."""
    c = Candidate(
        "youtube",
        "mustangsorchestra",
        "https://www.youtube.com/@mustangsorchestra",
        display_name="Mustangs Orchestra",
        bio="The orchestra of Sheyenne High School.",
    )
    r = matcher.assess(c)
    assert r.classification == "unregistered"
    assert "mascot_sport_only" not in {lv.code for lv in r.explanation}


def test_an_activity_name_counts_when_the_bio_names_the_school_in_full(matcher) -> None:
    """'SH Swim Room' says no school's name the matcher knows; its bio names Sheyenne High
    School and its swimming: the name is that school's activity, a case, and the explanation
    says the bio named the school in full. Without the bio naming it, no case."""
    url = "https://www.tiktok.com/@shswimroom"
    named = Candidate(
        "tiktok",
        "shswimroom",
        url,
        display_name="SH Swim Room",
        bio="Sheyenne High School swimming 🏊 meet days and practice clips.",
    )
    r = matcher.assess(named)
    assert r.classification == "unregistered" and r.entity == "shs"
    assert any("names in full" in lv.label for lv in r.explanation if lv.code == "activity")
    alone = replace(named, bio="Meet days and practice clips.")
    assert matcher.assess(alone).classification not in ("unregistered", "impersonation")


def test_a_fake_live_stream_of_a_school_event_is_an_impersonation(matcher) -> None:
    """'Sheyenne High School graduation LIVE … free stream link below' copies no registered
    handle, but poses as the school's channel: an impersonation naming the school's registered
    YouTube account (its own, else the district's). A school's own broadcast is no scam."""
    scam = Candidate(
        "youtube",
        "shsgraduationlive2027",
        "https://www.youtube.com/@shsgraduationlive2027",
        display_name="Sheyenne High School Graduation 2027",
        bio="Watch Sheyenne High School graduation 2027 LIVE in HD. Free stream link below.",
    )
    r = matcher.assess(scam)
    assert r.classification == "impersonation"
    assert r.imitates == "https://www.youtube.com/@sheyennemustangmedia"
    assert r.explanation[0].code == "impersonation_stream"
    own = Candidate(
        "youtube",
        "shsgraduationlive2027",
        "https://www.youtube.com/@shsgraduationlive2027",
        display_name="Sheyenne High School Graduation 2027",
        bio="Sheyenne High School graduation 2027, live on this channel.",
    )
    assert matcher.assess(own).classification != "impersonation"
