"""Fault injection: each fault looks like the real thing, strikes deterministically, and
lets a retry through."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
import zlib

import pytest

from crawler.platforms import PageState, parse_profile_page
from crawler.sampleworld import Faults, SampleWorld

from .conftest import fetch

IG = "https://www.instagram.com/sheyennehoops/"
BSKY = (
    "https://public.api.bsky.app/xrpc/app.bsky.actor.getProfile?actor=westfargoschools.bsky.social"
)


def test_faults_are_validated_and_off_by_default():
    assert Faults().huge_bytes == 50 * 1024 * 1024
    typical = Faults.typical(client_timeout=5, slow=0.0)
    assert typical.server_error == 0.10 and typical.hold_seconds > 5 and typical.slow == 0.0
    with pytest.raises(ValueError, match="server_error"):
        Faults(server_error=1.5)


def test_server_error_strikes_once_then_the_retry_succeeds():
    with SampleWorld(faults=Faults(server_error=1.0)) as world:
        first, second = fetch(world, IG), fetch(world, IG)
        assert first.status in (500, 502, 503) and second.status == 200
        assert (
            fetch(world, "https://www.instagram.com/robots.txt").status == 200
        )  # robots.txt is spared
        assert [r.fault for r in world.requests] == ["server_error", None, None]


def test_rate_limit_burst_has_retry_after_and_the_platform_body():
    with SampleWorld(faults=Faults(rate_limit=1.0, burst=2, retry_after=7)) as world:
        statuses = [fetch(world, BSKY) for _ in range(3)]
        assert [s.status for s in statuses] == [429, 429, 200]
        assert statuses[0].headers["Retry-After"] == "7"
        assert statuses[0].json() == {
            "error": "RateLimitExceeded",
            "message": "Rate Limit Exceeded",
        }


def test_timeout_holds_the_connection_longer_than_the_client_waits():
    with SampleWorld(faults=Faults(timeout=1.0, hold_seconds=3.0)) as world:
        with pytest.raises((TimeoutError, socket.timeout, urllib.error.URLError)):
            urllib.request.urlopen(world.url(IG), timeout=0.3)
        assert fetch(world, IG).status == 200


def test_truncated_json_only_for_json():
    with SampleWorld(faults=Faults(truncated_json=1.0)) as world:
        broken = fetch(world, BSKY)
        assert broken.status == 200
        with pytest.raises(json.JSONDecodeError):
            broken.json()
        assert fetch(world, BSKY).json()["handle"] == "westfargoschools.bsky.social"
        assert fetch(world, IG).status == 200  # HTML is left alone
        assert world.requests[-1].fault is None


@pytest.mark.parametrize(
    ("fault", "url", "platform", "state"),
    [
        ("login_wall", IG, "instagram", PageState.LOGIN_WALL),
        (
            "login_wall",
            "https://www.facebook.com/OsgoodElementary",
            "facebook",
            PageState.LOGIN_WALL,
        ),
        ("captcha", "https://www.tiktok.com/@horacehawks", "tiktok", PageState.BLOCKED),
        ("captcha", IG, "instagram", PageState.BLOCKED),
        (
            "captcha",
            "https://www.linkedin.com/company/west-fargo-public-schools/",
            "linkedin",
            PageState.BLOCKED,
        ),
    ],
)
def test_walls_and_captchas_are_the_real_pages(fault, url, platform, state):
    with SampleWorld(faults=Faults(**{fault: 1.0})) as world:
        page = fetch(world, url)
        assert parse_profile_page(platform, page.text, url, page.status).state == state
        again = fetch(world, url)
        assert parse_profile_page(platform, again.text, url, again.status).state == PageState.OK


def test_slow_responses_still_answer():
    with SampleWorld(faults=Faults(slow=1.0, slow_seconds=0.2)) as world:
        assert fetch(world, IG).status == 200
        assert world.requests[0].fault == "slow"


def test_redirect_loop():
    with SampleWorld(faults=Faults(redirect_loop=("/shs",))) as world:
        first = fetch(world, "https://www.west-fargo.k12.nd.us/shs")
        assert (
            first.status == 302
            and first.headers["Location"] == "https://www.west-fargo.k12.nd.us/shs?__loop=1"
        )
        second = fetch(world, first.headers["Location"])
        assert second.headers["Location"] == "https://www.west-fargo.k12.nd.us/shs"


def test_huge_response():
    with SampleWorld(faults=Faults(huge=("/wfhs",), huge_bytes=3_000_000)) as world:
        page = fetch(world, "https://www.west-fargo.k12.nd.us/wfhs")
        assert int(page.headers["Content-Length"]) > 3_000_000 == len(page.body) - 9


def test_gzip_bomb_is_tiny_on_the_wire_and_huge_inflated():
    inflated = 64 * 1024 * 1024
    with SampleWorld(faults=Faults(gzip_bomb=("/hhs",), bomb_inflated_bytes=inflated)) as world:
        page = fetch(
            world, "https://www.west-fargo.k12.nd.us/hhs", headers={"Accept-Encoding": "gzip"}
        )
        assert page.headers["Content-Encoding"] == "gzip"
        assert len(page.body) < inflated // 500
        out = zlib.decompressobj(31).decompress(page.body, 10_000_000)
        assert len(out) == 10_000_000  # and there is more: stop reading at a limit


def test_faults_are_deterministic_and_can_be_limited():
    faults = Faults(server_error=0.3, hosts=("www.west-fargo.k12.nd.us",), paths=("/s",))
    paths = ["/shs", "/shs/activities", "/schools", "/sitemap.xml", "/wfhs", "/hhs"]

    def failing(seed: int) -> list[str]:
        with SampleWorld(faults=faults, seed=seed) as world:
            for p in paths:
                fetch(world, f"https://www.west-fargo.k12.nd.us{p}")
            fetch(world, IG)
            return [r.bare_path for r in world.requests if r.fault]

    runs = [failing(seed) for seed in (1, 1, 2, 3, 4, 5)]
    assert runs[0] == runs[1]
    assert all(set(r) <= {"/shs", "/shs/activities", "/schools", "/sitemap.xml"} for r in runs)
    assert len({tuple(r) for r in runs}) > 1
