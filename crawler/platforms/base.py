"""Types shared by every platform module: URL verdicts, account references, profile records.

A platform module is a plain module exposing one module-level object that satisfies
:class:`Platform`; the registry in ``crawler.platforms`` maps its ``name`` to it.
Everything here is pure: no I/O, no network, no clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol
from urllib.parse import SplitResult, parse_qs, unquote

from crawler.platforms.urls import host_matches, split_url


class PageState(StrEnum):
    """What a page or API answer says about the account behind it (DESIGN.md, "Liveness").

    Only ``ok`` and ``private`` prove the account is live; only ``not_found`` and ``suspended``
    prove it is gone; ``login_wall``, ``blocked`` (a WAF or captcha page, HTTP 403/429, LinkedIn's
    999) and ``unknown`` prove nothing: a coverage gap, never "found" nor "absent".
    """

    OK = "ok"
    PRIVATE = "private"
    NOT_FOUND = "not_found"
    SUSPENDED = "suspended"  # the platform says the account was suspended: gone, like not_found
    LOGIN_WALL = "login_wall"
    BLOCKED = "blocked"
    UNKNOWN = "unknown"

    @classmethod
    def _missing_(cls, value: object) -> PageState | None:
        # "rate_limited", the earlier name of ``blocked``, may still be stored
        return cls.BLOCKED if value == "rate_limited" else None

    @property
    def live(self) -> bool:
        """The answer proves the account exists now."""
        return self in LIVE_STATES

    @property
    def gone(self) -> bool:
        """The answer proves the account does not exist (any more)."""
        return self in GONE_STATES

    @property
    def gap(self) -> bool:
        """The answer proves nothing: a coverage gap."""
        return not (self.live or self.gone)


LIVE_STATES = frozenset({PageState.OK, PageState.PRIVATE})
GONE_STATES = frozenset({PageState.NOT_FOUND, PageState.SUSPENDED})
# HTTP statuses of a refusal (a WAF, a rate limit, LinkedIn's 999 to crawlers): ``blocked``.
BLOCKED_STATUSES = frozenset({403, 429, 999})


class Reason(StrEnum):
    """Why a string is not an account (``UrlVerdict.reason``). Plain strings compare equal."""

    ACCOUNT = ""
    INVALID_URL = "invalid url"
    NOT_SOCIAL = "not a social platform"
    LOOK_ALIKE = "look-alike host"
    HOME = "home page"
    RESERVED = "reserved path"
    INVALID_HANDLE = "invalid handle"
    POST = "post"
    VIDEO = "video"
    PHOTO = "photo"
    STORY = "story"
    PLAYLIST = "playlist"
    HASHTAG = "hashtag"
    GROUP = "group"
    EVENT = "event"
    SEARCH = "search"
    SHARE = "share link"
    LOGIN = "login page"
    HELP = "help page"
    SHORT_LINK = "short link"
    FEED = "feed"


@dataclass(frozen=True, slots=True)
class AccountRef:
    """What a URL points to when it is an account."""

    platform: str
    handle: str
    url: str
    platform_id: str | None = None
    needs_resolution: bool = False


@dataclass(frozen=True, slots=True)
class UrlVerdict:
    """The result of classifying any string."""

    input: str
    account: AccountRef | None
    platform: str | None
    reason: str

    @property
    def is_account(self) -> bool:
        return self.account is not None


@dataclass(slots=True)
class ProfileRecord:
    """One typed record from any parser (page or API)."""

    platform: str
    handle: str | None
    url: str | None
    platform_id: str | None
    display_name: str | None
    bio: str | None
    links: list[str]
    followers: int | None
    verified: bool | None
    private: bool | None
    state: PageState
    location: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Platform(Protocol):
    """What every platform module's module-level object provides."""

    name: str
    hosts: frozenset[str]
    case_insensitive: bool
    robots_blocks_crawlers: bool

    def canonicalise(self, url: SplitResult, raw: str) -> UrlVerdict: ...

    def profile_url(self, handle: str) -> str: ...

    def valid_handle(self, handle: str) -> bool: ...

    def parse_profile_page(self, html: str, url: str, status: int = 200) -> ProfileRecord: ...


# --- helpers for platform modules -------------------------------------------------------------


def account(raw: str, ref: AccountRef) -> UrlVerdict:
    return UrlVerdict(input=raw, account=ref, platform=ref.platform, reason=Reason.ACCOUNT)


def not_account(raw: str, platform: str | None, reason: Reason) -> UrlVerdict:
    return UrlVerdict(input=raw, account=None, platform=platform, reason=reason)


def segments(url: SplitResult) -> list[str]:
    """Non-empty, percent-decoded path segments (``/a//b/`` -> ``["a", "b"]``)."""
    return [unquote(s) for s in url.path.split("/") if s]


def query_param(url: SplitResult, name: str) -> str | None:
    """First value of a query parameter, decoded; ``None`` when absent or empty."""
    values = parse_qs(url.query).get(name)
    return values[0] if values and values[0] else None


def new_record(platform: str, state: PageState = PageState.OK, **fields: Any) -> ProfileRecord:
    """A record with every field defaulting to "unknown" (``None``, no links, no extra)."""
    values: dict[str, Any] = {
        "handle": None,
        "url": None,
        "platform_id": None,
        "display_name": None,
        "bio": None,
        "links": [],
        "followers": None,
        "verified": None,
        "private": None,
    }
    values.update(fields)
    return ProfileRecord(platform=platform, state=state, **values)


def empty_record(platform: str, url: str | None, state: PageState, **extra: Any) -> ProfileRecord:
    """A record that carries only a page state (not found, login wall, ...)."""
    return new_record(platform, state, url=url, extra=dict(extra))


def own_verdict(platform: Platform, url: str | None) -> UrlVerdict | None:
    """Classify a URL found in a page (og:url, canonical) with the page's own platform."""
    if not url:
        return None
    parsed = split_url(url)
    if parsed is None or not any(host_matches(parsed[0].netloc, h) for h in platform.hosts):
        return None
    return platform.canonicalise(parsed[0], url)


_NAME_AND_HANDLE = re.compile(r"^(.*?)\s*\(@([^()\s]+)\)")


def name_and_handle(title: str | None) -> tuple[str | None, str | None]:
    """``"Pluto (@pluto__travel) • Instagram"`` -> ``("Pluto", "pluto__travel")``."""
    if not title:
        return None, None
    m = _NAME_AND_HANDLE.match(title.strip())
    if not m:
        return None, None
    return (m.group(1).strip() or None), m.group(2)


def status_state(status: int) -> PageState | None:
    """The page state an HTTP status alone decides, if any."""
    if status in (404, 410):
        return PageState.NOT_FOUND
    if status in BLOCKED_STATUSES:
        return PageState.BLOCKED
    return None


_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def absolute_link(link: str | None) -> str | None:
    """A link as given by a profile ("twitch.tv/x") made absolute (``https://twitch.tv/x``)."""
    if not link:
        return None
    link = link.strip()
    if not link:
        return None
    if link.startswith("//"):
        return "https:" + link
    return link if _SCHEME.match(link) else "https://" + link


def at_handle_verdict(
    platform: Any,
    url: SplitResult,
    raw: str,
    reserved: dict[str, Reason],
    content: dict[str, Reason],
) -> UrlVerdict:
    """``/@handle[/tab]`` accounts (TikTok, Threads): reserved first segments and content
    sub-paths are not accounts; the handle must be valid for the platform."""
    parts = segments(url)
    if not parts:
        return not_account(raw, platform.name, Reason.HOME)
    first = parts[0]
    if not first.startswith("@"):
        return not_account(raw, platform.name, reserved.get(first.lower(), Reason.RESERVED))
    if len(parts) > 1 and parts[1].lower() in content:
        return not_account(raw, platform.name, content[parts[1].lower()])
    handle = first[1:]
    if not platform.valid_handle(handle):
        return not_account(raw, platform.name, Reason.INVALID_HANDLE)
    return account(raw, AccountRef(platform.name, handle.lower(), platform.profile_url(handle)))
