"""Accounts decided wrong in districts written unseen (2026-12-07, fourth session), checked on
an invented district so that no rule leans on those districts' names:

- in South Dakota '<one of the district's towns> SD' is the town and the state, not '<town>
  School District' (another district);
- 'Early College High School' is a kind of school: another district's '<Place> Early College
  High School' is not the district's;
- an account that gathers fans' clips or hype ('DM us your clips', 'highlights & hype') is
  left to a person.
"""

from __future__ import annotations

import pytest

from crawler.district.profile import profile_from_text
from matching import Matcher
from tests.matching.conftest import candidate as _c

HERON = """\
district:
  key: hlsd
  name: Heron Lakes School District 41-3
  aliases: [Heron Lakes, HLSD, Heron Lakes 41-3]
  domains: [heronlakes.k12.sd.us]
  website: https://www.heronlakes.k12.sd.us/
  location: {city: Arvold, state: SD, nearby: [Tessin]}
entities:
  - key: hlhs
    kind: school
    name: Heron Lakes High School
    aliases: [HLHS, Heron Lakes Herons]
    level: high
    mascot: Herons
    city: Arvold
    activities: [oral interp, basketball]
  - key: echs
    kind: school
    name: Heron Lakes Early College High School
    aliases: [HLECHS, Early College High School]
    level: high
    city: Arvold
"""


@pytest.fixture(scope="module")
def heron() -> Matcher:
    return Matcher(profile_from_text(HERON, "heron.yaml"), [])


def test_a_town_and_the_state_code_is_no_other_district(heron) -> None:
    c = _c(
        "bluesky",
        "hlhsoralinterp.bsky.social",
        "HLHS Oral Interp",
        "Heron Lakes High School oral interp team, Arvold SD. Storytelling, poetry, duet.",
    )
    r = heron.assess(c)
    assert "namesake" not in {lv.code for lv in r.explanation}, r.explanation
    assert (r.classification, r.entity) == ("unregistered", "hlhs"), r.explanation


def test_another_places_early_college_high_school_is_not_the_districts(heron) -> None:
    c = _c(
        "instagram",
        "svechs",
        "SV Early College High School",
        "Sierra Vista Early College High School: diploma and an associate degree at Sierra "
        "Vista College.",
    )
    r = heron.assess(c)
    assert "other_school" in {lv.code for lv in r.explanation}, r.explanation
    assert r.classification != "unregistered", r.explanation
    own = heron.assess(
        _c("instagram", "hlechs", "HL Early College High School", "Heron Lakes Early College HS")
    )
    assert own.classification == "unregistered", own.explanation


@pytest.mark.parametrize(
    ("handle", "name", "bio"),
    [
        ("herons_hoops", "Lady Herons Hoops", "Lady Herons 🏀💙💛 highlights & hype #LadyHerons"),
        (
            "hlsd_sports",
            "HLSD Sports 🏈🏀",
            "Scores & highlights from HLSD high schools. DM us your clips",
        ),
    ],
)
def test_an_account_that_gathers_fans_clips_is_left_to_a_person(heron, handle, name, bio) -> None:
    r = heron.assess(_c("instagram", handle, name, bio))
    assert "fan_base" in {lv.code for lv in r.explanation}, r.explanation
    assert r.classification in ("review", "unrelated"), r.explanation  # never a case
