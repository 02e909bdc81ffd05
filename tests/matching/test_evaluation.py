"""The labelled set (tests/matching/labelled_accounts.csv): the matching stage's acceptance test."""

from __future__ import annotations

import pytest

from crawler.vocab import Classification
from tests.matching.labelled import CASES, CLASSES, load, score

ROWS = load()


@pytest.fixture(scope="module")
def results(matcher):
    return matcher.assess_many(r.candidate for r in ROWS)


def test_the_set_is_large_and_covers_every_class_and_platform() -> None:
    assert len(ROWS) >= 300
    assert {r.expected for r in ROWS} == set(CLASSES)
    assert {r.candidate.platform for r in ROWS} >= {
        "facebook",
        "instagram",
        "x",
        "youtube",
        "tiktok",
        "threads",
        "bluesky",
        "linkedin",
        "mastodon",
    }
    notes = " ".join(r.note + " " + (r.candidate.display_name or "") for r in ROWS)
    for hard in (
        "Packer Backers",
        "Mustang Boosters",
        "The Packer",
        "Mustang Post",
        "Hawk Squawk",
        "Mustang Media",
        "West Fargo Hockey",
        "PTO",
        "City of West Fargo",
        "West Fargo Public Library",
        "West Fargo Police",
        "West Fargo Wolfpack",
        "Fargo Public Schools",
        "Park Christian",
        "Green Bay Packers",
        "Austin Packers",
        "UND Fighting Hawks",
        "Sheyenne Valley",
        "Liberty Middle School",
        "Cheney",
        "Harwood Elementary",
        "Heritage Middle School",
        "Bismarck Legacy",
        "Horace Mann",
        "Sheyenne Hoops",
        "parody",
        "fan",
    ):
        assert hard.lower() in notes.lower(), hard


def test_cases_precision_and_recall(results) -> None:
    s = score(ROWS, results)
    assert s.precision >= 0.95, s.wrong
    assert s.recall >= 0.95, s.wrong


def test_no_registered_account_is_classified_as_anything_else(results) -> None:
    bad = [
        (r.line, res.classification)
        for r, res in zip(ROWS, results, strict=True)
        if r.expected == "registered" and res.classification != "registered"
    ]
    assert bad == []


def test_no_affiliated_organisation_opens_a_case(results) -> None:
    bad = [
        (r.line, res.classification)
        for r, res in zip(ROWS, results, strict=True)
        if r.expected == "affiliated" and (res.classification in CASES or res.case_kind)
    ]
    assert bad == []


def test_entities_of_cases_and_registered_accounts(results) -> None:
    assert score(ROWS, results).entity_accuracy >= 0.95


def test_deactivated_but_live_is_registered_with_a_case_kind(results) -> None:
    for r, res in zip(ROWS, results, strict=True):
        if r.expected == "registered":
            assert res.case_kind == r.case_kind, r.line


def test_every_assessment_is_explained(results) -> None:
    for r, res in zip(ROWS, results, strict=True):
        assert res.explanation, r.line
        assert all(lv.label and lv.code for lv in res.explanation)
        assert 0.0 <= res.confidence <= 1.0
        assert 0.0 <= res.entity_score <= 1.0
        assert res.classification in {c.value for c in Classification}
        if res.classification == "impersonation":
            assert res.imitates and res.imitates.startswith("https://")


def test_labelled_urls_are_canonical() -> None:
    from crawler.platforms import classify

    for r in ROWS:
        c = r.candidate
        v = classify(c.url, mastodon_instances=("mastodon.social",))
        assert v.account is not None and v.account.url == c.url and v.account.handle == c.handle, (
            r.line
        )


def test_affiliated_organisations_are_their_own_entity(matcher, results) -> None:
    """Where the labelled entity is an affiliated organisation's key, that key is the answer."""
    keys = {r.key for r in matcher.ref.affiliated}
    bad = [
        (r.line, r.entity, res.entity)
        for r, res in zip(ROWS, results, strict=True)
        if r.expected == "affiliated" and r.entity in keys and res.entity != r.entity
    ]
    assert bad == []
    assert sum(r.entity in keys for r in ROWS) >= 10
