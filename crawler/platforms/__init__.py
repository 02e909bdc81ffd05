"""Platforms: URL canonicalisation and parsers of each platform's pages and API responses.

Pure functions, no I/O. One module per platform exposes a module-level ``platform`` object
(see :class:`crawler.platforms.base.Platform`), an instance of a
:class:`~crawler.platforms.page.MetaTagPlatform` subclass that mostly declares attributes;
adding a platform is one module, one member of :class:`crawler.vocab.Platform`, its tests and
one line in :data:`PLATFORMS` (README, "Extending").

Entry points: :func:`classify` (any string -> :class:`UrlVerdict`, never raises),
:func:`canonicalise`, :func:`unwrap_redirect`, :func:`platform_for_url`, :func:`parse_count`,
:func:`parse_profile_page`.

Handle and canonical URL per platform (``AccountRef.handle`` / ``.url``; handles never carry ``@``):

=========  ==========================================  ===================================================
platform   handle                                      canonical URL
=========  ==========================================  ===================================================
facebook   vanity, lower-case; the numeric id when     ``https://www.facebook.com/<vanity>`` or
           only the id is known (``platform_id`` too)  ``https://www.facebook.com/profile.php?id=<id>``
instagram  lower-case                                  ``https://www.instagram.com/<h>/``
x          lower-case                                  ``https://x.com/<h>``
youtube    @handle lower-case; channel id (case kept,  ``https://www.youtube.com/@<h>``,
           also ``platform_id``); legacy name lower-   ``https://www.youtube.com/channel/<UC…>``,
           case with ``needs_resolution=True``         ``/c/<name>``, ``/user/<name>``, ``/<name>``
tiktok     lower-case                                  ``https://www.tiktok.com/@<h>``
threads    lower-case                                  ``https://www.threads.com/@<h>``
bluesky    domain handle lower-case, or the DID (then  ``https://bsky.app/profile/<handle-or-did>``
           also ``platform_id``)
linkedin   slug, lower-case (school, company,          ``https://www.linkedin.com/<kind>/<slug>/``
           showcase, and ``in`` for a person)
mastodon   ``user@instance``, lower-case               ``https://<instance>/@<user>``
=========  ==========================================  ===================================================

``UrlVerdict.reason`` is ``""`` for an account, otherwise one of :class:`Reason`'s values.
"""

from __future__ import annotations

from collections.abc import Iterable

from crawler.platforms import (
    bluesky,
    facebook,
    instagram,
    linkedin,
    mastodon,
    threads,
    tiktok,
    x,
    youtube,
)
from crawler.platforms.base import (
    AccountRef,
    PageState,
    Platform,
    ProfileRecord,
    Reason,
    UrlVerdict,
    not_account,
)
from crawler.platforms.meta import parse_count
from crawler.platforms.urls import host_matches, split_url, unwrap_redirect
from crawler.vocab import Platform as PlatformName

__all__ = [
    "PLATFORMS",
    "AccountRef",
    "PageState",
    "Platform",
    "ProfileRecord",
    "Reason",
    "UrlVerdict",
    "canonicalise",
    "classify",
    "parse_count",
    "parse_profile_page",
    "platform_for_url",
    "same_account_urls",
    "unwrap_redirect",
]

# One line per platform, keyed by its member of crawler.vocab.Platform (a str: plain
# strings look platforms up too); the order is the order of listings and messages.
PLATFORMS: dict[str, Platform] = {
    PlatformName.FACEBOOK: facebook.platform,
    PlatformName.INSTAGRAM: instagram.platform,
    PlatformName.X: x.platform,
    PlatformName.YOUTUBE: youtube.platform,
    PlatformName.TIKTOK: tiktok.platform,
    PlatformName.THREADS: threads.platform,
    PlatformName.BLUESKY: bluesky.platform,
    PlatformName.LINKEDIN: linkedin.platform,
    PlatformName.MASTODON: mastodon.platform,
}

# Brand names long and distinctive enough that a host merely containing one is suspicious.
_BRANDS = (
    PlatformName.FACEBOOK,
    PlatformName.INSTAGRAM,
    "twitter",
    PlatformName.YOUTUBE,
    PlatformName.TIKTOK,
    PlatformName.LINKEDIN,
)


def _platform_for_host(host: str) -> Platform | None:
    for candidate in PLATFORMS.values():
        if any(host_matches(host, h) for h in candidate.hosts):
            return candidate
    return None


def _looks_alike(host: str, path: str, had_userinfo: bool) -> bool:
    """A non-platform URL dressed up as one: ``instagram.com.evil.example``, ``evilinstagram.com``,
    ``example.org/instagram.com/x``, ``https://www.instagram.com@evil.example/``."""
    if had_userinfo:
        return True
    first_segment = path.lstrip("/").split("/", 1)[0].lower()
    for candidate in PLATFORMS.values():
        for h in candidate.hosts:
            if host.startswith(h + ".") or f".{h}." in host or host_matches(first_segment, h):
                return True
    return any(brand in host for brand in _BRANDS)


def _normalise_instances(instances: Iterable[str]) -> frozenset[str]:
    out = set()
    for instance in instances:
        parsed = split_url(instance) if isinstance(instance, str) else None
        if parsed is not None:
            out.add(parsed[0].netloc)
    return frozenset(out)


def classify(url: str, *, mastodon_instances: Iterable[str] = ()) -> UrlVerdict:
    """What a string points to: an account (with its canonical form) or why it is not one.

    Redirect wrappers are decoded first. Mastodon URLs are recognised only on the given
    instance hosts. Never raises, whatever the input.
    """
    raw = url if isinstance(url, str) else repr(url)
    try:
        return _classify(raw, mastodon_instances)
    except Exception:  # a verdict for any input, even one that trips a bug below
        return not_account(raw, None, Reason.INVALID_URL)


def _classify(raw: str, mastodon_instances: Iterable[str]) -> UrlVerdict:
    parsed = split_url(unwrap_redirect(raw))
    if parsed is None:
        return not_account(raw, None, Reason.INVALID_URL)
    split, had_userinfo = parsed
    host = split.netloc
    chosen = _platform_for_host(host)
    if chosen is None and host in _normalise_instances(mastodon_instances):
        chosen = PLATFORMS[mastodon.NAME]
    if chosen is None:
        reason = (
            Reason.LOOK_ALIKE if _looks_alike(host, split.path, had_userinfo) else Reason.NOT_SOCIAL
        )
        return not_account(raw, None, reason)
    return chosen.canonicalise(split, raw)


def canonicalise(url: str, *, mastodon_instances: Iterable[str] = ()) -> AccountRef | None:
    """The account a URL points to, in canonical form, or ``None``."""
    return classify(url, mastodon_instances=mastodon_instances).account


def same_account_urls(platform: str, url: str) -> tuple[str, ...]:
    """Every canonical URL under which the account at canonical ``url`` is one account (a
    LinkedIn organisation under ``/school/`` and ``/company/``); most accounts have one."""
    if platform == PlatformName.LINKEDIN:
        return linkedin.same_account_urls(url)
    return (url,)


def platform_for_url(url: str) -> str | None:
    """The platform a URL belongs to (account or not), or ``None``."""
    return classify(url).platform


def parse_profile_page(platform: str, html: str, url: str, status: int = 200) -> ProfileRecord:
    """Parse a fetched public profile page of ``platform`` (a key of :data:`PLATFORMS`)."""
    try:
        parser = PLATFORMS[platform]
    except KeyError:
        raise ValueError(f"unknown platform {platform!r}; known: {', '.join(PLATFORMS)}") from None
    return parser.parse_profile_page(html, url, status)
