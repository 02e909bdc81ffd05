"""The one item type the spiders yield: an account sighting with its provenance.

A spider reports *where* it saw something that may be an account (``url`` as found, the
``source``, ``query``, ``source_url``, ``rank``, ``title``, ``snippet``, ``fetched_at``) and
whatever profile facts the source gave (display name, bio, followers, ...). It does not decide
whether the URL is an account: the canonicalise pipeline does that with
:mod:`crawler.platforms` and fills the ``platform``/``handle``/``canonical_url`` fields.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from crawler.config import redact
from crawler.db.models import utcnow

if TYPE_CHECKING:
    from twisted.python.failure import Failure

    from crawler.platforms import ProfileRecord

SECRET_PARAMS = frozenset(
    {"key", "api_key", "apikey", "token", "access_token", "subscription_token"}
)


def safe_url(url: str | None) -> str | None:
    """``url`` without API keys (``key=`` and friends) and without any configured secret."""
    if not url:
        return url
    try:
        p = urlsplit(url)
    except ValueError:
        return redact(url)
    params = [
        (k, v)
        for k, v in parse_qsl(p.query, keep_blank_values=True)
        if k.lower() not in SECRET_PARAMS
    ]
    return redact(urlunsplit((p.scheme, p.netloc, p.path, urlencode(params), "")))


@dataclass(slots=True)
class AccountSighting:
    """One place an account was seen. Provenance fields first, then profile fields.

    ``source_url`` is the page or API URL the sighting came from and never carries an API
    key (spiders store it through :func:`safe_url`). Profile fields are ``None``
    when the source did not say. ``resolves`` names an earlier (legacy) URL of the same
    account, e.g. a YouTube ``/c/name`` URL that the API resolved to a channel id.
    """

    url: str
    source: str
    query: str | None = None
    source_url: str | None = None
    rank: int | None = None
    title: str | None = None
    snippet: str | None = None
    fetched_at: datetime = field(default_factory=utcnow)
    # profile fields
    platform_hint: str | None = None
    display_name: str | None = None
    bio: str | None = None
    links: list[str] = field(default_factory=list)
    followers: int | None = None
    platform_id: str | None = None
    verified: bool | None = None
    private: bool | None = None
    location: str | None = None
    page_state: str | None = None
    resolves: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # filled by the canonicalise pipeline
    platform: str | None = None
    handle: str | None = None
    canonical_url: str | None = None

    @property
    def has_profile(self) -> bool:
        """Whether the source reported profile facts (not just a link or a search result)."""
        return any(
            v is not None
            for v in (self.display_name, self.bio, self.followers, self.verified, self.private)
        ) or bool(self.links)


@dataclass(slots=True)
class NotFound:
    """A lookup of a registered account that the platform answered "no such account" (a 404
    page, Bluesky's ``Profile not found``, a ``channels.list`` without items).

    ``url`` is the account URL looked up (any form: the pipeline canonicalises it), ``asked``
    what was asked (the request URL without keys), ``answer`` what the platform said. The
    store pipeline records it on the registry row of that URL while the row has no stable id
    (the registry audit's ``unresolved`` finding)."""

    url: str
    source: str
    asked: str
    answer: str


def describe_failure(failure: Failure) -> str:
    """A short, secret-free description of a failed request for the coverage table."""
    from scrapy.spidermiddlewares.httperror import HttpError

    exc = failure.value
    if isinstance(exc, HttpError):
        return f"HTTP {exc.response.status}"
    return redact(f"{type(exc).__name__}: {str(exc) or type(exc).__name__}")[:300]


def record_fields(record: ProfileRecord) -> dict[str, Any]:
    """The sighting fields of a parsed profile (API data or a fetched page)."""
    return {
        "platform_hint": record.platform,
        "display_name": record.display_name,
        "bio": record.bio,
        "links": list(record.links),
        "followers": record.followers,
        "platform_id": record.platform_id,
        "verified": record.verified,
        "private": record.private,
        "location": record.location,
        "page_state": str(record.state),
        "title": record.display_name,
        "snippet": record.bio,
        "extra": watch_extra(record.extra),
    }


def watch_extra(extra: dict[str, Any]) -> dict[str, Any]:
    """What the registry watch keeps of a record's platform-specific facts: the post count
    (``posts``, Mastodon ``statuses``, YouTube and TikTok ``videos``) and the last post's time
    where the API gives it (Mastodon ``last_status_at``)."""
    posts = next(
        (extra[k] for k in ("posts", "statuses", "videos") if isinstance(extra.get(k), int)), None
    )
    out: dict[str, Any] = {}
    if posts is not None:
        out["posts"] = posts
    last = extra.get("last_status_at")
    if isinstance(last, str) and last:
        out["last_post_at"] = last[:40]
    return out


# Fields a pipeline may shorten (free text from hostile pages).
TEXT_FIELDS = ("url", "query", "source_url", "title", "snippet", "display_name", "bio", "location")


@dataclass(slots=True)
class QueryCoverage:
    """How far one planned query got: ``done``, ``failed`` or ``skipped`` (with the error)."""

    query: str
    status: str = "pending"
    error: str | None = None
    results: int = 0
    pending: int = 0
    in_flight: int = 0  # sightings yielded but not yet stored or dropped
    # a request of it was made, answered, failed or refused in this crawl (not only sightings
    # with its name: a resumed crawl's followed pages name a seed the first run finished)
    asked: bool = False

    @property
    def final(self) -> bool:
        return self.status in ("done", "failed", "skipped")


class CoverageBook:
    """Per-query coverage of one source, kept by the spider, written by the store pipeline.

    A query may take several requests (result pages, follow-up lookups): it is ``done``
    when the last one finished and none failed. Whatever is still open when the spider
    closes becomes ``failed`` with the close reason: a coverage gap the summary reports —
    unless no request of it was made in this crawl: sightings that only name their query
    (a page followed from a seed, restored from the job folder of a cleanly stopped crawl
    whose seed was done then) neither open it nor make it a gap.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.entries: dict[str, QueryCoverage] = {}
        self.dirty: set[str] = set()

    def _entry(self, query: str) -> QueryCoverage:
        entry = self.entries.get(query)
        if entry is None:
            entry = self.entries[query] = QueryCoverage(query)
        return entry

    def _mark(self, entry: QueryCoverage) -> None:
        self.dirty.add(entry.query)

    def begin(self, query: str, requests: int = 1) -> None:
        """``requests`` more requests are now under way for ``query``."""
        entry = self._entry(query)
        entry.asked = True
        entry.pending += requests
        if entry.status in ("pending", "done"):
            entry.status = "running"

    def finish(self, query: str) -> None:
        """One request of ``query`` completed."""
        entry = self._entry(query)
        entry.asked = True
        entry.pending = max(entry.pending - 1, 0)
        # "pending": a request restored from the job folder of an interrupted crawl
        if entry.pending == 0 and entry.status in ("running", "pending"):
            entry.status = "done"
            self._mark(entry)

    def fail(self, query: str, error: str) -> None:
        entry = self._entry(query)
        entry.asked = True
        entry.pending = max(entry.pending - 1, 0)
        if entry.status != "failed":
            entry.status, entry.error = "failed", error[:1000]
        self._mark(entry)

    def skip(self, query: str, reason: str, *, ended: bool = False) -> None:
        """Record that ``query`` was not (fully) asked; ``ended``: one of its requests was refused."""
        entry = self._entry(query)
        entry.asked = True
        if ended:
            entry.pending = max(entry.pending - 1, 0)
        if not entry.final:
            entry.status, entry.error = "skipped", reason[:1000]
            self._mark(entry)

    def emitted(self, query: str) -> None:
        """A sighting of ``query`` left the spider (items pass the pipelines asynchronously)."""
        self._entry(query).in_flight += 1

    def landed(self, query: str) -> None:
        """A sighting of ``query`` was stored (or dropped): ``done`` may now be written."""
        entry = self._entry(query)
        entry.in_flight = max(entry.in_flight - 1, 0)
        if entry.final:
            self._mark(entry)

    def add_results(self, query: str, n: int = 1) -> None:
        entry = self._entry(query)
        entry.results += n
        if entry.final:
            self._mark(entry)

    def close(self, reason: str) -> None:
        for entry in self.entries.values():
            if entry.asked and not entry.final:
                entry.status, entry.error = "failed", f"not finished: crawl ended ({reason})"
                self._mark(entry)

    def take_dirty(self) -> list[QueryCoverage]:
        """Final entries whose sightings are all stored: written with them, in one transaction.

        A query is never recorded ``done`` while its sightings are still in the pipelines,
        so a crawl killed in between asks it again on resume instead of losing them."""
        out = [
            self.entries[q]
            for q in sorted(self.dirty)
            if self.entries[q].final and not self.entries[q].in_flight
        ]
        self.dirty -= {e.query for e in out}
        return out

    def gaps(self) -> list[QueryCoverage]:
        return [e for e in self.entries.values() if e.status in ("failed", "skipped")]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for e in self.entries.values():
            out[e.status] = out.get(e.status, 0) + 1
        return out


def json_body(response: Any) -> Any:
    """A response's JSON, or None when it is not JSON."""
    try:
        return json.loads(response.text)
    except (ValueError, AttributeError):
        return None
