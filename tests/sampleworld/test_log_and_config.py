"""The request log (redaction, hosts, paths) and the generated scout.toml."""

from __future__ import annotations

from pathlib import Path

from crawler.config import load_config
from crawler.sample import PROFILE, REGISTRY
from crawler.sampleworld import SampleWorld

from .conftest import fetch


def test_log_redacts_keys_and_tokens():
    with SampleWorld() as world:
        fetch(
            world,
            "https://www.googleapis.com/youtube/v3/search?part=snippet&key=AIzaSECRET123&q=x",
            headers={"User-Agent": "TestAgent/1.0"},
        )
        fetch(
            world,
            "https://api.search.brave.com/res/v1/web/search?q=x",
            headers={"X-Subscription-Token": "BSAsecret456"},
        )
        log = world.requests
        assert [(r.host, r.bare_path) for r in log] == [
            ("www.googleapis.com", "/youtube/v3/search"),
            ("api.search.brave.com", "/res/v1/web/search"),
        ]
        assert log[0].path == "/youtube/v3/search?part=snippet&key=[redacted]&q=x"
        assert log[0].user_agent == "TestAgent/1.0" and log[0].status == 200
        assert log[1].headers["X-Subscription-Token"] == "[redacted]"
        assert "SECRET" not in repr(log) and "secret456" not in repr(log)
        world.reset_log()
        assert world.requests == []


def test_config_toml_is_a_valid_scout_configuration(tmp_path: Path):
    with SampleWorld() as world:
        text = world.config_toml(
            profile=str(PROFILE),
            registry=str(REGISTRY),
            database_url=f"sqlite:///{tmp_path / 'scout.sqlite3'}",
        )
        path = tmp_path / "scout.toml"
        path.write_text(text, encoding="utf-8")
        config = load_config(path, env={})
        assert config.hostmap == world.hostmap
        assert config.searxng_url == "https://search.west-fargo.k12.nd.us"
        assert config.mastodon_instances == ("mastodon.social",)
        assert config.allow_networks == ("127.0.0.0/8",)
        assert config.crawl.download_delay == 0 and config.crawl.autothrottle is False
        assert config.profile == PROFILE and config.database_url.endswith("scout.sqlite3")


def test_world_restarts_on_new_ports():
    world = SampleWorld()
    with world:
        first = dict(world.hostmap)
    assert world.hostmap == {}
    with world:
        assert set(world.hostmap) == set(first)
