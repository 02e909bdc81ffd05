"""Two kinds of account the generalisation benchmark's unseen districts showed, checked here on
invented districts so that no rule leans on those districts' names:

- a union of the district's teachers or staff (an NEA local '<District> Education Association',
  an AFT local '<X> Federation of Teachers', 'AFT Local 4410', 'representing the teachers of')
  bargains with the district: it names the district by nature, yet it is not the district and
  opens no case (unrelated), whether or not the profile lists it as a lookalike;
- 'Padres de <District>' is 'Parents of <District>': a parent group's name, affiliated as
  '<District> Parents' is, unless 'parent' is a word of the matched entity's own name (the
  district's 'Family & Parent Center' is also its 'Centro de Padres').
"""

from __future__ import annotations

import pytest

from crawler.district.profile import load_profile
from matching import Candidate, Matcher
from matching.compare_words import union_words
from tests.matching.labelled import HERE
from tests.matching.test_county_spanish import PROFILE as ALDER


@pytest.fixture(scope="module")
def alder(tmp_path_factory) -> Matcher:
    path = tmp_path_factory.mktemp("alder-unions") / "profile.yaml"
    path.write_text(ALDER, encoding="utf-8")
    return Matcher(load_profile(path), [])


@pytest.fixture(scope="module")
def riverton() -> Matcher:
    return Matcher(load_profile(HERE / "second_district.yaml"), [])


def _fb(handle: str, name: str, bio: str, location: str | None = None) -> Candidate:
    return Candidate(
        platform="facebook",
        handle=handle,
        url=f"https://www.facebook.com/{handle}",
        display_name=name,
        bio=bio,
        location=location,
    )


UNIONS = [
    (
        "alder",
        _fb(
            "AlderCountyEA",
            "Alder County Education Association",
            "The local of the North Carolina Association of Educators representing the teachers "
            "of Alder County Schools.",
            "Millbrook, NC",
        ),
    ),
    (
        "alder",
        _fb(
            "ACSFedTeachers",
            "Alder County Federation of Teachers",
            "AFT Local 3307. Alder County Schools educators, standing together.",
        ),
    ),
    (
        "riverton",
        _fb(
            "RVEA4410",
            "RVEA",
            "Local 4410 of the NEA. Representing the educators of Riverton Valley School District.",
        ),
    ),
    (
        "riverton",
        _fb(
            "RivertonValleyTeachersUnion",
            "Riverton Valley Teachers' Union",
            "Riverton Valley School District teachers. Riverton, Oregon.",
        ),
    ),
]


@pytest.mark.parametrize(("district", "c"), UNIONS, ids=[c.handle for _, c in UNIONS])
def test_a_teachers_union_is_not_the_district(district, c, request) -> None:
    r = request.getfixturevalue(district).assess(c)
    assert (r.classification, r.entity, r.rule) == ("unrelated", None, "union"), r.explanation


@pytest.mark.parametrize(
    "name, bio",
    [
        ("Future Educators Association", "Alder County High School club for future teachers."),
        ("Alder County Education Foundation", "Grants for Alder County Schools classrooms."),
        ("ACHS Local 5 Robotics", "Team 5 of Alder County High School."),
        ("Alder County Schools", "Welcome back, teachers and staff! Representing Alder County."),
    ],
)
def test_no_union_words_in_a_schools_or_clubs_account(alder, name, bio) -> None:
    assert union_words(alder.features(_fb("x", name, bio))) is None


def test_padres_de_the_district_is_a_parent_group_as_parents_is(alder) -> None:
    english = alder.assess(
        _fb("ACSParents", "ACS Parents", "News for the families of Alder County Schools.")
    )
    spanish = alder.assess(
        _fb(
            "PadresACS",
            "Padres de ACS",
            "Información para las familias de las Escuelas del Condado de Alder. Noticias.",
        )
    )
    familia = alder.assess(
        _fb("PadresDeFamiliaACS", "Padres de Familia de Alder County Schools", "Noticias.")
    )
    assert english.classification == "affiliated", english.explanation
    assert spanish.classification == english.classification, spanish.explanation
    assert familia.classification == "affiliated", familia.explanation


def test_the_districts_own_centro_de_padres_is_its_parent_center(alder) -> None:
    r = alder.assess(
        _fb(
            "ACSCentroDePadres",
            "ACS Parent Center / Centro de Padres",
            "Centro de Padres de las Escuelas del Condado de Alder: talleres y apoyo para familias.",
            "Millbrook, NC",
        )
    )
    assert (r.classification, r.entity) == ("unregistered", "family-center"), r.explanation
