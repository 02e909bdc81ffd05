"""The shared vocabulary: platforms, sources, statuses and codes, and the one table of sources.

Every list of sources elsewhere is derived from :data:`SOURCES` (``source_names()``,
``sources_where(...)``); a new discovery source is one row here, its spider and its
planning function (README, "Extending"). Enum members are ``StrEnum``: they compare equal to
their plain-string values, so stored strings and JSON keep their spelling.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Platform(StrEnum):
    """The platforms with a module in ``crawler/platforms/`` (one member each)."""

    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    X = "x"
    YOUTUBE = "youtube"
    TIKTOK = "tiktok"
    THREADS = "threads"
    BLUESKY = "bluesky"
    LINKEDIN = "linkedin"
    MASTODON = "mastodon"


class Source(StrEnum):
    """The discovery sources, one spider each (``spiders/``). ``selfcheck`` runs first in a
    scan: the parser-drift check of each platform (``scout selfcheck``)."""

    SELFCHECK = "selfcheck"
    DISTRICT_SITE = "district_site"
    WEB_SEARCH = "web_search"
    YOUTUBE = "youtube"
    BLUESKY = "bluesky"
    MASTODON = "mastodon"
    HANDLE_PROBE = "handle_probe"
    PROFILES = "profiles"


class Observation(StrEnum):
    """How a source sees an account, which decides what a sighting proves."""

    LINK = "link"  # a link on the district's own site: current, but not the account itself
    SEARCH = "search"  # a current search-engine result: title and snippet, possibly stale
    API = "api"  # the platform's API answered for the account: direct
    PAGE = "page"  # the account's public page was fetched: direct when its state is ok


class CheckStatus(StrEnum):
    """A platform's selfcheck verdict (``scout selfcheck``)."""

    OK = "ok"  # the known account parsed as live with a name, the random handle as not found
    DRIFT = "drift"  # the parser no longer reads the platform's answers: not found is not trusted
    SKIPPED = "skipped"  # not checked (robots.txt, no known account, blocked, inconclusive)


class Classification(StrEnum):
    REGISTERED = "registered"
    UNREGISTERED = "unregistered"
    IMPERSONATION = "impersonation"
    AFFILIATED = "affiliated"
    UNRELATED = "unrelated"
    REVIEW = "review"


class CaseKind(StrEnum):
    UNREGISTERED = "unregistered"
    IMPERSONATION = "impersonation"
    DEACTIVATION_INCOMPLETE = "deactivation_incomplete"


class CaseStatus(StrEnum):
    OPEN = "open"
    NOTIFIED = "notified"
    RESOLVED_REGISTERED = "resolved-registered"
    RESOLVED_DEACTIVATED = "resolved-deactivated"
    REPORTED_TO_PLATFORM = "reported-to-platform"
    DISMISSED_NOT_DISTRICT = "dismissed-not-district"
    DISMISSED_AFFILIATED = "dismissed-affiliated"

    @property
    def is_closed(self) -> bool:
        return self not in (CaseStatus.OPEN, CaseStatus.NOTIFIED)


class ScanStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    INTERRUPTED = "interrupted"


class ScanKind(StrEnum):
    SCAN = "scan"
    SEARCH = "search"


class EvidenceKind(StrEnum):
    DISTRICT_LINK = "district_link"
    SEARCH_RESULT = "search_result"
    API_PROFILE = "api_profile"
    PROFILE_PAGE = "profile_page"
    SCREENSHOT = "screenshot"
    HTML_SHA256 = "html_sha256"
    EXPLANATION = "explanation"


@dataclass(frozen=True, slots=True)
class SourceTraits:
    """What the rest of the product needs to know about a source, in one row.

    ``phase``: 0 is the selfcheck (parser drift per platform, before anything else); 1 runs
    next, side by side; 2 reads what phase 1 stored (``profiles``) or
    resolves what it found (``youtube`` resolves legacy channel URLs).
    ``gives_profile``: its sightings carry a display name and bio (API data or a fetched page),
    so the ``profiles`` source need not fetch the account again.
    ``observation``: see :class:`Observation`.
    ``evidence``: the evidence kind its sightings become in a case.
    ``key_env``: the environment variable of its API key, if it needs one.
    ``endpoint``: the ``Config`` attribute holding its configured endpoint(s), if any.
    """

    source: Source
    phase: int
    gives_profile: bool
    observation: Observation
    evidence: EvidenceKind
    key_env: str | None = None
    endpoint: str | None = None

    @property
    def direct(self) -> bool:
        """A sighting is a direct observation of the account (its API or its page)."""
        return self.observation in (Observation.API, Observation.PAGE)


SOURCES: dict[Source, SourceTraits] = {
    t.source: t
    for t in (
        # its sightings are the known accounts it looked up (API or page), live with a profile
        SourceTraits(Source.SELFCHECK, 0, True, Observation.API, EvidenceKind.API_PROFILE),
        SourceTraits(Source.DISTRICT_SITE, 1, False, Observation.LINK, EvidenceKind.DISTRICT_LINK),
        SourceTraits(
            Source.WEB_SEARCH,
            1,
            False,
            Observation.SEARCH,
            EvidenceKind.SEARCH_RESULT,
            key_env="SCOUT_BRAVE_API_KEY",
            endpoint="searxng_url",
        ),
        SourceTraits(
            Source.YOUTUBE,
            2,
            True,
            Observation.API,
            EvidenceKind.API_PROFILE,
            key_env="SCOUT_YOUTUBE_API_KEY",
            endpoint="youtube_api_url",
        ),
        SourceTraits(
            Source.BLUESKY,
            1,
            True,
            Observation.API,
            EvidenceKind.API_PROFILE,
            endpoint="bluesky_api_url",
        ),
        SourceTraits(
            Source.MASTODON,
            1,
            True,
            Observation.API,
            EvidenceKind.API_PROFILE,
            endpoint="mastodon_instances",
        ),
        SourceTraits(Source.HANDLE_PROBE, 1, True, Observation.PAGE, EvidenceKind.PROFILE_PAGE),
        SourceTraits(Source.PROFILES, 2, True, Observation.PAGE, EvidenceKind.PROFILE_PAGE),
    )
}


def source_names() -> tuple[str, ...]:
    """Every source, in the table's order (the order sources run and are reported in)."""
    return tuple(str(s) for s in SOURCES)


def sources_where(**traits: object) -> frozenset[str]:
    """The sources whose traits have the given values, e.g. ``sources_where(gives_profile=True)``."""
    return frozenset(
        str(s) for s, t in SOURCES.items() if all(getattr(t, k) == v for k, v in traits.items())
    )


ALL_SOURCES: tuple[str, ...] = source_names()
