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
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from crawler.config import ALL_SOURCES, Config, secret
from crawler.db.quota import BRAVE, SEARCH_CALLS, UNITS, Usage
from crawler.district.profile import Affiliated, DistrictProfile, Entity, EntityKind, Level
from crawler.platforms import PLATFORMS

# Hosts used in ``site:`` queries, per platform (the current host of each platform).
SITE_HOSTS: dict[str, tuple[str, ...]] = {
    "facebook": ("facebook.com",),
    "instagram": ("instagram.com",),
    "x": ("x.com", "twitter.com"),
    "threads": ("threads.com",),
    "tiktok": ("tiktok.com",),
    "linkedin": ("linkedin.com",),
    "youtube": ("youtube.com",),
    "bluesky": ("bsky.app",),
}
# One web query covers a group of platforms (``site:a OR site:b "term"``); the platforms a
# robots-obeying crawler can only find through search results come first, those with an
# API source of their own last.
SEARCH_ONLY = tuple(p for p, mod in PLATFORMS.items() if mod.robots_blocks_crawlers)
_API_BACKED = ("youtube", "bluesky")
SITE_GROUPS = (
    SEARCH_ONLY,
    tuple(p for p in SITE_HOSTS if p not in SEARCH_ONLY and p not in _API_BACKED),
    _API_BACKED,
)
# Platforms whose candidate handles ``handle_probe`` checks (pages or APIs robots allow;
# LinkedIn's robots.txt refuses crawlers). Mastodon handles are looked up by the mastodon
# source when it runs, else by the probe.
PROBE_PLATFORMS = ("tiktok", "youtube", "bluesky")
BLUESKY_DEFAULT_DOMAIN = "bsky.social"

# Generic English words of school names: dropped to find the distinctive part of a name.
_GENERIC = (
    "public schools",
    "school district",
    "high school",
    "middle school",
    "junior high school",
    "junior high",
    "elementary school",
    "elementary",
    "kindergarten center",
    "education center",
    "learning center",
    "early childhood center",
    "school",
    "schools",
    "academy",
    "center",
    "high",
    "middle",
)
# Common short forms of activities, as people write them in handles.
ACTIVITY_SHORT: dict[str, tuple[str, ...]] = {
    "volleyball": ("vball", "vb"),
    "basketball": ("bball", "hoops"),
    "football": ("fb",),
    "baseball": ("baseball",),
    "softball": ("softball",),
    "cross country": ("xc",),
    "track": ("track", "tf"),
    "swimming": ("swim",),
    "wrestling": ("wrestling",),
    "hockey": ("hockey",),
    "soccer": ("soccer",),
    "tennis": ("tennis",),
    "golf": ("golf",),
    "cheer": ("cheer",),
    "dance": ("dance",),
    "band": ("band",),
    "choir": ("choir",),
    "orchestra": ("orchestra",),
    "theatre": ("theatre",),
    "drama": ("drama",),
    "athletics": ("athletics",),
}
_KIND_RANK = {
    (EntityKind.SCHOOL, Level.HIGH): 1,
    (EntityKind.SCHOOL, Level.MIDDLE): 2,
    (EntityKind.TEAM, None): 3,
    (EntityKind.PROGRAM, None): 3,
    (EntityKind.SCHOOL, Level.ELEMENTARY): 4,
    (EntityKind.DEPARTMENT, None): 5,
}


@dataclass(frozen=True, slots=True)
class PlannedQuery:
    """One thing a source is asked. ``kind``: ``search`` (a term), ``handle`` (a candidate
    handle to look up on ``platform``) or ``seed`` (a URL to start crawling from)."""

    source: str
    query: str
    platform: str | None = None
    entity_key: str | None = None
    priority: int = 0
    kind: str = "search"


@dataclass(slots=True)
class Plan:
    """Queries per source, in the order they run, plus what was left out and why."""

    queries: dict[str, list[PlannedQuery]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    cut: dict[str, int] = field(default_factory=dict)
    limits: dict[str, str] = field(default_factory=dict)
    quotas: list[str] = field(default_factory=list)
    entity: str | None = None
    name: str | None = None

    def total(self) -> int:
        return sum(len(q) for q in self.queries.values())

    def as_text(self) -> str:
        """The plan as plain text for ``scout scan --dry-run``."""
        lines = []
        scope = (
            f" for '{self.name}'"
            if self.name
            else (f" for entity {self.entity}" if self.entity else "")
        )
        lines.append(f"Query plan{scope}: {self.total()} queries")
        for source, queries in self.queries.items():
            note = f" ({self.limits[source]})" if source in self.limits else ""
            cut = f", {self.cut[source]} cut by the budget" if self.cut.get(source) else ""
            lines.append(f"\n[{source}] {len(queries)} queries{cut}{note}")
            for q in queries:
                where = f" on {q.platform}" if q.platform and q.kind != "search" else ""
                who = f"  [{q.entity_key}]" if q.entity_key else ""
                lines.append(f"  {q.priority:>4}  {q.kind:<6} {q.query}{where}{who}")
        for source, reason in self.skipped.items():
            lines.append(f"\n[{source}] skipped: {reason}")
        if self.quotas:
            lines.append("\nAPI quotas (all scans and searches):")
            lines += [f"  {q}" for q in self.quotas]
        return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- text helpers


def fold(text: str) -> str:
    """Lower-case ASCII with single spaces (for comparing and de-duplicating names)."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9&]+", " ", text.replace("&", " and "))
    return " ".join(text.lower().split())


def slug(text: str, sep: str = "") -> str:
    """``"L.E. Berger"`` -> ``"leberger"`` (letters and digits joined by ``sep``)."""
    words = re.findall(r"[a-z0-9]+", fold(text.replace(".", "")))
    return sep.join(words)


def _strip_words(text: str, words: Iterable[str]) -> str:
    out = f" {fold(text)} "
    for w in sorted(words, key=len, reverse=True):
        out = out.replace(f" {fold(w)} ", " ")
    return " ".join(out.split())


def is_abbreviation(alias: str) -> bool:
    """``SHS``, ``WFHS``, ``LE`` — all capitals, too ambiguous to search alone."""
    return bool(re.fullmatch(r"[A-Z][A-Z0-9]{1,5}", alias.strip()))


def _title(text: str) -> str:
    return " ".join(w if w.isupper() else w[:1].upper() + w[1:] for w in text.split())


# --------------------------------------------------------------------------- terms


@dataclass(slots=True)
class EntityTerms:
    """Everything the sources need about one entity (or the district, or an ad-hoc name)."""

    key: str | None
    rank: int
    names: list[str] = field(default_factory=list)  # full names and long aliases
    phrases: list[str] = field(default_factory=list)  # mascot/town/abbreviation phrases
    activities: list[str] = field(default_factory=list)  # "<mascot> <activity>" phrases
    broad: list[str] = field(default_factory=list)  # many results (the town alone)
    handles: list[str] = field(default_factory=list)  # candidate handles, best first

    def search_terms(self) -> list[str]:
        return _dedupe([*self.names, *self.phrases, *self.activities, *self.broad])


def _dedupe(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        key = fold(item) if " " in item or item[:1].isupper() else item.lower()
        if item and key and key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _core(name: str, profile: DistrictProfile) -> str:
    """The distinctive words of a name: ``West Fargo Sheyenne High School`` -> ``Sheyenne``."""
    d = profile.district
    district_words = [d.location.city, d.name, *d.aliases]
    core = _strip_words(name, _GENERIC)
    stripped = _strip_words(core, district_words)
    return _title(stripped or core)


def _parent(profile: DistrictProfile, ent: Entity) -> Entity | None:
    return profile.entity(ent.parent) if ent.parent else None


def _rank(ent: Entity) -> int:
    return _KIND_RANK.get((ent.kind, ent.level if ent.kind == EntityKind.SCHOOL else None), 6)


def district_terms(profile: DistrictProfile) -> EntityTerms:
    d = profile.district
    t = EntityTerms(key=d.key, rank=0)
    t.names = _dedupe([d.name, *(a for a in d.aliases if not is_abbreviation(a))])
    town = d.location.city
    t.phrases = _dedupe(
        [f"{a} {d.location.state}" for a in d.aliases if is_abbreviation(a)]
        + [f"{town} schools", f"{town} public schools"]
    )
    t.broad = [town]  # the town alone finds the accounts that use no school name at all
    abbrs = [a.lower() for a in d.aliases if is_abbreviation(a)]
    base = [slug(n) for n in t.names] + abbrs
    t.handles = _handles(
        [*base, *(f"{a}{d.location.state.lower()}" for a in abbrs), *(f"{slug(town)}schools",)]
    )
    return t


def entity_terms(profile: DistrictProfile, ent: Entity) -> EntityTerms:
    """Terms and handles of one school, team, program or department."""
    d = profile.district
    town = ent.city or d.location.city
    parent = _parent(profile, ent)
    t = EntityTerms(key=ent.key, rank=_rank(ent))
    long_aliases = [a for a in ent.aliases if not is_abbreviation(a)]
    abbrs = [a for a in ent.aliases if is_abbreviation(a)]
    if parent is not None:
        abbrs += [a for a in parent.aliases if is_abbreviation(a)]
    t.names = _dedupe([ent.name, *long_aliases])
    core = _core(ent.name, profile)
    mascot = ent.mascot or (parent.mascot if parent else None)
    activities = list(ent.activities)
    phrases: list[str] = []
    if ent.kind in (EntityKind.TEAM, EntityKind.PROGRAM) and parent is not None:
        pcore = _core(parent.name, profile)
        for act in activities:
            if mascot:
                phrases.append(f"{pcore} {mascot} {act}")
            phrases += [f"{pcore} {act}", *(f"{a} {act}" for a in abbrs)]
    if mascot and fold(mascot) not in fold(core):
        phrases.append(f"{core} {mascot}")
        if fold(town) not in fold(core):
            phrases.append(f"{core} {mascot} {town}")
        phrases += [f"{a} {mascot}" for a in abbrs]
    elif fold(town) not in fold(ent.name):
        phrases.append(f"{ent.name} {town}")
    t.phrases = _dedupe(phrases)
    if ent.kind == EntityKind.SCHOOL and mascot:
        t.activities = _dedupe(
            [f"{mascot} {act}" for act in activities]
            + [f"{core} {mascot} {act}" for act in activities]
        )
    elif mascot and activities:
        t.activities = _dedupe([f"{mascot} {act}" for act in activities])
    t.handles = _entity_handles(ent, core, mascot, abbrs, parent, profile)
    return t


def _initials(text: str) -> str:
    """``West Fargo`` -> ``wf`` (only for names of two words or more)."""
    words = fold(text).split()
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


def _entity_handles(
    ent: Entity,
    core: str,
    mascot: str | None,
    abbrs: list[str],
    parent: Entity | None,
    profile: DistrictProfile,
) -> list[str]:
    """Candidate handles, most likely first: prefixes (the distinctive name, its initials,
    the abbreviations) joined with the mascot and the activity, with and without ``_``."""
    m = slug(mascot) if mascot else ""
    base = (
        _core(parent.name, profile)
        if parent is not None and ent.kind != EntityKind.SCHOOL
        else core
    )
    prefixes = [
        p for p in dict.fromkeys([slug(base), _initials(base), *(a.lower() for a in abbrs)]) if p
    ]
    out: list[str] = []
    if ent.kind in (EntityKind.TEAM, EntityKind.PROGRAM) and parent is not None:
        for act in ent.activities:
            shorts = (slug(act), *ACTIVITY_SHORT.get(act, ()))
            for s in shorts:
                out += [f"{p}{m}{s}" for p in prefixes if m] + [f"{p}{s}" for p in prefixes]
            out += [f"{p}_{s}" for p in prefixes for s in shorts[:2]]
            if m:
                out += [f"{p}_{m}_{slug(act)}" for p in prefixes]
        out += [slug(ent.name)]
        return _handles(out)
    if m and m not in slug(core):
        out += [f"{p}{m}" for p in prefixes] + [f"{p}_{m}" for p in prefixes]
        if m.endswith("s"):
            out += [f"{p}{m[:-1]}" for p in prefixes]
    out += [slug(ent.name), slug(core), *(slug(a) for a in ent.aliases)]
    if ent.kind == EntityKind.SCHOOL and ent.level is not None:
        short = {"high": "hs", "middle": "ms", "elementary": "elem"}.get(ent.level.value)
        if short:
            out += [f"{slug(core)}{short}", f"{slug(core)}_{short}"]
    for act in ent.activities:
        for s in ACTIVITY_SHORT.get(act, (slug(act),))[:1]:
            out += [f"{p}{s}" for p in prefixes]
    return _handles(out)


def _handles(candidates: Iterable[str]) -> list[str]:
    """Valid-looking handles (3–30 characters), de-duplicated, in order."""
    out: list[str] = []
    for h in candidates:
        h = h.strip("._").lower()
        if 3 <= len(h) <= 30 and re.fullmatch(r"[a-z0-9][a-z0-9_.]*", h) and h not in out:
            out.append(h)
    return out


def adhoc_terms(profile: DistrictProfile, name: str) -> EntityTerms:
    """Terms for a name that is not in the profile (``scout search "Lakeview Middle School"``)."""
    low = fold(name)
    level = next(
        (lv for lv in (Level.ELEMENTARY, Level.MIDDLE, Level.HIGH) if lv.value in low), None
    )
    ent = Entity(key="", kind=EntityKind.SCHOOL, name=name.strip(), level=level)
    t = entity_terms(profile, ent)
    t.key = None
    return t


def match_entity(profile: DistrictProfile, name: str) -> str | None:
    """The key of the district or entity that ``name`` names exactly (any alias), or None."""
    want = fold(name)
    d = profile.district
    if want in {fold(d.name), *(fold(a) for a in d.aliases), fold(d.key)}:
        return d.key
    for ent in profile.entities:
        if want in {fold(ent.name), *(fold(a) for a in ent.aliases), fold(ent.key)}:
            return ent.key
    return None


def affiliated_terms(profile: DistrictProfile, aff: Affiliated) -> EntityTerms:
    """An affiliated organisation (booster club, PTO): searched so it can be listed as affiliated."""
    return EntityTerms(key=aff.key, rank=7, names=_dedupe([aff.name, *aff.aliases]))


def all_terms(
    profile: DistrictProfile, entity: str | None = None, name: str | None = None
) -> list[EntityTerms]:
    """Terms of the district and every entity, or of one entity (with its teams), or a name."""
    if name is not None:
        key = match_entity(profile, name)
        if key is None:
            return [adhoc_terms(profile, name)]
        entity = key
    if entity is not None and entity != profile.district.key:
        ent = profile.entity(entity)
        if ent is None:
            from crawler.errors import InputError

            raise InputError(
                f"unknown entity '{entity}' (not in the district profile)", field="entity"
            )
        children = [e for e in profile.entities if e.parent == entity]
        return [entity_terms(profile, e) for e in (ent, *children)]
    return [
        district_terms(profile),
        *(entity_terms(profile, e) for e in profile.entities),
        *(affiliated_terms(profile, a) for a in profile.affiliated),
    ]


def _interleave(
    groups: list[tuple[EntityTerms, list[str]]], per_entity: int
) -> list[tuple[int, EntityTerms, str]]:
    """Round-robin across entities (by rank): (priority, entity, term), priority = round*10 + rank."""
    out = []
    for terms, items in groups:
        for i, item in enumerate(items[:per_entity]):
            out.append((i * 10 + terms.rank, terms, item))
    out.sort(key=lambda row: row[0])
    return out


# --------------------------------------------------------------------------- sources


def skip_reason(
    source: str, config: Config, platforms: Sequence[str] | None = None, usage: Usage | None = None
) -> str | None:
    """Why ``source`` cannot run with this configuration (and platform filter, and the API
    quotas' ``usage`` in the current period when given), or None."""
    wanted = set(platforms) if platforms else None
    if source == "web_search":
        if not config.searxng_url and not secret("brave"):
            return "no SearXNG URL (SCOUT_SEARXNG_URL) and no SCOUT_BRAVE_API_KEY"
        if wanted is not None and not wanted & set(SITE_HOSTS):
            return "platform filter excludes every searchable platform"
        if not config.searxng_url and usage and BRAVE in usage and usage[BRAVE].remaining <= 0:
            return usage[BRAVE].reason()
    if source == "youtube":
        if wanted is not None and "youtube" not in wanted:
            return "platform filter excludes youtube"
        if not secret("youtube"):
            return "no SCOUT_YOUTUBE_API_KEY"
        if usage and SEARCH_CALLS in usage and usage[SEARCH_CALLS].remaining <= 0:
            return usage[SEARCH_CALLS].reason()
    if source == "bluesky" and wanted is not None and "bluesky" not in wanted:
        return "platform filter excludes bluesky"
    if source == "mastodon":
        if wanted is not None and "mastodon" not in wanted:
            return "platform filter excludes mastodon"
        if not config.mastodon_instances:
            return "no Mastodon instances configured (SCOUT_MASTODON_INSTANCES)"
    if source == "handle_probe" and wanted is not None and not wanted & set(PROBE_PLATFORMS):
        return "platform filter excludes every probed platform"
    return None


def _budgeted(rows: list[PlannedQuery], limit: int) -> tuple[list[PlannedQuery], int]:
    rows = _unique(rows)
    return rows[: max(limit, 0)], max(len(rows) - max(limit, 0), 0)


def _unique(rows: list[PlannedQuery]) -> list[PlannedQuery]:
    seen: set[tuple[str, str | None, str]] = set()
    out = []
    for r in sorted(rows, key=lambda q: q.priority):  # stable: keeps the interleaved order
        key = (r.query.casefold(), r.platform, r.kind)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


def period_left(usage: Usage | None, key: str, limit: int) -> int:
    """``limit`` capped by what is left of the bucket's quota in the current period."""
    return min(limit, usage[key].remaining) if usage and key in usage else limit


def _web_search(
    config: Config, groups: list[EntityTerms], platforms: list[str], usage: Usage | None
) -> tuple[list[PlannedQuery], int, str]:
    """``site:`` queries; each needs one request, further pages come from what the budget leaves."""
    b = config.budget
    pages = max(b.results_pages, 1)
    requests = (
        b.searxng_requests_per_scan
        if config.searxng_url
        else period_left(usage, BRAVE, min(b.brave_requests_per_scan, b.brave_requests_per_month))
    )
    # the town alone comes right after the district's name: it finds the accounts that use no
    # school name at all (a sports feed, a typo-squatter of the district's handle)
    terms = _interleave(
        [(t, _dedupe(t.names[:1] + t.broad + t.names[1:] + t.phrases)) for t in groups],
        b.queries_per_entity,
    )
    rows = []
    for prio, t, term in terms:
        # the district's own names and the town are popular terms: one query per platform, as
        # grouped their results would bury each other beyond the first page
        split = term in t.broad or t.rank == 0
        site_groups = [(p,) for g in SITE_GROUPS for p in g] if split else SITE_GROUPS
        for i, group in enumerate(site_groups):
            chosen = [p for p in group if p in platforms]
            if not chosen:
                continue
            sites = " OR ".join(f"site:{h}" for p in chosen for h in SITE_HOSTS[p])
            rows.append(
                PlannedQuery(
                    "web_search",
                    f'{sites} "{term}"',
                    chosen[0] if len(chosen) == 1 else None,
                    t.key,
                    prio * 10 + min(i, 9),
                )
            )
    backend = "SearXNG" if config.searxng_url else "Brave"
    kept, cut = _budgeted(rows, requests)
    return (
        kept,
        cut,
        f"{backend}: {requests} requests; up to {pages} pages per query while the budget lasts",
    )


def _api_terms(
    source: str, platform: str, groups: list[EntityTerms], per_entity: int, limit: int
) -> tuple[list[PlannedQuery], int]:
    terms = _interleave([(t, t.search_terms()) for t in groups], per_entity)
    rows = [PlannedQuery(source, term, platform, t.key, prio) for prio, t, term in terms]
    return _budgeted(rows, limit)


def _handle_rows(
    source: str,
    groups: list[EntityTerms],
    platforms: list[str],
    per_entity: int,
    instances: Sequence[str] = (),
) -> list[PlannedQuery]:
    rows = []
    for prio, t, handle in _interleave([(t, t.handles) for t in groups], per_entity):
        for i, p in enumerate(platforms):
            if p == "bluesky" and "_" in handle:
                continue  # Bluesky domain handles cannot contain "_": the joined form is planned too
            if p == "bluesky":
                names = [f"{handle}.{BLUESKY_DEFAULT_DOMAIN}"]
            elif p == "mastodon":
                names = [f"{handle}@{inst}" for inst in instances]
            else:
                names = [handle]
            rows += [
                PlannedQuery(source, h, p, t.key, prio * 10 + i, kind="handle")
                for h in names
                if PLATFORMS[p].valid_handle(h)
            ]
    return rows


def _seeds(profile: DistrictProfile, entity: str | None) -> list[PlannedQuery]:
    d = profile.district
    rows: list[PlannedQuery] = []
    if entity is None:
        if d.website:
            rows.append(PlannedQuery("district_site", d.website, None, d.key, 0, kind="seed"))
        for i, dom in enumerate(d.domains):
            rows.append(
                PlannedQuery("district_site", f"https://{dom}/", None, d.key, 1 + i, kind="seed")
            )
    for i, ent in enumerate(profile.entities):
        if ent.website and (entity is None or entity in (ent.key, ent.parent)):
            rows.append(
                PlannedQuery("district_site", ent.website, None, ent.key, 10 + i, kind="seed")
            )
    # one seed per URL (normalised: scheme and trailing slash do not make a new page)
    seen: set[str] = set()
    out = []
    for r in rows:
        key = re.sub(r"^https?://", "", r.query).rstrip("/").lower()
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


def plan(
    profile: DistrictProfile,
    config: Config,
    sources: Sequence[str] | None = None,
    platforms: Sequence[str] | None = None,
    entity: str | None = None,
    name: str | None = None,
    usage: Usage | None = None,
) -> Plan:
    """The queries each source runs, deterministic, de-duplicated, prioritised and budgeted.

    ``usage``: the API quotas' use in the current period (:func:`crawler.db.quota.current_usage`);
    without it each period's whole quota is assumed available.
    """
    chosen = [s for s in ALL_SOURCES if s in (sources or config.sources)]
    unknown = [p for p in platforms or () if p not in PLATFORMS]
    if unknown:
        from crawler.errors import InputError

        raise InputError(
            f"unknown platform(s): {', '.join(unknown)} (known: {', '.join(PLATFORMS)})",
            field="platforms",
        )
    wanted = list(platforms) if platforms else list(PLATFORMS)
    groups = all_terms(profile, entity=entity, name=name)
    b = config.budget
    pages = max(b.results_pages, 1)
    result = Plan(entity=entity, name=name, quotas=[u.describe() for u in (usage or {}).values()])
    for source in chosen:
        reason = skip_reason(source, config, platforms, usage)
        if reason:
            result.skipped[source] = reason
            continue
        cut = 0
        if source == "district_site":
            if name is not None and match_entity(profile, name) is None:
                result.skipped[source] = "ad-hoc name is not one of the district's entities"
                continue
            scope = match_entity(profile, name) if name else entity
            rows = _seeds(profile, None if scope == profile.district.key else scope)
            result.limits[source] = f"{b.requests_per_host} requests per host"
        elif source == "web_search":
            # platforms whose own API source runs in this scan are searched there, not here
            api = {
                p
                for p in _API_BACKED
                if p in chosen and not skip_reason(p, config, platforms, usage)
            }
            rows, cut, note = _web_search(
                config, groups, [p for p in wanted if p in SITE_HOSTS and p not in api], usage
            )
            result.limits[source] = note
        elif source == "youtube":
            calls = period_left(usage, SEARCH_CALLS, b.youtube_search_calls_per_day)
            units = period_left(usage, UNITS, b.youtube_units_per_day)
            # a daily quota: a scan leaves room for the day's ad-hoc searches (pages per query),
            # but a nearly spent day still runs its first pages
            rows, cut = _api_terms(
                source, "youtube", groups, b.queries_per_entity, max(calls // pages, min(calls, 1))
            )
            result.limits[source] = (
                f"{calls} search.list calls and {units} units left today "
                f"(of {b.youtube_search_calls_per_day} and {b.youtube_units_per_day} per day), "
                f"{pages} pages per query"
            )
        elif source == "bluesky":
            # each query: its result pages plus one getProfiles call per page
            rows, cut = _api_terms(
                source, "bluesky", groups, b.queries_per_entity, b.requests_per_host // (2 * pages)
            )
            result.limits[source] = (
                f"{b.requests_per_host} requests per host, {pages} pages per query"
            )
        elif source == "mastodon":
            per_instance = b.requests_per_host
            search, cut = _api_terms(
                source, "mastodon", groups, b.queries_per_entity, per_instance // 2
            )
            handles = [
                PlannedQuery(source, h, "mastodon", t.key, prio, kind="handle")
                for prio, t, h in _interleave(
                    [(t, t.handles) for t in groups], b.queries_per_entity
                )
            ]
            handles, cut2 = _budgeted(handles, per_instance - len(search))
            rows, cut = _unique(search + handles), cut + cut2
            result.limits[source] = (
                f"first page only (anonymous), {len(config.mastodon_instances)} "
                f"instance(s), {per_instance} requests per instance"
            )
        elif source == "handle_probe":
            probe = [p for p in PROBE_PLATFORMS if p in wanted]
            if "mastodon" in wanted and "mastodon" not in chosen and config.mastodon_instances:
                probe.append(
                    "mastodon"
                )  # the mastodon source, when it runs, looks handles up itself
            rows, cut = _budgeted(
                _handle_rows(
                    source, groups, probe, b.queries_per_entity, config.mastodon_instances
                ),
                b.requests_per_host * len(probe),
            )
            result.limits[source] = f"{', '.join(probe)}; {b.requests_per_host} requests per host"
        else:  # profiles: decided at run time from this scan's candidates
            rows = []
            result.limits[source] = (
                "public profile pages of this scan's candidates, where robots.txt allows"
            )
        result.queries[source] = rows
        if cut:
            result.cut[source] = cut
    return result
