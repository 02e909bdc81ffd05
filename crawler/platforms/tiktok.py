"""TikTok: ``https://www.tiktok.com/@<handle>`` and its logged-out profile page.

The page parser prefers the embedded ``__UNIVERSAL_DATA_FOR_REHYDRATION__`` JSON
(``__DEFAULT_SCOPE__["webapp.user-detail"]``) and falls back to the meta tags
(``og:title`` ``Name (@h) | TikTok``, ``og:description`` ``... | 3.9M Likes. 783.4K Followers. <bio>Watch ...``).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import SplitResult

from crawler.platforms.base import (
    PageState,
    ProfileRecord,
    Reason,
    UrlVerdict,
    absolute_link,
    at_handle_verdict,
    empty_record,
    name_and_handle,
    new_record,
    not_account,
    status_state,
)
from crawler.platforms.meta import count_before, dig, page_meta, parse_count, script_json

NAME = "tiktok"
# Charset [\w.-] (yt-dlp); TikTok allows 2-24 characters.
HANDLE_RE = re.compile(r"[A-Za-z0-9_.-]{2,24}")
SHORT_LINK_HOSTS = frozenset({"vm.tiktok.com", "vt.tiktok.com"})
RESERVED: dict[str, Reason] = {
    "tag": Reason.HASHTAG,
    "music": Reason.RESERVED,
    "sticker": Reason.RESERVED,
    "embed": Reason.VIDEO,
    "share": Reason.SHARE,
    "discover": Reason.SEARCH,
    "search": Reason.SEARCH,
    "explore": Reason.SEARCH,
    "foryou": Reason.HOME,
    "following": Reason.HOME,
    "friends": Reason.HOME,
    "login": Reason.LOGIN,
    "signup": Reason.LOGIN,
    "live": Reason.VIDEO,
    "t": Reason.SHORT_LINK,
    "v": Reason.VIDEO,
    "legal": Reason.RESERVED,
    "about": Reason.RESERVED,
    "upload": Reason.RESERVED,
    "channel": Reason.RESERVED,
    "place": Reason.RESERVED,
    "effect": Reason.RESERVED,
}
CONTENT: dict[str, Reason] = {
    "video": Reason.VIDEO,
    "photo": Reason.POST,
    "live": Reason.VIDEO,
    "playlist": Reason.PLAYLIST,
    "collection": Reason.PLAYLIST,
}
NOT_FOUND_CODE = 10221
PRIVATE_CODE = 10222
CAPTCHA_MARKER = "tiktok-verify-page"
META_BIO = re.compile(
    r"Followers\.\s*(.*?)\s*(?:Watch .{0,120}?'s popular videos|Join [\d.,]+[KMB]? followers|$)",
    re.DOTALL,
)


class TikTok:
    name = NAME
    hosts = frozenset({"tiktok.com"})
    case_insensitive = True
    robots_blocks_crawlers = False

    def valid_handle(self, handle: str) -> bool:
        return bool(HANDLE_RE.fullmatch(handle))

    def profile_url(self, handle: str) -> str:
        return f"https://www.tiktok.com/@{handle.lstrip('@').lower()}"

    def canonicalise(self, url: SplitResult, raw: str) -> UrlVerdict:
        if url.netloc in SHORT_LINK_HOSTS:  # redirects: not resolvable without fetching
            return not_account(raw, NAME, Reason.SHORT_LINK)
        return at_handle_verdict(self, url, raw, RESERVED, CONTENT)

    def parse_profile_page(self, html: str, url: str, status: int = 200) -> ProfileRecord:
        forced = status_state(status)
        if forced:
            return empty_record(NAME, url, forced)
        detail = dig(
            script_json(html, "__UNIVERSAL_DATA_FOR_REHYDRATION__"),
            "__DEFAULT_SCOPE__",
            "webapp.user-detail",
        )
        code = dig(detail, "statusCode")
        if code == NOT_FOUND_CODE:
            return empty_record(NAME, url, PageState.NOT_FOUND, status_code=code)
        user = dig(detail, "userInfo", "user")
        if isinstance(user, dict) and user.get("uniqueId"):
            record = self._from_json(user, dig(detail, "userInfo") or {})
            if code == PRIVATE_CODE:
                record.state, record.private = PageState.PRIVATE, True
            return record
        if code == PRIVATE_CODE:
            return empty_record(NAME, url, PageState.PRIVATE, status_code=code)
        if CAPTCHA_MARKER in html:
            return empty_record(NAME, url, PageState.RATE_LIMITED)
        return self._from_meta(html, url, code)

    def _from_json(self, user: dict[str, Any], info: dict[str, Any]) -> ProfileRecord:
        handle = str(user["uniqueId"]).lower()

        def stat(key: str) -> int | None:
            # statsV2 carries exact counts as strings; stats carries rounded numbers.
            for source in (info.get("statsV2"), info.get("stats")):
                value = dig(source, key)
                if value is not None:
                    return parse_count(str(value))
            return None

        link = absolute_link(dig(user, "bioLink", "link"))
        return new_record(
            NAME,
            handle=handle,
            url=self.profile_url(handle),
            platform_id=str(user["id"]) if user.get("id") else None,
            display_name=user.get("nickname") or None,
            bio=user.get("signature") or None,
            links=[link] if link else [],
            followers=stat("followerCount"),
            verified=user.get("verified") if isinstance(user.get("verified"), bool) else None,
            private=user.get("privateAccount")
            if isinstance(user.get("privateAccount"), bool)
            else None,
            extra={
                "following": stat("followingCount"),
                "likes": stat("heartCount"),
                "videos": stat("videoCount"),
                "sec_uid": user.get("secUid"),
                "language": user.get("language"),
            },
        )

    def _from_meta(self, html: str, url: str, code: Any) -> ProfileRecord:
        meta = page_meta(html)
        name, handle = name_and_handle(meta.get("og:title") or meta.title)
        if not handle or not self.valid_handle(handle):
            return empty_record(NAME, url, PageState.UNKNOWN, status_code=code)
        description = meta.get("og:description", "description")
        bio = META_BIO.search(description or "")
        return new_record(
            NAME,
            handle=handle.lower(),
            url=self.profile_url(handle),
            display_name=name,
            bio=(bio.group(1) or None) if bio else None,
            followers=count_before(description, "Followers"),
            extra={"likes": count_before(description, "Likes")},
        )


platform = TikTok()
