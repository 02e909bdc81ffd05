import sys
from pathlib import Path

import pytest

# The simulated-scan helper lives with the case tests; the report tests reuse it.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "cases"))

from scout_world import World, make_world


@pytest.fixture
def world(tmp_path) -> World:
    return make_world(tmp_path)
