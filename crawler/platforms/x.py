"""X (Twitter): ``https://x.com/<handle>``; twitter.com and the embed mirrors map here.

Logged-out profile HTML is a client-rendered shell; only ``og:title`` (``Name (@handle) / X``,
or plain ``X`` for a suspended account) says anything. Link-preview crawlers get
``Name (@handle) on X`` for posts and profiles alike: the page's own URL tells them apart. x.com's robots.txt disallows general
crawlers, so accounts are mostly discovered through search results and district links.
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
    query_param,
    segments,
)
from crawler.platforms.page import MetaTagPlatform, Page
from crawler.vocab import Platform

NAME = str(Platform.X)
HANDLE_RE = re.compile(r"[A-Za-z0-9_]{1,15}")

RESERVED: dict[str, Reason] = {
    "home": Reason.HOME,
    "share": Reason.SHARE,
    "intent": Reason.SHARE,
    "privacy": Reason.RESERVED,
    "tos": Reason.RESERVED,
    "i": Reason.RESERVED,
    "search": Reason.SEARCH,
    "hashtag": Reason.HASHTAG,
    "notifications": Reason.RESERVED,
    "explore": Reason.RESERVED,
    "settings": Reason.RESERVED,
    "messages": Reason.RESERVED,
    "login": Reason.LOGIN,
    "signup": Reason.LOGIN,
    "logout": Reason.LOGIN,
    "compose": Reason.SHARE,
    "account": Reason.RESERVED,
    "help": Reason.HELP,
    "about": Reason.RESERVED,
    "jobs": Reason.RESERVED,
    "download": Reason.RESERVED,
    "lists": Reason.RESERVED,
    "communities": Reason.GROUP,
    "bookmarks": Reason.RESERVED,
    "oauth": Reason.LOGIN,
    "en": Reason.RESERVED,
    "rules": Reason.RESERVED,
    "personalization": Reason.RESERVED,
}
# /<handle>/<this>/... is content by the account, not the account.
CONTENT: dict[str, Reason] = {
    "status": Reason.POST,
    "statuses": Reason.POST,
    "article": Reason.POST,
}
# Follow buttons name an account: /intent/follow?screen_name=<h>, /intent/user?screen_name=<h>.
FOLLOW_INTENTS = {"follow", "user"}


class X(MetaTagPlatform):
    name = NAME
    hosts = frozenset({"x.com", "twitter.com", "fxtwitter.com", "vxtwitter.com", "fixupx.com"})
    robots_blocks_crawlers = True
    handle_re = HANDLE_RE
    reserved = RESERVED
    reserved_handles = True
    profile_url_format = "https://x.com/{}"

    def _account(self, raw: str, handle: str) -> UrlVerdict:
        handle = handle.lstrip("@")
        if not self.valid_handle(handle):
            return not_account(raw, NAME, Reason.INVALID_HANDLE)
        return account(raw, AccountRef(NAME, handle.lower(), self.profile_url(handle)))

    def canonicalise(self, url: SplitResult, raw: str) -> UrlVerdict:
        parts = segments(url)
        if not parts and url.fragment.startswith("!/"):  # old "twitter.com/#!/handle" links
            parts = [p for p in url.fragment[2:].split("/") if p]
        if not parts:
            return not_account(raw, NAME, Reason.HOME)
        first = parts[0].lower()
        if first == "intent" and len(parts) > 1 and parts[1].lower() in FOLLOW_INTENTS:
            screen_name = query_param(url, "screen_name")
            if screen_name:
                return self._account(raw, screen_name)
        if first in RESERVED:
            return not_account(raw, NAME, RESERVED[first])
        if len(parts) > 1 and parts[1].lower() in CONTENT:
            return not_account(raw, NAME, CONTENT[parts[1].lower()])
        return self._account(raw, parts[0])

    def before_profile(self, page: Page) -> ProfileRecord | None:
        """``og:title`` ``X`` alone is a suspended account; ``... on X`` is a post, unless the
        page's own URL is the account (a profile as served to link-preview crawlers)."""
        if page.title == "X":
            return page.empty(PageState.NOT_FOUND, suspended=True)
        if page.title and page.title.endswith(ON_X) and not _own_url_is_account(page):
            return page.empty(PageState.UNKNOWN, not_account=Reason.POST)
        return None

    def shows_profile(self, page: Page) -> bool:
        """``Name (@h) / X`` (``/ Twitter`` before 2023), or ``Name (@h) on X`` with the
        account's own URL: the form link-preview crawlers get."""
        title = page.title or ""
        return title.endswith(PROFILE_TITLE_ENDS) or (
            title.endswith(ON_X) and _own_url_is_account(page)
        )


# Title endings: a profile's own page (``/ X``, ``/ Twitter`` before the rename) and the
# "on X" form X serves to link-preview crawlers for posts and, with og:type profile, profiles.
PROFILE_TITLE_ENDS = ("/ X", "/ Twitter")
ON_X = (" on X", " on Twitter")


def _own_url_is_account(page: Page) -> bool:
    return page.verdict is not None and page.verdict.is_account


platform = X()
