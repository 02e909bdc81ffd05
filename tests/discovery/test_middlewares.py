"""Downloader middlewares, one component at a time (``get_crawler``, no network)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response, TextResponse

from crawler.discovery.hostmap import HostMap
from crawler.discovery.middlewares.budget import HostBudgetMiddleware
from crawler.discovery.middlewares.hostmap import HostMapMiddleware
from crawler.discovery.middlewares.retry import RetryAfterMiddleware, RetrySettings, retry_delay
from crawler.discovery.middlewares.robots import ScoutRobotsTxtMiddleware
from crawler.discovery.middlewares.ssrf import SsrfGuardMiddleware, is_public
from crawler.sampleworld.robots import ROBOTS
from tests.discovery.conftest import budget, with_

MAP = {"www.instagram.com": "http://127.0.0.1:4001", "www.tiktok.com": "http://127.0.0.1:4002/base"}


def run(coro: Any) -> Any:
    """Run a middleware coroutine in an asyncio loop, as Scrapy's asyncio reactor would."""
    return asyncio.run(coro)


# --------------------------------------------------------------------------- host map


def test_hostmap_rewrites_and_restores(config, make_crawler):
    crawler = make_crawler(with_(config, hostmap=MAP, hostmap_strict=True))
    mw = HostMapMiddleware.from_crawler(crawler)
    req = Request("https://www.tiktok.com/@horacehawks?lang=en")
    assert mw.process_request(req) is None
    assert req.url == "http://127.0.0.1:4002/base/@horacehawks?lang=en"
    assert req.meta["download_slot"] == "www.tiktok.com"
    resp = Response(
        req.url, status=301, headers={"Location": "http://127.0.0.1:4002/base/@x"}, request=req
    )
    out = mw.process_response(req, resp)
    assert out.url == req.url == "https://www.tiktok.com/@horacehawks?lang=en"
    assert out.headers["Location"] == b"https://www.tiktok.com/@x"
    assert crawler.stats.get_value("scout/hostmap/mapped") == 1


def test_hostmap_restores_on_error(config, make_crawler):
    mw = HostMapMiddleware.from_crawler(make_crawler(with_(config, hostmap=MAP)))
    req = Request("https://www.instagram.com/x/")
    mw.process_request(req)
    mw.process_exception(req, ConnectionRefusedError())
    assert req.url == "https://www.instagram.com/x/"


def test_strict_hostmap_refuses_other_hosts(config, make_crawler):
    crawler = make_crawler(with_(config, hostmap=MAP, hostmap_strict=True))
    mw = HostMapMiddleware.from_crawler(crawler)
    with pytest.raises(IgnoreRequest):
        mw.process_request(Request("https://example.org/"))
    assert crawler.stats.get_value("scout/hostmap/refused") == 1
    mw.process_request(Request("http://127.0.0.1:4001/direct"))  # the map's own targets are fine


def test_hostmap_off_without_a_map(config, make_crawler):
    with pytest.raises(NotConfigured):
        HostMapMiddleware.from_crawler(make_crawler(config))
    assert HostMap.build({}, True).allowed("https://example.org/")


# --------------------------------------------------------------------------- SSRF guard


def guard(config, make_crawler, resolves: dict[str, list[str]]):
    crawler = make_crawler(config)
    mw = SsrfGuardMiddleware.from_crawler(crawler)
    mw.resolve = lambda host: resolves[host]
    mw.threaded = False
    return crawler, mw


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "169.254.169.254", "10.1.2.3", "::1", "::ffff:127.0.0.1", "fd00::1"]
)
def test_dns_names_resolving_to_private_addresses_are_refused(config, make_crawler, address):
    crawler, mw = guard(config, make_crawler, {"www.tiktok.com": [address]})
    with pytest.raises(IgnoreRequest, match="private_address"):
        run(mw.process_request(Request("https://www.tiktok.com/@x")))
    assert crawler.stats.get_value("scout/ssrf/refused/private_address") == 1


def test_public_platform_and_district_hosts_pass(config, make_crawler):
    _, mw = guard(
        config,
        make_crawler,
        {"www.tiktok.com": ["93.184.216.34"], "www.west-fargo.k12.nd.us": ["8.8.8.8"]},
    )
    assert run(mw.process_request(Request("https://www.tiktok.com/@x"))) is None
    assert run(mw.process_request(Request("https://www.west-fargo.k12.nd.us/shs"))) is None


def test_off_scope_and_literal_addresses(config, make_crawler):
    crawler, mw = guard(config, make_crawler, {})
    for url in (
        "https://evil.example/",
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1:8080/",
    ):
        with pytest.raises(IgnoreRequest):
            run(mw.process_request(Request(url)))
    assert crawler.stats.get_value("scout/ssrf/refused/off_scope") == 3


def test_redirects_are_checked_even_from_seeds(config, make_crawler):
    _, mw = guard(config, make_crawler, {"www.west-fargo.k12.nd.us": ["169.254.169.254"]})
    seed = Request("https://www.west-fargo.k12.nd.us/", meta={"scout_seed": True})
    assert run(mw.process_request(seed)) is None  # configured by the user
    redirected = seed.replace(
        meta={**seed.meta, "redirect_urls": ["https://www.west-fargo.k12.nd.us/"]}
    )
    with pytest.raises(IgnoreRequest):
        run(mw.process_request(redirected))


def test_configured_endpoints_are_exempt(config, make_crawler):
    cfg = with_(config, searxng_url="http://10.0.0.5:8888")
    _, mw = guard(cfg, make_crawler, {})
    assert run(mw.process_request(Request("http://10.0.0.5:8888/search?q=x&format=json"))) is None
    with pytest.raises(IgnoreRequest):  # only the API path, not the rest of that host
        run(mw.process_request(Request("http://10.0.0.5:8888/admin")))


def test_allowed_networks_and_host_map(config, make_crawler):
    cfg = with_(config, allow_networks=("127.0.0.0/8",), hostmap=MAP)
    _, mw = guard(cfg, make_crawler, {})  # mapped hosts are checked at their mapped address, no DNS
    assert run(mw.process_request(Request("https://www.instagram.com/x/"))) is None
    _, mw = guard(with_(config, hostmap=MAP), make_crawler, {})
    with pytest.raises(IgnoreRequest):
        run(mw.process_request(Request("https://www.instagram.com/x/")))


def test_is_public():
    import ipaddress

    assert is_public(ipaddress.ip_address("93.184.216.34"))
    assert not is_public(ipaddress.ip_address("169.254.169.254"))
    assert not is_public(ipaddress.ip_address("0.0.0.0"))  # noqa: S104


# --------------------------------------------------------------------------- robots


class FakeEngine:
    """Answers robots.txt requests from the sample world's files; records what was fetched."""

    def __init__(self, bodies: dict[str, str | Exception]) -> None:
        self.bodies = bodies
        self.fetched: list[str] = []

    async def download_async(self, request: Request) -> Response:
        self.fetched.append(request.url)
        host = request.url.split("/")[2]
        body = self.bodies.get(host, "")
        if isinstance(body, Exception):
            raise body
        status = 404 if host not in self.bodies else 200
        return TextResponse(
            request.url, body=body.encode(), status=status, request=request, encoding="utf-8"
        )


def robots_mw(config, make_crawler, bodies):
    crawler = make_crawler(config)
    crawler.engine = FakeEngine(bodies)
    return crawler, ScoutRobotsTxtMiddleware.from_crawler(crawler)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.facebook.com/SheyenneHighSchool",
        "https://www.instagram.com/sheyenne_mustangs/",
        "https://www.threads.com/@sheyenne_mustangs",
        "https://x.com/SheyenneHS",
    ],
)
def test_meta_and_x_profiles_are_never_fetched(config, make_crawler, url):
    crawler, mw = robots_mw(
        with_(
            config,
            crawl=config.crawl.__class__(obey_robots=False, robots_exceptions=("instagram.com",)),
        ),
        make_crawler,
        ROBOTS,
    )
    request = Request(url, meta={"dont_obey_robotstxt": True})  # a spider cannot opt out either
    with pytest.raises(IgnoreRequest):
        run(mw.process_request(request))
    assert crawler.stats.get_value("scout/robots/bypass_refused") == 1


def test_unreadable_robots_of_a_strict_platform_blocks(config, make_crawler):
    _, mw = robots_mw(config, make_crawler, {"www.facebook.com": ConnectionRefusedError("down")})
    with pytest.raises(IgnoreRequest):
        run(mw.process_request(Request("https://www.facebook.com/x")))
    _, mw = robots_mw(config, make_crawler, {})  # robots.txt 404: strict hosts still blocked
    with pytest.raises(IgnoreRequest):
        run(mw.process_request(Request("https://www.instagram.com/x/")))
    assert (
        run(mw.process_request(Request("https://www.tiktok.com/@x"))) is None
    )  # 404 elsewhere: allowed


def test_api_endpoints_bypass_robots_pages_do_not(config, make_crawler):
    bodies = {
        "search.west-fargo.k12.nd.us": "User-agent: *\nDisallow: /*?*q=*\n",
        "www.tiktok.com": ROBOTS["www.tiktok.com"],
    }
    crawler, mw = robots_mw(config, make_crawler, bodies)
    assert (
        run(
            mw.process_request(
                Request("https://search.west-fargo.k12.nd.us/search?q=x&format=json")
            )
        )
        is None
    )
    assert (
        run(mw.process_request(Request("https://www.googleapis.com/youtube/v3/search?q=x"))) is None
    )
    assert crawler.engine.fetched == []
    assert run(mw.process_request(Request("https://www.tiktok.com/@horacehawks"))) is None
    with pytest.raises(IgnoreRequest):
        run(mw.process_request(Request("https://www.tiktok.com/share/video/1")))
    assert crawler.engine.fetched == ["https://www.tiktok.com/robots.txt"]


# --------------------------------------------------------------------------- retries


SETTINGS = RetrySettings(times=3, codes=frozenset({429, 503}), backoff_base=2.0, max_wait=120.0)


@pytest.mark.parametrize(
    ("headers", "attempt", "expected"),
    [
        ({"Retry-After": "7"}, 1, 7.0),
        ({"Retry-After": "Thu, 01 Jan 2026 00:00:30 GMT"}, 1, 30.0),
        ({"X-RateLimit-Reset": "2026-01-01T00:01:00.000Z"}, 1, 60.0),  # Mastodon: a date
        ({"X-RateLimit-Reset": "1, 2591000"}, 1, 1.0),  # Brave: per window, shortest first
        ({}, 1, 2.0),
        ({}, 3, 8.0),
    ],
)
def test_retry_delay(headers, attempt, expected):
    from scrapy.http.headers import Headers

    now = 1767225600.0  # 2026-01-01T00:00:00Z
    assert retry_delay(Headers(headers), attempt, SETTINGS, now=now) == pytest.approx(expected)


def test_retry_waits_for_retry_after(config, make_crawler):
    from scrapy import Spider

    crawler = make_crawler(config, Spider, RETRY_HTTP_CODES=[429, 503], SCOUT_RETRY_MAX_WAIT=60)
    crawler.spider = Spider.from_crawler(crawler, name="t")
    mw = RetryAfterMiddleware.from_crawler(crawler)
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    mw.sleep = sleep
    req = Request("https://public.api.bsky.app/xrpc/x")
    out = run(mw.process_response(req, Response(req.url, status=429, headers={"Retry-After": "5"})))
    assert waits == [5.0]
    assert isinstance(out, Request) and out.meta["retry_times"] == 1 and out.dont_filter
    out = run(mw.process_exception(req, ConnectionRefusedError()))
    assert waits == [5.0, 2.0] and isinstance(out, Request)
    # a wait longer than the limit is a coverage gap, not a stall
    long = Response(req.url, status=429, headers={"Retry-After": "3600"})
    assert run(mw.process_response(req, long)) is long
    assert run(mw.process_response(req, Response(req.url, status=404))).status == 404


def test_retry_gives_up(config, make_crawler):
    from scrapy import Spider

    crawler = make_crawler(config, Spider, RETRY_TIMES=1, RETRY_HTTP_CODES=[503])
    crawler.spider = Spider.from_crawler(crawler, name="t")
    mw = RetryAfterMiddleware.from_crawler(crawler)
    req = Request("https://x.example/", meta={"retry_times": 1})
    resp = Response(req.url, status=503)
    assert run(mw.process_response(req, resp)) is resp
    assert crawler.stats.get_value("scout/retry/gave_up/503") == 1


# --------------------------------------------------------------------------- host budget


def test_host_budget(config, make_crawler):
    crawler = make_crawler(with_(config, budget=budget(requests_per_host=2)), scan_id=987654)
    mw = HostBudgetMiddleware.from_crawler(crawler)
    mw.process_request(Request("https://www.tiktok.com/@a"))
    mw.process_request(Request("https://www.tiktok.com/@b"))
    with pytest.raises(IgnoreRequest):
        mw.process_request(Request("https://www.tiktok.com/@c"))
    mw.process_request(
        Request("https://public.api.bsky.app/xrpc/a")
    )  # API quota is budgeted elsewhere
    assert crawler.stats.get_value("scout/budget/host_exhausted/www.tiktok.com") == 1


def test_many_requests_waiting_for_one_robots_txt(config, make_crawler):
    """Every waiter gets the parser (Scrapy's shared Deferred hands the third one None)."""

    class SlowEngine(FakeEngine):
        async def download_async(self, request: Request) -> Response:
            await asyncio.sleep(0.01)
            return await super().download_async(request)

    crawler = make_crawler(config)
    crawler.engine = SlowEngine({"www.tiktok.com": ROBOTS["www.tiktok.com"]})
    mw = ScoutRobotsTxtMiddleware.from_crawler(crawler)

    async def many() -> list[Any]:
        urls = [f"https://www.tiktok.com/@h{i}" for i in range(5)] + [
            "https://www.tiktok.com/share/x"
        ]
        return await asyncio.gather(
            *(mw.process_request(Request(u)) for u in urls), return_exceptions=True
        )

    out = asyncio.run(many())
    assert out[:5] == [None] * 5 and isinstance(out[5], IgnoreRequest)
    assert crawler.engine.fetched == ["https://www.tiktok.com/robots.txt"]
