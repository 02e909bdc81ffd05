"""Instagram: ``https://www.instagram.com/<handle>/`` and its logged-out profile page.

The page parser reads only meta tags (no JavaScript needed): counts from ``og:description``
(``2,362 Followers, 136 Following, 224 Posts - ...``), the bio from ``meta name=description``
after ``on Instagram: "``. Instagram's robots.txt forbids automated collection, so the page
parser mainly serves pages fetched under an explicit exception and the sample world.
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
    empty_record,
    name_and_handle,
    new_record,
    not_account,
    own_verdict,
    segments,
    status_state,
)
from crawler.platforms.meta import count_before, page_meta

NAME = "instagram"
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

NOT_FOUND_MARKERS = (
    "Sorry, this page isn&#39;t available",
    "Sorry, this page isn't available",
    "dialog-404",
)
LOGIN_MARKERS = ("<title>Login • Instagram</title>", "<title>Login &#x2022; Instagram</title>")
LOGIN_ROUTE = re.compile(r'"routePath"\s*:\s*"\\/"')
RATE_LIMIT_MARKER = "Please wait a few minutes before you try again"
BIO = re.compile(r'on Instagram:\s*"(.*)"\s*$', re.DOTALL)


class Instagram:
    name = NAME
    hosts = frozenset({"instagram.com", "instagr.am"})
    case_insensitive = True
    robots_blocks_crawlers = True

    def valid_handle(self, handle: str) -> bool:
        return bool(HANDLE_RE.fullmatch(handle)) and handle.lower() not in RESERVED

    def profile_url(self, handle: str) -> str:
        return f"https://www.instagram.com/{handle.lstrip('@').lower()}/"

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

    def parse_profile_page(self, html: str, url: str, status: int = 200) -> ProfileRecord:
        forced = status_state(status)
        if forced:
            return empty_record(NAME, url, forced)
        meta = page_meta(html)
        name, title_handle = name_and_handle(meta.get("og:title") or meta.title)
        verdict = own_verdict(self, meta.get("og:url") or meta.canonical)
        if verdict is not None and not verdict.is_account:
            return empty_record(NAME, url, PageState.UNKNOWN, not_account=str(verdict.reason))
        if meta.get("og:type") == "profile" and (title_handle or verdict):
            return self._profile(
                meta.get("og:description"),
                meta.get("description"),
                name,
                title_handle,
                verdict,
                url,
            )
        if RATE_LIMIT_MARKER in html:
            return empty_record(NAME, url, PageState.RATE_LIMITED)
        if any(marker in html for marker in NOT_FOUND_MARKERS):
            return empty_record(NAME, url, PageState.NOT_FOUND)
        if any(marker in html for marker in LOGIN_MARKERS) or LOGIN_ROUTE.search(html):
            return empty_record(NAME, url, PageState.LOGIN_WALL)
        return empty_record(NAME, url, PageState.UNKNOWN)

    def _profile(
        self,
        og_description: str | None,
        description: str | None,
        name: str | None,
        title_handle: str | None,
        verdict: UrlVerdict | None,
        url: str,
    ) -> ProfileRecord:
        ref = verdict.account if verdict else None
        if ref is None and title_handle and self.valid_handle(title_handle):
            ref = AccountRef(NAME, title_handle.lower(), self.profile_url(title_handle))
        bio_match = BIO.search(description or "")
        counts = og_description or description
        return new_record(
            NAME,
            handle=ref.handle if ref else None,
            url=ref.url if ref else url,
            display_name=name,
            bio=bio_match.group(1).strip() or None if bio_match else None,
            followers=count_before(counts, "Followers"),
            extra={
                "following": count_before(counts, "Following"),
                "posts": count_before(counts, "Posts"),
            },
        )


platform = Instagram()
