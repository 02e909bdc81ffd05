"""pytest support: a ``sample_world`` fixture factory other test folders can import.

    # tests/<folder>/conftest.py
    from crawler.sampleworld.testing import sample_world_fixture
    sample_world = sample_world_fixture()                    # session-scoped, clean world
    faulty_world = sample_world_fixture(scope="function", faults=Faults(server_error=0.2))

Each world runs on free loopback ports and is stopped at the end of its scope.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from crawler.sampleworld import SampleWorld


def sample_world_fixture(scope: str = "session", **options: Any) -> Any:
    """A pytest fixture yielding a started :class:`SampleWorld` built with ``options``."""

    @pytest.fixture(scope=scope)  # type: ignore[call-overload]
    def _world() -> Iterator[SampleWorld]:
        with SampleWorld(**options) as world:
            yield world

    return _world


sample_world = sample_world_fixture()
