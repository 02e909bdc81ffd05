"""The selfcheck's rules: which account each platform is checked with, and the verdict.

Parser drift per platform: a known live account must parse as ``ok`` with a name, and a
random handle (fresh each run, :func:`random_handle`) must come back ``not_found``. The
verdict (:func:`verdict`) is ``ok``, ``drift`` (the parser no longer reads the platform: in
that scan its "not found" answers are not trusted) or ``skipped`` (not checkable: robots.txt
closes the pages, no known account, blocked, a failed request), always with a reason.

Everything here is pure: the spider ``spiders/selfcheck.py`` makes the requests, the planner
plans one check per platform and leaves the known accounts to the selfcheck (so no request
of a scan is sent twice).
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from crawler.platforms import PLATFORMS, PageState, canonicalise
from crawler.vocab import CheckStatus, Platform

RANDOM_PREFIX = "scoutcheck"  # recognisable in a platform's logs: not a real account
RANDOM_LENGTH = 20
LIVE = frozenset({PageState.OK})
GONE = frozenset({PageState.NOT_FOUND, PageState.SUSPENDED})


def random_handle(rng: Any = None) -> str:
    """``scoutcheck`` and ten random lowercase letters and digits: a handle nobody has."""
    rng = rng or secrets.SystemRandom()
    alphabet = string.ascii_lowercase + string.digits
    return RANDOM_PREFIX + "".join(
        rng.choice(alphabet) for _ in range(RANDOM_LENGTH - len(RANDOM_PREFIX))
    )


def random_lookup_name(platform: str, random_name: str, known_handle: str) -> str:
    """How the random handle is looked up on ``platform``: on Bluesky as a ``bsky.social``
    handle, on Mastodon on the known account's instance, elsewhere as it is."""
    if platform == Platform.BLUESKY:
        return f"{random_name}.bsky.social"
    if platform == Platform.MASTODON:
        return f"{random_name}@{known_handle.partition('@')[2]}"
    return random_name


@dataclass(frozen=True, slots=True)
class KnownAccount:
    """The live account a platform is checked with: a registered one, else a configured one."""

    platform: str
    url: str  # canonical
    handle: str  # as the lookup names it (Bluesky full handle, Mastodon user@instance)
    origin: str  # "registry" or "configured"


@dataclass(frozen=True, slots=True)
class Registered:
    """A registry row, as far as the selfcheck needs it."""

    platform: str
    url: str
    status: str


def robots_closed(platform: str) -> str | None:
    """Why ``platform`` cannot be checked at all: robots.txt closes its pages to crawlers."""
    module = PLATFORMS.get(platform)
    if module is not None and module.robots_blocks_crawlers:
        host = urlsplit(module.profile_url("x")).hostname
        return f"robots.txt disallows crawlers on {host}: {platform} is not checked"
    return None


def _lookup_problem(
    platform: str, url: str, instances: Sequence[str], youtube_api: bool
) -> tuple[KnownAccount | None, str]:
    ref = canonicalise(url, mastodon_instances=instances)
    if ref is None or ref.platform != platform:
        return None, f"{url} is not a {platform} account"
    if ref.needs_resolution:
        return None, f"{ref.url} is a legacy URL (no handle to look up)"
    handle = ref.handle
    if platform == Platform.MASTODON:
        instance = handle.partition("@")[2]
        if instance not in instances:
            return None, f"{ref.url} is not on a configured Mastodon instance"
    if platform == Platform.YOUTUBE and youtube_api and handle == ref.platform_id:
        return None, f"{ref.url} has no @handle for channels.list?forHandle"
    return KnownAccount(platform, ref.url, handle, ""), ""


def known_account(
    platform: str,
    registered: Sequence[Registered],
    configured: Mapping[str, str],
    *,
    instances: Sequence[str] = (),
    youtube_api: bool = False,
) -> tuple[KnownAccount | None, str]:
    """The account ``platform`` is checked with, or None and why there is none.

    The district's registered accounts first (active before transferred; a deactivated one is
    meant to be gone), in the registry's order, then ``[selfcheck] known``; only one the scan
    can look up (a Mastodon account on a configured instance, a YouTube @handle when the Data
    API is used, no legacy URL)."""
    rank = {"active": 0, "transferred": 1}
    rows = sorted(
        (r for r in registered if r.platform == platform and r.status in rank),
        key=lambda r: rank[r.status],
    )
    problems = []
    for url, origin in [(r.url, "registry") for r in rows] + (
        [(configured[platform], "configured")] if platform in configured else []
    ):
        found, problem = _lookup_problem(platform, url, instances, youtube_api)
        if found is not None:
            return KnownAccount(found.platform, found.url, found.handle, origin), ""
        problems.append(problem)
    reason = (
        f"no known {platform} account: none in the registry and none in [selfcheck] known"
        if not problems
        else f"no known {platform} account the scan can look up ({'; '.join(problems[:3])})"
    )
    return None, reason


@dataclass(frozen=True, slots=True)
class Answer:
    """What one lookup of the selfcheck got: a page state (and the name it parsed), or why
    there was no answer (``refused``: robots.txt or another guard stopped the request)."""

    state: str | None = None
    name: str | None = None
    error: str | None = None
    refused: bool = False

    def describe(self) -> str:
        if self.state is None:
            return f"refused ({self.error})" if self.refused else f"failed ({self.error})"
        return str(self.state)


@dataclass(frozen=True, slots=True)
class Check:
    """One platform's verdict (``scout selfcheck --json`` prints :meth:`as_dict`)."""

    platform: str
    status: CheckStatus
    reason: str
    known_url: str | None = None
    random_handle: str | None = None
    known_state: str | None = None
    random_state: str | None = None
    checked_at: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["status"] = str(self.status)
        out["checked_at"] = self.checked_at.isoformat() if self.checked_at else None
        return out


def skipped(platform: str, reason: str, known: KnownAccount | None = None, **kw: Any) -> Check:
    return Check(platform, CheckStatus.SKIPPED, reason, known.url if known else None, **kw)


def verdict(
    known: KnownAccount,
    known_answer: Answer,
    random_name: str,
    random_answer: Answer,
    checked_at: datetime | None = None,
) -> Check:
    """The platform's verdict from the two answers.

    The known account must be ``ok`` with a name, else drift — unless it was not answered
    (refused, failed), the platform blocked it (``login_wall``, ``blocked``) or it says the
    account does not exist (a registered account deleted or renamed since): then skipped,
    inconclusive. The random handle must be ``not_found`` (or ``suspended``): ``ok`` or
    ``private`` is drift (the parser calls everything live); anything else is inconclusive."""
    k, r = known_answer, random_answer
    base = {
        "known_url": known.url,
        "random_handle": random_name,
        "known_state": k.state,
        "random_state": r.state,
        "checked_at": checked_at,
    }
    who = known.url

    def check(status: CheckStatus, reason: str) -> Check:
        return Check(known.platform, status, reason, **base)  # type: ignore[arg-type]

    if k.state is None:
        robots = "robots.txt" in (k.error or "").lower()
        if k.refused and robots:
            return check(CheckStatus.SKIPPED, f"robots.txt disallows {known.url}")
        return check(CheckStatus.SKIPPED, f"inconclusive: the known account {k.describe()}")
    if k.state in LIVE and not (k.name or "").strip():
        return check(CheckStatus.DRIFT, f"the known account {who} parsed as ok but without a name")
    if k.state not in LIVE:
        if k.state == PageState.UNKNOWN:
            return check(CheckStatus.DRIFT, f"the known account {who} parsed as {k.state}, not ok")
        if k.state in GONE:
            # the parser read the platform's own "no such account" answer: that is not drift,
            # the account is gone (a registry row to check: `scout registry audit`), and the
            # scan's other "not found" answers on the platform stay trusted
            return check(
                CheckStatus.SKIPPED,
                f"inconclusive: the known account {who} says it does not exist ({k.state}); "
                "check the registry or configure [selfcheck] known",
            )
        if k.state == PageState.PRIVATE:
            return check(
                CheckStatus.SKIPPED,
                f"inconclusive: the known account {who} is private (configure a public one)",
            )
        return check(CheckStatus.SKIPPED, f"inconclusive: the known account answered {k.state}")
    if r.state in GONE:
        return check(
            CheckStatus.OK,
            f"{who} parsed as ok ({k.name!r}); the random handle @{random_name} as {r.state}",
        )
    if r.state in LIVE or r.state == PageState.PRIVATE:
        return check(
            CheckStatus.DRIFT,
            f"the random handle @{random_name} parsed as {r.state}: the parser calls everything live",
        )
    return check(CheckStatus.SKIPPED, f"inconclusive: the random handle {r.describe()}")
