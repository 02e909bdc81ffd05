import pytest

from tests.cases.scout_world import World, make_world


@pytest.fixture
def world(tmp_path) -> World:
    return make_world(tmp_path)
