"""Fixtures for the sample world tests: one clean world for the session and a fetch helper."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

import pytest

from crawler.sampleworld import SampleWorld
from crawler.sampleworld.testing import sample_world_fixture

sample_world = sample_world_fixture()


@dataclass
class Fetched:
    status: int
    headers: Any
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(
    world: SampleWorld,
    url: str,
    headers: dict[str, str] | None = None,
    data: bytes | None = None,
    timeout: float = 10,
) -> Fetched:
    """GET (or POST with ``data``) a production URL through the world's host map; no redirects."""
    request = urllib.request.Request(world.url(url), data=data, headers=headers or {})
    try:
        with _OPENER.open(request, timeout=timeout) as r:
            return Fetched(r.status, r.headers, r.read())
    except urllib.error.HTTPError as e:
        return Fetched(e.code, e.headers, e.read())


@pytest.fixture
def get(sample_world: SampleWorld):
    def _get(url: str, **kwargs: Any) -> Fetched:
        return fetch(sample_world, url, **kwargs)

    return _get
