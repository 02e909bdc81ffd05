"""Rules a county-named district with Spanish-language accounts showed (the generalisation
benchmark's Peach County, written unseen), checked here on another invented district so that no
rule leans on that one's names:

- a "<Name> County Schools" district is in that county: a bio placing a team in "<Name> County,
  ST" places it in the district, not somewhere else; and a county body whose name differs from
  a program's only by a word ('Alder County Fair' against 'Alder County FFA') is not that program;
- a word of an affiliated organisation ('parent') that is a word of the matched entity's own
  name (the district's 'Family & Parent Center') does not make the account affiliated;
- names and bios in Spanish: 'Escuela Primaria Birchwood' is Birchwood Elementary School,
  'Escuelas del Condado de Alder' names the district, 'Carolina del Norte' is a state.
"""

from __future__ import annotations

import pytest

from crawler.district.profile import load_profile
from matching import Matcher
from matching.features import find_places
from matching.normalise import spanish_forms
from matching.reference import counties
from matching.types import Sighting
from tests.matching.conftest import candidate as _c

PROFILE = """\
district:
  key: acs
  name: Alder County Schools
  aliases: [ACS, Alder County School District]
  domains: [alder.k12.nc.us]
  website: https://www.alder.k12.nc.us/
  location: {city: Millbrook, state: NC, nearby: [Dobson Falls]}
entities:
  - key: ahs
    kind: school
    name: Alder County High School
    aliases: [ACHS, Alder County High]
    level: high
    mascot: Bobcats
    activities: [football, wrestling, ffa]
  - key: harlan
    kind: school
    name: Harlan High School
    aliases: [Harlan High, Harlan Herons]
    level: high
    mascot: Herons
    activities: [football, wrestling]
  - {key: harlan-wrestling, kind: team, name: Harlan Herons Wrestling, parent: harlan, mascot: Herons, activities: [wrestling]}
  - {key: birchwood, kind: school, name: Birchwood Elementary School, aliases: [Birchwood Elementary], level: elementary}
  - {key: ahs-ffa, kind: program, name: Alder County FFA, aliases: [ACHS FFA], parent: ahs, activities: [ffa]}
  - {key: family-center, kind: department, name: ACS Family & Parent Center, aliases: [Alder County Schools Parent Center]}
affiliated:
  - {key: ahs-boosters, name: Bobcat Booster Club, kind: booster, entity: ahs}
"""


@pytest.fixture(scope="module")
def alder(tmp_path_factory) -> Matcher:
    path = tmp_path_factory.mktemp("alder") / "profile.yaml"
    path.write_text(PROFILE, encoding="utf-8")
    return Matcher(load_profile(path), [])


def test_the_county_a_district_is_named_after_is_one_of_its_places(alder) -> None:
    assert counties(["Alder County Schools", "Schools of Alder County"]) == ["alder county"]
    assert counties(["Crawford County Community Unit School District 7"]) == ["crawford county"]
    c = _c(
        "x", "HarlanHeronsWR", "Harlan Herons Wrestling", "Harlan HS wrestling, Alder County NC."
    )
    r = alder.assess(c)
    assert "other_place" not in {lv.code for lv in r.explanation}, r.explanation
    assert (r.classification, r.entity) == ("unregistered", "harlan-wrestling"), r.explanation


def test_the_same_county_in_another_state_is_still_elsewhere(alder) -> None:
    c = _c("x", "AlderSchoolsVA", "Alder County Schools", "Alder County Schools, Alder County, VA.")
    r = alder.assess(c)
    assert r.classification == "unrelated", r.explanation


def test_a_county_fair_is_not_the_countys_ffa(alder) -> None:
    for platform in ("tiktok", "threads"):
        c = _c(
            platform,
            "aldercountyfair",
            "Alder County Fair",
            "Alder County Fair, every October in Millbrook, NC",
        )
        r = alder.assess(c)
        assert r.case_kind is None and r.classification == "unrelated", r.explanation


def test_an_affiliated_word_of_the_entitys_own_name_is_no_affiliation(alder) -> None:
    c = _c(
        "facebook",
        "ACSFamilyCenter",
        "ACS Family & Parent Center",
        "Alder County Schools Family & Parent Center, Millbrook NC.",
        sightings=[
            Sighting(
                "district_site",
                source_url="https://www.alder.k12.nc.us/families",
                title="Families",
                snippet="Family & Parent Center",
            )
        ],
    )
    r = alder.assess(c)
    assert (r.classification, r.entity) == ("unregistered", "family-center"), r.explanation
    # a parent group of a school is still affiliated
    pg = _c(
        "facebook",
        "HarlanParents",
        "Harlan High Parents",
        "Parents of Harlan High School students.",
    )
    assert alder.assess(pg).classification == "affiliated"


def test_spanish_names_of_schools_and_of_the_district() -> None:
    assert spanish_forms("birchwood elementary school")[0] == "escuela primaria birchwood"
    assert "escuelas del condado de alder" in spanish_forms("alder county school")
    assert "escuela secundaria harlan" in spanish_forms("harlan high school")
    assert spanish_forms("harlan herons") == []


def test_a_spanish_bio_names_the_school_and_the_district(alder) -> None:
    c = _c(
        "instagram",
        "birchwood_dualidioma",
        "Birchwood Inmersión Dual",
        "Programa de Inmersión Dual de la Escuela Primaria Birchwood, Escuelas del Condado de "
        "Alder, Carolina del Norte. ¡Dos idiomas, un futuro!",
    )
    r = alder.assess(c)
    codes = {lv.code for lv in r.explanation}
    assert {"bio_names", "district_name", "state"} <= codes, r.explanation
    assert (r.classification, r.entity) == ("unregistered", "birchwood"), r.explanation


def test_a_spanish_display_name_is_the_school(alder) -> None:
    c = _c(
        "instagram",
        "somosbirchwood_acs",
        "Escuela Primaria Birchwood",
        "¡Somos Birchwood! Escuela Primaria Birchwood, Condado de Alder, Carolina del Norte.",
    )
    r = alder.assess(c)
    assert "unexplained" not in {lv.code for lv in r.explanation}, r.explanation
    assert (r.classification, r.entity) == ("unregistered", "birchwood"), r.explanation


def test_a_states_spanish_name_is_a_place() -> None:
    assert [p.state for p in find_places("Millbrook, Carolina del Norte")] == ["NC"]
    assert [p.state for p in find_places("Escuela Primaria Lincoln, Nuevo México")] == ["NM"]


def test_spanish_little_words_split_no_english_handle(alder) -> None:
    """'de', 'el', 'la' of the Spanish forms are known words only where the profile's own names
    use them: 'elmwoodeagles' is no 'el mwood eagles'."""
    seg = alder.ref.segmenter
    assert seg is not None
    assert seg.split("elmwoodeagles") == ["elmwood", "eagles"]
    assert "de" not in alder.ref.vocabulary and "escuela" in alder.ref.vocabulary
