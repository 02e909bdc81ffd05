"""One planning function per source, looked up by :class:`crawler.vocab.Source` in :data:`PLANNERS`.

Each takes the :class:`PlanContext` of a plan and returns a :class:`SourcePlan`: the source's
queries within its budget, how many the budget cut, and a note on its limits. A new source
is one function here and one entry in :data:`PLANNERS` (see :mod:`.skips` for why a source
cannot run).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from crawler.config import Budget, Config, secret
from crawler.db.quota import BRAVE, SEARCH_CALLS, UNITS, Usage
from crawler.discovery.planning.echo import ECHO_PLATFORMS, platform_names
from crawler.discovery.planning.increment import FULL, Increment
from crawler.discovery.planning.queries import PlannedQuery, budgeted, period_left, unique
from crawler.discovery.planning.sites import (
    API_BACKED,
    PROBE_PLATFORMS,
    SITE_GROUPS,
    SITE_HOSTS,
)
from crawler.discovery.planning.skips import skip_reason
from crawler.discovery.planning.terms import (
    ACTIVITY_ROUNDS,
    EntityTerms,
    interleave,
    match_entity,
)
from crawler.discovery.selfcheck import KnownAccount
from crawler.district.profile import DistrictProfile
from crawler.platforms import PLATFORMS, bluesky
from crawler.vocab import Platform, Source

PAGE_HOST_SHARE = 0.75  # of a page host's request budget, for the handle probe
YOUTUBE_PROBE_SHARE = 0.06  # of the day's YouTube units (600 of 10,000), for forHandle
SCHOOL_ACTIVITY_SHARE = 0.5  # of the web-search requests the first pages leave
FURTHER_PAGE_SHARE = 0.05  # of the web-search requests, kept for further pages in a full scan
# candidates one request can check (the handle probe asks Bluesky's getProfiles for 25 at a
# time, so it goes deeper into each entity's candidates there)
HANDLES_PER_REQUEST: dict[str, int] = {Platform.BLUESKY: bluesky.GET_PROFILES_MAX}


@dataclass(frozen=True, slots=True)
class PlanContext:
    """What every planning function may read: the profile, configuration, terms and scope."""

    profile: DistrictProfile
    config: Config
    groups: list[EntityTerms]
    chosen: list[str]  # the sources of this plan, in running order
    platforms: Sequence[str] | None  # the platform filter as given
    wanted: list[str]  # the platforms searched (the filter, or every platform)
    entity: str | None
    name: str | None
    usage: Usage | None
    known: Mapping[str, KnownAccount] = field(default_factory=dict)  # the selfcheck's accounts
    increment: Increment = FULL  # what an incremental scan asks (a full sweep by default)

    @property
    def budget(self) -> Budget:
        return self.config.budget

    @property
    def pages(self) -> int:
        return max(self.config.budget.results_pages, 1)


@dataclass(slots=True)
class SourcePlan:
    """A source's queries, how many the budget cut, its limits, or why it was skipped."""

    rows: list[PlannedQuery]
    limit: str = ""
    cut: int = 0
    skipped: str | None = None
    handles: dict[str, tuple[int, int]] = field(default_factory=dict)  # platform: (planned, cut)
    deferred: dict[str, int] = field(default_factory=dict)  # entity: queries the rotation left out
    # rows a budget cut, in order, that a full scan still asks while a budget lasts: the handle
    # probe's page candidates (the profiles source, on the page host's budget), the web
    # search's queries (itself, with what its further pages leave)
    overflow: list[PlannedQuery] = field(default_factory=list)


# --------------------------------------------------------------------------- district site


def _seeds(profile: DistrictProfile, entity: str | None) -> list[PlannedQuery]:
    d = profile.district
    rows: list[PlannedQuery] = []
    source = Source.DISTRICT_SITE
    if entity is None and d.website:
        rows.append(PlannedQuery(source, d.website, None, d.key, 0, kind="seed"))
    for i, ent in enumerate(profile.entities):
        if ent.website and (entity is None or entity in (ent.key, ent.parent)):
            rows.append(PlannedQuery(source, ent.website, None, ent.key, 10 + i, kind="seed"))
    if entity is None:
        # a bare domain last: a website the profile writes out ('https://www.<domain>/') is
        # the address its pages answer at, where the bare host may only redirect
        for i, dom in enumerate(d.domains):
            rows.append(PlannedQuery(source, f"https://{dom}/", None, d.key, 1 + i, kind="seed"))
    # one seed per URL (normalised: scheme and trailing slash do not make a new page)
    seen: set[str] = set()
    out = []
    for r in rows:
        key = re.sub(r"^https?://(www\.)?", "", r.query).rstrip("/").lower()
        if key not in seen:
            seen.add(key)
            out.append(r)
    return sorted(out, key=lambda r: r.priority)


def plan_district_site(ctx: PlanContext) -> SourcePlan:
    """Seed URLs: the district's website and domains, and the entities' own websites."""
    if ctx.name is not None and match_entity(ctx.profile, ctx.name) is None:
        return SourcePlan([], skipped="ad-hoc name is not one of the district's entities")
    scope = match_entity(ctx.profile, ctx.name) if ctx.name else ctx.entity
    rows = _seeds(ctx.profile, None if scope == ctx.profile.district.key else scope)
    return SourcePlan(rows, f"{ctx.budget.requests_per_host} requests per host")


# --------------------------------------------------------------------------- web search


def _site_rows(t: EntityTerms, prio: int, term: str, platforms: list[str]) -> list[PlannedQuery]:
    # the district's own names and the town are popular terms: one query per platform, as
    # grouped their results would bury each other beyond the first page
    split = term in t.broad or t.rank == 0
    site_groups = [(p,) for g in SITE_GROUPS for p in g] if split else SITE_GROUPS
    rows = []
    for i, group in enumerate(site_groups):
        chosen = [p for p in group if p in platforms]
        if not chosen:
            continue
        sites = " OR ".join(f"site:{h}" for p in chosen for h in SITE_HOSTS[p])
        quoted = term if '"' in term else f'"{term}"'  # a term may quote its own phrase
        rows.append(
            PlannedQuery(
                Source.WEB_SEARCH,
                f"{sites} {quoted}",
                chosen[0] if len(chosen) == 1 else None,
                t.key,
                prio * 10 + min(i, 9),
                deep=split,
            )
        )
    return rows


WEB_Q_CHARS = 400  # Brave's longest q (and a sane length for SearXNG's engines)


def _grouped_site_rows(rows: list[PlannedQuery]) -> list[PlannedQuery]:
    """``fresh`` queries: the terms of ``rows`` joined with ``OR`` under all their ``site:``
    hosts (``site:a OR site:b "t1" OR "t2"``), each query at most :data:`WEB_Q_CHARS` long:
    what is new in a month is little, so one query asks for many terms on every platform."""
    sites: dict[str, None] = {}
    platforms: set[str | None] = set()
    terms: dict[str, None] = {}
    alone: list[PlannedQuery] = []
    for r in rows:
        hosts, sep, term = r.query.partition(' "')
        if sep and not ONE_PHRASE.match(f'"{term}'):
            # '"ELHS" soccer' joined by OR would read '"ELHS" (soccer OR …)': asked alone
            alone.append(replace(r, fresh=True, priority=5_000 + len(alone)))
        elif sep:
            sites.update(dict.fromkeys(SITES_PART.findall(hosts)))
            terms[f'"{term}'] = None
            platforms.add(r.platform)
    if not terms:
        return unique(alone)
    prefix = " OR ".join(f"site:{h}" for h in sites)
    platform = next(iter(platforms)) if len(platforms) == 1 else None
    out: list[PlannedQuery] = []
    chunk: list[str] = []
    for next_term in [*terms, None]:
        query = f"{prefix} {' OR '.join(chunk)}"
        if chunk and (next_term is None or len(f"{query} OR {next_term}") > WEB_Q_CHARS):
            out.append(
                PlannedQuery(Source.WEB_SEARCH, query, platform, None, 5_000 + len(out), fresh=True)
            )
            chunk = []
        if next_term is not None:
            chunk.append(next_term)
    return out + unique([replace(r, priority=r.priority + len(out)) for r in alone])


SITES_PART = re.compile(r"site:(\S+)")
# A term that is one quoted phrase and nothing else: only such terms are joined with OR, as a
# search engine binds OR tighter than the space between words
ONE_PHRASE = re.compile(r'^"[^"]+"$')
SITE_PREFIX = re.compile(r"^((?:site:\S+ OR )*site:\S+) (.+)$")
WEB_SWEEP_TERMS = 3  # an entity's terms joined in one query of a sweep between full scans


def _joined_site_rows(rows: list[PlannedQuery]) -> list[PlannedQuery]:
    """An incremental scan's swept entities: each entity's terms under the same ``site:`` hosts
    joined with ``OR``, :data:`WEB_SWEEP_TERMS` to a query (at most :data:`WEB_Q_CHARS`
    long), every page asked as a full scan's are; the best term's priority."""
    groups: dict[tuple[str | None, str], list[tuple[PlannedQuery, str]]] = {}
    for r in rows:
        m = SITE_PREFIX.match(r.query)
        hosts, term = (m.group(1), m.group(2)) if m else (r.query, "")
        groups.setdefault((r.entity_key, hosts), []).append((r, term))
    out: list[PlannedQuery] = []
    for (_, hosts), members in groups.items():
        chunks: list[list[tuple[PlannedQuery, str]]] = []
        for r, term in members:
            if not ONE_PHRASE.match(term):  # no site: prefix, phrases of its own or words
                out.append(r)  # beside a phrase ('"Gators soccer" "St. Aurel"', '"ELHS"
                continue  # soccer': OR binds tighter than the space): asked as it is
            last = chunks[-1] if chunks else []
            joined = " OR ".join(t for _, t in [*last, (r, term)])
            if not last or len(last) >= WEB_SWEEP_TERMS or len(f"{hosts} {joined}") > WEB_Q_CHARS:
                chunks.append([(r, term)])
            else:
                last.append((r, term))
        out += [
            replace(chunk[0][0], query=f"{hosts} {' OR '.join(t for _, t in chunk)}")
            for chunk in chunks
        ]
    return sorted(unique(out), key=lambda r: r.priority)


def plan_web_search(ctx: PlanContext) -> SourcePlan:
    """``site:`` queries; each needs one request, further pages come from what the budget leaves."""
    config, b = ctx.config, ctx.budget
    # platforms whose own API source runs in this scan are searched there, not here
    api = {
        p
        for p in API_BACKED
        if p in ctx.chosen and not skip_reason(p, config, ctx.platforms, ctx.usage)
    }
    platforms = [p for p in ctx.wanted if p in SITE_HOSTS and p not in api]
    requests = (
        b.searxng_requests_per_scan
        if config.searxng_url
        else period_left(
            ctx.usage, BRAVE, min(b.brave_requests_per_scan, b.brave_requests_per_month)
        )
    )
    # the town alone comes right after the district's name: it finds the accounts that use no
    # school name at all (a sports feed, a typo-squatter of the district's handle)
    terms = interleave(
        [(t, t.web_terms()) for t in ctx.groups],
        b.queries_per_entity,
    )
    rows = [row for prio, t, term in terms for row in _site_rows(t, prio, term, platforms)]
    inc = ctx.increment
    room = None  # what the school-with-activity queries may use (below)
    # an incremental scan asks the entities not swept this time for what is new only
    if inc.incremental:
        swept = [r for r in rows if inc.swept(r.entity_key, Source.WEB_SEARCH)]
        fresh = _grouped_site_rows([r for r in rows if r not in swept])
        # the swept entities' queries within the rotation's share of the budget, each entity's
        # terms joined a few to a query (most of what a sweep finds is known already)
        share = _spread(requests, inc)
        swept_kept = budgeted(swept, share)[0]
        rows = fresh + _joined_site_rows(swept_kept)
        room = max(0, share - len(swept_kept))
    # a full scan keeps FURTHER_PAGE_SHARE of the requests for further pages: the popular
    # terms (the town, the district's names) fill their first page with accounts, and their
    # second page holds the accounts no narrower query finds
    further = int(requests * FURTHER_PAGE_SHARE) if ctx.pages > 1 and not inc.incremental else 0
    kept, cut = budgeted(rows, requests - further)
    # then each school with one of its activities, within SCHOOL_ACTIVITY_SHARE of what the
    # first pages leave (the rest goes to further pages of the queries above)
    after = b.queries_per_entity

    def activity_rows(per_school: int) -> list[PlannedQuery]:
        return [
            row
            for prio, t, term in interleave(
                [(t, t.school_activities) for t in ctx.groups], per_school
            )
            for row in _site_rows(t, prio + after * 10, term, platforms)
        ]

    extra = activity_rows(b.queries_per_entity)
    if inc.incremental:  # only the entities this scan sweeps in full
        extra = [r for r in extra if inc.swept(r.entity_key, Source.WEB_SEARCH)]
    if room is None:
        room = requests - further - len(kept)
    more, cut2 = budgeted(extra, int(room * SCHOOL_ACTIVITY_SHARE))
    if inc.incremental:
        more = _joined_site_rows(more)
    kept, cut = kept + more, cut + cut2
    backend = "SearXNG" if config.searxng_url else "Brave"
    note = (
        f"{backend}: {requests} requests; up to {ctx.pages} pages per query while the budget lasts"
    )
    overflow: list[PlannedQuery] = []
    if not inc.incremental:
        # what the further pages leave goes, at the end of the crawl, to the queries cut here
        asked = {(r.query.casefold(), r.platform) for r in kept}
        # every school's every activity, past the queries_per_entity the plan asks of each
        longest = max((len(t.school_activities) for t in ctx.groups), default=0)
        overflow = [
            r
            for r in unique(rows + activity_rows(longest))
            if (r.query.casefold(), r.platform) not in asked
        ]
        if overflow:
            note += f"; then the {len(overflow)} cut queries, in order, with what is left"
    return SourcePlan(kept, note, cut, overflow=overflow)


# --------------------------------------------------------------------------- API searches


ROTATION_TERMS = 2  # search terms of an entity between its full sweeps (first page only)


def _api_terms(
    source: str,
    platform: str,
    groups: list[EntityTerms],
    per_entity: int,
    limit: int,
    inc: Increment = FULL,
) -> tuple[list[PlannedQuery], int]:
    if inc.incremental:
        # between full sweeps an entity's best terms, each for its first page
        swept = [t for t in groups if inc.swept(t.key, source)]
        rows, cut = _api_terms(source, platform, swept, per_entity, _spread(limit, inc))
        # every other entity its best term, first page (these APIs have no date filter: an
        # account made since the last scan is found now, not at the entity's next sweep)
        rest = [t for t in groups if t not in swept]
        more, cut2 = _api_terms(source, platform, rest, ROTATION_TERMS, limit - len(rows))
        return unique(rows + [replace(r, fresh=True) for r in more]), cut + cut2
    terms = interleave([(t, t.search_terms()) for t in groups], per_entity)
    rows = [PlannedQuery(source, term, platform, t.key, prio) for prio, t, term in terms]
    return budgeted(rows, limit)


YOUTUBE_OR_TERMS = 16  # terms joined in one search.list query of an incremental scan
YOUTUBE_FRESH_TERMS = 40  # in one publishedAfter query (few channels are new in a month)
# an entity's best terms in the publishedAfter queries: its name, short name and mascot form
# (a new channel names its school; its other terms wait for the entity's sweep)
YOUTUBE_FRESH_PER_ENTITY = 3
YOUTUBE_Q_CHARS = 900  # and at most this long


def _grouped_terms(
    groups: list[EntityTerms], per_entity: int, limit: int, size: int, fresh: bool
) -> tuple[list[PlannedQuery], int]:
    """The terms of ``groups`` joined with ``|``, ``size`` to a query (the best terms of every
    entity first); the queries past ``limit`` are cut."""
    terms = interleave([(t, t.search_terms()) for t in groups], per_entity)
    out: list[PlannedQuery] = []
    chunk: list[str] = []
    seen: set[str] = set()
    for _, _, term in terms:
        if term.casefold() in seen or "|" in term:
            continue
        seen.add(term.casefold())
        if chunk and (len(chunk) >= size or len("|".join([*chunk, term])) > YOUTUBE_Q_CHARS):
            out.append(_or_row(chunk, len(out), fresh))
            chunk = []
        chunk.append(term)
    if chunk:
        out.append(_or_row(chunk, len(out), fresh))
    return out[: max(limit, 0)], max(len(out) - max(limit, 0), 0)


def _or_row(terms: list[str], i: int, fresh: bool) -> PlannedQuery:
    prio = (10_000 if fresh else 0) + i
    return PlannedQuery(Source.YOUTUBE, "|".join(terms), Platform.YOUTUBE, None, prio, fresh=fresh)


def plan_youtube(ctx: PlanContext) -> SourcePlan:
    """Search terms within the day's search.list calls (a daily quota across scans)."""
    b, pages = ctx.budget, ctx.pages
    calls = period_left(ctx.usage, SEARCH_CALLS, b.youtube_search_calls_per_day)
    units = period_left(ctx.usage, UNITS, b.youtube_units_per_day)
    # a daily quota: a scan leaves room for the day's ad-hoc searches (pages per query),
    # but a nearly spent day still runs its first pages
    limit = max(calls // pages, min(calls, 1))
    inc = ctx.increment
    swept = [t for t in ctx.groups if inc.swept(t.key, Source.YOUTUBE)]
    if inc.incremental:
        # YouTube's documented OR operator (q=a|b): the swept entities' terms a dozen to a
        # query (every page), the others' in a few publishedAfter queries (a new channel
        # matches one of them)
        rest = [t for t in ctx.groups if t not in swept]
        rows, cut = _grouped_terms(swept, b.queries_per_entity, limit, YOUTUBE_OR_TERMS, False)
        fresh, more = _grouped_terms(
            rest,
            min(b.queries_per_entity, YOUTUBE_FRESH_PER_ENTITY),
            max(limit - len(rows), 0),
            YOUTUBE_FRESH_TERMS,
            True,
        )
        rows, cut = rows + fresh, cut + more
    else:
        rows, cut = _api_terms(Source.YOUTUBE, Platform.YOUTUBE, swept, b.queries_per_entity, limit)
    note = (
        f"{calls} search.list calls and {units} units left today "
        f"(of {b.youtube_search_calls_per_day} and {b.youtube_units_per_day} per day), "
        f"{pages} pages per query"
    )
    return SourcePlan(rows, note, cut)


def plan_bluesky(ctx: PlanContext) -> SourcePlan:
    """Search terms; each query costs its result pages plus one getProfiles call per page."""
    b, pages = ctx.budget, ctx.pages
    rows, cut = _api_terms(
        Source.BLUESKY,
        Platform.BLUESKY,
        ctx.groups,
        b.queries_per_entity,
        b.requests_per_host // (2 * pages),
        ctx.increment,
    )
    return SourcePlan(
        rows, f"{b.requests_per_host} requests per host, {pages} pages per query", cut
    )


def plan_mastodon(ctx: PlanContext) -> SourcePlan:
    """Search terms, then candidate handles, within each instance's request budget."""
    b, source = ctx.budget, Source.MASTODON
    per_instance = b.requests_per_host
    search, cut = _api_terms(
        source,
        Platform.MASTODON,
        ctx.groups,
        b.queries_per_entity,
        per_instance // 2,
        ctx.increment,
    )
    found = _handle_rows(
        source, ctx.groups, [Platform.MASTODON], b.queries_per_entity, ["example.org"]
    )
    handles = [
        PlannedQuery(source, r.query.split("@")[0], r.platform, r.entity_key, r.priority, r.kind)
        for r in found.rows
    ]
    handles, deferred = _keep_answered(
        handles,
        ctx.increment,
        source,
        ctx.config.mastodon_instances,
        reobserved=Source.PROFILES in ctx.chosen,
    )
    handles = _cap_unswept(
        handles, Platform.MASTODON, ctx.increment, per_instance, deferred, source
    )
    handles, cut2 = budgeted(handles, _spread(per_instance, ctx.increment) - len(search))
    handles = _hold_recent(handles, ctx.increment, deferred, ctx.config.mastodon_instances)
    note = (
        f"first page only (anonymous), {len(ctx.config.mastodon_instances)} "
        f"instance(s), {per_instance} requests per instance"
    )
    counts = _handle_counts(found, handles)
    return SourcePlan(unique(search + handles), note, cut + cut2, handles=counts, deferred=deferred)


# --------------------------------------------------------------------------- handle probe


SHORT_SUBSTITUTES = 2  # short forms that take the place of a candidate too long for a platform
SEPARATED = re.compile(r"[._-]")


def _fitting(
    t: EntityTerms, group: list[str], platform: str, instances: Sequence[str], first: bool = False
) -> list[str]:
    """The group's candidates as ``platform`` writes them; one it refuses (too long: TikTok
    allows 24 characters) gives its place to its forms with a short activity
    (``pacificbluedevilsvolleyball`` -> ``pacificbluedevilsvball``), a separated one to its
    first only (``bittercreek_bruins_wr`` spells the run-together ones again). On Bluesky an
    entity's own web domains come first in its ``first`` group (a handle the domain's owner
    sets)."""
    ok = PLATFORMS[platform].valid_handle
    out: list[str] = []
    if platform == Platform.BLUESKY and first:
        out += [h for h in t.domains if ok(h)]
    for h in group:
        names = [n for n in platform_names(h, platform, instances) if ok(n)]
        if not names:
            shorts = t.shorter.get(h, [])[: 1 if SEPARATED.search(h) else SHORT_SUBSTITUTES]
            names = [
                n for short in shorts for n in platform_names(short, platform, instances) if ok(n)
            ]
        out += names
    return list(dict.fromkeys(out))


@dataclass(slots=True)
class HandleRows:
    """Candidate handle rows per platform, and how many candidates each platform had."""

    rows: list[PlannedQuery]
    candidates: dict[str, int]


def _handle_rows(
    source: str,
    groups: list[EntityTerms],
    platforms: list[str],
    per_entity: int,
    instances: Sequence[str] = (),
    depth: Mapping[str, int] | None = None,
) -> HandleRows:
    """Per platform, each entity's best ``per_entity`` handles that the platform allows (times
    ``depth[platform]`` where one request is cheap), interleaved across entities (every
    entity's best handle before anyone's second)."""
    rows: list[PlannedQuery] = []
    counts: dict[str, int] = {}
    for i, p in enumerate(platforms):
        valid = [
            (t, g, _fitting(t, group, p, instances, first=g == 0))
            for t in groups
            for g, group in enumerate(t.probe_groups())
        ]
        counts[p] = sum(len(names) for _, _, names in valid)
        deep = per_entity * (depth or {}).get(p, 1)
        # round-robin over entities, a school's activity groups after its own best names
        ranked = sorted(
            (
                ((r + (ACTIVITY_ROUNDS if g else 0)) * 10 + t.rank, t, name)
                for t, g, names in valid
                for r, name in enumerate(names[:deep])
            ),
            key=lambda row: row[0],
        )
        rows += [
            PlannedQuery(source, name, p, t.key, prio * 10 + i, kind="handle")
            for prio, t, name in ranked
        ]
    return HandleRows(rows, counts)


def plan_handle_probe(ctx: PlanContext) -> SourcePlan:
    """Candidate handles on the probed platforms (and Mastodon when its source does not run)."""
    b, config = ctx.budget, ctx.config
    probe: list[str] = [p for p in PROBE_PLATFORMS if p in ctx.wanted]
    # the mastodon source, when it runs, looks handles up itself
    if (
        Platform.MASTODON in ctx.wanted
        and Source.MASTODON not in ctx.chosen
        and config.mastodon_instances
    ):
        probe.append(Platform.MASTODON)
    youtube_api = bool(secret(Source.YOUTUBE))
    # deeper where a candidate is cheap: 25 to a Bluesky call, 1 unit on YouTube's API
    depth: dict[str, int] = {Platform.BLUESKY: 4, **({Platform.YOUTUBE: 3} if youtube_api else {})}
    found = _handle_rows(
        Source.HANDLE_PROBE,
        ctx.groups,
        probe,
        b.queries_per_entity,
        config.mastodon_instances,
        depth,
    )
    rows, cut = unique(found.rows), 0
    rows, deferred = _keep_answered(rows, ctx.increment, reobserved=Source.PROFILES in ctx.chosen)
    overflow: list[PlannedQuery] = []
    for p in probe:
        rows = _cap_unswept(rows, p, ctx.increment, b.requests_per_host, deferred)
        # a page host's budget is shared by the scan's sources: the profiles source reads this
        # scan's candidates there later, so the probe takes at most PAGE_HOST_SHARE of it (and
        # in a full scan the profiles source goes on with the rest while the budget lasts)
        api = p in (Platform.BLUESKY, Platform.MASTODON) or (p == Platform.YOUTUBE and youtube_api)
        limit = b.requests_per_host if api else int(b.requests_per_host * PAGE_HOST_SHARE)
        if p == Platform.YOUTUBE and youtube_api:
            # an API with a quota of its own (the host budget does not count it): a share of
            # the day's units, 1 each (capped below by what the day has left)
            limit = max(limit, int(b.youtube_units_per_day * YOUTUBE_PROBE_SHARE))
        limit = _spread(limit, ctx.increment, b.requests_per_host)
        rows, over_rows = _split_platform(rows, p, limit * HANDLES_PER_REQUEST.get(p, 1))
        cut += len(over_rows)
        if not api and not ctx.increment.incremental:
            overflow += over_rows
    note = f"{', '.join(probe)}; {b.requests_per_host} requests per host"
    if Platform.YOUTUBE in probe and youtube_api:
        # channels.list?forHandle: 1 unit each, from what the day's units leave after the
        # youtube source's details calls (one per search result page)
        units = period_left(ctx.usage, UNITS, b.youtube_units_per_day)
        calls = period_left(ctx.usage, SEARCH_CALLS, b.youtube_search_calls_per_day)
        left = max(units - (calls * ctx.pages if Source.YOUTUBE in ctx.chosen else 0), 0)
        rows, over = _cap_platform(rows, Platform.YOUTUBE, left)
        cut += over
        note += f"; YouTube through channels.list?forHandle ({left} units)"
    rows = _hold_recent(rows, ctx.increment, deferred)
    if deferred:
        note += f"; {sum(deferred.values())} candidates with an answer on file deferred"
    if overflow:
        note += (
            f"; {len(overflow)} more page candidates go on in phase 2 while the host budget lasts"
        )
    return SourcePlan(
        rows,
        note,
        cut,
        handles=_handle_counts(found, rows),
        deferred=deferred,
        overflow=overflow,
    )


NEW_CANDIDATE_SHARE = 0.0125  # of a host's requests: unasked candidates of entities not swept


def _spread(limit: int, inc: Increment, per_host: int = 0) -> int:
    """A budget between full sweeps: its share of the rotation's month (each scan costs about
    the same), plus the few new candidates of the entities not swept."""
    if not inc.incremental:
        return limit
    return -(-limit // max(inc.months, 1)) + int(per_host * NEW_CANDIDATE_SHARE)


def _cap_unswept(
    rows: list[PlannedQuery],
    platform: str,
    inc: Increment,
    per_host: int,
    deferred: dict[str, int],
    source: str = Source.HANDLE_PROBE,
) -> list[PlannedQuery]:
    """Between full sweeps an entity's candidates without an answer on file (new ones, or ones
    a budget cut before) are asked a few at a time: at most :data:`NEW_CANDIDATE_SHARE` of a
    host's requests (times the candidates one request checks) for all such entities."""
    if not inc.incremental:
        return rows
    limit = int(per_host * NEW_CANDIDATE_SHARE) * HANDLES_PER_REQUEST.get(platform, 1)
    out, kept = [], 0
    for r in rows:
        known = (r.platform or "", r.query.lower()) in inc.found
        if (
            r.platform == platform
            and r.kind == "handle"
            and not known
            and not inc.swept(r.entity_key, source)
        ):
            if kept >= limit:
                key = r.entity_key or ""
                deferred[key] = deferred.get(key, 0) + 1
                continue
            kept += 1
        out.append(r)
    return out


def _answered(
    r: PlannedQuery, on_file: frozenset[tuple[str, str]], instances: Sequence[str] = ()
) -> bool:
    """Whether candidate handle ``r`` has an answer in ``on_file`` (on every Mastodon
    instance it is looked up on)."""
    names = [f"{r.query.lower()}@{i}" for i in instances] or [r.query.lower()]
    return r.kind == "handle" and all((r.platform or "", n) in on_file for n in names)


def _keep_answered(
    rows: list[PlannedQuery],
    inc: Increment,
    source: str = Source.HANDLE_PROBE,
    instances: Sequence[str] = (),
    reobserved: bool = False,
) -> tuple[list[PlannedQuery], dict[str, int]]:
    """An incremental scan does not ask again a candidate that was not found until its entity's
    full sweep; nor one where an account was found when the ``profiles`` source runs
    (``reobserved``: it re-observes the registered accounts and the followed cases' by stable
    id, in batches), else that one is asked again: it re-observes a known account. Per entity,
    how many it left out."""
    if not inc.incremental:
        return rows, {}
    on_file = inc.answered | inc.found if reobserved else inc.answered
    out: list[PlannedQuery] = []
    deferred: dict[str, int] = {}
    for r in rows:
        if _answered(r, on_file, instances) and not inc.swept(r.entity_key, source):
            key = r.entity_key or ""
            deferred[key] = deferred.get(key, 0) + 1
            continue
        out.append(r)
    return out, deferred


def _hold_recent(
    rows: list[PlannedQuery],
    inc: Increment,
    deferred: dict[str, int],
    instances: Sequence[str] = (),
) -> list[PlannedQuery]:
    """A sweep leaves the candidates answered fewer than ``full_sweep_months`` scans ago (the
    sweeps just after a full scan do not ask again what it asked a month or two before). Run
    after the budget cut, so their places are not given to candidates the full scan's budget
    left out: a sweep asks at most what a full sweep would."""
    if not inc.incremental or not inc.recent:
        return rows
    out = []
    for r in rows:
        if _answered(r, inc.recent, instances):
            key = r.entity_key or ""
            deferred[key] = deferred.get(key, 0) + 1
            continue
        out.append(r)
    return out


def _split_platform(
    rows: list[PlannedQuery], platform: str, limit: int
) -> tuple[list[PlannedQuery], list[PlannedQuery]]:
    """``rows`` with at most ``limit`` rows of ``platform`` (the best ones), and the rest of
    that platform's rows in order."""
    out, rest, kept = [], [], 0
    for r in rows:
        if r.platform == platform:
            if kept >= limit:
                rest.append(r)
                continue
            kept += 1
        out.append(r)
    return out, rest


def _cap_platform(
    rows: list[PlannedQuery], platform: str, limit: int
) -> tuple[list[PlannedQuery], int]:
    """``rows`` with at most ``limit`` rows of ``platform`` (the best ones), and how many went."""
    out, rest = _split_platform(rows, platform, limit)
    return out, len(rest)


def _handle_counts(found: HandleRows, kept: list[PlannedQuery]) -> dict[str, tuple[int, int]]:
    """Per platform: (candidates planned, candidates the budget cut)."""
    out = {}
    for p, n in found.candidates.items():
        planned = sum(1 for r in kept if r.platform == p)
        out[p] = (planned, n - planned)
    return out


ECHO_SHARE = 0.125  # of a host's requests: the most echo lookups per platform in a scan


def echo_limits(
    config: Config, targets: Sequence[str], planned: Mapping[str, int], youtube_api: bool
) -> dict[str, int]:
    """Per platform, how many echo lookups the ``profiles`` source may add
    (:mod:`crawler.discovery.planning.echo`): at most :data:`ECHO_SHARE` of a host's requests
    (per Mastodon instance; Bluesky's 25 handles to a call); on a page host, no more than what the probe's
    :data:`PAGE_HOST_SHARE` leaves after the pages ``planned`` there already."""
    per_host = config.budget.requests_per_host
    cap = int(per_host * ECHO_SHARE)
    out = {}
    for p in targets:
        api = p in (Platform.BLUESKY, Platform.MASTODON) or (p == Platform.YOUTUBE and youtube_api)
        if p == Platform.MASTODON:
            out[p] = cap * len(config.mastodon_instances)
        elif api:  # Bluesky asks 25 handles a call
            out[p] = cap * HANDLES_PER_REQUEST.get(p, 1)
        else:
            out[p] = min(cap, page_room(config, p, planned))
    return out


# requests of a page host outside every plan: its robots.txt, the selfcheck's two lookups, a
# redirect; the room of the profiles source leaves them
HOST_MARGIN = 8


def page_room(config: Config, platform: str, planned: Mapping[str, int]) -> int:
    """Requests a page host has left for the profiles source after the handle probe's
    :data:`PAGE_HOST_SHARE` and the ``planned[platform]`` pages it already asks there."""
    per_host = config.budget.requests_per_host
    room = per_host - int(per_host * PAGE_HOST_SHARE) - HOST_MARGIN - planned.get(platform, 0)
    return max(room, 0)


def plan_selfcheck(ctx: PlanContext) -> SourcePlan:
    """One check per platform (its coverage row is the platform): the known account it looks
    up, or the platform's name when it has none (the selfcheck records why it skipped it)."""
    rows = []
    for i, p in enumerate(ctx.wanted):
        known = ctx.known.get(p)
        rows.append(
            PlannedQuery(Source.SELFCHECK, known.url if known else str(p), p, None, i, "check")
        )
    note = "a known live account and a random handle per platform, where robots.txt allows"
    return SourcePlan(rows, note)


def plan_profiles(ctx: PlanContext) -> SourcePlan:
    """Nothing ahead: decided at run time from this scan's candidates."""
    note = (
        "public profile pages of this scan's candidates, where robots.txt allows; the handles "
        f"this scan found for the district, looked up on {', '.join(ECHO_PLATFORMS)} "
        f"(up to {int(ctx.budget.requests_per_host * ECHO_SHARE)} each); in a full scan, the "
        "probe's page candidates its share cut, while the host's budget lasts"
    )
    return SourcePlan([], note)


PLANNERS: dict[Source, Callable[[PlanContext], SourcePlan]] = {
    Source.SELFCHECK: plan_selfcheck,
    Source.DISTRICT_SITE: plan_district_site,
    Source.WEB_SEARCH: plan_web_search,
    Source.YOUTUBE: plan_youtube,
    Source.BLUESKY: plan_bluesky,
    Source.MASTODON: plan_mastodon,
    Source.HANDLE_PROBE: plan_handle_probe,
    Source.PROFILES: plan_profiles,
}
"""The planning function of each source (every source in :data:`crawler.vocab.SOURCES`)."""
