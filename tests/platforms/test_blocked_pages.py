"""WAF and captcha pages (and HTTP 403/429/999) are ``blocked`` on every platform: a refusal says
nothing about the account. The bodies follow the vendors' real challenge and block pages
(shortened: the markup that identifies them is kept); the real captures in the fixture folders
never look like one."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.platforms import PLATFORMS, PageState, parse_profile_page
from crawler.platforms.blocked import wall_vendor

CLOUDFLARE_CHALLENGE = """<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<meta http-equiv="X-UA-Compatible" content="IE=Edge"><meta name="robots" content="noindex,nofollow">
<meta name="viewport" content="width=device-width,initial-scale=1">
<link href="/cdn-cgi/styles/challenges.css" rel="stylesheet"></head>
<body class="no-js"><div class="main-wrapper" role="main"><div class="main-content">
<noscript><div id="challenge-error-title"><div class="h2"><span class="icon-wrapper">
<div class="heading-icon warning-icon"></div></span><span id="challenge-error-text">
Enable JavaScript and cookies to continue</span></div></div></noscript>
<form id="challenge-form" action="/@sheyennemustangs?__cf_chl_f_tk=vHhZRSh6lTmYJ7X1nxtQ-1687094000-0-gaNycGzNCdA"
method="POST" enctype="application/x-www-form-urlencoded">
<input type="hidden" name="md" value="BuQ0q_QZm7GfR_56eXGpZNDEpD3NHJc7JbfYZ0rOBVw-1687094000-0-AXgP"></form>
</div></div><script>(function(){window._cf_chl_opt={cvId: '2',cZone: 'www.tiktok.com',
cType: 'managed',cNounce: '64573',cRay: '7d93c9fdfd5c87b4',cHash: '1bf46dc7e36e7b1'};
var cpo = document.createElement('script');
cpo.src = '/cdn-cgi/challenge-platform/h/g/orchestrate/managed/v1?ray=7d93c9fdfd5c87b4';
document.getElementsByTagName('head')[0].appendChild(cpo);}());</script></body></html>"""

CLOUDFLARE_BLOCK = """<!DOCTYPE html>
<!--[if lt IE 7]> <html class="no-js ie6 oldie" lang="en-US"> <![endif]-->
<head><title>Attention Required! | Cloudflare</title><meta charset="UTF-8" />
<meta name="robots" content="noindex, nofollow" />
<link rel="stylesheet" id="cf_styles-css" href="/cdn-cgi/styles/cf.errors.css" /></head>
<body><div id="cf-wrapper"><div id="cf-error-details" class="cf-error-details-wrapper">
<div class="cf-wrapper cf-header cf-error-overview"><h1 data-translate="block_headline">Sorry, you have been blocked</h1>
<h2 class="cf-subheadline"><span data-translate="unable_to_access">You are unable to access</span> youtube.com</h2></div>
<div class="cf-section cf-wrapper"><h2 data-translate="blocked_why_headline">Why have I been blocked?</h2>
<p data-translate="blocked_why_detail">This website is using a security service to protect itself from online attacks.</p></div>
<p>Cloudflare Ray ID: <strong class="font-semibold">8f1e2d3c4b5a6978</strong></p></div></div></body></html>"""

AKAMAI = """<HTML><HEAD>
<TITLE>Access Denied</TITLE>
</HEAD><BODY>
<H1>Access Denied</H1>

You don't have permission to access "http&#58;&#47;&#47;www&#46;tiktok&#46;com&#47;&#64;horacehawks" on this server.<P>
Reference&#32;&#35;18&#46;6f3c1402&#46;1733490000&#46;2b9c41e
<P>https&#58;&#47;&#47;errors&#46;edgesuite&#46;net&#47;18&#46;6f3c1402&#46;1733490000&#46;2b9c41e</P>
</BODY>
</HTML>"""

PERIMETERX = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Access to this page has been denied</title>
<meta name="description" content="px-captcha"><meta name="viewport" content="width=device-width, initial-scale=1">
</head><body><section class="page-title-wrapper"><div class="page-title">
<h1>Access to this page has been denied.</h1></div></section>
<section class="center-wrapper"><div class="center-column"><div class="px-captcha-error-container">
<p>Press &amp; Hold to confirm you are a human (and not a bot).</p></div><div id="px-captcha"></div></div></section>
<script>window._pxAppId = 'PXu6b0qd2S';window._pxJsClientSrc = '/u6b0qd2S/init.js';
window._pxHostUrl = '/u6b0qd2S/xhr';</script>
<script src="https://captcha.px-cdn.net/PXu6b0qd2S/captcha.js?a=c&m=0"></script></body></html>"""

DATADOME = """<html lang="en"><head><title>tiktok.com</title><style>#cmsg{animation: A 1.5s;}
@keyframes A{0%{opacity:0;}99%{opacity:0;}100%{opacity:1;}}</style></head>
<body style="margin:0"><p id="cmsg">Please enable JS and disable any ad blocker</p>
<script data-cfasync="false">var dd={'rt':'c','cid':'AHrlqAAAAAMA1x8mLv4','hsh':'2211F522B61E269B869FA6EAFFB5E1',
't':'fe','s':17434,'e':'d1f1c3a1b2','host':'geo.captcha-delivery.com','cookie':'dd'}</script>
<script data-cfasync="false" src="https://ct.captcha-delivery.com/c.js"></script></body></html>"""

WALLS = {
    "cloudflare challenge": CLOUDFLARE_CHALLENGE,
    "cloudflare block": CLOUDFLARE_BLOCK,
    "akamai": AKAMAI,
    "perimeterx": PERIMETERX,
    "datadome": DATADOME,
}

HERE = Path(__file__).resolve().parent
REAL = [HERE.parent / "fixtures" / "real", Path("/work/shared/fixtures/real")]


@pytest.mark.parametrize("name", sorted(PLATFORMS))
@pytest.mark.parametrize("vendor", sorted(WALLS))
def test_waf_and_captcha_pages_are_blocked(name: str, vendor: str) -> None:
    handle = "horacehawks@mastodon.social" if name == "mastodon" else "horacehawks"
    record = parse_profile_page(name, WALLS[vendor], PLATFORMS[name].profile_url(handle))
    assert record.state is PageState.BLOCKED and record.state.gap
    assert record.extra["wall"] == vendor
    assert (record.handle, record.display_name, record.followers) == (None, None, None)


@pytest.mark.parametrize("name", sorted(PLATFORMS))
@pytest.mark.parametrize("status", [403, 429, 999])
def test_refusal_statuses_are_blocked(name: str, status: int) -> None:
    page = "<html><head><title>Forbidden</title></head><body>Request denied</body></html>"
    record = parse_profile_page(name, page, "https://example.org/", status)
    assert record.state is PageState.BLOCKED


def test_only_ok_and_private_are_live_only_not_found_and_suspended_gone() -> None:
    assert {s for s in PageState if s.live} == {PageState.OK, PageState.PRIVATE}
    assert {s for s in PageState if s.gone} == {PageState.NOT_FOUND, PageState.SUSPENDED}
    assert {s for s in PageState if s.gap} == {
        PageState.LOGIN_WALL,
        PageState.BLOCKED,
        PageState.UNKNOWN,
    }
    assert PageState("rate_limited") is PageState.BLOCKED  # the earlier name, still stored


def test_real_captures_and_ordinary_pages_are_no_wall() -> None:
    files = [f for folder in REAL if folder.is_dir() for f in folder.rglob("*.htm*")]
    assert files
    for f in files:
        assert wall_vendor(f.read_text(encoding="utf-8", errors="replace")) is None, f
    # a page behind Cloudflare carries its scripts without being a challenge
    ordinary = (
        "<html><head><title>Sheyenne Mustangs (@sheyennemustangs) | TikTok</title></head><body>"
        "<script>window.__CF$cv$params={r:'8f1e2d3c4b5a6978',t:'MTczMzQ5MDAwMA=='};</script>"
        "<script src='/cdn-cgi/challenge-platform/scripts/jsd/main.js'></script>"
        "<p>Just a moment... we are loading the videos. Access Denied to private videos.</p>"
        "</body></html>"
    )
    assert wall_vendor(ordinary) is None
