"""robots.txt of every host, the district's web site, alias hosts and the host map."""

from __future__ import annotations

import re
from urllib.robotparser import RobotFileParser

import pytest

from crawler.sampleworld import SampleWorld


def robots(get, host: str) -> RobotFileParser:
    parser = RobotFileParser()
    parser.parse(get(f"https://{host}/robots.txt").text.splitlines())
    return parser


@pytest.mark.parametrize(
    ("host", "path", "allowed"),
    [
        ("www.instagram.com", "/sheyennehoops/", False),
        ("www.facebook.com", "/WestFargoPublicSchools/", False),
        ("www.threads.com", "/@westfargoschools", False),
        ("x.com", "/SheyenneHS", False),
        ("www.linkedin.com", "/company/west-fargo-public-schools/", False),
        ("www.youtube.com", "/@WestFargoSchools", True),
        ("www.youtube.com", "/channel/UCwfps0Sample0Channel001", True),
        ("www.youtube.com", "/results?search_query=x", False),
        ("www.tiktok.com", "/@horacehawks", True),
        ("www.tiktok.com", "/share/user/1", False),
        ("bsky.app", "/profile/westfargoschools.bsky.social", True),
        ("mastodon.social", "/@wfpsnews", True),
        ("www.west-fargo.k12.nd.us", "/shs/activities", True),
        ("www.west-fargo.k12.nd.us", "/staff-only/coaches", False),
        ("hms.web.west-fargo.k12.nd.us", "/", True),
    ],
)
def test_robots_rules(get, host, path, allowed):
    assert (
        robots(get, host).can_fetch("DistrictAccountScout/0.1", f"https://{host}{path}") is allowed
    )


def test_searxng_robots_is_the_default(get):
    text = get("https://search.west-fargo.k12.nd.us/robots.txt").text
    assert "Disallow: /*?*q=*" in text and "Disallow: /preferences" in text


def test_district_sitemaps(get):
    index = get("https://www.west-fargo.k12.nd.us/sitemap.xml")
    assert index.status == 200 and "<sitemapindex" in index.text
    children = re.findall(r"<loc>(.*?)</loc>", index.text)
    assert len(children) == 2
    pages = [loc for child in children for loc in re.findall(r"<loc>(.*?)</loc>", get(child).text)]
    assert "https://www.west-fargo.k12.nd.us/shs/activities" in pages
    assert "https://www.west-fargo.k12.nd.us/staff-only/coaches" in pages  # listed, yet disallowed
    for url in pages:
        assert get(url).status == 200, url
    assert "<urlset" in get("https://hms.web.west-fargo.k12.nd.us/sitemap.xml").text


def test_district_pages_link_accounts_in_variants(get):
    home = get("https://www.west-fargo.k12.nd.us/").text
    assert 'href="https://instagram.com/westfargoschools?igsh=' in home
    assert 'href="https://twitter.com/WFPSchools"' in home
    wfhs = get("https://www.west-fargo.k12.nd.us/wfhs").text
    assert (
        "https://l.facebook.com/l.php?u=https%3A%2F%2Fwww.facebook.com%2FWestFargoHighSchool"
        in wfhs
    )
    assert get("https://www.west-fargo.k12.nd.us/no-such-page").status == 404
    pdf = get("https://www.west-fargo.k12.nd.us/documents/student-handbook.pdf")
    assert pdf.headers["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    ("url", "location"),
    [
        ("https://twitter.com/WFPSchools", "https://x.com/WFPSchools"),
        (
            "https://m.facebook.com/SheyenneHighSchool",
            "https://www.facebook.com/SheyenneHighSchool",
        ),
        (
            "https://instagram.com/sheyenne_mustangs?igsh=abc",
            "https://www.instagram.com/sheyenne_mustangs?igsh=abc",
        ),
        ("https://www.threads.net/@westfargoschools", "https://www.threads.com/@westfargoschools"),
        ("https://west-fargo.k12.nd.us/shs", "https://www.west-fargo.k12.nd.us/shs"),
    ],
)
def test_alias_hosts_redirect(get, url, location):
    page = get(url)
    assert page.status == 301 and page.headers["Location"] == location


def test_hostmap_covers_every_host(sample_world: SampleWorld):
    expected = {
        "www.west-fargo.k12.nd.us",
        "hms.web.west-fargo.k12.nd.us",
        "search.west-fargo.k12.nd.us",
        "api.search.brave.com",
        "www.googleapis.com",
        "public.api.bsky.app",
        "mastodon.social",
        "www.instagram.com",
        "www.facebook.com",
        "x.com",
        "www.tiktok.com",
        "www.threads.com",
        "www.youtube.com",
        "bsky.app",
        "www.linkedin.com",
        "l.facebook.com",
        "twitter.com",
    }
    assert expected <= set(sample_world.hostmap)
    ports = {base.rsplit(":", 1)[1] for base in sample_world.hostmap.values()}
    assert len(ports) == len(sample_world.hostmap)
    assert all(base.startswith("http://127.0.0.1:") for base in sample_world.hostmap.values())
