"""Accounts decided wrong in four districts written unseen (2026-12-07, third round), checked
on an invented district so that no rule leans on those districts' names:

- a registry row that names a Facebook page by its id alone ('/pages/<Name>/<id>',
  'profile.php?id=') is the page the district's site links under its username, when that page
  carries the row's name; an unlinked page of that name, whose id this scan could not read, is
  left to a person; a page with another id, or a copy of the linked page's username, is an
  impersonation;
- '<the district's school, abbreviated>, <state>' in a bio is no other place;
- a word of a team's own name ('Circuit Wolves Robotics') and the tail of the school's
  compound mascot ('Wolves' of the Timberwolves) are no other school's mascot;
- an organisation named without its trailing 'Committee' or 'Association' is still named;
- a registered handle on another platform does not outweigh another state in the bio;
- a bio at another school written with 'HS' ('Eastlake HS girls basketball') is that school's;
- a school district of the district's name with a number the district's names have not
  ('… School District 49') is another district; 'Washington State' is the state, and
  'Washington DC' the District of Columbia;
- a mascot none of the district's schools has, cheered in the bio ('Little Hawks'), is another
  school's, and a cheer of a nickname ('Go Wolves!') names none of the district's schools;
- a coach's own name ('Coach Keller') is left to a person; a company's channel named like a
  team ('Official channel of … Freight') is unrelated.
"""

from __future__ import annotations

import pytest

from crawler.district.profile import profile_from_text
from crawler.district.registry import RegistryRow
from matching import Matcher
from matching.types import Sighting
from tests.matching.conftest import candidate as _c

OSPREY = """\
district:
  key: olsd
  name: Osprey Lake School District
  aliases: [OLSD, Osprey Lake Schools, OL Schools]
  domains: [ospreylake.k12.vt.us]
  website: https://www.ospreylake.k12.vt.us/
  location: {city: Tamsin, state: VT, nearby: [Harlan Mills]}
entities:
  - key: olhs
    kind: school
    name: Osprey Lake Union High School
    aliases: [OLUHS, Osprey Lake High, Osprey Lake Timberwolves, Osprey Lake Knights, Wolves]
    level: high
    mascot: Timberwolves
    city: Tamsin
    activities: [softball, cross country, robotics, nordic skiing]
  - {key: olhs-robotics, kind: program, name: Pine Circuit Robotics, aliases: [Pine Circuit, FRC Team 9041],
     parent: olhs, activities: [robotics]}
  - {key: olhs-xc, kind: team, name: Osprey Lake Cross Country, aliases: [OLUHS XC], parent: olhs,
     mascot: Timberwolves, activities: [cross country]}
affiliated:
  - {key: grad-night, name: OL Grad Night Committee, kind: parent_group, entity: olhs}
"""
SITE = "https://www.ospreylake.k12.vt.us"
PAGE_ID = "100071234509876"


@pytest.fixture(scope="module")
def osprey() -> Matcher:
    profile = profile_from_text(OSPREY, "osprey.yaml")
    rows = [
        # registered under the page's old address, which carries only its id
        RegistryRow(
            "facebook",
            f"https://www.facebook.com/profile.php?id={PAGE_ID}",
            "olsd",
            "Osprey Lake School District",
            handle=PAGE_ID,
            platform_id=PAGE_ID,
        ),
        RegistryRow(
            "instagram",
            "https://www.instagram.com/oluhstimberwolves/",
            "olhs",
            "Osprey Lake Union High School",
            handle="oluhstimberwolves",
        ),
    ]
    return Matcher(profile, rows)


def _site_linked(handle: str, name: str, bio: str | None = None):
    return _c(
        "facebook",
        handle,
        name,
        bio,
        sightings=[Sighting("district_site", source_url=f"{SITE}/")],
    )


def test_the_page_the_site_links_is_the_row_known_by_its_id(osprey) -> None:
    r = osprey.assess(_site_linked("OspreyLakeSchools", "Osprey Lake School District"))
    assert (r.classification, r.entity) == ("registered", "olsd"), r.explanation
    assert r.explanation[0].code == "registered_id_only"
    assert "OspreyLakeSchools".lower() in r.explanation[0].label.lower()


def test_an_unlinked_page_of_that_name_without_its_id_is_left_to_a_person(osprey) -> None:
    r = osprey.assess(_c("facebook", "OspreyLakeSD", "Osprey Lake School District", None))
    assert (r.classification, r.entity) == ("review", "olsd"), r.explanation
    assert r.explanation[0].code == "same_name_id_only"


def test_a_page_of_that_name_with_another_id_is_an_impersonation(osprey) -> None:
    c = _c("facebook", "OspreyLakeSD", "Osprey Lake School District", None)
    c.platform_id = "100099999999999"
    r = osprey.assess(c)
    assert r.classification == "impersonation", r.explanation


def test_a_copy_of_the_linked_pages_username_is_an_impersonation(osprey) -> None:
    own = _site_linked("OspreyLakeSchools", "Osprey Lake School District")
    copy = _c(
        "facebook",
        "OspreyLakeSchool",
        "Osprey Lake School District",
        "Scholarship grants open now, message us to apply",
    )
    first, second = osprey.assess_many([own, copy])
    assert first.classification == "registered"
    assert second.classification == "impersonation", second.explanation
    assert second.imitates == f"https://www.facebook.com/profile.php?id={PAGE_ID}"


def test_the_districts_school_abbreviated_with_the_state_is_no_other_place(osprey) -> None:
    c = _c("tiktok", "oluhs_softball", "OLUHS Softball", "Softball 🥎 Osprey Lake Union HS, VT")
    r = osprey.assess(c)
    assert "other_place" not in {lv.code for lv in r.explanation}, r.explanation
    assert r.classification == "unregistered", r.explanation


@pytest.mark.parametrize(
    ("platform", "handle", "name", "bio", "entity"),
    [
        # a word of the team's own name
        (
            "bluesky",
            "pinecircuit.bsky.social",
            "Pine Circuit",
            "FRC Team 9041, Tamsin VT",
            "olhs-robotics",
        ),
        # the tail of the compound mascot
        (
            "instagram",
            "olwolves_xc",
            "OL Wolves XC",
            "Osprey Lake Union High School 🏃 Tamsin",
            "olhs",
        ),
    ],
)
def test_the_teams_own_words_are_no_other_mascot(osprey, platform, handle, name, bio, entity):
    r = osprey.assess(_c(platform, handle, name, bio))
    assert "mascot_conflict" not in {lv.code for lv in r.explanation}, r.explanation
    assert (r.classification, r.entity) == ("unregistered", entity), r.explanation


def test_an_organisation_named_without_committee_is_named(osprey) -> None:
    c = _c("instagram", "ol_gradnight", "OL Grad Night", "Parent-run grad night for OLUHS seniors")
    r = osprey.assess(c)
    assert (r.classification, r.entity) == ("affiliated", "grad-night"), r.explanation


def test_a_bio_at_another_school_abbreviated_is_another_schools(osprey) -> None:
    c = _c("instagram", "elhs_xc", "Timberwolves XC", "Eastlake HS cross country 🏃 #SoarEastlake")
    r = osprey.assess(c)
    assert "other_school" in {lv.code for lv in r.explanation}, r.explanation
    assert r.classification != "unregistered", r.explanation


@pytest.mark.parametrize(
    ("platform", "handle", "name", "bio"),
    [
        # a registered handle on another platform does not outweigh another state in the bio
        (
            "tiktok",
            "oluhs_timberwolves",
            "Timberwolves",
            "Orchard Lake Union HS • Fort Carrow, TX • football 🏈",
        ),
        # a district of the district's name with a number none of its names carries
        (
            "bluesky",
            "ospreylakesd12.bsky.social",
            "Osprey Lake School District 12",
            "Osprey Lake School District No. 12, Washington State. Go Cougars!",
        ),
    ],
)
def test_another_places_account_is_unrelated(osprey, platform, handle, name, bio) -> None:
    r = osprey.assess(_c(platform, handle, name, bio))
    assert r.classification == "unrelated", r.explanation


@pytest.mark.parametrize(
    ("text", "state", "city"),
    [("No. 12, Washington State.", "WA", None), ("Go Ohio State!", "OH", None)],
)
def test_a_state_before_state_is_the_state(text, state, city) -> None:
    from matching.features import find_places

    assert [(p.state, p.city) for p in find_places(text)] == [(state, city)]


@pytest.mark.parametrize(
    ("text", "state"),
    [("Keystone Heights PCS, Washington DC.", "DC"), ("Marbury Terrace, Washington, D.C.", "DC")],
)
def test_washington_dc_is_the_district_of_columbia(text, state) -> None:
    from matching.features import find_places

    assert {p.state for p in find_places(text)} == {state}


def test_a_cheered_word_of_the_districts_own_names_is_no_other_mascot(osprey) -> None:
    c = _c(
        "instagram",
        "mrs.v.2nd",
        "Mrs. V's 2nd Grade",
        "2nd grade at Osprey Lake Union High School 🍎 Go Knights!",
    )
    r = osprey.assess(c)
    assert "mascot_conflict" not in {lv.code for lv in r.explanation}, r.explanation


def test_a_coachs_own_name_is_left_to_a_person(osprey) -> None:
    c = _c(
        "instagram",
        "coachkeller.wolvesvb",
        "Coach Keller 🏐",
        "Osprey Lake Timberwolves XC 🐺 | camps • clinics • recruiting | DMs open",
    )
    r = osprey.assess(c)
    assert "personal_name" in {lv.code for lv in r.explanation}, r.explanation
    assert r.classification == "review", r.explanation


def test_a_companys_channel_named_like_a_team_is_unrelated(osprey) -> None:
    c = _c(
        "youtube",
        "olftimberwolves",
        "OLF Timberwolves Channel",
        "Official channel of Osprey Lake Freight, Tamsin, Vermont. Drivers, careers and our "
        "Timberwolves family.",
    )
    r = osprey.assess(c)
    assert (r.classification, r.rule) == ("unrelated", "namesake"), r.explanation


@pytest.mark.parametrize(
    ("handle", "name", "bio", "code"),
    [
        # a mascot none of the district's schools has, cheered in the bio
        (
            "mrs.v.2nd",
            "Mrs. V's 2nd Grade",
            "2nd grade at Osprey Lake Union High School 🍎 Little Hawks learning & growing",
            "mascot_conflict",
        ),
        # 'Go Wolves!' where 'Wolves' alone is among a school's aliases: the bio at another
        # school ('Orchard-Lake High School') is still that school's
        (
            "oltimberwolves",
            "O-L Timberwolves",
            "Orchard-Lake High School 🐺 Go Wolves!",
            "other_school",
        ),
    ],
)
def test_a_cheer_says_which_school_it_is(osprey, handle, name, bio, code) -> None:
    r = osprey.assess(_c("instagram", handle, name, bio))
    assert code in {lv.code for lv in r.explanation}, r.explanation
    assert r.classification != "unregistered", r.explanation
