"""Fixtures for matching: one Matcher for the sample district, built once per session."""

from __future__ import annotations

import pytest

from matching import Matcher


@pytest.fixture(scope="session")
def matcher(sample_profile, sample_registry) -> Matcher:
    return Matcher(sample_profile, sample_registry)
