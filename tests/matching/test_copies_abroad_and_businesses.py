"""Accounts decided wrong in the first runs of three more districts written unseen (2026-12-08,
seventh session: a charter network, a parish and a town named after a city abroad), checked
on an invented district so that no rule leans on those districts' names:

- the registered page's name over a bio asking for money ('$50 deposit via Zelle'), or
  streaming a game 'LIVE in HD, link below', is a copy, though the registry knows the page only
  by its id;
- the school's name with its short forms spelt out ('KB Prep Kestrel Butte' beside the
  registered 'KB Prep KB') is another account of the school, not a copy of that one;
- a gym that gives the school's athletes a discount, a Lions Club, a school abroad whose bio
  names its exchange partner and a game filmed from the stands are not the school's own;
- a letter's possessive ('Coach P's account') is no 'P.S.' (public school);
- a town with an accented name after a page's name ('… | St. Rémy, LA') is a place.
"""

from __future__ import annotations

import pytest

from crawler.district.profile import profile_from_text
from crawler.district.registry import RegistryRow
from matching import Matcher
from matching.features import shown_name
from matching.normalise import fold
from tests.matching.conftest import candidate as _c
from tests.matching.test_rooms_camps_and_partners import JUNIPER

PAGE_ID = "100072900000001"


@pytest.fixture(scope="module")
def juniper() -> Matcher:
    rows = [
        RegistryRow(
            "facebook",
            f"https://www.facebook.com/profile.php?id={PAGE_ID}",
            "kbhs",
            "Kestrel Butte High School",
            handle=PAGE_ID,
            platform_id=PAGE_ID,
        ),
        RegistryRow(
            "tiktok",
            "https://www.tiktok.com/@kbhscoyotes",
            "kbhs",
            "KBHS Coyotes",
            handle="kbhscoyotes",
        ),
    ]
    return Matcher(profile_from_text(JUNIPER, "juniper.yaml"), rows)


@pytest.mark.parametrize(
    ("handle", "bio"),
    [
        (
            "KestrelButteHighSchoolPage",
            "Kestrel Butte High School. Fall fees: $40 deposit via Zelle",
        ),
        (
            "KestrelButteHSLiveHD",
            "Kestrel Butte High School Coyotes ⭐ Watch tonight's game LIVE in HD, link below 👇",
        ),
    ],
)
def test_a_page_known_by_id_copied_to_ask_for_money_or_stream_is_a_copy(
    juniper, handle, bio
) -> None:
    copy = _c("facebook", handle, "Kestrel Butte High School", bio)
    r = juniper.assess(copy)
    assert (r.classification, r.entity) == ("impersonation", "kbhs"), r.explanation
    # the same name over a school's own words is still left to a person (the registered page
    # under its address, or a copy)
    own = _c("facebook", handle, "Kestrel Butte High School", "Kestrel Butte High School Coyotes.")
    assert juniper.assess(own).classification == "review"


def test_the_schools_name_spelt_out_is_no_copy_of_its_short_form(juniper) -> None:
    spelt = _c("tiktok", "kestrelbuttehighschool", "Kestrel Butte High School Coyotes", "🐺")
    r = juniper.assess(spelt)
    assert (r.classification, r.entity) == ("unregistered", "kbhs"), r.explanation
    # written as the registered account shows it, with a giveaway: a copy
    copy = _c("tiktok", "kbhs.coyotes1", "KBHS Coyotes", "giveaway for our families, tap the link")
    assert juniper.assess(copy).classification == "impersonation"


@pytest.mark.parametrize(
    ("platform", "handle", "name", "bio"),
    [
        (
            "instagram",
            "coyotefitnesswy",
            "Kestrel Butte Coyote Fitness",
            "Strength, HIIT & youth athletic training in Juniper Bend 💪 KBHS athletes get 10% off!",
        ),
        (
            "facebook",
            "JuniperBendLionsClub",
            "Juniper Bend Lions Club",
            "Juniper Bend Lions Club, Lions Clubs International. Pancake breakfast in the KBHS "
            "cafeteria!",
        ),
        (
            "instagram",
            "liceo.falcone.pa",
            "Liceo Falcone Palermo",
            "Liceo Scientifico Falcone · Palermo 🇮🇹 Scambio culturale con la Kestrel Butte High "
            "School (Wyoming) 🇺🇸",
        ),
    ],
)
def test_businesses_clubs_and_schools_abroad_are_not_the_schools(
    juniper, platform, handle, name, bio
) -> None:
    r = juniper.assess(_c(platform, handle, name, bio))
    assert r.classification not in ("unregistered", "impersonation"), r.explanation


def test_a_game_filmed_from_the_stands_is_left_to_a_person(juniper) -> None:
    film = _c(
        "youtube",
        "KBCoyotesFridayNight",
        "Kestrel Butte Coyotes Friday Night",
        "Every Kestrel Butte Coyotes home game, full length. Filmed from the stands.",
    )
    assert juniper.assess(film).classification == "review"


def test_a_letters_possessive_is_no_public_school(juniper) -> None:
    assert fold("Coach P's account") == "coach p account"
    assert fold("P.S. 23") == "p s 23"
    coach = _c(
        "x",
        "KBCoyotesFB",
        "KB Coyotes Football",
        "Kestrel Butte High School football. Coach P's account. Recruiting inquiries DM.",
    )
    r = juniper.assess(coach)
    assert r.classification == "unregistered", r.explanation


def test_an_accented_town_after_a_name_is_its_place() -> None:
    assert shown_name("St. Rémy High School | St. Rémy, LA") == "St. Rémy High School"
