"""Pages that are a refusal, not the platform's answer: WAF and captcha challenges.

A crawler that meets a bot wall gets a page of the wall's vendor instead of the profile. It says
nothing about the account (page state ``blocked``): a coverage gap, never "found" and never
"absent". Recognised by markers that appear only on the challenge or block pages themselves (not
on the ordinary pages a WAF protects, which carry its scripts too):

* Cloudflare: the managed/JS challenge ("Just a moment..." with ``_cf_chl_opt`` or the
  ``challenge-form``) and the block page ("Attention Required! | Cloudflare", ``cf-error-details``);
* Akamai: "Access Denied" / "You don't have permission to access" with an ``errors.edgesuite.net``
  reference;
* PerimeterX (HUMAN): "Access to this page has been denied" with ``px-captcha``;
* DataDome: the challenge page loading ``captcha-delivery.com``;
* Google's "unusual traffic" interstitial (``/sorry/`` with a reCAPTCHA).

The HTTP statuses of a refusal (403, 429, LinkedIn's 999) are decided before the page is read
(:func:`crawler.platforms.base.status_state`).
"""

from __future__ import annotations

import re

# (vendor, pattern) pairs; a page matching any of them is a refusal.
_WALLS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "cloudflare challenge",
        re.compile(
            r"<title>\s*Just a moment\.\.\.\s*</title>.*?(?:_cf_chl_opt|challenge-form|"
            r"challenges\.cloudflare\.com|cf-browser-verification)",
            re.IGNORECASE | re.DOTALL,
        ),
    ),
    (
        "cloudflare block",
        re.compile(
            r"<title>\s*Attention Required!\s*\|\s*Cloudflare\s*</title>|"
            r"id=[\"']cf-error-details[\"']",
            re.IGNORECASE,
        ),
    ),
    (
        "akamai",
        re.compile(
            r"<title>\s*Access Denied\s*</title>.*?(?:errors\.edgesuite\.net|"
            r"You don't have permission to access)",
            re.IGNORECASE | re.DOTALL,
        ),
    ),
    (
        "perimeterx",
        re.compile(
            r"(?:px-captcha|_pxAppId|captcha\.px-cdn\.net).*?Access to this page has been denied|"
            r"Access to this page has been denied.*?(?:px-captcha|_pxAppId|captcha\.px-cdn\.net)",
            re.IGNORECASE | re.DOTALL,
        ),
    ),
    ("datadome", re.compile(r"geo\.captcha-delivery\.com|ct\.captcha-delivery\.com", re.I)),
    (
        "google unusual traffic",
        re.compile(r"Our systems have detected unusual traffic from your computer network", re.I),
    ),
)

# A challenge page is small; a profile page that merely mentions one of these words is not.
_MAX_WALL_CHARS = 200_000


def wall_vendor(html: str) -> str | None:
    """The WAF or captcha wall a page is, or ``None`` when it is not one."""
    if not html or len(html) > _MAX_WALL_CHARS:
        return None
    for vendor, pattern in _WALLS:
        if pattern.search(html):
            return vendor
    return None
