"""What a web-search result says about an account: its title and snippet.

Search engines show a profile page's own ``<title>``/``og:title`` and description, so the
formats the page parsers of this package read apply: ``Name (@handle) • Instagram photos and
videos``, ``Name (@handle) / X``, ``Name (@handle) | TikTok``, ``Name | Facebook``,
``Name | LinkedIn``, and descriptions such as ``2,362 Followers, …`` or
``42,217,774 likes · …``. For Facebook, Instagram, Threads and X, whose robots.txt
forbids fetching the page, this is all the profile a scan has.
"""

from __future__ import annotations

import re

from crawler.platforms.base import AccountRef, name_and_handle
from crawler.platforms.meta import count_before
from crawler.vocab import Platform

# "Name | Facebook", "Name - Home | Facebook", "Name | LinkedIn", "Name - YouTube"
_SUFFIX = re.compile(
    r"\s*(?:-\s*(?:Home|About|Posts|Videos|Photos)\s*)?[|\-–·•]\s*"
    r"(?:Facebook|LinkedIn|YouTube|Instagram(?: photos and videos)?|TikTok|Threads.*|X|Bluesky)\s*$",
    re.IGNORECASE,
)
_IG_BIO = re.compile(r"on Instagram:\s*[\"“](.*?)[\"”]\s*$", re.DOTALL)
_FOLLOWER_WORDS = ("followers", "subscribers", "likes")


def profile_from_search(
    ref: AccountRef, title: str | None, snippet: str | None
) -> dict[str, object]:
    """Display name, bio and follower count a search result shows for ``ref`` (only what it shows)."""
    out: dict[str, object] = {}
    name, handle = name_and_handle(title)
    if name and handle and handle.lower().lstrip("@") == ref.handle.split("@")[0].lower():
        out["display_name"] = name
    elif title and _SUFFIX.search(title) and "(@" not in title:
        cleaned = _SUFFIX.sub("", title).strip()
        if cleaned and len(cleaned) <= 200:
            out["display_name"] = cleaned
    if snippet:
        for word in _FOLLOWER_WORDS:  # "followers" wins over "likes" when a snippet has both
            followers = count_before(snippet, word)
            if followers is not None:
                out["followers"] = followers
                break
        m = _IG_BIO.search(snippet.strip())
        if m and ref.platform == Platform.INSTAGRAM:
            out["bio"] = m.group(1).strip()
    return out
