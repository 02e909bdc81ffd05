"""Search terms and candidate handles per entity (the district, a school, a team, a name)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from crawler.discovery.planning.handles import (
    HandleStyle,
    Parts,
    candidates,
    entity_parts,
    handle_style,
    valid_handles,
)
from crawler.discovery.planning.text import core_name, dedupe, fold, is_abbreviation, slug
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
        return dedupe([*self.names, *self.phrases, *self.activities, *self.broad])


def _parent(profile: DistrictProfile, ent: Entity) -> Entity | None:
    return profile.entity(ent.parent) if ent.parent else None


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
    return t


def _abbreviations(ent: Entity, parent: Entity | None) -> list[str]:
    abbrs = [a for a in ent.aliases if is_abbreviation(a)]
    if parent is not None:
        abbrs += [a for a in parent.aliases if is_abbreviation(a)]
    return abbrs


def handle_parts(profile: DistrictProfile, ent: Entity) -> Parts:
    """The words an entity's candidate handles are made of."""
    parent = _parent(profile, ent)
    mascot = ent.mascot or (parent.mascot if parent else None)
    core = core_name(ent.name, profile)
    return entity_parts(ent, core, mascot, _abbreviations(ent, parent), parent, profile)


def district_style(profile: DistrictProfile, registered: Iterable[tuple[str, str]]) -> HandleStyle:
    """How the district names accounts, from its registered ``(entity key, handle)`` pairs."""
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
    t.handles = [c.handle for c in candidates(handle_parts(profile, ent), style)]
    return t


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
    """Terms of the district and every entity, or of one entity (with its teams), or a name."""
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
        return [entity_terms(profile, e, style) for e in (ent, *children)]
    return [
        district_terms(profile),
        *(entity_terms(profile, e, style) for e in profile.entities),
        *(affiliated_terms(profile, a) for a in profile.affiliated),
    ]


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
