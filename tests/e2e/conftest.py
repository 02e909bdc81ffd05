"""End-to-end fixtures: the sample world, a scout.toml for it, a database with the sample district."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from crawler.sampleworld.testing import sample_world_fixture

sample_world = sample_world_fixture(
    youtube_key="e2e-youtube-key-4f1c9d", brave_key="e2e-brave-key-7a2b3c"
)

KEYS = {
    "SCOUT_YOUTUBE_API_KEY": "e2e-youtube-key-4f1c9d",
    "SCOUT_BRAVE_API_KEY": "e2e-brave-key-7a2b3c",
}


@dataclass
class Site:
    dir: Path
    config_path: Path
    database_url: str

    def config(self):
        from crawler.config import load_config

        return load_config(
            self.config_path, env={**os.environ, **KEYS, "SCOUT_DATABASE_URL": self.database_url}
        )


def make_site(world, tmp_path: Path, database_url: str) -> Site:
    from crawler.db import transaction
    from crawler.db.store import import_profile, import_registry
    from crawler.district.profile import load_profile
    from crawler.district.registry import load_registry
    from crawler.sample import PROFILE, REGISTRY

    d = tmp_path / "site"
    d.mkdir(exist_ok=True)
    for src in (PROFILE, REGISTRY):
        (d / src.name).write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    cfg = d / "scout.toml"
    cfg.write_text(
        world.config_toml(profile="profile.yaml", registry="registry.csv"), encoding="utf-8"
    )
    profile = load_profile(d / "profile.yaml")
    with transaction(database_url) as s:
        import_profile(s, profile, str(d / "profile.yaml"))
        import_registry(s, load_registry(d / "registry.csv", profile).rows)
    return Site(d, cfg, database_url)


@pytest.fixture
def site(sample_world, tmp_path, db_url, monkeypatch):
    for k, v in KEYS.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("SCOUT_DATABASE_URL", db_url)
    sample_world.reset_quota()  # a new day for the YouTube quota: each test is a scan of its own
    return make_site(sample_world, tmp_path, db_url)
