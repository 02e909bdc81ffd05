"""SSRF: links and redirects from hostile content never reach private, loopback, link-local or
metadata addresses — in any spelling, through DNS (also when the answer changes between the
check and the connection), through redirects, from the district's own pages and in the browser."""

from __future__ import annotations

import asyncio
import http.server
import ipaddress
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from twisted.internet import defer
from twisted.internet.error import DNSLookupError

from crawler.discovery.middlewares.ssrf import (
    GuardedResolver,
    GuardPolicy,
    abort_browser_request,
    is_public,
    literal_address,
)
from tests.discovery.conftest import html_response, with_
from tests.discovery.test_middlewares import guard, run

METADATA = "169.254.169.254"


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://2130706433/",
        "http://0177.0.0.1/",
        "http://0x7f.1/",
        "http://127.1/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[fe80::1%25eth0]/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://100.100.100.200/latest/meta-data/",
        "file:///etc/passwd",
        "http://localhost:8080/admin",
        "http://metadata.google.internal/computeMetadata/v1/",
    ],
)
def test_private_targets_in_any_spelling_are_refused(config, make_crawler, url):
    crawler, mw = guard(
        config, make_crawler, {"localhost": ["127.0.0.1"], "metadata.google.internal": [METADATA]}
    )
    with pytest.raises(IgnoreRequest):
        run(mw.process_request(Request(url)))
    assert (
        sum(v for k, v in crawler.stats.get_stats().items() if k.startswith("scout/ssrf/refused/"))
        == 1
    )


@pytest.mark.parametrize(
    "address",
    [
        "fe80::1",
        "::ffff:169.254.169.254",
        "64:ff9b::a9fe:a9fe",
        "2002:a9fe:a9fe::1",
        "100.100.100.200",
        "0.0.0.0",  # noqa: S104
        "fd00:ec2::254",
        "224.0.0.1",
    ],
)
def test_platform_names_resolving_to_private_addresses_are_refused(config, make_crawler, address):
    _, mw = guard(config, make_crawler, {"www.tiktok.com": [address]})
    with pytest.raises(IgnoreRequest, match="private_address"):
        run(mw.process_request(Request("https://www.tiktok.com/@x")))


def test_numeric_host_forms_are_read_as_the_addresses_they_are():
    assert (
        literal_address("2130706433")
        == literal_address("0177.0.0.1")
        == literal_address("0x7f.1")
        == ipaddress.ip_address("127.0.0.1")
    )
    assert literal_address("[::ffff:127.0.0.1]") == ipaddress.ip_address("::ffff:127.0.0.1")
    assert literal_address("www.tiktok.com") is None and literal_address("deadbeef") is None
    assert not is_public(literal_address("0251.0376.0251.0376"))  # 169.254.169.254 in octal


def test_redirects_to_private_addresses_are_refused(config, make_crawler):
    """Scrapy's redirect middleware makes a new request; it passes the guard again, even from a seed."""
    crawler, mw = guard(
        config,
        make_crawler,
        {"www.west-fargo.k12.nd.us": ["93.184.216.34"], "www.tiktok.com": [METADATA]},
    )
    redirects = RedirectMiddleware.from_crawler(crawler)
    seed = Request("https://www.west-fargo.k12.nd.us/", meta={"scout_seed": True})
    assert run(mw.process_request(seed)) is None
    for location in (
        "http://169.254.169.254/latest/meta-data/",
        "https://www.tiktok.com/@x",
        "http://2130706433/",
    ):
        response = Response(seed.url, status=302, headers={"Location": location}, request=seed)
        follow = redirects.process_response(seed, response)
        assert isinstance(follow, Request) and follow.meta["redirect_urls"] == [seed.url]
        with pytest.raises(IgnoreRequest):
            run(mw.process_request(follow))


def test_district_pages_linking_to_the_metadata_service_fetch_nothing(
    config, make_crawler, make_spider
):
    from spiders.district_site import DistrictSiteSpider

    spider = make_spider(DistrictSiteSpider, config)
    page = """<html><body>
      <a href="http://169.254.169.254/latest/meta-data/iam/">staff portal</a>
      <a href="http://[::ffff:a9fe:a9fe]/latest/">wifi</a>
      <a href="https://intranet.west-fargo.k12.nd.us/athletics">athletics</a>
    </body></html>"""
    request = Request("https://www.west-fargo.k12.nd.us/", meta={"scout_query": "seed"})
    out = list(spider.parse_page(html_response(request.url, page, request=request), seed="seed"))
    followed = [r for r in out if isinstance(r, Request)]
    assert followed  # the district link is followed...
    _, mw = guard(config, make_crawler, {"intranet.west-fargo.k12.nd.us": [METADATA]})
    for req in followed:  # ...but none of them may reach the metadata service
        with pytest.raises(IgnoreRequest):
            run(mw.process_request(req))


# --------------------------------------------------------------------------- at connect time


def test_dns_rebinding_is_refused_at_connect_time(config, make_crawler, monkeypatch):
    """The guard saw a public address; the connection's own lookup answers the metadata service."""
    from scrapy.resolver import CachingThreadedResolver

    _, mw = guard(config, make_crawler, {"www.tiktok.com": ["93.184.216.34"]})
    assert (
        run(mw.process_request(Request("https://www.tiktok.com/@x"))) is None
    )  # first answer: public
    answers = {
        "www.tiktok.com": METADATA,
        "www.googleapis.com": "10.0.0.7",
        "cdn.example": "93.184.216.34",
    }
    monkeypatch.setattr(
        CachingThreadedResolver,
        "getHostByName",
        lambda self, name, timeout=(): defer.succeed(answers[name]),
    )
    r = GuardedResolver.from_crawler(make_crawler(config), reactor=None)
    failures: list[object] = []
    r.getHostByName("www.tiktok.com").addErrback(failures.append)
    assert len(failures) == 1 and failures[0].check(DNSLookupError)
    # a configured API endpoint may live on an intranet; public answers pass
    assert _value(r.getHostByName("www.googleapis.com")) == "10.0.0.7"
    assert _value(r.getHostByName("cdn.example")) == "93.184.216.34"


def _value(d):
    out = []
    d.addCallback(out.append)
    return out[0]


def test_the_project_installs_the_guarded_resolver():
    from crawler.discovery import settings

    assert settings.TWISTED_DNS_RESOLVER == "crawler.discovery.middlewares.ssrf.GuardedResolver"


# --------------------------------------------------------------------------- the browser


class FakeBrowserRequest:
    def __init__(
        self, url: str, frame_url: str = "https://www.tiktok.com/@x", navigation: bool = False
    ) -> None:
        self.url = url
        self.frame = SimpleNamespace(url=frame_url)
        self._navigation = navigation

    def is_navigation_request(self) -> bool:
        return self._navigation


@pytest.mark.parametrize(
    "url,navigation",
    [
        (
            "http://169.254.169.254/latest/meta-data/",
            False,
        ),  # an <img> or fetch() on a profile page
        ("http://127.0.0.1:2375/containers/json", False),
        ("http://[::1]/", False),
        ("https://evil.example/phish", True),  # a redirect of the page to another site
        ("http://169.254.169.254/", True),
    ],
)
def test_browser_requests_to_private_addresses_or_off_scope_navigations_are_aborted(
    config, url, navigation, monkeypatch
):
    import crawler.discovery.middlewares.ssrf as ssrf

    monkeypatch.setattr(
        ssrf, "_BROWSER", [GuardPolicy.from_config(config, ["west-fargo.k12.nd.us"])]
    )
    assert (
        asyncio.run(abort_browser_request(FakeBrowserRequest(url, navigation=navigation))) is True
    )


def test_browser_loads_public_sub_resources_and_in_scope_pages(config, monkeypatch):
    import crawler.discovery.middlewares.ssrf as ssrf

    monkeypatch.setattr(
        ssrf, "_BROWSER", [GuardPolicy.from_config(config, ["west-fargo.k12.nd.us"])]
    )
    assert (
        asyncio.run(abort_browser_request(FakeBrowserRequest("https://93.184.216.34/app.js")))
        is False
    )
    assert (
        asyncio.run(abort_browser_request(FakeBrowserRequest("data:image/png;base64,AAAA")))
        is False
    )


class _Redirector(http.server.BaseHTTPRequestHandler):
    target = ""

    def do_GET(self) -> None:
        self.server.seen.append(self.path)  # type: ignore[attr-defined]
        if self.path == "/robots.txt":
            self.send_response(404)
            self.end_headers()
            return
        if self.path.startswith("/staff") and self.target:
            self.send_response(302)
            self.send_header("Location", self.target)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html><title>internal</title><body>secret: AKIA-TEST</body></html>")

    def log_message(self, *args: object) -> None:
        pass


def _server(host: str) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer((host, 0), _Redirector)
    server.seen = []  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="no system Chromium")
def test_evidence_capture_keeps_nothing_a_redirect_to_a_private_address_showed(config, tmp_path):
    from crawler.cases.evidence import EvidenceTarget, capture_evidence

    inside, district = _server("127.0.0.2"), _server("127.0.0.1")
    try:
        _Redirector.target = f"http://127.0.0.2:{inside.server_address[1]}/latest/meta-data/"
        cfg = with_(
            config,
            hostmap={"www.west-fargo.k12.nd.us": f"http://127.0.0.1:{district.server_address[1]}"},
            allow_networks=("127.0.0.1/32",),
        )
        out = capture_evidence(
            cfg,
            [EvidenceTarget(1, 7, "https://www.west-fargo.k12.nd.us/staff", "web")],
            tmp_path / "evidence",
        )
    finally:
        for server in (inside, district):
            server.shutdown()
            server.server_close()
    assert list(out) == []
    assert [s.reason for s in out.skipped] == ["redirected to a refused address (off_scope)"]
    assert not list((tmp_path / "evidence").glob("*"))
