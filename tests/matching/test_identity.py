"""Identity, not just a name (issue 17, part 5), and the matching fixes the generalisation
benchmark found: classroom accounts, a display name copied with 'Official', namesakes named
exactly like a team, disclaimers of affiliation. Each rule is checked on the labelled rows of
more than one invented district, and on its own."""

from __future__ import annotations

import pytest

from matching import Candidate, Matcher
from matching.compare import bio_entity
from matching.features import find_places, snippet_bio
from matching.types import Sighting
from tests.matching.labelled import DISTRICTS, District, Row


@pytest.fixture(scope="module", params=DISTRICTS, ids=[d.name for d in DISTRICTS])
def district(request) -> tuple[District, Matcher, list[Row]]:
    d: District = request.param
    return d, d.matcher(), d.rows()


def _rows(rows: list[Row], note: str) -> list[Row]:
    return [r for r in rows if note in r.note]


@pytest.mark.parametrize(
    "note",
    [
        "classroom account of a district school",
        "copies the registered page's display name",
        "company with a team's name",
        "youth club with a team's name and an age group",
        "disclaimer:",
        "classroom of a school elsewhere",
    ],
)
def test_more_than_one_district_has_the_kind(note) -> None:
    where = [d.name for d in DISTRICTS if _rows(d.rows(), note)]
    assert len(where) >= 2, (note, where)


def test_a_classroom_account_of_a_district_school_is_a_case(district) -> None:
    _d, m, rows = district
    for r in _rows(rows, "classroom account of a district school"):
        res = m.assess(r.candidate)
        assert (res.classification, res.entity, res.case_kind) == (
            "unregistered",
            r.entity,
            "unregistered",
        ), (r.line, res.explanation)
        classroom = next(lv for lv in res.explanation if lv.code == "classroom")
        assert "ABDB-AP" in classroom.label
        assert "level_conflict" not in {lv.code for lv in res.explanation}


def test_a_classroom_of_a_school_elsewhere_is_not(district) -> None:
    _d, m, rows = district
    for r in _rows(rows, "classroom of a school elsewhere"):
        assert m.assess(r.candidate).classification == "unrelated", r.line


def test_a_copied_display_name_with_official_added_is_an_impersonation(district) -> None:
    _d, m, rows = district
    for r in _rows(rows, "copies the registered page's display name"):
        res = m.assess(r.candidate)
        assert (res.classification, res.rule, res.entity) == (
            "impersonation",
            "impersonation",
            r.entity,
        ), (r.line, res.explanation)
        assert res.imitates is not None and res.case_kind == "impersonation"
        assert "with 'official' added" in res.explanation[0].label


def test_a_namesake_with_a_registered_handle_elsewhere_is_review_and_says_why(district) -> None:
    _d, m, rows = district
    for r in _rows(rows, "company with a team's name and a registered account's handle"):
        res = m.assess(r.candidate)
        assert (res.classification, res.rule, res.case_kind) == ("review", "namesake", None)
        first = res.explanation[0]
        assert first.code == "namesake" and "only the same handle" in first.label
        assert "same_administrator" not in {lv.code for lv in res.explanation}


def test_a_youth_club_with_an_age_group_is_unrelated(district) -> None:
    _d, m, rows = district
    for r in _rows(rows, "youth club with a team's name and an age group"):
        res = m.assess(r.candidate)
        assert (res.classification, res.rule) == ("unrelated", "namesake"), res.explanation
        assert "a youth or club team" in res.explanation[0].label


def test_a_disclaimer_is_never_a_case(district) -> None:
    _d, m, rows = district
    for r in _rows(rows, "disclaimer:"):
        res = m.assess(r.candidate)
        assert res.classification == "review" and res.case_kind is None, (r.line, res.explanation)
        assert res.explanation[0].code == "disclaimer"


# ------------------------------------------------------------------ the rules one by one


@pytest.fixture(scope="module")
def brenton() -> Matcher:
    return DISTRICTS[2].matcher()


@pytest.fixture(scope="module")
def riverton() -> Matcher:
    return DISTRICTS[1].matcher()


def _ig(handle: str, name: str | None, bio: str | None = None, **kw) -> Candidate:
    return Candidate(
        "instagram",
        handle,
        f"https://www.instagram.com/{handle}/",
        display_name=name,
        bio=bio,
        **kw,
    )


def test_a_teachers_title_is_not_a_middle_school(riverton) -> None:
    f = riverton.features(_ig("msortiz2ndgrade", "Ms. Ortiz's 2nd Grade"))
    assert f.teacher and "middle" not in f.name and "middle" not in f.handle
    # 'MS' written as a short form is still one.
    f = riverton.features(_ig("cfms", "Cedar Falls MS"))
    assert not f.teacher and "middle" in f.name


def test_the_name_of_a_class_alone_is_no_classroom_without_a_school(riverton) -> None:
    r = riverton.assess(_ig("mrsmithsclass", "Mr. Smith's Class", "Learning every day!"))
    assert r.classification == "unrelated"
    assert "classroom" not in {lv.code for lv in r.explanation}


def test_a_teachers_own_name_is_no_classroom(riverton) -> None:
    """A teacher's personal account is kept apart from the district's (ABDB-AP)."""
    bio = "Teacher at Lincoln Elementary in Riverton, Oregon. Views my own."
    r = riverton.assess(_ig("mrs_patel_reads", "Mrs. Patel", bio))
    assert "classroom" not in {lv.code for lv in r.explanation}
    assert (r.classification, r.explanation[0].code) == ("review", "disclaimer"), r.explanation


def test_class_of_a_year_is_no_classroom(brenton) -> None:
    r = brenton.assess(_ig("bhsclassof2019", "BHS Class of 2019", "Brenton High School alumni"))
    assert r.classification == "affiliated"
    assert "classroom" not in {lv.code for lv in r.explanation}


@pytest.mark.parametrize(
    "text",
    [
        "4th grade at Washington Elementary, Cibolo Valley ISD.",
        "Third grade at Oregon District Elementary.",
        "Kansas City Chiefs fans",
    ],
)
def test_a_states_name_inside_a_longer_name_is_not_the_state(text) -> None:
    assert find_places(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Bands of Tualatin Valley SD 48J.",
        "The alternative high school of Tualatin Valley SD 48J. Go Cougars!",
        "Harlow MS Hawks, Forest Grove.",
    ],
)
def test_a_school_abbreviation_that_is_a_state_code_is_not_a_state(text) -> None:
    # 'SD' (school district) and 'MS' (middle school) name a state only after a comma
    assert find_places(text) == []


def test_a_state_code_after_a_comma_is_still_a_place() -> None:
    assert [p.state for p in find_places("South Elementary, Watertown, SD")] == ["SD"]
    assert [p.state for p in find_places("Go Tigers! Jackson, MS")] == ["MS"]
    assert [p.state for p in find_places("Sioux Falls SD", comma=False)] == ["SD"]


def test_a_state_named_alone_is_still_a_place() -> None:
    assert [p.state for p in find_places("Thomas Jefferson High School, Roanoke, Virginia.")] == [
        "VA"
    ]
    assert [p.state for p in find_places("A school in Dayton, Tennessee")] == ["TN"]


def test_the_school_a_bio_names_wins_over_the_district_named_after_it(riverton) -> None:
    f = riverton.features(
        _ig(
            "x1",
            "Ms. Ortiz's 2nd Grade",
            "2nd grade at Lincoln Elementary, Riverton Valley Schools",
        )
    )
    m = bio_entity(f, riverton.ref, 78.0)
    assert m is not None and m.record.key == "lincoln"


@pytest.mark.parametrize(
    ("snippet", "bio"),
    [
        (
            "Wright Aviators. 900 likes · 22 talking about this. Travel baseball for ages 9-14.",
            "Travel baseball for ages 9-14.",
        ),
        (
            "Wright Aviators | 1,400 followers on LinkedIn. Aviation and Aerospace | Charter flights.",
            "Aviation and Aerospace | Charter flights.",
        ),
        (
            "Wright Aviators (@wrightaviatorsbaseball) on TikTok | 3.7K Likes. 400 Followers. "
            "Youth travel baseball club.",
            "Youth travel baseball club.",
        ),
        ("5.5M Followers • 145 Threads • Carillon High School.", "Carillon High School."),
    ],
)
def test_a_snippet_loses_the_pages_name_and_counts(snippet, bio) -> None:
    assert snippet_bio(snippet) == bio


def test_a_facebook_club_known_from_a_search_result_is_a_namesake(brenton) -> None:
    """The snippet repeats the page's name (the school's alias): that is not the bio naming the
    school; the bio proper says what it is."""
    title = "Brenton Bulldogs | Brenton, KS | Facebook"
    c = Candidate(
        "facebook",
        "brentonbulldogsfastpitch",
        "https://www.facebook.com/brentonbulldogsfastpitch",
        display_name="Brenton Bulldogs | Brenton, KS",
        sightings=[
            Sighting(
                "web_search",
                title=title,
                snippet="Brenton Bulldogs. 900 likes · 22 talking about this. "
                "Travel softball for ages 9-14. Tryouts every August.",
            )
        ],
    )
    r = brenton.assess(c)
    assert (r.classification, r.rule) == ("unrelated", "namesake"), r.explanation


def test_a_bio_repeating_the_accounts_own_name_does_not_tie_it(brenton) -> None:
    c = _ig("bulldogsllc", "Brenton Bulldogs", "Brenton Bulldogs LLC: dog grooming and boarding.")
    r = brenton.assess(c)
    assert (r.classification, r.rule) == ("unrelated", "namesake")
    assert "'llc': a company" in r.explanation[0].label


def test_a_bio_naming_the_school_still_ties_a_team_with_a_club_word(brenton) -> None:
    c = _ig(
        "bhsbulldogsfb",
        "Brenton Bulldogs Football",
        "Brenton High School football. Youth camp for ages 8-13 in June!",
    )
    assert brenton.assess(c).classification == "unregistered"


def test_a_threads_account_made_from_a_registered_instagram_is_never_a_namesake(brenton) -> None:
    c = Candidate(
        "threads",
        "brentonbulldogs",
        "https://www.threads.com/@brentonbulldogs",
        display_name="Brenton Bulldogs",
        bio="Brenton Bulldogs 14U travel softball",
        live=True,
    )
    r = brenton.assess(c)
    assert r.rule != "namesake" and r.classification == "unregistered", r.explanation
    assert "same_administrator" in {lv.code for lv in r.explanation}


@pytest.mark.parametrize(
    ("bio", "phrase"),
    [
        ("Scores from Brenton High. Not run by BPS or any school.", "not run by"),
        ("Brenton High School hoops highlights. Not affiliated with USD 418.", "not affiliated"),
        ("Brenton High School scores. This is not an official BPS account.", "not an official"),
        ("Brenton High School scores, not a school account.", "not a school account"),
        ("Brenton High School hoops. Not a school team.", "not a school team"),
    ],
)
def test_a_disclaimer_caps_a_case_at_review_and_says_so(brenton, bio, phrase) -> None:
    r = brenton.assess(_ig("bhsscoreboard", "Brenton High Scoreboard", bio))
    assert r.classification == "review", r.explanation
    assert r.explanation[0].code == "disclaimer" and phrase in r.explanation[0].label


@pytest.mark.parametrize(
    "bio",
    ["Brenton High School scores.", "Brenton High School scores. Friday is not a school day."],
)
def test_without_a_disclaimer_the_same_account_is_a_case(brenton, bio) -> None:
    r = brenton.assess(_ig("bhsscoreboard", "Brenton High Scoreboard", bio))
    assert r.classification == "unregistered"


def test_a_fan_page_that_disclaims_is_unrelated(brenton) -> None:
    r = brenton.assess(
        _ig("bulldogsfanpage", "Brenton Bulldogs Fan Page", "Not affiliated with Brenton High.")
    )
    assert (r.classification, r.rule) == ("unrelated", "fan")


def test_a_word_of_the_districts_own_name_is_no_community_word(tmp_path) -> None:
    from crawler.district.profile import load_profile
    from crawler.district.registry import load_registry

    d = DISTRICTS[2]
    text = d.profile.read_text(encoding="utf-8")
    assert "name: Brenton Public Schools" in text
    path = tmp_path / "profile.yaml"
    path.write_text(text.replace("name: Brenton Public Schools", "name: Brenton City Schools"))
    profile = load_profile(path)
    m = Matcher(profile, load_registry(d.registry, profile).rows)
    # 'City' of the district's own name is not the city's ('City of Brenton' is).
    r = m.assess(_ig("brentoncityschools", "Brenton City Schools", "News of Brenton City Schools"))
    assert "community" not in {lv.code for lv in r.explanation}
    assert r.classification == "unregistered"
    r = m.assess(_ig("brentoncityrec", "Brenton City Rec", "Brenton City Schools gym nights"))
    assert "community" in {lv.code for lv in r.explanation}


def test_a_lookalike_name_does_not_decide_when_the_account_names_the_district():
    """``not_district`` lists 'Lincoln High School Lions' (Lincoln NE). An account with that
    kind of name whose bio names the district is the district's; one that names only the
    lookalike's place is not."""
    from pathlib import Path

    from crawler.district.profile import load_profile
    from crawler.district.registry import load_registry
    from matching import Matcher
    from matching.types import Candidate, Sighting

    base = Path(__file__).resolve().parents[2] / "crawler/sampleworld/districts/cibolo-valley"
    profile = load_profile(base / "profile.yaml")
    matcher = Matcher(profile, load_registry(base / "registry.csv", profile).rows)

    def account(bio: str) -> Candidate:
        return Candidate(
            platform="bluesky",
            handle="lhslionsfb.bsky.social",
            url="https://bsky.app/profile/lhslionsfb.bsky.social",
            platform_id="did:plc:lhslionsfb",
            display_name="LHS Lions FB",
            bio=bio,
            links=[],
            location=None,
            sightings=[Sighting(source="handle_probe", query="bluesky @lhslionsfb.bsky.social")],
            live=True,
        )

    ours, theirs = matcher.assess_many(
        [account("Lincoln Lions football, CVISD."), account("Lincoln Lions football, Lincoln NE.")]
    )
    assert (ours.classification, ours.entity) == ("unregistered", "lhs-football")
    assert theirs.classification == "unrelated"
    assert [lv.code for lv in theirs.explanation] == ["not_district"]


def test_a_bluesky_handle_on_the_districts_domain_ties_it_to_the_district(riverton) -> None:
    def bsky(handle: str) -> Candidate:
        return Candidate(
            "bluesky",
            handle,
            f"https://bsky.app/profile/{handle}",
            display_name="Ospreys Robotics",
            bio="Robots and more.",
        )

    own = riverton.assess(bsky("robotics.rvhs.rvsd.k12.or.us"))
    link = [lv for lv in own.explanation if lv.code == "domain_link"]
    assert link and "rvsd.k12.or.us" in link[0].label
    assert own.classification == "unregistered"
    other = riverton.assess(bsky("ospreysrobotics.bsky.social"))
    assert "domain_link" not in {lv.code for lv in other.explanation}
