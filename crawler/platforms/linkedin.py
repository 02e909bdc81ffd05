"""LinkedIn: ``https://www.linkedin.com/school/<slug>/``, ``/company/<slug>/``, ``/showcase/<slug>/``
and people's ``/in/<slug>/``.

Decision: a person's ``/in/<slug>`` profile IS an account (reason ""), because a personal
profile can present itself as a school as well as a page can; its URL keeps the ``/in/`` kind,
so it never shares a canonical URL with a page of the same slug. The handle is the slug
(lower-case) for every kind. Country sub-domains (``uk.linkedin.com``) map to ``www``.
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
    not_account,
    segments,
)
from crawler.platforms.meta import clean_text, count_before, json_ld
from crawler.platforms.page import Marker, MetaTagPlatform, Page
from crawler.platforms.urls import host_matches, split_url
from crawler.vocab import Platform

NAME = str(Platform.LINKEDIN)
SLUG_RE = re.compile(r"[\w][\w.&'’+-]{0,99}")
KINDS = ("school", "company", "showcase", "in")
RESERVED: dict[str, Reason] = {
    "posts": Reason.POST,
    "feed": Reason.FEED,
    "pulse": Reason.POST,
    "jobs": Reason.RESERVED,
    "groups": Reason.GROUP,
    "events": Reason.EVENT,
    "learning": Reason.RESERVED,
    "login": Reason.LOGIN,
    "signup": Reason.LOGIN,
    "authwall": Reason.LOGIN,
    "uas": Reason.LOGIN,
    "checkpoint": Reason.LOGIN,
    "help": Reason.HELP,
    "legal": Reason.RESERVED,
    "search": Reason.SEARCH,
    "shareArticle": Reason.SHARE,
    "sharing": Reason.SHARE,
    "share": Reason.SHARE,
    "hashtag": Reason.HASHTAG,
    "feed-updates": Reason.FEED,
    "embed": Reason.POST,
}
DEFAULT_SLUG_HOST = "www.linkedin.com"
ORGANIZATION_TYPES = ("Organization", "EducationalOrganization", "CollegeOrUniversity")


class LinkedIn(MetaTagPlatform):
    """Pages of organisations: JSON-LD ``Organization`` (name, description, address) and
    ``og:*`` meta; a login wall (``/authwall``) otherwise."""

    name = NAME
    hosts = frozenset({"linkedin.com"})
    robots_blocks_crawlers = True
    title_fallback = True
    after_markers = (Marker(PageState.LOGIN_WALL, ("/authwall", "authwall?"), where="both"),)

    def valid_handle(self, handle: str) -> bool:
        return bool(SLUG_RE.fullmatch(handle))

    def profile_url(self, handle: str, kind: str = "company") -> str:
        """Canonical URL of a slug; ``kind`` is school, company, showcase or in."""
        return f"https://www.linkedin.com/{kind}/{quote(handle.lower())}/"

    def canonicalise(self, url: SplitResult, raw: str) -> UrlVerdict:
        parts = segments(url)
        if not parts:
            return not_account(raw, NAME, Reason.HOME)
        kind = parts[0].lower()
        if kind not in KINDS or len(parts) < 2:
            return not_account(
                raw, NAME, RESERVED.get(parts[0], RESERVED.get(kind, Reason.RESERVED))
            )
        slug = parts[1]
        if not self.valid_handle(slug):
            return not_account(raw, NAME, Reason.INVALID_HANDLE)
        slug = slug.lower()
        return account(raw, AccountRef(NAME, slug, self.profile_url(slug, kind)))

    def page_data(self, html: str) -> Any:
        """The page's JSON-LD organisation, if any."""
        return next((o for o in json_ld(html) if o.get("@type") in ORGANIZATION_TYPES), None)

    def profile(self, page: Page) -> ProfileRecord | None:
        ref = page.verdict.account if page.verdict else None
        org: dict[str, Any] | None = page.data
        if ref is None or not (org or page.title):
            return None
        description = page.meta.get("og:description")
        title = page.title
        name = (org or {}).get("name") or (
            title.removesuffix("| LinkedIn").strip() if title else None
        )
        bio = (org or {}).get("description")
        if not bio and description:
            # "Audiense | 5,750 followers on LinkedIn. <tagline> | <about>"
            bio = description.split("on LinkedIn.", 1)[-1].strip() or None
        return page.record(
            handle=ref.handle,
            url=ref.url,
            display_name=name or None,
            bio=clean_text(bio),
            followers=count_before(description, "followers"),
            location=_address(org),
            links=_outside_links(org),
        )

    def after_profile(self, page: Page) -> ProfileRecord | None:
        if page.verdict is not None and page.verdict.reason == Reason.LOGIN:
            return page.empty(PageState.LOGIN_WALL)
        return super().after_profile(page)


# LinkedIn serves an educational organisation's page under /school/ and /company/ alike (the
# one redirects to the other): one account, whichever kind a URL names.
ORGANISATION_KINDS = ("school", "company")


def same_account_urls(url: str) -> tuple[str, ...]:
    """Every canonical URL of the account at canonical ``url``: a /school/ page is also its
    /company/ page and the reverse; any other URL only itself."""
    for kind in ORGANISATION_KINDS:
        prefix = f"https://{DEFAULT_SLUG_HOST}/{kind}/"
        if url.startswith(prefix):
            rest = url[len(prefix) :]
            return tuple(f"https://{DEFAULT_SLUG_HOST}/{k}/{rest}" for k in ORGANISATION_KINDS)
    return (url,)


def _outside_links(org: dict[str, Any] | None) -> list[str]:
    """The organisation's own sites from JSON-LD ``url`` and ``sameAs``. A LinkedIn address in
    any form (``uk.linkedin.com/company/x``: a country sub-domain, as the real pages give
    ``url``) is the page itself, not a link out."""
    values: list[Any] = [(org or {}).get("url")]
    same_as = (org or {}).get("sameAs")
    values.extend(same_as if isinstance(same_as, list) else [same_as])
    links = []
    for value in values:
        if not isinstance(value, str) or not value.strip():
            continue
        parsed = split_url(value)
        if parsed is None or host_matches(parsed[0].netloc, "linkedin.com"):
            continue
        links.append(value.strip())
    return list(dict.fromkeys(links))


def _address(org: dict[str, Any] | None) -> str | None:
    address = (org or {}).get("address")
    if isinstance(address, list):
        address = address[0] if address else None
    if isinstance(address, str):
        return clean_text(address)
    if not isinstance(address, dict):
        return None
    keys = ("streetAddress", "addressLocality", "addressRegion", "postalCode", "addressCountry")
    parts = [
        str(address[k]) for k in keys if isinstance(address.get(k), str | int) and address.get(k)
    ]
    return ", ".join(parts) or None


platform = LinkedIn()
