"""Fixtures for matching: one Matcher for the sample district, built once per session."""

from __future__ import annotations

import pytest

from matching import Candidate, Matcher


@pytest.fixture(scope="session")
def matcher(sample_profile, sample_registry) -> Matcher:
    return Matcher(sample_profile, sample_registry)


def candidate(platform: str, handle: str, name: str | None, bio: str | None, **kw) -> Candidate:
    """An account at ``https://www.<platform>.com/<handle>`` with this name and bio."""
    return Candidate(
        platform, handle, f"https://www.{platform}.com/{handle}", display_name=name, bio=bio, **kw
    )
