"""Threads: ``https://www.threads.com/@<handle>`` (threads.net is the old domain).

Handles are Instagram handles. The page parser reads ``og:title``
(``Name (@h) • Threads, Say more``) and the counts in ``og:description``
(``5.5M Followers • 145 Threads • <bio>. See the latest conversations with @h.``).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import SplitResult

from crawler.platforms.base import Reason, UrlVerdict, at_handle_verdict
from crawler.platforms.instagram import HANDLE_RE
from crawler.platforms.meta import count_before
from crawler.platforms.page import MetaTagPlatform, Page
from crawler.vocab import Platform

NAME = str(Platform.THREADS)
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
BIO = re.compile(
    r"^(?:[^•]*•){2}\s*(.*?)\s*(?:See the latest conversations with @\S+)?$", re.DOTALL
)


class Threads(MetaTagPlatform):
    name = NAME
    hosts = frozenset({"threads.com", "threads.net"})
    robots_blocks_crawlers = True
    handle_re = HANDLE_RE
    reserved = RESERVED
    profile_url_format = "https://www.threads.com/@{}"
    login_titles = ("Threads • Log in",)  # title text, already unescaped

    def canonicalise(self, url: SplitResult, raw: str) -> UrlVerdict:
        return at_handle_verdict(self, url, raw, RESERVED, CONTENT)

    def shows_profile(self, page: Page) -> bool:
        return (page.meta.get("og:type") or "profile") == "profile"

    def profile_fields(self, page: Page) -> dict[str, Any]:
        description = page.meta.get("og:description")
        bio = BIO.match(description or "")
        return {
            "bio": (bio.group(1).rstrip(".") or None) if bio else None,
            "followers": count_before(description, "Followers"),
            "extra": {"threads": count_before(description, "Threads")},
        }


platform = Threads()
