"""The decision cascade: an ordered list of labelled rules; the first that settles an account wins."""

from __future__ import annotations

import pytest

from matching import Candidate, MatchSettings
from matching.decide import CASCADE


def test_the_cascade_runs_from_the_most_certain_rule_to_the_weights() -> None:
    assert [r.code for r in CASCADE] == [
        "registered",
        "fan",
        "impersonation",
        "not_district",
        "affiliated",
        "namesake",
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
