"""Query planner: what each discovery source is asked, within its budget.

From the district profile the planner derives *terms* per entity (names and aliases, the
distinctive part of a school name with its mascot and town, mascot or school with an
activity, abbreviations with context) and *candidate handles* (``sheyennemustangs``,
``shs_mustangs``, ``sheyennevball``, ``wfhs_packers_football``). Each source turns them into
:class:`PlannedQuery` rows: ``site:`` queries for web search, plain terms for the API
searches, handles for probing, seed URLs for the district's own site.

The plan is deterministic (same profile and configuration, same plan), de-duplicated
(case-insensitively, per source) and prioritised: a lower ``priority`` runs first. Terms
are interleaved across entities (every entity's name before any entity's second term), so
a tight budget still covers every school. Budgets come from ``config.budget``, and for the
APIs with a quota that spans scans (YouTube per day, Brave per month) from what is left of
the current period (``usage``, see :mod:`crawler.db.quota`): each such source plans within
``min(per-scan budget, remaining)``. What was cut is reported in :attr:`Plan.cut`, and a
source that cannot run (no key, quota used up) says why in :attr:`Plan.skipped`.

This module is the planner's public face; the parts live in :mod:`crawler.discovery.planning`
(``text``, ``handles``, ``terms``, ``queries``, ``sites``, ``skips``, and ``sources`` with one
planning function per source in ``PLANNERS``).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.exc import SQLAlchemyError

from crawler.config import Config, secret
from crawler.db.quota import Usage
from crawler.db.readers import registered_urls
from crawler.discovery.planning.handles import ACTIVITY_SHORT
from crawler.discovery.planning.increment import FULL, Increment
from crawler.discovery.planning.queries import Plan, PlannedQuery, period_left
from crawler.discovery.planning.sites import (
    BLUESKY_DEFAULT_DOMAIN,
    PROBE_PLATFORMS,
    SEARCH_ONLY,
    SITE_GROUPS,
    SITE_HOSTS,
)
from crawler.discovery.planning.skips import skip_reason
from crawler.discovery.planning.sources import PLANNERS, PlanContext
from crawler.discovery.planning.terms import (
    EntityTerms,
    adhoc_terms,
    affiliated_terms,
    all_terms,
    district_style,
    district_terms,
    entity_terms,
    match_entity,
)
from crawler.discovery.planning.text import fold, is_abbreviation, slug
from crawler.discovery.selfcheck import (
    KnownAccount,
    Registered,
    known_account,
    robots_closed,
)
from crawler.district.profile import DistrictProfile
from crawler.district.registry import load_registry
from crawler.errors import InputError
from crawler.platforms import PLATFORMS
from crawler.vocab import ALL_SOURCES, Source

__all__ = [
    "ACTIVITY_SHORT",
    "BLUESKY_DEFAULT_DOMAIN",
    "PROBE_PLATFORMS",
    "SEARCH_ONLY",
    "SITE_GROUPS",
    "SITE_HOSTS",
    "EntityTerms",
    "Plan",
    "PlannedQuery",
    "adhoc_terms",
    "affiliated_terms",
    "all_terms",
    "district_terms",
    "entity_terms",
    "fold",
    "is_abbreviation",
    "known_accounts",
    "match_entity",
    "period_left",
    "plan",
    "skip_reason",
    "slug",
]


# the sources whose work the rotation spreads over the months
ROTATED = (Source.WEB_SEARCH, Source.YOUTUBE, Source.BLUESKY, Source.MASTODON, Source.HANDLE_PROBE)


def registered_handles(config: Config, profile: DistrictProfile) -> list[tuple[str, str]]:
    """``(entity key, handle)`` of the district's registered accounts (the handle's first part
    for Bluesky and Mastodon); none when the registry cannot be read (the audit says why)."""
    try:
        rows = load_registry(
            config.registry, profile, mastodon_instances=config.mastodon_instances
        ).rows
    except (InputError, OSError, TypeError):
        return []
    return [(r.entity, r.handle.split("@")[0].split(".bsky.")[0]) for r in rows if r.handle]


def known_accounts(config: Config) -> dict[str, tuple[KnownAccount | None, str]]:
    """Per platform, the account the selfcheck looks up (or None and why), from the registry
    in the database and ``[selfcheck] known``; a platform robots.txt closes has none."""
    try:
        rows = [Registered(*r) for r in registered_urls(config)]
    except SQLAlchemyError:  # no database yet (a dry run before any import)
        rows = []
    youtube_api = bool(secret(Source.YOUTUBE))
    out: dict[str, tuple[KnownAccount | None, str]] = {}
    for p in PLATFORMS:
        closed = robots_closed(p)
        out[p] = (
            (None, closed)
            if closed
            else known_account(
                p,
                rows,
                config.selfcheck_known,
                instances=config.mastodon_instances,
                youtube_api=youtube_api,
            )
        )
    return out


def plan(
    profile: DistrictProfile,
    config: Config,
    sources: Sequence[str] | None = None,
    platforms: Sequence[str] | None = None,
    entity: str | None = None,
    name: str | None = None,
    usage: Usage | None = None,
    increment: Increment = FULL,
) -> Plan:
    """The queries each source runs, deterministic, de-duplicated, prioritised and budgeted.

    ``usage``: the API quotas' use in the current period (:func:`crawler.db.quota.current_usage`);
    without it each period's whole quota is assumed available.
    """
    chosen = [s for s in ALL_SOURCES if s in (sources or config.sources)]
    unknown = [p for p in platforms or () if p not in PLATFORMS]
    if unknown:
        raise InputError(
            f"unknown platform(s): {', '.join(unknown)} (known: {', '.join(PLATFORMS)})",
            field="platforms",
        )
    known = known_accounts(config) if Source.SELFCHECK in chosen else {}
    ctx = PlanContext(
        profile=profile,
        config=config,
        groups=all_terms(
            profile,
            entity=entity,
            name=name,
            style=district_style(profile, registered_handles(config, profile)),
        ),
        chosen=chosen,
        platforms=platforms,
        wanted=list(platforms) if platforms else list(PLATFORMS),
        entity=entity,
        name=name,
        usage=usage,
        known={p: k for p, (k, _) in known.items() if k is not None},
        increment=increment,
    )
    result = Plan(entity=entity, name=name, quotas=[u.describe() for u in (usage or {}).values()])
    result.increment = increment.describe() if increment.incremental or increment.full else ""
    for source in chosen:
        if reason := skip_reason(source, config, platforms, usage):
            result.skipped[source] = reason
            continue
        part = PLANNERS[Source(source)](ctx)
        if part.skipped:
            result.skipped[source] = part.skipped
            continue
        result.limits[source] = part.limit
        result.queries[source] = part.rows
        if part.cut:
            result.cut[source] = part.cut
        if part.handles:
            result.handles[source] = part.handles
        if part.overflow:
            result.overflow[source] = part.overflow
        deferred = dict(part.deferred)
        if increment.incremental:
            # the entities whose full sweep the rotation deferred
            for t in ctx.groups:
                if t.key is not None and not increment.swept(t.key, source):
                    deferred.setdefault(t.key, 0)
        if deferred and source in ROTATED:
            result.deferred[source] = deferred
    return result
