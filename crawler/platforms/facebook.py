"""Facebook: ``https://www.facebook.com/<vanity>`` or, for a page or profile known only by its
numeric id, ``https://www.facebook.com/profile.php?id=<id>`` (handle = the id).

The page parser reads ``og:*`` meta and the numeric page id from ``al:android:url``
(``fb://page/<id>``) or ``al:ios:url`` (``fb://page/?id=<id>``); an older page without og
tags is named by its canonical link (``/pages/<Name>/<id>``) and its ``<title>``. facebook.com's robots.txt
refuses crawlers, so pages mostly come from search results and the district's own links.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult

from crawler.platforms.base import (
    AccountRef,
    PageState,
    ProfileRecord,
    Reason,
    UrlVerdict,
    account,
    not_account,
    own_verdict,
    query_param,
    segments,
)
from crawler.platforms.meta import count_before
from crawler.platforms.page import Marker, MetaTagPlatform, Page
from crawler.vocab import Platform

NAME = str(Platform.FACEBOOK)
VANITY_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,78}[A-Za-z0-9_])?")
ID_RE = re.compile(r"\d{5,20}")
# Page URLs without a username: /<Name-With-Dashes>-<id>/
NAME_DASH_ID = re.compile(r"[^/]+-(\d{8,20})")
APP_LINK_ID = re.compile(r"fb://(?:page|profile)/(?:\?id=)?(\d+)")

RESERVED: dict[str, Reason] = {
    # gallery-dl, lorey/social-media-profiles-regexs and yt-dlp; events/share/sharer inferred.
    "media": Reason.PHOTO,
    "photo": Reason.PHOTO,
    "photos": Reason.PHOTO,
    "watch": Reason.VIDEO,
    "reel": Reason.VIDEO,
    "reels": Reason.VIDEO,
    "videos": Reason.VIDEO,
    "video": Reason.VIDEO,
    "marketplace": Reason.RESERVED,
    "gaming": Reason.RESERVED,
    "me": Reason.RESERVED,
    "messages": Reason.RESERVED,
    "help": Reason.HELP,
    "search": Reason.SEARCH,
    "groups": Reason.GROUP,
    "events": Reason.EVENT,
    "share": Reason.SHARE,
    "sharer": Reason.SHARE,
    "dialog": Reason.SHARE,
    "plugins": Reason.RESERVED,
    "flx": Reason.RESERVED,
    "hashtag": Reason.HASHTAG,
    "stories": Reason.STORY,
    "story": Reason.STORY,
    "login": Reason.LOGIN,
    "signup": Reason.LOGIN,
    "recover": Reason.LOGIN,
    "checkpoint": Reason.LOGIN,
    "policies": Reason.RESERVED,
    "policy": Reason.RESERVED,
    "privacy": Reason.RESERVED,
    "legal": Reason.RESERVED,
    "business": Reason.RESERVED,
    "ads": Reason.RESERVED,
    "notifications": Reason.RESERVED,
    "bookmarks": Reason.RESERVED,
    "settings": Reason.RESERVED,
    "friends": Reason.RESERVED,
    "live": Reason.VIDEO,
    "fundraisers": Reason.RESERVED,
    "donate": Reason.RESERVED,
    "places": Reason.RESERVED,
    "pages": Reason.RESERVED,
    "feeds": Reason.RESERVED,
    "home": Reason.HOME,
    "l": Reason.SHARE,
    "tr": Reason.RESERVED,
    "about": Reason.RESERVED,
    "permalink": Reason.POST,
    "posts": Reason.POST,
    "notes": Reason.POST,
    "public": Reason.SEARCH,
    "directory": Reason.RESERVED,
    "careers": Reason.RESERVED,
    "privacy_sandbox": Reason.RESERVED,
}
PHP_REASONS: dict[str, Reason] = {
    "story.php": Reason.POST,
    "permalink.php": Reason.POST,
    "photo.php": Reason.PHOTO,
    "video.php": Reason.VIDEO,
    "sharer.php": Reason.SHARE,
    "share.php": Reason.SHARE,
    "login.php": Reason.LOGIN,
    "r.php": Reason.LOGIN,
    "home.php": Reason.HOME,
    "l.php": Reason.SHARE,
}
# /<vanity>/<this>/<id>... is content; /<vanity>/<this> alone is a tab of the page.
CONTENT: dict[str, Reason] = {
    "posts": Reason.POST,
    "videos": Reason.VIDEO,
    "photos": Reason.PHOTO,
    "reels": Reason.VIDEO,
    "events": Reason.EVENT,
    "activity": Reason.POST,
    "notes": Reason.POST,
}
CONTENT_ALWAYS: dict[str, Reason] = {"permalink": Reason.POST, "story": Reason.STORY}

LOGIN_TITLES = (
    "Log in to Facebook",
    "Log into Facebook",
    "Facebook – log in or sign up",
    "Facebook - log in or sign up",
)


class Facebook(MetaTagPlatform):
    name = NAME
    hosts = frozenset({"facebook.com", "fb.com"})
    robots_blocks_crawlers = True
    own_url_first = True
    login_url_is_wall = True
    markers = (
        Marker(PageState.NOT_FOUND, (">Page Not Found</title>",)),
        Marker(PageState.BLOCKED, ('{"__dr":"CometErrorRoot.react"}',)),
        Marker(
            PageState.PRIVATE,
            (
                '"props":{"title":"This content isn\'t available right now"',
                '"props":{"title":"This content isn\\u2019t available right now"',
            ),
            extra={"gated": True},
        ),
    )

    def valid_handle(self, handle: str) -> bool:
        if ID_RE.fullmatch(handle):
            return True
        lower = handle.lower()
        return bool(
            VANITY_RE.fullmatch(handle)
            and not lower.endswith(".php")
            and lower not in RESERVED
            and lower not in ("people", "pg")
            and not NAME_DASH_ID.fullmatch(handle)  # that form names a page id, see canonicalise
        )

    def profile_url(self, handle: str) -> str:
        if ID_RE.fullmatch(handle):
            return f"https://www.facebook.com/profile.php?id={handle}"
        return f"https://www.facebook.com/{handle.lower()}"

    def _by_id(self, raw: str, page_id: str | None) -> UrlVerdict:
        if not page_id or not ID_RE.fullmatch(page_id):
            return not_account(raw, NAME, Reason.INVALID_HANDLE)
        return account(
            raw, AccountRef(NAME, page_id, self.profile_url(page_id), platform_id=page_id)
        )

    def canonicalise(self, url: SplitResult, raw: str) -> UrlVerdict:
        parts = segments(url)
        if not parts:
            return not_account(raw, NAME, Reason.HOME)
        first = parts[0].lower()
        if first == "profile.php":
            return self._by_id(raw, query_param(url, "id"))
        if first == "people" and len(parts) >= 3:  # /people/<Name>/<id>/
            return self._by_id(raw, parts[2])
        if first in ("pg", "pages") and len(parts) >= 2:
            # /pg/<vanity>/... (old page prefix); /pages/<Name>/<id> (old pages without a username)
            if first == "pages" and len(parts) >= 3 and ID_RE.fullmatch(parts[2]):
                return self._by_id(raw, parts[2])
            if first == "pg":
                parts = parts[1:]
                first = parts[0].lower()
        if first.endswith(".php"):
            return not_account(raw, NAME, PHP_REASONS.get(first, Reason.RESERVED))
        if first in RESERVED:
            return not_account(raw, NAME, RESERVED[first])
        if len(parts) > 1:
            second = parts[1].lower()
            if second in CONTENT_ALWAYS or (second in CONTENT and len(parts) > 2):
                return not_account(raw, NAME, CONTENT_ALWAYS.get(second) or CONTENT[second])
        if ID_RE.fullmatch(parts[0]):
            return self._by_id(raw, parts[0])
        dashed = NAME_DASH_ID.fullmatch(parts[0])
        if dashed:
            return self._by_id(raw, dashed.group(1))
        if not self.valid_handle(parts[0]):
            return not_account(raw, NAME, Reason.INVALID_HANDLE)
        return account(raw, AccountRef(NAME, first, self.profile_url(first)))

    def _login_title(self, page: Page) -> bool:
        return (page.meta.title or "").startswith(LOGIN_TITLES) or (
            page.meta.get("og:title") or ""
        ).startswith(LOGIN_TITLES)

    def profile(self, page: Page) -> ProfileRecord | None:
        """``og:title`` the name, counts and bio in ``og:description``, the id in app links."""
        title = page.meta.get("og:title")
        if self._login_title(page):
            return None
        if not title:
            return self._canonical_only(page)
        description = page.meta.get("og:description")
        app_id = APP_LINK_ID.match(page.meta.get("al:android:url", "al:ios:url") or "")
        page_id = app_id.group(1) if app_id else None
        ref = page.verdict.account if page.verdict else None
        if ref is None and page_id:
            ref = self._by_id(page.url, page_id).account
        likes = count_before(description, "likes", "like")
        followers = count_before(description, "followers", "follower")
        return page.record(
            handle=ref.handle if ref else None,
            url=ref.url if ref else page.url,
            platform_id=page_id or (ref.platform_id if ref else None),
            display_name=title,
            bio=_bio(description, title),
            followers=followers if followers is not None else likes,
            extra={
                "likes": likes,
                "talking_about": count_before(description, "talking about this"),
            },
        )

    def _canonical_only(self, page: Page) -> ProfileRecord | None:
        """Older pages without og tags: the account is the canonical link's
        (``/pages/<Name>/<id>``), the name the ``<title>`` (``Name | Facebook``)."""
        ref = page.verdict.account if page.verdict else None
        if ref is None or page.meta.get("og:url") or not page.meta.canonical:
            return None
        name = (page.meta.title or "").removesuffix("| Facebook").strip()
        if not name or name == "Facebook":  # a bare "Facebook" title shows no page
            return None
        return page.record(
            handle=ref.handle, url=ref.url, platform_id=ref.platform_id, display_name=name
        )

    def after_profile(self, page: Page) -> ProfileRecord | None:
        if self._login_title(page) or own_login(page.url):
            return page.empty(PageState.LOGIN_WALL)
        return None


_COUNT_PHRASE = re.compile(
    r"[\d][\d,.\u00a0\u202f ]*[KMB]?\s+(?:likes?|followers?|talking about this|were here|check-ins?)",
    re.IGNORECASE,
)


def _bio(description: str | None, title: str) -> str | None:
    """``"Name. 42,217,774 likes · 969,810 talking about this. Prime Minister of India."`` -> the tail."""
    if not description:
        return None
    text = description.strip()
    if text.startswith(title):
        text = text[len(title) :].lstrip(". ")
    phrases = list(_COUNT_PHRASE.finditer(text))
    if phrases:
        text = text[phrases[-1].end() :]
    text = text.lstrip(".·• ").strip()
    return text or None


def own_login(url: str) -> bool:
    verdict = own_verdict(platform, url)
    return verdict is not None and verdict.reason == Reason.LOGIN


platform = Facebook()
