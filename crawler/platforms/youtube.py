"""YouTube: ``https://www.youtube.com/@<handle>`` or ``https://www.youtube.com/channel/<UC…>``.

Legacy ``/c/<name>``, ``/user/<name>`` and bare ``/<name>`` URLs are accounts whose channel id
is not known locally: ``needs_resolution=True`` (the youtube source resolves them with the API
or the page's ``externalId``). Channel ids are case-sensitive; handles and legacy names are not.

Also the Data API v3 parsers the youtube spider uses: :func:`parse_search_list`,
:func:`parse_channels_list`, :func:`api_error`.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import SplitResult, quote

from crawler.platforms.base import (
    AccountRef,
    PageState,
    ProfileRecord,
    Reason,
    UrlVerdict,
    account,
    new_record,
    not_account,
    segments,
)
from crawler.platforms.meta import clean_text, dig, js_assigned_json, parse_count
from crawler.platforms.page import Marker, MetaTagPlatform, Page
from crawler.vocab import Platform

NAME = str(Platform.YOUTUBE)
HANDLE_RE = re.compile(r"[A-Za-z0-9._-]{3,30}")
CHANNEL_ID_RE = re.compile(r"UC[0-9A-Za-z_-]{22}")
LEGACY_RE = re.compile(r"[A-Za-z0-9._-]{1,100}")
VIDEO_HOSTS = frozenset({"youtu.be"})

# yt-dlp _RESERVED_NAMES, with the reason each gets.
RESERVED: dict[str, Reason] = {
    name: Reason.RESERVED
    for name in (
        "channel c user playlist watch w v embed e live watch_popup clip shorts movies results search "
        "shared hashtag trending explore feed feeds browse oembed get_video_info iframe_api s player "
        "source storefront oops index account t terms about upload signin logout premium kids gaming "
        "music redirect attribution_link ads creators howyoutubeworks yt new img comment pagead api "
        "audiolibrary copyright reporthistory originals supported_browsers select_site"
    ).split()
}
RESERVED |= {
    "watch": Reason.VIDEO,
    "w": Reason.VIDEO,
    "v": Reason.VIDEO,
    "embed": Reason.VIDEO,
    "e": Reason.VIDEO,
    "live": Reason.VIDEO,
    "watch_popup": Reason.VIDEO,
    "clip": Reason.VIDEO,
    "shorts": Reason.VIDEO,
    "playlist": Reason.PLAYLIST,
    "results": Reason.SEARCH,
    "search": Reason.SEARCH,
    "hashtag": Reason.HASHTAG,
    "feed": Reason.FEED,
    "feeds": Reason.FEED,
    "signin": Reason.LOGIN,
    "logout": Reason.LOGIN,
    "redirect": Reason.SHARE,
    "attribution_link": Reason.SHARE,
}
# Tabs of a channel page: /@h/<tab> is the channel.
TABS = frozenset(
    "featured videos shorts streams playlists community about channels podcasts releases store "
    "posts search courses membership".split()
)
# /@h/<this> is a video of the channel, not one of its tabs (/videos, /shorts, /streams, ...).
CONTENT: dict[str, Reason] = {"live": Reason.VIDEO, "watch": Reason.VIDEO, "post": Reason.POST}


class YouTube(MetaTagPlatform):
    """Channel pages: ``ytInitialData`` (channel metadata and header), then ``og:*`` meta."""

    name = NAME
    hosts = frozenset({"youtube.com", "youtu.be"})
    case_insensitive = True  # handles and legacy names; channel ids are case-sensitive
    robots_blocks_crawlers = False
    after_markers = (
        Marker(
            PageState.LOGIN_WALL, ("consent.youtube.com",), where="url", extra={"consent": True}
        ),
        Marker(
            PageState.LOGIN_WALL, ('action="https://consent.youtube.com',), extra={"consent": True}
        ),
    )

    def valid_handle(self, handle: str) -> bool:
        """An @handle (without @) or a channel id."""
        return bool(HANDLE_RE.fullmatch(handle) or CHANNEL_ID_RE.fullmatch(handle))

    def profile_url(self, handle: str) -> str:
        if CHANNEL_ID_RE.fullmatch(handle):
            return f"https://www.youtube.com/channel/{handle}"
        return f"https://www.youtube.com/@{handle.lstrip('@').lower()}"

    def canonicalise(self, url: SplitResult, raw: str) -> UrlVerdict:
        if url.netloc in VIDEO_HOSTS:
            return not_account(raw, NAME, Reason.VIDEO)
        parts = segments(url)
        if not parts:
            return not_account(raw, NAME, Reason.HOME)
        lower = parts[0].lower()
        width = 2 if lower in ("channel", "c", "user") and len(parts) > 1 else 1
        rest = [p.lower() for p in parts[width:]]
        if rest and rest[0] in CONTENT:
            return not_account(raw, NAME, CONTENT[rest[0]])
        if lower.startswith("@"):
            return self._handle(raw, parts[0][1:])
        if width == 2 and lower == "channel":
            if not CHANNEL_ID_RE.fullmatch(parts[1]):
                return not_account(raw, NAME, Reason.INVALID_HANDLE)
            return account(
                raw, AccountRef(NAME, parts[1], self.profile_url(parts[1]), platform_id=parts[1])
            )
        if width == 2:
            return self._legacy(raw, f"{lower}/", parts[1])
        if lower in RESERVED:
            return not_account(raw, NAME, RESERVED[lower])
        if rest and rest[0] not in TABS:
            return not_account(raw, NAME, Reason.RESERVED)
        return self._legacy(raw, "", parts[0])

    def _handle(self, raw: str, handle: str) -> UrlVerdict:
        if not HANDLE_RE.fullmatch(handle):
            return not_account(raw, NAME, Reason.INVALID_HANDLE)
        return account(raw, AccountRef(NAME, handle.lower(), self.profile_url(handle)))

    def _legacy(self, raw: str, prefix: str, name: str) -> UrlVerdict:
        if not LEGACY_RE.fullmatch(name):
            return not_account(raw, NAME, Reason.INVALID_HANDLE)
        name = name.lower()
        url = f"https://www.youtube.com/{prefix}{quote(name)}"
        return account(raw, AccountRef(NAME, name, url, needs_resolution=True))

    def page_data(self, html: str) -> Any:
        return js_assigned_json(html, "ytInitialData")

    def own_url(self, page: Page) -> str | None:
        return (
            _channel(page).get("channelUrl")
            or dig(page.data, "microformat", "microformatDataRenderer", "urlCanonical")
            or super().own_url(page)
        )

    def profile(self, page: Page) -> ProfileRecord | None:
        channel, verdict = _channel(page), page.verdict
        ref = verdict.account if verdict else None
        channel_id = channel.get("externalId") or (ref.platform_id if ref else None)
        if not channel_id and not channel:
            return None
        header_handle, subscribers = _header(dig(page.data, "header") or {})
        handle = _vanity_handle(channel.get("vanityChannelUrl")) or header_handle
        if handle is None and ref and not ref.platform_id:
            handle = ref.handle
        return page.record(
            handle=handle,
            url=self.profile_url(handle)
            if handle
            else (self.profile_url(channel_id) if channel_id else page.url),
            platform_id=channel_id,
            display_name=channel.get("title") or page.meta.get("og:title"),
            bio=_bio(page, channel),
            followers=parse_count(subscribers),
            extra={"keywords": channel.get("keywords")} if channel.get("keywords") else {},
        )

    def after_profile(self, page: Page) -> ProfileRecord | None:
        return super().after_profile(page) or self.not_account_state(page)


# YouTube's own description of itself, which its pages carry in the description meta tags
# when a channel has none: never a channel's bio.
GENERIC_DESCRIPTIONS = frozenset(
    {
        "Enjoy the videos and music you love, upload original content, and share it all with "
        "friends, family, and the world on YouTube.",
    }
)


def _bio(page: Page, channel: dict[str, Any]) -> str | None:
    """The channel's description: the channel metadata decides when the page has it (an empty
    description there is no bio); else the meta tags, unless they carry YouTube's own text."""
    if channel:
        description = channel.get("description")
        return description if isinstance(description, str) and description.strip() else None
    text = page.meta.get("og:description", "description")
    return None if text is None or clean_text(text) in GENERIC_DESCRIPTIONS else text


def _channel(page: Page) -> dict[str, Any]:
    return dig(page.data, "metadata", "channelMetadataRenderer") or {}


def _vanity_handle(vanity_url: str | None) -> str | None:
    """``"http://www.youtube.com/@OneMedia."`` -> ``"onemedia."``."""
    m = re.search(r"/@([A-Za-z0-9._-]{3,30})/?$", vanity_url or "")
    return m.group(1).lower() if m else None


def _header(header: dict[str, Any]) -> tuple[str | None, str | None]:
    """(handle, subscriber text) from either channel header layout."""
    c4 = header.get("c4TabbedHeaderRenderer")
    if isinstance(c4, dict):
        handle_text = dig(c4, "channelHandleText", "runs", 0, "text")
        return _at_handle(handle_text), _text(c4.get("subscriberCountText"))
    rows = dig(
        header,
        "pageHeaderRenderer",
        "content",
        "pageHeaderViewModel",
        "metadata",
        "contentMetadataViewModel",
        "metadataRows",
    )
    handle = subscribers = None
    for row in rows if isinstance(rows, list) else []:
        for part in dig(row, "metadataParts") or []:
            content = dig(part, "text", "content")
            if not isinstance(content, str):
                continue
            if content.startswith("@") and handle is None:
                handle = _at_handle(content)
            elif subscribers is None and re.search(
                r"subscri|suscri|abonn|inscrit", content, re.IGNORECASE
            ):
                subscribers = content
    return handle, subscribers


def _at_handle(text: Any) -> str | None:
    if isinstance(text, str) and text.startswith("@") and HANDLE_RE.fullmatch(text[1:]):
        return text[1:].lower()
    return None


def _text(value: Any) -> str | None:
    if isinstance(value, dict):
        if isinstance(value.get("simpleText"), str):
            return value["simpleText"]
        runs = value.get("runs")
        if isinstance(runs, list):
            return "".join(str(r.get("text", "")) for r in runs if isinstance(r, dict)) or None
    return None


# --- YouTube Data API v3 ----------------------------------------------------------------------


def parse_search_list(data: dict[str, Any]) -> tuple[list[ProfileRecord], str | None]:
    """``search.list`` (type=channel) -> (records, nextPageToken). Snippets carry no handle."""
    records = []
    for item in data.get("items") or []:
        channel_id = dig(item, "id", "channelId") or dig(item, "snippet", "channelId")
        if dig(item, "id", "kind") not in (None, "youtube#channel") or not isinstance(
            channel_id, str
        ):
            continue
        snippet = item.get("snippet") or {}
        records.append(
            new_record(
                NAME,
                url=platform.profile_url(channel_id),
                platform_id=channel_id,
                display_name=snippet.get("title") or snippet.get("channelTitle") or None,
                bio=snippet.get("description") or None,
                extra={"published_at": snippet.get("publishedAt")},
            )
        )
    token = data.get("nextPageToken")
    return records, token if isinstance(token, str) and token else None


def parse_channels_list(data: dict[str, Any]) -> list[ProfileRecord]:
    """``channels.list`` (part=snippet,statistics,brandingSettings) -> one record per channel."""
    records = []
    for item in data.get("items") or []:
        channel_id = item.get("id")
        if not isinstance(channel_id, str):
            continue
        snippet = item.get("snippet") or {}
        stats = item.get("statistics") or {}
        branding = dig(item, "brandingSettings", "channel") or {}
        custom = snippet.get("customUrl")
        handle = (
            custom.lstrip("@").lower()
            if isinstance(custom, str) and custom.startswith("@")
            else None
        )
        hidden = stats.get("hiddenSubscriberCount") is True
        records.append(
            new_record(
                NAME,
                handle=handle,
                url=platform.profile_url(handle or channel_id),
                platform_id=channel_id,
                display_name=snippet.get("title") or branding.get("title") or None,
                bio=(snippet.get("description") or branding.get("description") or "").strip()
                or None,
                followers=None if hidden else parse_count(str(stats.get("subscriberCount") or "")),
                extra={
                    "country": snippet.get("country") or branding.get("country"),
                    "published_at": snippet.get("publishedAt"),
                    "videos": parse_count(str(stats.get("videoCount") or "")),
                    "views": parse_count(str(stats.get("viewCount") or "")),
                    "keywords": branding.get("keywords"),
                },
            )
        )
    return records


CHANNELS_LIST_MAX = 50  # channels.list takes up to 50 comma-separated ids a call (1 unit)


def channels_by_id(
    data: dict[str, Any], asked: list[str]
) -> tuple[dict[str, ProfileRecord], list[str]]:
    """A ``channels.list?id=<ids>`` answer split by the ids asked: the channels it returned,
    and the ids it left out (no item: the channel does not exist, or was deleted or
    terminated)."""
    found = {r.platform_id: r for r in parse_channels_list(data) if r.platform_id}
    return found, [i for i in asked if i not in found]


def api_error(data: dict[str, Any]) -> tuple[str, str] | None:
    """``("quotaExceeded", message)`` for an API error body; ``None`` when there is no error."""
    error = data.get("error") if isinstance(data, dict) else None
    if not isinstance(error, dict):
        return None
    message = clean_text(re.sub(r"<[^>]+>", "", str(error.get("message") or ""))) or ""
    reason = dig(error, "errors", 0, "reason")
    return (str(reason) if reason else str(error.get("code") or "error")), message


platform = YouTube()
