"""Search terms and candidate handles per entity (the district, a school, a team, a name)."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from crawler.discovery.planning.handles import (
    TEAM_KINDS,
    HandleStyle,
    Parts,
    candidate_groups,
    entity_parts,
    handle_style,
    is_qualifier,
    qualified_pairs,
    shortened,
    valid_handles,
)
from crawler.discovery.planning.text import (
    core_name,
    dedupe,
    district_core,
    fold,
    is_abbreviation,
    slug,
    strip_words,
)
from crawler.district.profile import Affiliated, DistrictProfile, Entity, EntityKind, Level
from crawler.errors import InputError

_KIND_RANK = {
    (EntityKind.SCHOOL, Level.HIGH): 1,
    (EntityKind.SCHOOL, Level.MIDDLE): 2,
    (EntityKind.TEAM, None): 3,
    (EntityKind.PROGRAM, None): 3,
    (EntityKind.SCHOOL, Level.ELEMENTARY): 4,
    (EntityKind.DEPARTMENT, None): 5,
}

# Words that make a name a school's name ('Lincoln High School', not 'Lincoln Lions').
SCHOOL_WORDS = ("school", "high", "middle", "elementary", "academy", "junior high")
ACTIVITY_ROUNDS = 4  # a school's best handles of its own name come before its activities' handles
# Candidates per group a probe may take, by rank: elementary schools and departments seldom
# have accounts of their own beyond their name, so the budget goes to the schools' activities.
PROBE_DEPTH: dict[int, int] = {4: 3, 5: 3}
# Words a program's accounts cut short in their names ('CdB Sports Med' of 'CdB Sports
# Medicine', 'RHS Auto Tech' of '... Automotive Technology'): a phrase search for the whole
# word misses them.
SHORT_WORDS = {
    "medicine": "med",
    "technology": "tech",
    "mathematics": "math",
    "automotive": "auto",
    "engineering": "eng",
}


@dataclass(slots=True)
class EntityTerms:
    """Everything the sources need about one entity (or the district, or an ad-hoc name)."""

    key: str | None
    rank: int
    names: list[str] = field(default_factory=list)  # full names and long aliases
    phrases: list[str] = field(default_factory=list)  # mascot/town/abbreviation phrases
    activities: list[str] = field(default_factory=list)  # "<mascot> <activity>" phrases
    # web-search queries of a school's name and one of its activities, the name quoted
    # ('"Lincoln High School" volleyball'): the activity accounts of a school with a common
    # name that carry no mascot
    school_activities: list[str] = field(default_factory=list)
    broad: list[str] = field(default_factory=list)  # many results (the town alone)
    handles: list[str] = field(default_factory=list)  # candidate handles, best first
    # the same candidates in groups (a school's own names, then one group per activity);
    # a probe shares its budget round-robin over the groups
    handle_groups: list[list[str]] = field(default_factory=list)
    # a candidate's forms with a shorter activity, for a platform that refuses it as too long
    shorter: dict[str, list[str]] = field(default_factory=dict)
    # the entity's own web domains: a Bluesky handle may be one (``tvsd48j.k12.or.us``)
    domains: list[str] = field(default_factory=list)
    # web-search phrases a team's accounts write that its names do not: its qualified mascot
    # or its school's mascot name with the activity ('Lady Panthers volleyball', 'Guidry
    # Panthers cross country'), and its mascot with the activity in its town
    # ('"Gators soccer" "St. Aurel"')
    written: list[str] = field(default_factory=list)

    def probe_groups(self) -> list[list[str]]:
        """The candidate groups a probe takes from, each cut to :data:`PROBE_DEPTH` of the
        entity's rank (an elementary school or a department: its best few names)."""
        depth = PROBE_DEPTH.get(self.rank)
        return [g[:depth] for g in self.handle_groups or [self.handles]]

    def web_terms(self) -> list[str]:
        """The web-search terms, best first: the names, the town, what the entity's accounts
        write, then the phrases; a term that holds another of the entity's (``Conestoga
        Ridge Wrestling`` holds ``Ridge Wrestling``, which finds all it finds) gives its place
        to that one, and spellings a search engine takes as one (``Charger Wrestling``,
        ``Chargers Wrestling``) are asked once."""
        terms = dedupe(self.names[:1] + self.broad + self.names[1:] + self.written + self.phrases)
        if self.rank == 0:
            return terms
        return narrowest(terms, keep=self.broad)

    def search_terms(self) -> list[str]:
        return dedupe([*self.names, *self.phrases, *self.activities, *self.broad])


def phrase_words(term: str) -> tuple[str, ...]:
    """A phrase's words as a search engine compares them: folded, a plural ``s`` dropped."""
    words = fold(term).split()
    return tuple(
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words
    )


def _holds(term: tuple[str, ...], other: tuple[str, ...]) -> bool:
    n = len(other)
    return n < len(term) and any(term[i : i + n] == other for i in range(len(term) - n + 1))


def narrowest(terms: list[str], keep: Iterable[str] = ()) -> list[str]:
    """``terms`` with each that holds another of them (two words or more) replaced by the
    first such, and the terms a search engine takes as the same asked once (see
    :meth:`EntityTerms.web_terms`); the ``keep`` terms (and quoted ones) as they are."""
    kept = set(keep)
    words = {t: phrase_words(t) for t in terms if '"' not in t and t not in kept}
    out: list[str] = []
    seen: set[tuple[str, ...]] = set()
    for t in terms:
        w = words.get(t)
        if w is not None:
            inner = next(
                (o for o in terms if o in words and len(words[o]) >= 2 and _holds(w, words[o])),
                None,
            )
            if inner is not None:
                t, w = inner, words[inner]
            if w in seen:
                continue
            seen.add(w)
        if t not in out:
            out.append(t)
    return out


def _parent(profile: DistrictProfile, ent: Entity) -> Entity | None:
    """The entity's parent; a program or team of the whole district has the district itself
    (its names and abbreviations: ``CVISD Cross Country`` -> ``cvisd_xc``)."""
    if not ent.parent:
        return None
    d = profile.district
    if ent.parent == d.key:
        return Entity(key=d.key, kind=EntityKind.DEPARTMENT, name=d.name, aliases=d.aliases)
    return profile.entity(ent.parent)


def _rank(ent: Entity) -> int:
    return _KIND_RANK.get((ent.kind, ent.level if ent.kind == EntityKind.SCHOOL else None), 6)


def district_terms(profile: DistrictProfile) -> EntityTerms:
    d = profile.district
    t = EntityTerms(key=d.key, rank=0)
    abbreviations = [a for a in d.aliases if is_abbreviation(a)]
    # the bare abbreviation right after the name: people name accounts by it ("WFPS News") and
    # the platform APIs match it against handles and names
    t.names = dedupe(
        [d.name, *abbreviations[:1], *(a for a in d.aliases if not is_abbreviation(a))]
    )
    town = d.location.city
    t.phrases = dedupe(
        [f"{a} {d.location.state}" for a in abbreviations]
        + [f"{town} schools", f"{town} public schools"]
    )
    t.broad = [town]  # the town alone finds the accounts that use no school name at all
    abbrs = [a.lower() for a in d.aliases if is_abbreviation(a)]
    base = [slug(n) for n in t.names] + abbrs
    t.handles = valid_handles(
        [*base, *(f"{a}{d.location.state.lower()}" for a in abbrs), *(f"{slug(town)}schools",)]
    )
    t.domains = dedupe([*d.domains, *_web_host(d.website)])
    return t


def _web_host(url: str | None) -> list[str]:
    """The host of a web site without its ``www.``: ``https://phs.x.k12.or.us/`` -> ``phs.x.k12.or.us``."""
    host = (urlsplit(url).hostname or "") if url else ""
    return [host.removeprefix("www.")] if host else []


def _own_domains(profile: DistrictProfile, ent: Entity) -> list[str]:
    """An entity's web site on a host of its own (a school's sub-domain), not the district's."""
    d = profile.district
    shared = {*d.domains, *_web_host(d.website)}
    return [h for h in _web_host(ent.website) if h not in shared]


def _alias_cores(profile: DistrictProfile, ent: Entity, mascot: str | None) -> list[str]:
    """The distinctive part of each longer alias, without the mascot (``PHS Blue Devils`` ->
    ``PHS``, ``CVISD Lincoln`` -> ``Lincoln``), as written."""
    out = []
    for alias in ent.aliases:
        if is_abbreviation(alias):
            continue
        stripped = strip_words(core_name(alias, profile), [mascot] if mascot else [])
        # the alias's own words, as written: an abbreviation keeps its capitals
        words = {w.lower(): w for w in alias.split()}
        core = " ".join(words.get(w, w) for w in stripped.split())
        if core and not is_qualifier(core):  # 'Lady Pirates' names the girls' teams
            out.append(core)
    return out


def _abbreviations(
    ent: Entity, parent: Entity | None, profile: DistrictProfile | None = None
) -> list[str]:
    """The entity's abbreviations (its parent's after its own); with ``profile``, also those its
    longer aliases are made of (``GC Wolves`` -> ``GC``)."""
    abbrs = [a for a in ent.aliases if is_abbreviation(a)]
    if profile is not None:
        mascot = ent.mascot or (parent.mascot if parent else None)
        abbrs += [c for c in _alias_cores(profile, ent, mascot) if is_abbreviation(c)]
    if parent is not None:
        abbrs += [a for a in parent.aliases if is_abbreviation(a)]
        if profile is not None and parent.kind != EntityKind.DEPARTMENT:
            pmascot = parent.mascot or mascot
            abbrs += [c for c in _alias_cores(profile, parent, pmascot) if is_abbreviation(c)]
    return dedupe(abbrs)


def _short_names(profile: DistrictProfile, ent: Entity, mascot: str | None) -> list[str]:
    """The distinctive names of an entity's longer aliases, without its mascot:
    ``Lincoln High School`` and ``CVISD Lincoln`` -> ``Lincoln`` (for Abraham Lincoln High).
    An abbreviation left of an alias (``PHS Blue Devils`` -> ``PHS``) is an abbreviation, not
    a name (:func:`_abbreviations`)."""
    return dedupe(c for c in _alias_cores(profile, ent, mascot) if not is_abbreviation(c))


def handle_parts(profile: DistrictProfile, ent: Entity) -> Parts:
    """The words an entity's candidate handles are made of."""
    parent = _parent(profile, ent)
    mascot = ent.mascot or (parent.mascot if parent else None)
    core = core_name(ent.name, profile)
    d = profile.district
    if ent.parent == d.key:  # a program or team of the whole district
        names = [district_core(n) for n in (d.name, *d.aliases) if not is_abbreviation(n)]
        base, short = names[0], names[1:]
    else:
        named = parent if parent is not None and ent.kind in TEAM_KINDS else ent
        base, short = None, _short_names(profile, named, mascot)
    return entity_parts(
        ent,
        core,
        mascot,
        _abbreviations(ent, parent, profile),
        parent,
        profile,
        dedupe(short),
        base,
    )


def district_style(profile: DistrictProfile, registered: Iterable[tuple[str, str]]) -> HandleStyle:
    """How the district names accounts, from its registered ``(entity key, handle)`` pairs
    (worked out once per process for the same profile and pairs; the style is frozen)."""
    return _district_style(profile, tuple(registered))


@lru_cache(maxsize=8)
def _district_style(
    profile: DistrictProfile, registered: tuple[tuple[str, str], ...]
) -> HandleStyle:
    pairs = []
    for key, handle in registered:
        ent = profile.entity(key)
        if ent is not None and handle:
            pairs.append((handle, handle_parts(profile, ent)))
    return handle_style(pairs)


def entity_terms(
    profile: DistrictProfile, ent: Entity, style: HandleStyle | None = None
) -> EntityTerms:
    """Terms and handles of one school, team, program or department."""
    d = profile.district
    town = ent.city or d.location.city
    parent = _parent(profile, ent)
    t = EntityTerms(key=ent.key, rank=_rank(ent))
    long_aliases = [a for a in ent.aliases if not is_abbreviation(a)]
    abbrs = _abbreviations(ent, parent)
    t.names = dedupe([ent.name, *long_aliases])
    if ent.kind in TEAM_KINDS:  # 'CdB Sports Med': how its account writes the name
        t.names = dedupe([*t.names, *cut_short(t.names)])
    core = core_name(ent.name, profile)
    mascot = ent.mascot or (parent.mascot if parent else None)
    activities = list(ent.activities)
    phrases: list[str] = []
    if ent.kind in (EntityKind.TEAM, EntityKind.PROGRAM) and parent is not None:
        pcore = core_name(parent.name, profile)
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
    t.phrases = dedupe(phrases)
    if ent.kind == EntityKind.SCHOOL and mascot:
        t.activities = dedupe(
            [f"{mascot} {act}" for act in activities]
            + [f"{core} {mascot} {act}" for act in activities]
        )
    elif mascot and activities:
        t.activities = dedupe([f"{mascot} {act}" for act in activities])
    t.school_activities = school_activity_queries(profile, ent)
    if ent.kind in TEAM_KINDS and parent is not None and mascot and activities:
        t.written = _written(ent, parent, mascot, ent.city or parent.city or town)
    parts = handle_parts(profile, ent)
    groups = candidate_groups(parts, style)
    t.handle_groups = [[c.handle for c in g] for g in groups]
    t.domains = _own_domains(profile, ent)
    t.shorter = {
        c.handle: short for g in groups for c in g if (short := shortened(c.handle, parts))
    }
    t.handles = round_robin(t.handle_groups)
    return t


def _cut(word: str) -> str:
    short = SHORT_WORDS.get(fold(word))
    if short is None:
        return word
    return short.title() if word[:1].isupper() else short


def cut_short(names: Iterable[str]) -> list[str]:
    """The names with their long words cut as accounts write them (:data:`SHORT_WORDS`)."""
    out = []
    for name in names:
        words = name.split()
        short = [_cut(w) for w in words]
        if short != words:
            out.append(" ".join(short))
    return out


def _written(ent: Entity, parent: Entity, mascot: str, town: str) -> list[str]:
    """A team's phrases its accounts write (:attr:`EntityTerms.written`)."""
    qualified = [f"{q} {m}" for q, m in qualified_pairs((ent.name, *ent.aliases), mascot)]
    called = [
        a
        for a in (parent.name, *parent.aliases)
        if len(a.split()) >= 2
        and fold(a.split()[-1]) == fold(mascot)
        and not is_qualifier(" ".join(a.split()[:-1]))
        and not is_abbreviation(a.split()[0])
    ]
    out = [f"{q} {act}" for q in dict.fromkeys(qualified) for act in ent.activities]
    out += [f"{c} {act}" for c in called[:1] for act in ent.activities]
    out += [
        f'"{mascot} {act}" "{town}"' for act in ent.activities if fold(town) not in fold(mascot)
    ]
    return dedupe(out)


def school_activity_queries(profile: DistrictProfile, ent: Entity) -> list[str]:
    """``"<school name>" <activity>`` for each activity of a school that no team or program of
    its own stands for (their names are searched already), with the school's shortest name
    that still says it is a school (``Lincoln High School``, not ``Abraham Lincoln High
    School``, which its accounts seldom spell out); then its abbreviation (``"LHS"
    volleyball``); then its shortest name with its mascot and the activity (``"Lincoln Lions"
    volleyball``)."""
    if ent.kind != EntityKind.SCHOOL or not ent.activities:
        return []
    schoolish = [
        n for n in (ent.name, *ent.aliases) if not is_abbreviation(n) and _names_a_school(n)
    ]
    if not schoolish:
        return []
    name = min(schoolish, key=len)
    teams = {
        fold(a)
        for child in profile.entities
        if child.parent == ent.key and child.kind in TEAM_KINDS
        for a in child.activities
    }
    mascot = None
    if ent.mascot:  # its shortest name with the mascot: the alias 'Wright Aviators', if any
        core = core_name(ent.name, profile)
        with_mascot = [a for a in ent.aliases if fold(ent.mascot) in fold(a)]
        if fold(ent.mascot) not in fold(core):
            with_mascot.append(f"{core} {ent.mascot}")
        mascot = min(with_mascot, key=len, default=None)
    # its abbreviation with the activity: what team accounts call themselves ('RVHS Girls
    # Basketball', 'ELHS Girls Soccer'), where neither the school's name nor its mascot is written
    abbr = next((a for a in ent.aliases if is_abbreviation(a) and len(slug(a)) >= 3), None)
    out = []
    for act in ent.activities:
        if fold(act) not in teams:
            out.append(f'"{name}" {act}')
            if abbr:
                out.append(f'"{abbr}" {act}')
            if mascot:  # 'Wright Aviators Volleyball', where "Wright Aviators" alone is crowded
                out.append(f'"{mascot}" {act}')
    return out


def _names_a_school(name: str) -> bool:
    words = f" {fold(name)} "
    return any(f" {w} " in words for w in SCHOOL_WORDS)


def share_handles(groups: list[EntityTerms]) -> list[EntityTerms]:
    """Each candidate handle in one group only, the one a probe reaches it in first: rounds
    of every group's next handle not yet taken (a school's activity groups join
    :data:`ACTIVITY_ROUNDS` rounds late), so a probe that takes a few handles of every group
    never spends one on a handle another group already asks for (a team and its school's
    group of the same activity share that activity's candidates between them)."""
    lists = [(t, g, group) for t in groups for g, group in enumerate(t.probe_groups())]
    kept: list[list[str]] = [[] for _ in lists]
    at = [0] * len(lists)
    taken: set[str] = set()
    r = 0
    while any(at[k] < len(group) for k, (_, _, group) in enumerate(lists)):
        for k, (_, g, group) in enumerate(lists):
            if g and r < ACTIVITY_ROUNDS:
                continue
            while at[k] < len(group) and group[at[k]] in taken:
                at[k] += 1
            if at[k] < len(group):
                taken.add(group[at[k]])
                kept[k].append(group[at[k]])
                at[k] += 1
        r += 1
    k = 0
    for t in groups:
        n = len(t.probe_groups())
        mine, k = kept[k : k + n], k + n
        if t.handle_groups:
            t.handle_groups = mine
            t.handles = round_robin(mine)
        else:
            t.handles = mine[0]
    return groups


def adhoc_terms(profile: DistrictProfile, name: str) -> EntityTerms:
    """Terms for a name that is not in the profile (``scout search "Lakeview Middle School"``)."""
    low = fold(name)
    level = next((lv for lv in (Level.ELEMENTARY, Level.MIDDLE, Level.HIGH) if lv in low), None)
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
    return EntityTerms(key=aff.key, rank=7, names=dedupe([aff.name, *aff.aliases]))


def all_terms(
    profile: DistrictProfile,
    entity: str | None = None,
    name: str | None = None,
    style: HandleStyle | None = None,
) -> list[EntityTerms]:
    """Terms of the district and every entity, or of one entity (with its teams), or a name.

    Worked out once per process for the same profile and style (every source of a crawl
    plans with them); each caller gets its own copy."""
    return copy.deepcopy(_all_terms(profile, entity, name, style))


@lru_cache(maxsize=8)
def _all_terms(
    profile: DistrictProfile,
    entity: str | None,
    name: str | None,
    style: HandleStyle | None,
) -> list[EntityTerms]:
    if name is not None:
        key = match_entity(profile, name)
        if key is None:
            return [adhoc_terms(profile, name)]
        entity = key
    if entity is not None and entity != profile.district.key:
        ent = profile.entity(entity)
        if ent is None:
            raise InputError(
                f"unknown entity '{entity}' (not in the district profile)", field="entity"
            )
        children = [e for e in profile.entities if e.parent == entity]
        return share_handles([entity_terms(profile, e, style) for e in (ent, *children)])
    return share_handles(
        [
            district_terms(profile),
            *(entity_terms(profile, e, style) for e in profile.entities),
            *(affiliated_terms(profile, a) for a in profile.affiliated),
        ]
    )


def interleave(
    groups: list[tuple[EntityTerms, list[str]]], per_entity: int
) -> list[tuple[int, EntityTerms, str]]:
    """Round-robin across entities (by rank): (priority, entity, term), priority = round*10 + rank."""
    out = []
    for terms, items in groups:
        for i, item in enumerate(items[:per_entity]):
            out.append((i * 10 + terms.rank, terms, item))
    out.sort(key=lambda row: row[0])
    return out


def round_robin(groups: list[list[str]]) -> list[str]:
    """The groups' items merged: every group's first, then every group's second, …"""
    out: list[str] = []
    for i in range(max((len(g) for g in groups), default=0)):
        out += [g[i] for g in groups if i < len(g)]
    return list(dict.fromkeys(out))
