import pytest

from tests.cases.scout_world import World, make_world


@pytest.fixture
def world(tmp_path, db_url) -> World:
    """The sample district in a fresh database, on SQLite and (when configured) PostgreSQL."""
    return make_world(tmp_path, db_url)
