"""Fixtures for the discovery tests: configurations, crawlers and spiders built without a
reactor (``get_crawler``), responses from saved bodies, and the sample world."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, TextResponse
from scrapy.utils.test import get_crawler

from crawler.config import Budget, Config, Crawl
from crawler.sample import PROFILE, REGISTRY
from crawler.sampleworld.testing import sample_world_fixture

REAL = Path(__file__).resolve().parent.parent / "fixtures" / "real"

sample_world = sample_world_fixture()


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Config:
    """A configuration for the sample district, no API keys, an empty SQLite database."""
    for var in ("SCOUT_YOUTUBE_API_KEY", "SCOUT_BRAVE_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    return Config(
        path=None,
        base_dir=tmp_path,
        profile=PROFILE,
        registry=REGISTRY,
        database_url=f"sqlite:///{tmp_path / 'scout.sqlite3'}",
        searxng_url="https://search.west-fargo.k12.nd.us",
        mastodon_instances=("mastodon.social",),
        crawl=Crawl(contact="it@example.org"),
    )


def with_(config: Config, **changes: Any) -> Config:
    return dataclasses.replace(config, **changes)


def budget(**changes: Any) -> Budget:
    return dataclasses.replace(Budget(), **changes)


@pytest.fixture
def make_crawler() -> Callable[..., Any]:
    def make(config: Config, spidercls: Any = None, **settings: Any) -> Any:
        from crawler.discovery.addon import scout_settings

        values = scout_settings(
            config, district_name="West Fargo Public Schools", scan_id=settings.pop("scan_id", None)
        )
        return get_crawler(spidercls, {**values, **settings})

    return make


@pytest.fixture
def make_spider(make_crawler: Callable[..., Any]) -> Callable[..., Any]:
    def make(cls: Any, config: Config, **kwargs: Any) -> Any:
        crawler = make_crawler(config, cls, scan_id=kwargs.pop("scan_id", None))
        spider = cls.from_crawler(crawler, **kwargs)
        crawler.spider = spider
        return spider

    return make


def json_response(
    url: str,
    data: Any,
    status: int = 200,
    request: Request | None = None,
    headers: dict[str, str] | None = None,
) -> TextResponse:
    request = request or Request(url)
    return TextResponse(
        url,
        body=json.dumps(data).encode(),
        status=status,
        request=request,
        headers={"Content-Type": "application/json", **(headers or {})},
        encoding="utf-8",
    )


def html_response(
    url: str, body: str | bytes, status: int = 200, request: Request | None = None
) -> HtmlResponse:
    request = request or Request(url)
    return HtmlResponse(
        url,
        body=body if isinstance(body, bytes) else body.encode(),
        status=status,
        request=request,
        encoding="utf-8",
    )


def respond(
    request: Request, response_factory: Callable[..., TextResponse], *args: Any, **kwargs: Any
) -> list[Any]:
    """Call a request's callback with a response to it, as Scrapy would."""
    response = response_factory(request.url, *args, request=request, **kwargs)
    return list(request.callback(response, **request.cb_kwargs) or [])


@contextmanager
def one_district(key: str, folder: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A sample world serving only district ``key`` (API keys set), its profile and registry
    imported into a SQLite database in ``folder``: yields ``(world, config, profile)``."""
    from crawler.config import load_config
    from crawler.db.store import import_configured
    from crawler.district.profile import load_profile
    from crawler.sampleworld import SampleWorld
    from tests.watch.conftest import KEYS

    for k, v in KEYS.items():
        monkeypatch.setenv(k, v)
    with SampleWorld(
        districts=(key,),
        youtube_key=KEYS["SCOUT_YOUTUBE_API_KEY"],
        brave_key=KEYS["SCOUT_BRAVE_API_KEY"],
    ) as world:
        d = world.data.district(key)
        db = f"sqlite:///{folder / 'scout.sqlite3'}"
        (folder / "scout.toml").write_text(
            world.config_toml(
                profile=str(d.profile), registry=str(d.registry), database_url=db, district=key
            )
        )
        monkeypatch.setenv("SCOUT_DATABASE_URL", db)
        config = load_config(folder / "scout.toml", env=dict(os.environ))
        import_configured(config)
        yield world, config, load_profile(d.profile)
