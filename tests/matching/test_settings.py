"""MatchSettings: one frozen object, read from [matching], unknown keys rejected."""

from __future__ import annotations

import dataclasses

import pytest

from crawler.errors import InputError
from matching import Matcher, MatchSettings


def test_defaults_and_frozen() -> None:
    s = MatchSettings.from_mapping({})
    assert s == MatchSettings()
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.case_threshold = 0.1  # type: ignore[misc]


def test_values_are_read() -> None:
    s = MatchSettings.from_mapping({"case_threshold": 0.9, "block_max_entities": 10, "w_town": 2})
    assert (s.case_threshold, s.block_max_entities, s.w_town) == (0.9, 10, 2.0)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"case_treshold": 0.9},
            "unknown matching setting 'case_treshold' (did you mean 'case_threshold'?)",
        ),
        ({"bogus": 1}, "unknown matching setting 'bogus'"),
        ({"case_threshold": "high"}, "must be a number"),
        ({"case_threshold": True}, "must be a number"),
        ({"block_max_entities": 2.5}, "whole number"),
        ({"case_threshold": 1.5}, "between 0 and 1"),
        ({"review_threshold": 0.9, "case_threshold": 0.5}, "must not be above"),
        ({"name_strong": 120}, "between 0 and 100"),
    ],
)
def test_bad_settings_are_input_errors(data, message) -> None:
    with pytest.raises(InputError) as exc:
        MatchSettings.from_mapping(data)
    assert message in str(exc.value)


def test_a_stricter_threshold_changes_the_decision(sample_profile, sample_registry) -> None:
    from matching import Candidate

    c = Candidate(
        "instagram",
        "shs_football",
        "https://www.instagram.com/shs_football/",
        display_name="Sheyenne Football",
    )
    assert Matcher(sample_profile, sample_registry).assess(c).classification == "unregistered"
    strict = Matcher(sample_profile, sample_registry, MatchSettings(case_threshold=0.999))
    assert strict.assess(c).classification == "review"
