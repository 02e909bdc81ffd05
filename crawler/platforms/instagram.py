"""Instagram: ``https://www.instagram.com/<handle>/`` and its logged-out profile page.

The page parser reads only meta tags (no JavaScript needed): counts from ``og:description``
(``2,362 Followers, 136 Following, 224 Posts - ...``), the bio from ``meta name=description``
after ``on Instagram: "``. A page with only a ``<title>`` of the profile form still names
the account (name and handle, nothing more). Instagram's robots.txt forbids automated
collection, so the page parser mainly serves pages fetched under an explicit exception and the
sample world.
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
    segments,
)
from crawler.platforms.meta import count_before
from crawler.platforms.page import Marker, MetaTagPlatform, Page
from crawler.vocab import Platform

NAME = str(Platform.INSTAGRAM)
HANDLE_RE = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_]|\.(?!\.)){0,28}[A-Za-z0-9_]?")

# First path segments that are not accounts (gallery-dl, yt-dlp; the rest inferred).
RESERVED: dict[str, Reason] = {
    "p": Reason.POST,
    "reel": Reason.VIDEO,
    "reels": Reason.VIDEO,
    "tv": Reason.VIDEO,
    "stories": Reason.STORY,
    "s": Reason.STORY,
    "share": Reason.SHARE,
    "explore": Reason.RESERVED,
    "accounts": Reason.RESERVED,
    "direct": Reason.RESERVED,
    "about": Reason.RESERVED,
    "legal": Reason.RESERVED,
    "developer": Reason.RESERVED,
    "web": Reason.RESERVED,
    "api": Reason.RESERVED,
    "graphql": Reason.RESERVED,
    "challenge": Reason.RESERVED,
    "emails": Reason.RESERVED,
    "privacy": Reason.RESERVED,
    "session": Reason.RESERVED,
    "oauth": Reason.RESERVED,
    "press": Reason.RESERVED,
    "directory": Reason.RESERVED,
    "topics": Reason.RESERVED,
    "static": Reason.RESERVED,
    "qr": Reason.RESERVED,
    "lite": Reason.RESERVED,
    "ar": Reason.RESERVED,
    "data": Reason.RESERVED,
}
# Second segments under a handle that are content, not the profile or one of its tabs.
CONTENT: dict[str, Reason] = {"p": Reason.POST, "reel": Reason.VIDEO, "tv": Reason.VIDEO}

LOGIN_ROUTE = re.compile(r'"routePath"\s*:\s*"\\/"')
# The title of a profile page: "Pluto (@pluto__travel) • Instagram photos and videos".
PROFILE_TITLE = re.compile(r"\(@[^()\s]+\)\s*[•·]\s*Instagram\b")
BIO = re.compile(r'on Instagram:\s*"(.*)"\s*$', re.DOTALL)


class Instagram(MetaTagPlatform):
    name = NAME
    hosts = frozenset({"instagram.com", "instagr.am"})
    robots_blocks_crawlers = True
    handle_re = HANDLE_RE
    reserved = RESERVED
    reserved_handles = True
    profile_url_format = "https://www.instagram.com/{}/"
    title_fallback = True
    own_url_first = True
    after_markers = (
        Marker(PageState.BLOCKED, ("Please wait a few minutes before you try again",)),
        Marker(
            PageState.NOT_FOUND,
            (
                "Sorry, this page isn&#39;t available",
                "Sorry, this page isn't available",
                "dialog-404",
            ),
        ),
        Marker(
            PageState.LOGIN_WALL,
            ("<title>Login • Instagram</title>", "<title>Login &#x2022; Instagram</title>"),
            pattern=LOGIN_ROUTE,
        ),
    )

    def canonicalise(self, url: SplitResult, raw: str) -> UrlVerdict:
        parts = segments(url)
        if not parts:
            return not_account(raw, NAME, Reason.HOME)
        first = parts[0].lower()
        if first in RESERVED:
            if (
                first == "accounts"
                and len(parts) > 1
                and parts[1].lower() in ("login", "emailsignup")
            ):
                return not_account(raw, NAME, Reason.LOGIN)
            if first == "explore" and len(parts) > 1 and parts[1].lower() == "tags":
                return not_account(raw, NAME, Reason.HASHTAG)
            return not_account(raw, NAME, RESERVED[first])
        if len(parts) > 1 and parts[1].lower() in CONTENT:
            return not_account(raw, NAME, CONTENT[parts[1].lower()])
        if not self.valid_handle(parts[0]):
            return not_account(raw, NAME, Reason.INVALID_HANDLE)
        handle = first
        return account(raw, AccountRef(NAME, handle, self.profile_url(handle)))

    def profile(self, page: Page) -> ProfileRecord | None:
        """``og:type`` profile, named by the page's own URL or its title; or a page with no
        ``og:type`` whose title has the profile form ``Name (@handle) • Instagram ...``."""
        name, title_handle = page.name_and_handle
        og_type = page.meta.get("og:type")
        title_only = og_type is None and bool(PROFILE_TITLE.search(page.title or ""))
        if not (og_type == "profile" or title_only) or not (title_handle or page.verdict):
            return None
        ref = page.verdict.account if page.verdict else None
        if ref is None and title_handle and self.valid_handle(title_handle):
            ref = AccountRef(NAME, title_handle.lower(), self.profile_url(title_handle))
        description = page.meta.get("description")
        bio_match = BIO.search(description or "")
        counts = page.meta.get("og:description") or description
        return page.record(
            handle=ref.handle if ref else None,
            url=ref.url if ref else page.url,
            display_name=name,
            bio=bio_match.group(1).strip() or None if bio_match else None,
            followers=count_before(counts, "Followers"),
            extra={
                "following": count_before(counts, "Following"),
                "posts": count_before(counts, "Posts"),
            },
        )


platform = Instagram()
