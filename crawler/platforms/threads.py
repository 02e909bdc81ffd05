"""Threads: ``https://www.threads.com/@<handle>`` (threads.net is the old domain).

Handles are Instagram handles. The page parser reads ``og:title``
(``Name (@h) • Threads, Say more``) and the counts in ``og:description``
(``5.5M Followers • 145 Threads • <bio>. See the latest conversations with @h.``).
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult

from crawler.platforms.base import (
    PageState,
    ProfileRecord,
    Reason,
    UrlVerdict,
    at_handle_verdict,
    empty_record,
    name_and_handle,
    new_record,
    status_state,
)
from crawler.platforms.instagram import HANDLE_RE
from crawler.platforms.meta import count_before, page_meta

NAME = "threads"
CONTENT: dict[str, Reason] = {"post": Reason.POST}
RESERVED: dict[str, Reason] = {
    "login": Reason.LOGIN,
    "search": Reason.SEARCH,
    "t": Reason.POST,
    "intent": Reason.SHARE,
    "settings": Reason.RESERVED,
    "legal": Reason.RESERVED,
    "about": Reason.RESERVED,
}
LOGIN_TITLES = ("Threads • Log in",)  # title text, already unescaped
BIO = re.compile(
    r"^(?:[^•]*•){2}\s*(.*?)\s*(?:See the latest conversations with @\S+)?$", re.DOTALL
)


class Threads:
    name = NAME
    hosts = frozenset({"threads.com", "threads.net"})
    case_insensitive = True
    robots_blocks_crawlers = True

    def valid_handle(self, handle: str) -> bool:
        return bool(HANDLE_RE.fullmatch(handle))

    def profile_url(self, handle: str) -> str:
        return f"https://www.threads.com/@{handle.lstrip('@').lower()}"

    def canonicalise(self, url: SplitResult, raw: str) -> UrlVerdict:
        return at_handle_verdict(self, url, raw, RESERVED, CONTENT)

    def parse_profile_page(self, html: str, url: str, status: int = 200) -> ProfileRecord:
        forced = status_state(status)
        if forced:
            return empty_record(NAME, url, forced)
        meta = page_meta(html)
        name, handle = name_and_handle(meta.get("og:title"))
        if handle and self.valid_handle(handle) and (meta.get("og:type") or "profile") == "profile":
            description = meta.get("og:description")
            bio = BIO.match(description or "")
            return new_record(
                NAME,
                handle=handle.lower(),
                url=self.profile_url(handle),
                display_name=name,
                bio=(bio.group(1).rstrip(".") or None) if bio else None,
                followers=count_before(description, "Followers"),
                extra={"threads": count_before(description, "Threads")},
            )
        if meta.title in LOGIN_TITLES:
            return empty_record(NAME, url, PageState.LOGIN_WALL)
        return empty_record(NAME, url, PageState.UNKNOWN)


platform = Threads()
