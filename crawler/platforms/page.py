"""The profile-page template every platform module configures: :class:`MetaTagPlatform`.

Every page parser opens the same way: the HTTP status may decide alone (404/410, 403/429), the
page's ``<head>`` is read (meta tags, ``<title>``, canonical link), the page's own URL is
classified with the platform's rules and a ``Name (@handle)`` title is split. Then a few
platform-specific checks say whether the page shows a profile, a login wall, a rate limit...
A platform module sets class attributes and overrides the hooks it needs; the checks run in
this order and the first record returned wins:

1. the status (:data:`status_states`, then 404/410, and 403/429/999: ``blocked``), then a
   WAF or captcha wall instead of the platform's page (:mod:`crawler.platforms.blocked`:
   ``blocked``);
2. :meth:`~MetaTagPlatform.before_profile`: the :data:`markers`, then, with
   :data:`own_url_first`, :meth:`~MetaTagPlatform.not_account_state` (a page whose own URL
   is not an account; a login page is a login wall with :data:`login_url_is_wall`);
3. :meth:`~MetaTagPlatform.profile`: the profile the page shows (by default the title
   profile: a valid handle in the title, :meth:`~MetaTagPlatform.shows_profile` and
   :meth:`~MetaTagPlatform.profile_fields`);
4. :meth:`~MetaTagPlatform.after_profile`: the :data:`after_markers`, then the
   :data:`login_titles`;
5. :meth:`~MetaTagPlatform.unknown`: a record in state ``unknown``.

Class attributes besides the :class:`~crawler.platforms.base.Platform` protocol's:
``handle_re`` (a handle matches it in full), ``reserved`` (first path segments that are not
accounts; with ``reserved_handles`` never a handle either), ``profile_url_format`` (the
canonical URL of a handle, ``{}`` the handle lower-cased without ``@``), ``own_url_tags``
(meta tags with the page's own URL, before ``<link rel=canonical>``), ``title_tags`` and
``title_fallback`` (where the ``Name (@handle)`` title is, and whether ``<title>`` counts).
Two more hooks read the page: :meth:`~MetaTagPlatform.page_data` (embedded JSON, as
``page.data``) and :meth:`~MetaTagPlatform.own_url`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar, Literal
from urllib.parse import SplitResult

from crawler.platforms.base import (
    PageState,
    ProfileRecord,
    Reason,
    UrlVerdict,
    empty_record,
    name_and_handle,
    new_record,
    own_verdict,
    status_state,
)
from crawler.platforms.blocked import wall_vendor
from crawler.platforms.meta import PageMeta, page_meta


@dataclass(frozen=True, slots=True)
class Marker:
    """Text (or a pattern) whose presence in a page decides the page's state.

    ``where`` is ``"html"``, ``"url"`` or ``"both"``; ``extra`` goes into the record's extra.
    """

    state: PageState
    texts: tuple[str, ...] = ()
    pattern: re.Pattern[str] | None = None
    where: Literal["html", "url", "both"] = "html"
    extra: Mapping[str, Any] = field(default_factory=dict)

    def found(self, html: str, url: str) -> bool:
        places = {"html": (html,), "url": (url,), "both": (url, html)}[self.where]
        return any(text in place for text in self.texts for place in places) or bool(
            self.pattern and any(self.pattern.search(place) for place in places)
        )


class Page:
    """One fetched page as the hooks see it; every fact is read once, when first asked for."""

    def __init__(self, platform: MetaTagPlatform, html: str, url: str) -> None:
        self.platform = platform
        self.html = html
        self.url = url

    @cached_property
    def meta(self) -> PageMeta:
        return page_meta(self.html)

    @cached_property
    def data(self) -> Any:
        """What :meth:`MetaTagPlatform.page_data` reads from the page (embedded JSON)."""
        return self.platform.page_data(self.html)

    @cached_property
    def verdict(self) -> UrlVerdict | None:
        """The page's own URL (og:url, canonical ...) classified, if it is on the platform."""
        return own_verdict(self.platform, self.platform.own_url(self))

    @cached_property
    def title(self) -> str | None:
        title = self.meta.get(*self.platform.title_tags)
        return title or (self.meta.title if self.platform.title_fallback else None)

    @cached_property
    def name_and_handle(self) -> tuple[str | None, str | None]:
        """``("Name", "handle")`` from a ``Name (@handle) ...`` title."""
        return name_and_handle(self.title)

    def empty(self, state: PageState, **extra: Any) -> ProfileRecord:
        """A record of this page carrying only its state."""
        return empty_record(self.platform.name, self.url, state, **extra)

    def record(self, **fields: Any) -> ProfileRecord:
        """A profile record of the platform (state ok)."""
        return new_record(self.platform.name, **fields)

    def marked(self, markers: tuple[Marker, ...]) -> ProfileRecord | None:
        """The record of the first marker found in the page."""
        for marker in markers:
            if marker.found(self.html, self.url):
                return self.empty(marker.state, **marker.extra)
        return None


class MetaTagPlatform:
    """Base of the platform modules: URL declarations and the profile-page template."""

    name: str
    hosts: frozenset[str]
    case_insensitive: bool = True
    robots_blocks_crawlers: bool = False

    handle_re: ClassVar[re.Pattern[str]]
    reserved: ClassVar[Mapping[str, Reason]] = {}
    reserved_handles: ClassVar[bool] = False
    profile_url_format: ClassVar[str] = ""

    status_states: ClassVar[Mapping[int, PageState]] = {}
    own_url_tags: ClassVar[tuple[str, ...]] = ("og:url",)
    own_url_first: ClassVar[bool] = False
    login_url_is_wall: ClassVar[bool] = False
    title_tags: ClassVar[tuple[str, ...]] = ("og:title",)
    title_fallback: ClassVar[bool] = False
    markers: ClassVar[tuple[Marker, ...]] = ()
    after_markers: ClassVar[tuple[Marker, ...]] = ()
    login_titles: ClassVar[tuple[str, ...]] = ()

    # --- URLs ---------------------------------------------------------------------------------

    def canonicalise(self, url: SplitResult, raw: str) -> UrlVerdict:
        """The verdict on a URL of one of :data:`hosts` (each platform's own rules)."""
        raise NotImplementedError

    def valid_handle(self, handle: str) -> bool:
        if not self.handle_re.fullmatch(handle):
            return False
        return not (self.reserved_handles and handle.lower() in self.reserved)

    def profile_url(self, handle: str) -> str:
        return self.profile_url_format.format(handle.lstrip("@").lower())

    # --- profile pages ------------------------------------------------------------------------

    def parse_profile_page(self, html: str, url: str, status: int = 200) -> ProfileRecord:
        forced = self.status_states.get(status) or status_state(status)
        if forced:
            return empty_record(self.name, url, forced)
        wall = wall_vendor(html)
        if wall:
            return empty_record(self.name, url, PageState.BLOCKED, wall=wall)
        page = Page(self, html, url)
        for step in (self.before_profile, self.profile, self.after_profile):
            record = step(page)
            if record is not None:
                return record
        return self.unknown(page)

    def page_data(self, html: str) -> Any:
        """Embedded data the other hooks read as ``page.data`` (none by default)."""
        return None

    def own_url(self, page: Page) -> str | None:
        """The URL the page gives for itself."""
        return page.meta.get(*self.own_url_tags) or page.meta.canonical

    def before_profile(self, page: Page) -> ProfileRecord | None:
        record = page.marked(self.markers)
        if record is None and self.own_url_first:
            record = self.not_account_state(page)
        return record

    def not_account_state(self, page: Page) -> ProfileRecord | None:
        """A page whose own URL is on the platform but not an account (a post, a login page)."""
        verdict = page.verdict
        if verdict is None or verdict.is_account:
            return None
        if self.login_url_is_wall and verdict.reason == Reason.LOGIN:
            return page.empty(PageState.LOGIN_WALL)
        return page.empty(PageState.UNKNOWN, not_account=str(verdict.reason))

    def profile(self, page: Page) -> ProfileRecord | None:
        """The profile the page shows; by default the one its ``Name (@handle)`` title names."""
        return self.title_profile(page)

    def title_profile(self, page: Page) -> ProfileRecord | None:
        name, handle = page.name_and_handle
        if not handle or not self.valid_handle(handle) or not self.shows_profile(page):
            return None
        return page.record(
            handle=handle.lower(),
            url=self.profile_url(handle),
            display_name=name,
            **self.profile_fields(page),
        )

    def shows_profile(self, page: Page) -> bool:
        """Whether a page with a valid title handle is that account's profile."""
        return True

    def profile_fields(self, page: Page) -> dict[str, Any]:
        """Record fields of a title profile besides handle, URL and display name."""
        return {"bio": page.meta.get("og:description")}

    def after_profile(self, page: Page) -> ProfileRecord | None:
        record = page.marked(self.after_markers)
        if record is None and page.meta.title in self.login_titles:
            record = page.empty(PageState.LOGIN_WALL)
        return record

    def unknown(self, page: Page) -> ProfileRecord:
        return page.empty(PageState.UNKNOWN)
