"""X (Twitter): ``https://x.com/<handle>``; twitter.com and the embed mirrors map here.

Logged-out profile HTML is a client-rendered shell; only ``og:title`` (``Name (@handle) / X``,
or plain ``X`` for a suspended account) says anything. x.com's robots.txt disallows general
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
    empty_record,
    name_and_handle,
    new_record,
    not_account,
    query_param,
    segments,
    status_state,
)
from crawler.platforms.meta import page_meta

NAME = "x"
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


class X:
    name = NAME
    hosts = frozenset({"x.com", "twitter.com", "fxtwitter.com", "vxtwitter.com", "fixupx.com"})
    case_insensitive = True
    robots_blocks_crawlers = True

    def valid_handle(self, handle: str) -> bool:
        return bool(HANDLE_RE.fullmatch(handle)) and handle.lower() not in RESERVED

    def profile_url(self, handle: str) -> str:
        return f"https://x.com/{handle.lstrip('@').lower()}"

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

    def parse_profile_page(self, html: str, url: str, status: int = 200) -> ProfileRecord:
        forced = status_state(status)
        if forced:
            return empty_record(NAME, url, forced)
        meta = page_meta(html)
        title = meta.get("og:title")
        if title == "X":
            return empty_record(NAME, url, PageState.NOT_FOUND, suspended=True)
        if title and title.endswith(" on X"):
            return empty_record(NAME, url, PageState.UNKNOWN, not_account=Reason.POST)
        name, handle = name_and_handle(title)
        if title and title.endswith("/ X") and handle and self.valid_handle(handle):
            return new_record(
                NAME,
                handle=handle.lower(),
                url=self.profile_url(handle),
                display_name=name,
                bio=meta.get("og:description"),
            )
        return empty_record(NAME, url, PageState.UNKNOWN)


platform = X()
