"""Identity, not just a name or a place (issue 17, part 5): namesakes of every kind, in every
invented district of the labelled sets, are never a confident case, and the explanation says
which signal decided."""

from __future__ import annotations

import pytest

from matching import Candidate, Matcher
from tests.matching.labelled import CASES, DISTRICTS, District, Row, score

# Every kind of namesake, and the notes of the labelled rows that are one.
KINDS = {
    "a college or university": ("city only: university", "city only: college"),
    "a pro team": ("city only: pro team",),
    "a venue": ("city only: venue",),
    "the city or county": ("city only: city", "city only: park district", "region only"),
    "a nearby town's body": ("nearby town only", "city of a nearby town"),
    "a youth club of the city": ("city only: youth",),
    "the city and a sport alone": ("city only: the city and a sport",),
    "a company with a team's name": ("company with a team's name",),
    "a youth club with a team's or school's name": ("youth club with a",),
    "a school elsewhere": ("school elsewhere", "namesake elsewhere"),
    "a private school of the city": ("city only: private school",),
    "threads with a registered instagram handle": (
        "same handle as the registered instagram account",
    ),
}


@pytest.fixture(scope="module", params=DISTRICTS, ids=[d.name for d in DISTRICTS])
def district(request) -> tuple[District, list[Row], list]:
    d: District = request.param
    rows = d.rows()
    return d, rows, d.matcher().assess_many(r.candidate for r in rows)


def test_every_district_finds_its_cases_and_opens_none_wrong(district) -> None:
    _d, rows, results = district
    s = score(rows, results)
    assert s.precision >= 0.95, s.wrong
    assert s.recall >= 0.95, s.wrong
    assert s.entity_accuracy >= 0.95, s.wrong


def test_no_registered_or_affiliated_account_is_cased(district) -> None:
    _d, rows, results = district
    bad = [
        (r.line, r.expected, res.classification)
        for r, res in zip(rows, results, strict=True)
        if r.expected in ("registered", "affiliated")
        and (res.classification in CASES or (res.case_kind and r.expected == "affiliated"))
    ]
    assert bad == []


def test_no_namesake_is_a_case(district) -> None:
    _d, rows, results = district
    bad = [
        (r.line, r.candidate.display_name, res.classification, res.confidence)
        for r, res in zip(rows, results, strict=True)
        if r.expected in ("unrelated", "review") and res.opens_case
    ]
    assert bad == []


def test_labelled_urls_are_canonical(district) -> None:
    from crawler.platforms import classify

    _d, rows, _results = district
    for r in rows:
        c = r.candidate
        v = classify(c.url, mastodon_instances=("mastodon.social",))
        assert v.account is not None, r.line
        assert (v.account.url, v.account.handle) == (c.url, c.handle), r.line


def test_more_than_one_district_has_every_kind_of_namesake() -> None:
    for kind, notes in KINDS.items():
        where = [d.name for d in DISTRICTS if any(n in r.note for r in d.rows() for n in notes)]
        assert len(where) >= 2, (kind, where)


@pytest.fixture(scope="module")
def brenton() -> Matcher:
    return DISTRICTS[2].matcher()


def _c(platform: str, handle: str, name: str, bio: str = "", **kw) -> Candidate:
    url = {
        "instagram": f"https://www.instagram.com/{handle}/",
        "threads": f"https://www.threads.com/@{handle}",
        "x": f"https://x.com/{handle}",
        "youtube": f"https://www.youtube.com/@{handle}",
    }[platform]
    return Candidate(platform, handle, url, display_name=name, bio=bio or None, **kw)


def test_the_city_and_a_sport_alone_are_never_a_case(brenton) -> None:
    r = brenton.assess(_c("x", "brentonfootball", "Brenton Football", "Football in Brenton, KS"))
    assert r.classification == "review"
    place = next(lv for lv in r.explanation if lv.code == "place_only")
    assert "shares only the place" in place.label


@pytest.mark.parametrize(
    ("name", "bio", "word"),
    [
        ("Brenton Bulldogs Football", "Brenton's pro indoor football team", "pro indoor"),
        ("Steel Eagles Robotics", "Robotic welding cells. Request a quote.", "request a quote"),
        ("Jefferson Eagles Volleyball Club", "Youth club volleyball", "volleyball club"),
        ("Brenton Bulldogs", "Youth travel soccer, U8-U19", "travel soccer"),
        ("Brenton Lutheran", "A private K-8 Christian school in Brenton", "christian school"),
    ],
)
def test_a_name_of_the_district_describing_something_else_is_unrelated(
    brenton, name, bio, word
) -> None:
    r = brenton.assess(_c("instagram", "someoneelse", name, bio))
    assert (r.classification, r.rule) == ("unrelated", "namesake"), r.explanation
    assert r.explanation[0].code == "namesake" and f"'{word}'" in r.explanation[0].label


def test_a_link_to_the_district_outweighs_the_words_of_another_kind(brenton) -> None:
    c = _c(
        "instagram",
        "bhsbulldogsfootball",
        "Brenton Bulldogs Football",
        "Season tickets on sale now, see the box office",
        links=["https://www.bps418.org/bhs/football"],
    )
    r = brenton.assess(c)
    assert (r.classification, r.entity) == ("unregistered", "bhs-football"), r.explanation


def test_a_company_copying_a_registered_name_is_no_impersonation(brenton) -> None:
    c = _c("youtube", "steeleaglesinc", "Steel Eagles Robotics", "Our products: welding robots")
    r = brenton.assess(c)
    assert (r.classification, r.rule) == ("unrelated", "namesake")


def test_threads_with_a_registered_instagram_handle_is_a_case_with_the_same_administrator(
    brenton,
) -> None:
    # Threads profiles carry their Instagram account's id: the same id is still another platform.
    c = _c("threads", "brentonbulldogs", "Brenton High School", platform_id="1234", live=True)
    ig = brenton.ref.registry_by_handle[("instagram", "brentonbulldogs")]
    assert brenton.ref.registry_by_id.get(("threads", "1234")) is None
    r = brenton.assess(c)
    assert (r.classification, r.entity, r.case_kind) == ("unregistered", "bhs", "unregistered")
    codes = [lv.code for lv in r.explanation]
    assert "registered_elsewhere" in codes
    admin = next(lv for lv in r.explanation if lv.code == "same_administrator")
    assert "likely the same administrator" in admin.label and f"@{ig.handle}" in admin.label


def test_a_lookalikes_own_abbreviation_names_it_in_a_handle(tmp_path) -> None:
    """A lookalike's abbreviation ('BPSU' of a university in the district's city) is one of its
    names: a run-together handle splits on it ('bpsu athletics', not the district's 'bps' and a
    stray 'u') and names the lookalike, not the district."""
    from crawler.district.profile import load_profile
    from crawler.district.registry import load_registry

    d = DISTRICTS[2]
    text = d.profile.read_text(encoding="utf-8").replace(
        "not_district:\n",
        "not_district:\n  - {name: Brenton Polytechnic State University, aliases: [BPSU], "
        "location: Brenton KS}\n",
    )
    (tmp_path / "profile.yaml").write_text(text, encoding="utf-8")
    profile = load_profile(tmp_path / "profile.yaml")
    m = Matcher(profile, load_registry(d.registry, profile).rows)
    r = m.assess(
        _c(
            "instagram",
            "bpsuathletics",
            "BPSU Athletics",
            "Polytechnic athletics in Brenton, Kansas. Go Rockets!",
        )
    )
    assert r.classification == "unrelated", r.explanation
    assert "district_name" not in {lv.code for lv in r.explanation}, r.explanation


def test_a_bio_naming_only_the_town_and_mascot_does_not_name_the_school(brenton) -> None:
    """'Brenton Bulldogs' (the city and the mascot) is also what a summer or club team of that
    name calls itself: said in a bio it names no school, so the club's own words decide."""
    c = _c(
        "instagram",
        "brentonbulldogsbaseball",
        "Brenton Bulldogs Baseball Club",
        "Brenton Bulldogs: summer collegiate baseball at Riverside Park, Brenton KS. Tickets!",
    )
    r = brenton.assess(c)
    assert (r.classification, r.rule) == ("unrelated", "namesake"), r.explanation


def test_a_bio_naming_the_school_in_full_still_outweighs_a_club_word(brenton) -> None:
    c = _c(
        "instagram",
        "bhsbaseballclub",
        "Brenton Bulldogs Baseball Club",
        "The baseball club of Brenton High School. Go Bulldogs!",
    )
    assert brenton.assess(c).classification == "unregistered"


def test_a_business_named_for_the_schools_is_never_a_case(brenton) -> None:
    """'Brenton Schools Photos: book your portrait session': its name names the district, its
    bio sells something; nothing else ties it (no link, no registered handle): review."""
    c = _c(
        "instagram",
        "brentonschoolsphotos",
        "Brenton Schools Photos",
        "Picture day for Brenton schools. Seniors: book your portrait session!",
    )
    r = brenton.assess(c)
    assert (r.classification, r.rule) == ("review", "business"), r.explanation
    assert "'portrait session'" in r.explanation[0].label
    # the district's own link still makes it the district's
    linked = _c(
        "instagram",
        "brentonschoolsphotos",
        "Brenton Schools Photos",
        "Picture day for Brenton schools. Seniors: book your portrait session!",
        links=["https://www.bps418.org/photos"],
    )
    assert brenton.assess(linked).classification == "unregistered"


def test_the_districts_abbreviation_and_a_stray_letter_are_another_acronym(brenton) -> None:
    """'bpsuathletics' is not the district's 'bps' and a stray 'u': a short known piece followed
    by one unknown letter is one unknown acronym (a university's BPSU, listed in no profile),
    so it does not name the district."""
    c = _c("instagram", "bpsuathletics", "BPSU Athletics", "Go Rockets! Division II athletics.")
    r = brenton.assess(c)
    assert "district_name" not in {lv.code for lv in r.explanation}, r.explanation
    assert r.classification not in ("unregistered", "impersonation"), r.explanation
