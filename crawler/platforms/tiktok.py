"""TikTok: ``https://www.tiktok.com/@<handle>`` and its logged-out profile page.

The page parser prefers the embedded ``__UNIVERSAL_DATA_FOR_REHYDRATION__`` JSON
(``__DEFAULT_SCOPE__["webapp.user-detail"]``), on older pages ``SIGI_STATE``
(``UserModule.users`` / ``UserModule.stats``), and falls back to the meta tags
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
    new_record,
    not_account,
)
from crawler.platforms.meta import count_before, dig, js_assigned_json, parse_count, script_json
from crawler.platforms.page import Marker, MetaTagPlatform, Page
from crawler.vocab import Platform

NAME = str(Platform.TIKTOK)
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


class TikTok(MetaTagPlatform):
    """The embedded JSON first (not found, the profile, private), then the meta tags."""

    name = NAME
    hosts = frozenset({"tiktok.com"})
    robots_blocks_crawlers = False
    handle_re = HANDLE_RE
    reserved = RESERVED
    profile_url_format = "https://www.tiktok.com/@{}"
    title_fallback = True
    after_markers = (Marker(PageState.BLOCKED, (CAPTCHA_MARKER,)),)

    def canonicalise(self, url: SplitResult, raw: str) -> UrlVerdict:
        if url.netloc in SHORT_LINK_HOSTS:  # redirects: not resolvable without fetching
            return not_account(raw, NAME, Reason.SHORT_LINK)
        return at_handle_verdict(self, url, raw, RESERVED, CONTENT)

    def page_data(self, html: str) -> Any:
        detail = dig(
            script_json(html, "__UNIVERSAL_DATA_FOR_REHYDRATION__"),
            "__DEFAULT_SCOPE__",
            "webapp.user-detail",
        )
        return detail if detail is not None else _sigi_user_detail(html)

    def before_profile(self, page: Page) -> ProfileRecord | None:
        code = dig(page.data, "statusCode")
        if code == NOT_FOUND_CODE:
            return page.empty(PageState.NOT_FOUND, status_code=code)
        return None

    def profile(self, page: Page) -> ProfileRecord | None:
        user = dig(page.data, "userInfo", "user")
        if not (isinstance(user, dict) and user.get("uniqueId")):
            return None
        record = self._from_json(user, dig(page.data, "userInfo") or {})
        if dig(page.data, "statusCode") == PRIVATE_CODE:
            record.state, record.private = PageState.PRIVATE, True
        return record

    def after_profile(self, page: Page) -> ProfileRecord | None:
        code = dig(page.data, "statusCode")
        if code == PRIVATE_CODE:
            return page.empty(PageState.PRIVATE, status_code=code)
        return super().after_profile(page) or self.title_profile(page)

    def profile_fields(self, page: Page) -> dict[str, Any]:
        description = page.meta.get("og:description", "description")
        bio = META_BIO.search(description or "")
        return {
            "bio": (bio.group(1) or None) if bio else None,
            "followers": count_before(description, "Followers"),
            "extra": {"likes": count_before(description, "Likes")},
        }

    def unknown(self, page: Page) -> ProfileRecord:
        return page.empty(PageState.UNKNOWN, status_code=dig(page.data, "statusCode"))

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


def _sigi_user_detail(html: str) -> dict[str, Any] | None:
    """Older pages: ``SIGI_STATE`` (``<script id="SIGI_STATE">`` or ``sigi-persisted-data``, or
    ``window['SIGI_STATE'] = {...}``) with ``UserModule.users[<uniqueId>]`` and
    ``UserModule.stats[<uniqueId>]`` (``UserPage.uniqueId`` names the page's user), in the
    shape of ``webapp.user-detail`` (``userInfo.user`` / ``userInfo.stats``)."""
    sigi = (
        script_json(html, "SIGI_STATE")
        or script_json(html, "sigi-persisted-data")
        or js_assigned_json(html, "SIGI_STATE")
    )
    users = dig(sigi, "UserModule", "users")
    if not isinstance(users, dict) or not users:
        return None
    page_user = dig(sigi, "UserPage", "uniqueId")
    key = page_user if isinstance(page_user, str) and page_user in users else next(iter(users))
    user = users[key]
    if not isinstance(user, dict):
        return None
    stats = dig(sigi, "UserModule", "stats", key)
    return {"userInfo": {"user": user, "stats": stats if isinstance(stats, dict) else {}}}


platform = TikTok()
