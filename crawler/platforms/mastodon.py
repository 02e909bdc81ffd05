"""Mastodon: ``https://<instance>/@<user>`` on configured instances; handle ``user@instance``.

Mastodon is recognised only on the instance hosts the caller passes to ``classify`` (any
host could run it). A remote account shown on another instance (``/@user@other.host``) maps
to its home: ``https://other.host/@user``. API parsers: :func:`parse_account`, :func:`parse_search`.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import SplitResult

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
from crawler.platforms.meta import html_text_and_links
from crawler.platforms.page import MetaTagPlatform
from crawler.platforms.urls import is_hostname, split_url
from crawler.vocab import Platform

NAME = str(Platform.MASTODON)
USER_RE = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,28}[A-Za-z0-9_])?")
RESERVED: dict[str, Reason] = {
    "tags": Reason.HASHTAG,
    "explore": Reason.SEARCH,
    "search": Reason.SEARCH,
    "about": Reason.RESERVED,
    "auth": Reason.LOGIN,
    "public": Reason.FEED,
    "home": Reason.HOME,
    "settings": Reason.RESERVED,
    "share": Reason.SHARE,
    "privacy-policy": Reason.RESERVED,
    "directory": Reason.SEARCH,
    "notifications": Reason.RESERVED,
    "lists": Reason.FEED,
    "api": Reason.RESERVED,
}
TABS = frozenset({"with_replies", "media", "followers", "following", "tagged"})


def split_handle(handle: str) -> tuple[str, str] | None:
    """``"user@host"`` (optionally ``@user@host``) -> ``("user", "host")`` if both are valid."""
    user, sep, host = handle.lstrip("@").partition("@")
    host = host.lower().rstrip(".")
    if not sep or not USER_RE.fullmatch(user) or not is_hostname(host):
        return None
    return user.lower(), host


class Mastodon(MetaTagPlatform):
    """Instance web pages: ``og:title`` ``Name (@user@instance)``, ``og:description`` the bio."""

    name = NAME
    hosts: frozenset[str] = frozenset()  # instances come from configuration, see classify()
    robots_blocks_crawlers = False

    def valid_handle(self, handle: str) -> bool:
        return split_handle(handle) is not None

    def profile_url(self, handle: str) -> str:
        parts = split_handle(handle)
        if parts is None:
            raise ValueError(f"not a Mastodon handle user@instance: {handle!r}")
        return f"https://{parts[1]}/@{parts[0]}"

    def _account(self, raw: str, user: str, host: str) -> UrlVerdict:
        handle = f"{user}@{host}"
        if not self.valid_handle(handle):
            return not_account(raw, NAME, Reason.INVALID_HANDLE)
        handle = handle.lower()
        return account(raw, AccountRef(NAME, handle, self.profile_url(handle)))

    def canonicalise(self, url: SplitResult, raw: str) -> UrlVerdict:
        parts = segments(url)
        if parts and parts[0].lower() == "web":  # the old web UI prefix: /web/@user
            parts = parts[1:]
        if not parts:
            return not_account(raw, NAME, Reason.HOME)
        first = parts[0]
        if first.lower() == "users" and len(parts) > 1:  # ActivityPub actor URL /users/<user>
            if len(parts) > 2 and parts[2].lower() == "statuses":
                return not_account(raw, NAME, Reason.POST)
            return self._account(raw, parts[1], url.netloc)
        if not first.startswith("@"):
            return not_account(raw, NAME, RESERVED.get(first.lower(), Reason.RESERVED))
        if len(parts) > 1 and parts[1].lower() not in TABS:
            return not_account(raw, NAME, Reason.POST if parts[1].isdigit() else Reason.RESERVED)
        user, _, host = first[1:].partition("@")
        return self._account(raw, user, host or url.netloc)


def _account_ref(data: dict[str, Any], instance: str) -> tuple[str | None, str | None]:
    """``(handle, url)`` of an ``Account``: the account's own ``url``, put in canonical form
    when it is the ``/@user`` page of the same user, otherwise kept as given (a bridge's
    ``/users/<id>``, another server's ``/accounts/<name>``): never rewritten to a
    ``https://<host>/@user`` form its home does not serve. The handle then comes from ``acct``
    (``user@home``; a local account's home is ``instance``)."""
    username = str(data.get("username") or "")
    acct = str(data.get("acct") or username)
    user, _, host = acct.partition("@")
    raw = data.get("url")
    parsed = split_url(raw) if isinstance(raw, str) else None
    own = raw.strip() if parsed is not None and isinstance(raw, str) else None
    if parsed is not None and own is not None:
        ref = platform.canonicalise(parsed[0], own).account
        first = (segments(parsed[0]) or [""])[0]
        if (
            ref
            and first.startswith("@")
            and ref.handle.partition("@")[0] == (user or username).lower()
        ):
            return ref.handle, ref.url
    home = platform._account(acct, user or username, host or instance).account
    if home is None:
        return None, own
    return home.handle, own or home.url


def parse_account(data: dict[str, Any], instance: str) -> ProfileRecord:
    """A Mastodon ``Account`` entity (lookup or search result) seen from ``instance``.

    ``"suspended": true`` (Mastodon 3.3+) makes the record ``suspended``: the account is gone.
    """
    instance = instance.lower().removeprefix("https://").removeprefix("http://").strip("/")
    acct = str(data.get("acct") or data.get("username") or "")
    handle, url = _account_ref(data, instance)
    bio, note_links = html_text_and_links(data.get("note"))
    links, verified = list(note_links), []
    for field in data.get("fields") or []:
        if not isinstance(field, dict):
            continue
        _, field_links = html_text_and_links(field.get("value"))
        links.extend(field_links)
        if field.get("verified_at"):
            verified.extend(field_links)
    followers = data.get("followers_count")
    locked = data.get("locked")
    return new_record(
        NAME,
        PageState.SUSPENDED if data.get("suspended") is True else PageState.OK,
        handle=handle,
        url=url,
        display_name=data.get("display_name") or None,
        bio=bio,
        links=list(dict.fromkeys(links)),
        followers=followers if isinstance(followers, int) else None,
        private=locked if isinstance(locked, bool) else None,
        extra={
            "verified_links": list(dict.fromkeys(verified)),
            "id": data.get("id"),
            "acct": acct,
            "bot": data.get("bot"),
            "group": data.get("group"),
            "created_at": data.get("created_at"),
            "statuses": data.get("statuses_count"),
            "last_status_at": data.get("last_status_at"),
        },
    )


def parse_search(data: dict[str, Any], instance: str) -> list[ProfileRecord]:
    """``/api/v2/search?type=accounts`` -> one record per account."""
    accounts = data.get("accounts") if isinstance(data, dict) else None
    return [parse_account(a, instance) for a in accounts or [] if isinstance(a, dict)]


platform = Mastodon()
