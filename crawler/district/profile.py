"""Loading the district profile: YAML the user writes -> :class:`DistrictProfile`.

The file's shape is in the README ("Files you write"); the dataclasses are in
:mod:`crawler.district.model` and the node readers in :mod:`crawler.district.nodes`. The
loader keeps the YAML node tree so each error can name the file, line and field; unknown
keys are errors, so a typo such as ``aliasses`` never passes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from crawler.config.model import CASE_PREFIX_RE
from crawler.district.model import (
    Affiliated,
    AffiliatedKind,
    District,
    DistrictProfile,
    Entity,
    EntityKind,
    Level,
    Location,
    NotDistrict,
)
from crawler.district.nodes import DOMAIN_RE, STATE_RE, Ctx, Fields, child, compose, seq
from crawler.errors import InputError, InputErrors, read_text

__all__ = [
    "Affiliated",
    "AffiliatedKind",
    "District",
    "DistrictProfile",
    "Entity",
    "EntityKind",
    "Level",
    "Location",
    "NotDistrict",
    "load_profile",
    "profile_from_node",
    "profile_from_text",
    "profile_to_dict",
]

_TOP_FIELDS = {"district": True, "entities": True, "affiliated": False, "not_district": False}
_DISTRICT_FIELDS = {
    "key": True,
    "name": True,
    "aliases": False,
    "domains": True,
    "location": True,
    "website": False,
    "case_prefix": False,
    "notify_to": False,
}
_LOCATION_FIELDS = {"city": True, "state": True, "nearby": False}
_ENTITY_FIELDS = {
    "key": True,
    "kind": True,
    "name": True,
    "aliases": False,
    "level": False,
    "mascot": False,
    "website": False,
    "activities": False,
    "parent": False,
    "city": False,
}
_AFFILIATED_FIELDS = {
    "key": True,
    "name": True,
    "kind": True,
    "entity": False,
    "aliases": False,
    "website": False,
}
EMAIL_RE = re.compile(r"[^@\s,]+@[^@\s,]+\.[^@\s,]+")
_NOT_DISTRICT_FIELDS = {"name": True, "location": False, "aliases": False, "url": False}


def load_profile(path: str | Path) -> DistrictProfile:
    """Load and validate a district profile. Raises :class:`InputError` naming file, line, field."""
    return profile_from_text(read_text(path), str(path))


def profile_from_text(text: str, name: str = "<profile>") -> DistrictProfile:
    return profile_from_node(compose(text, name), name)


def profile_from_node(root: yaml.Node | None, name: str) -> DistrictProfile:
    ctx = Ctx(name)
    if root is None:
        raise InputError("the profile is empty", file=name)
    top = Fields(ctx, root, "", _TOP_FIELDS).nodes
    district = _district(ctx, top["district"]) if "district" in top else None
    entities = _entities(ctx, top.get("entities"), district)
    keys = {e.key for e in entities} | ({district.key} if district else set())
    affiliated = _affiliated_list(ctx, top.get("affiliated"), keys)
    not_district = [
        nd
        for i, node in seq(ctx, top.get("not_district"), "not_district")
        if (nd := _not_district(ctx, node, f"not_district[{i}]")) is not None
    ]
    if ctx.errors:
        raise InputErrors(ctx.errors)
    assert district is not None
    return DistrictProfile(
        district=district,
        entities=tuple(entities),
        affiliated=tuple(affiliated),
        not_district=tuple(not_district),
        source=name,
    )


def _entities(ctx: Ctx, node: yaml.Node | None, district: District | None) -> list[Entity]:
    """The entities, without duplicates; then each ``parent`` must name a known key."""
    entities: list[Entity] = []
    entity_nodes: dict[str, yaml.Node] = {}
    for i, item in seq(ctx, node, "entities"):
        ent = _entity(ctx, item, f"entities[{i}]")
        if ent is None:
            continue
        if ent.key in entity_nodes or (district and ent.key == district.key):
            ctx.error(item, f"entities[{i}].key", f"duplicate key '{ent.key}'")
            continue
        entity_nodes[ent.key] = item
        entities.append(ent)
    keys = set(entity_nodes) | ({district.key} if district else set())
    for ent in entities:
        if ent.parent is not None and ent.parent not in keys:
            parent = child(entity_nodes[ent.key], "parent")
            ctx.error(parent, f"entities.{ent.key}.parent", f"unknown entity key '{ent.parent}'")
    return entities


def _affiliated_list(ctx: Ctx, node: yaml.Node | None, keys: set[str]) -> list[Affiliated]:
    """The affiliated groups, without duplicates, each ``entity`` a known key."""
    affiliated: list[Affiliated] = []
    seen: set[str] = set()
    for i, item in seq(ctx, node, "affiliated"):
        aff = _affiliated(ctx, item, f"affiliated[{i}]")
        if aff is None:
            continue
        if aff.key in seen or aff.key in keys:
            ctx.error(item, f"affiliated[{i}].key", f"duplicate key '{aff.key}'")
            continue
        seen.add(aff.key)
        if aff.entity is not None and aff.entity not in keys:
            ctx.error(
                child(item, "entity"),
                f"affiliated[{i}].entity",
                f"unknown entity key '{aff.entity}'",
            )
        affiliated.append(aff)
    return affiliated


def _district(ctx: Ctx, node: yaml.Node) -> District | None:
    f = Fields(ctx, node, "district", _DISTRICT_FIELDS)
    key = f.key("key")
    name = f.scalar("name")
    aliases = f.str_list("aliases")
    domains = _domains(f)
    website = f.url("website")
    location = _location(ctx, f.node("location")) if "location" in f else None
    case_prefix = f.scalar("case_prefix")
    if case_prefix is not None and not CASE_PREFIX_RE.fullmatch(case_prefix):
        f.ctx.error(
            f.node("case_prefix"),
            "district.case_prefix",
            f"'{case_prefix}' must be a letter then up to 15 letters, digits or '-'",
        )
    notify_to = f.str_list("notify_to")
    for address in notify_to:
        if not EMAIL_RE.fullmatch(address):
            f.ctx.error(
                f.node("notify_to"), "district.notify_to", f"'{address}' is not an e-mail address"
            )
    if not (key and name and location and domains):
        return None
    return District(
        key=key,
        name=name,
        aliases=aliases,
        domains=domains,
        location=location,
        website=website,
        case_prefix=case_prefix,
        notify_to=notify_to,
    )


def _domains(f: Fields) -> tuple[str, ...]:
    if "domains" not in f:
        return ()
    domains = tuple(d.lower().rstrip(".") for d in f.str_list("domains"))
    for d in domains:
        if not DOMAIN_RE.match(d):
            f.ctx.error(f.node("domains"), "district.domains", f"'{d}' is not a domain name")
    if not domains:
        f.ctx.error(f.node("domains"), "district.domains", "needs at least one domain")
    return domains


def _location(ctx: Ctx, node: yaml.Node) -> Location | None:
    f = Fields(ctx, node, "district.location", _LOCATION_FIELDS)
    city = f.scalar("city")
    state = f.scalar("state")
    if state is not None and not STATE_RE.match(state):
        ctx.error(
            f.node("state"),
            "district.location.state",
            f"'{state}' must be a two-letter code such as ND",
        )
        state = None
    nearby = f.str_list("nearby")
    if city and state:
        return Location(city=city, state=state, nearby=nearby)
    return None


def _entity(ctx: Ctx, node: yaml.Node, path: str) -> Entity | None:
    n = len(ctx.errors)
    f = Fields(ctx, node, path, _ENTITY_FIELDS)
    # Read in this order so errors keep their order.
    key = f.key("key")
    kind = f.enum("kind", EntityKind)
    level = f.enum("level", Level)
    website = f.url("website")
    parent = f.key("parent")
    ent = Entity(
        key=key or "",
        kind=kind or EntityKind.SCHOOL,
        name=f.scalar("name") or "",
        aliases=f.str_list("aliases"),
        level=level,
        mascot=f.scalar("mascot"),
        website=website,
        activities=tuple(a.lower() for a in f.str_list("activities")),
        parent=parent,
        city=f.scalar("city"),
    )
    return ent if len(ctx.errors) == n else None


def _affiliated(ctx: Ctx, node: yaml.Node, path: str) -> Affiliated | None:
    n = len(ctx.errors)
    f = Fields(ctx, node, path, _AFFILIATED_FIELDS)
    aff = Affiliated(
        key=f.key("key") or "",
        name=f.scalar("name") or "",
        kind=f.enum("kind", AffiliatedKind) or AffiliatedKind.OTHER,
        entity=f.key("entity"),
        aliases=f.str_list("aliases"),
        website=f.url("website"),
    )
    return aff if len(ctx.errors) == n else None


def _not_district(ctx: Ctx, node: yaml.Node, path: str) -> NotDistrict | None:
    n = len(ctx.errors)
    f = Fields(ctx, node, path, _NOT_DISTRICT_FIELDS)
    nd = NotDistrict(
        name=f.scalar("name") or "",
        location=f.scalar("location"),
        aliases=f.str_list("aliases"),
        url=f.url("url"),
    )
    return nd if len(ctx.errors) == n else None


def profile_to_dict(p: DistrictProfile) -> dict[str, Any]:
    """The profile as plain data (the YAML shape), for export and round-trip tests."""

    def drop_empty(d: dict[str, Any]) -> dict[str, Any]:
        return {
            k: (list(v) if isinstance(v, tuple) else v)
            for k, v in d.items()
            if v not in (None, (), [], "")
        }

    d = p.district
    return {
        "district": drop_empty(
            {
                "key": d.key,
                "name": d.name,
                "aliases": d.aliases,
                "domains": d.domains,
                "location": drop_empty(
                    {
                        "city": d.location.city,
                        "state": d.location.state,
                        "nearby": d.location.nearby,
                    }
                ),
                "website": d.website,
                "case_prefix": d.case_prefix,
                "notify_to": d.notify_to,
            }
        ),
        "entities": [
            drop_empty(
                {
                    "key": e.key,
                    "kind": e.kind.value,
                    "name": e.name,
                    "aliases": e.aliases,
                    "level": e.level.value if e.level else None,
                    "mascot": e.mascot,
                    "website": e.website,
                    "activities": e.activities,
                    "parent": e.parent,
                    "city": e.city,
                }
            )
            for e in p.entities
        ],
        "affiliated": [
            drop_empty(
                {
                    "key": a.key,
                    "name": a.name,
                    "kind": a.kind.value,
                    "entity": a.entity,
                    "aliases": a.aliases,
                    "website": a.website,
                }
            )
            for a in p.affiliated
        ],
        "not_district": [
            drop_empty({"name": n.name, "location": n.location, "aliases": n.aliases, "url": n.url})
            for n in p.not_district
        ],
    }
