"""Bluesky: ``https://bsky.app/profile/<handle-or-did>`` and the public AppView API.

The handle is a domain name (lower-cased); a profile known only by its DID uses the DID as
handle and ``platform_id``. API parsers: :func:`parse_search_actors`, :func:`parse_get_profile`,
:func:`is_not_found`.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import SplitResult

from crawler.platforms.base import (
    AccountRef,
    ProfileRecord,
    Reason,
    UrlVerdict,
    absolute_link,
    account,
    new_record,
    not_account,
    segments,
)
from crawler.platforms.page import MetaTagPlatform, Page
from crawler.platforms.urls import is_hostname
from crawler.vocab import Platform

NAME = str(Platform.BLUESKY)
GET_PROFILES_MAX = 25  # app.bsky.actor.getProfiles accepts up to 25 actors a call
DID_RE = re.compile(r"did:(?:plc:[a-z2-7]{24}|web:[a-zA-Z0-9._:%-]{1,253})")
INVALID_HANDLE = "handle.invalid"  # what the AppView reports when a handle fails verification
RESERVED: dict[str, Reason] = {
    "search": Reason.SEARCH,
    "hashtag": Reason.HASHTAG,
    "feeds": Reason.FEED,
    "lists": Reason.FEED,
    "settings": Reason.RESERVED,
    "notifications": Reason.RESERVED,
    "messages": Reason.RESERVED,
    "support": Reason.HELP,
    "starter-pack": Reason.RESERVED,
    "start": Reason.RESERVED,
    "intent": Reason.SHARE,
    "moderation": Reason.RESERVED,
}
CONTENT: dict[str, Reason] = {
    "post": Reason.POST,
    "feed": Reason.FEED,
    "lists": Reason.FEED,
    "lists-feed": Reason.FEED,
}


class Bluesky(MetaTagPlatform):
    """bsky.app pages: generic ``og:title`` ``Name (@handle)`` and ``og:description`` (the bio).

    Their exact markup is not documented; prefer :func:`parse_get_profile`.
    """

    name = NAME
    hosts = frozenset({"bsky.app"})
    robots_blocks_crawlers = False

    def valid_handle(self, handle: str) -> bool:
        return bool(DID_RE.fullmatch(handle)) or (
            is_hostname(handle.lower()) and handle.lower() != INVALID_HANDLE
        )

    def profile_url(self, handle: str) -> str:
        handle = handle.lstrip("@")
        return f"https://bsky.app/profile/{handle if handle.startswith('did:') else handle.lower()}"

    def canonicalise(self, url: SplitResult, raw: str) -> UrlVerdict:
        parts = segments(url)
        if not parts:
            return not_account(raw, NAME, Reason.HOME)
        first = parts[0].lower()
        if first != "profile" or len(parts) < 2:
            return not_account(raw, NAME, RESERVED.get(first, Reason.RESERVED))
        if len(parts) > 2 and parts[2].lower() in CONTENT:
            return not_account(raw, NAME, CONTENT[parts[2].lower()])
        actor = parts[1].lstrip("@")
        if not self.valid_handle(actor):
            return not_account(raw, NAME, Reason.INVALID_HANDLE)
        if actor.startswith("did:"):
            return account(raw, AccountRef(NAME, actor, self.profile_url(actor), platform_id=actor))
        return account(raw, AccountRef(NAME, actor.lower(), self.profile_url(actor)))

    def profile_fields(self, page: Page) -> dict[str, Any]:
        did = next((v for v in page.meta.tags.values() if DID_RE.fullmatch(v)), None)
        return {"platform_id": did, "bio": page.meta.get("og:description")}


def parse_get_profile(data: dict[str, Any]) -> ProfileRecord:
    """``app.bsky.actor.getProfile`` (profileViewDetailed) or a ``profileView`` -> record."""
    did = data.get("did") if isinstance(data.get("did"), str) else None
    handle = data.get("handle") if isinstance(data.get("handle"), str) else None
    if handle and (handle.lower() == INVALID_HANDLE or not platform.valid_handle(handle)):
        handle = None
    key = handle.lower() if handle else did
    status = (
        (data.get("verification") or {}).get("verifiedStatus")
        if isinstance(data.get("verification"), dict)
        else None
    )
    website = absolute_link(data.get("website")) if isinstance(data.get("website"), str) else None
    followers = data.get("followersCount")
    return new_record(
        NAME,
        handle=key,
        url=platform.profile_url(key) if key else None,
        platform_id=did,
        display_name=data.get("displayName") or None,
        bio=data.get("description") or None,
        links=[website] if website else [],
        followers=followers if isinstance(followers, int) else None,
        verified=None if status is None else status == "valid",
        extra={
            "follows": data.get("followsCount"),
            "posts": data.get("postsCount"),
            "created_at": data.get("createdAt"),
            "labels": [lab.get("val") for lab in data.get("labels") or [] if isinstance(lab, dict)],
        },
    )


def parse_search_actors(data: dict[str, Any]) -> tuple[list[ProfileRecord], str | None]:
    """``app.bsky.actor.searchActors`` -> (records, cursor); no cursor means the last page."""
    actors = data.get("actors") if isinstance(data, dict) else None
    records = [parse_get_profile(a) for a in actors or [] if isinstance(a, dict)]
    cursor = data.get("cursor") if isinstance(data, dict) else None
    return records, cursor if isinstance(cursor, str) and cursor else None


def profiles_by_did(
    data: dict[str, Any], asked: list[str]
) -> tuple[dict[str, ProfileRecord], list[str]]:
    """A ``getProfiles?actors=<did>&actors=…`` answer split by the DIDs asked: the profiles it
    returned (under their current handle), and the DIDs it left out (the AppView omits an
    actor it does not know: the account was deleted or taken down)."""
    profiles = data.get("profiles") if isinstance(data, dict) else None
    records = [parse_get_profile(p) for p in profiles or [] if isinstance(p, dict)]
    found = {r.platform_id: r for r in records if r.platform_id}
    return found, [d for d in asked if d not in found]


def is_not_found(status: int, data: Any) -> bool:
    """HTTP 400 ``{"error":"InvalidRequest","message":"Profile not found"}`` (the AppView's
    other endpoints say ``"Actor not found: <actor>"``)."""
    message = str(data.get("message", "")) if isinstance(data, dict) else ""
    return status == 400 and ("Profile not found" in message or "Actor not found" in message)


platform = Bluesky()
