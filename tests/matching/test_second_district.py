"""Another district (made up, in Oregon) works with no code change: only its profile and registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.district.profile import load_profile
from crawler.district.registry import load_registry
from matching import Candidate, Matcher

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def other() -> Matcher:
    profile = load_profile(HERE / "second_district.yaml")
    return Matcher(profile, load_registry(HERE / "second_district.csv", profile).rows)


def _c(platform: str, handle: str, name: str, bio: str = "") -> Candidate:
    url = {
        "instagram": f"https://www.instagram.com/{handle}/",
        "facebook": f"https://www.facebook.com/{handle}",
        "x": f"https://x.com/{handle}",
    }[platform]
    return Candidate(platform=platform, handle=handle, url=url, display_name=name, bio=bio or None)


CASES = [
    (_c("instagram", "rvhsospreys", "Riverton Valley High School"), "registered", "rvhs"),
    (_c("instagram", "rvhsospreys_", "Riverton Valley High School"), "impersonation", "rvhs"),
    (_c("x", "RivertonOspreysSoccer", "Riverton Ospreys Soccer"), "unregistered", "rvhs-soccer"),
    (_c("instagram", "rvhs_robotics", "RVHS Robotics", "Riverton, OR"), "unregistered", "rvhs"),
    (
        _c("instagram", "cfms_otters", "Cedar Falls Middle School", "Otters! Cedar Falls, Oregon"),
        "unregistered",
        "cfms",
    ),
    (
        _c("facebook", "OspreyBoosters", "Osprey Boosters", "Booster club"),
        "affiliated",
        "osprey-boosters",
    ),
    (_c("instagram", "rivertonwolverines", "Riverton Wyoming Wolverines"), "unrelated", None),
    (
        _c("instagram", "cedarfallsms_ia", "Cedar Falls Middle School", "Cedar Falls, Iowa"),
        "unrelated",
        None,
    ),
    (
        _c(
            "instagram",
            "lincolnelem_rvsd",
            "Lincoln Elementary",
            "A Riverton Valley School District school",
        ),
        "unregistered",
        "lincoln",
    ),
    (
        _c("instagram", "lincolnelementary", "Lincoln Elementary", "Home of the Lions, Lincoln NE"),
        "unrelated",
        None,
    ),
    (_c("instagram", "sheyennemustangsvb", "Sheyenne Mustangs Volleyball"), "unrelated", None),
]


@pytest.mark.parametrize(
    ("cand", "classification", "entity"), CASES, ids=[c.handle for c, *_ in CASES]
)
def test_other_district(other, cand, classification, entity) -> None:
    res = other.assess(cand)
    assert (res.classification, res.entity) == (classification, entity), res.explanation
