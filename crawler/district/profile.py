"""The district profile: who the district is, its entities and its lookalikes.

Loaded from YAML (see DESIGN.md "Files the user writes") into frozen
dataclasses. Every district-specific fact lives here, never in code. The
loader keeps the YAML node tree so each error can name the file, line and
field; unknown keys are errors, so a typo such as ``aliasses`` never passes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from crawler.errors import InputError, InputErrors, read_text


class EntityKind(StrEnum):
    SCHOOL = "school"
    PROGRAM = "program"
    TEAM = "team"
    DEPARTMENT = "department"


class Level(StrEnum):
    ELEMENTARY = "elementary"
    MIDDLE = "middle"
    HIGH = "high"
    OTHER = "other"


class AffiliatedKind(StrEnum):
    BOOSTER = "booster"
    PTO = "pto"
    STUDENT_MEDIA = "student_media"
    PARENT_GROUP = "parent_group"
    ALUMNI = "alumni"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Location:
    city: str
    state: str
    nearby: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class District:
    key: str
    name: str
    aliases: tuple[str, ...]
    domains: tuple[str, ...]
    location: Location
    website: str | None = None


@dataclass(frozen=True, slots=True)
class Entity:
    key: str
    kind: EntityKind
    name: str
    aliases: tuple[str, ...] = ()
    level: Level | None = None
    mascot: str | None = None
    website: str | None = None
    activities: tuple[str, ...] = ()
    parent: str | None = None
    city: str | None = None


@dataclass(frozen=True, slots=True)
class Affiliated:
    key: str
    name: str
    kind: AffiliatedKind
    entity: str | None = None
    aliases: tuple[str, ...] = ()
    website: str | None = None


@dataclass(frozen=True, slots=True)
class NotDistrict:
    name: str
    location: str | None = None
    aliases: tuple[str, ...] = ()
    url: str | None = None


@dataclass(frozen=True, slots=True)
class DistrictProfile:
    district: District
    entities: tuple[Entity, ...]
    affiliated: tuple[Affiliated, ...] = ()
    not_district: tuple[NotDistrict, ...] = ()
    source: str = field(default="", compare=False)

    def entity(self, key: str) -> Entity | None:
        for e in self.entities:
            if e.key == key:
                return e
        return None

    @property
    def entity_keys(self) -> set[str]:
        """Keys a registry row may name: the district itself and each entity."""
        return {self.district.key, *(e.key for e in self.entities)}

    def display_name(self, key: str | None) -> str | None:
        if key is None:
            return None
        if key == self.district.key:
            return self.district.name
        e = self.entity(key)
        return e.name if e else None

    def is_district_domain(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return any(host == d or host.endswith("." + d) for d in self.district.domains)


# --------------------------------------------------------------------------- loading

_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_STATE_RE = re.compile(r"^[A-Z]{2}$")


class _Ctx:
    """Collects errors for one file, each with the line of its YAML node."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[InputError] = []

    def error(self, node: yaml.Node | None, field_: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        self.errors.append(
            InputError(f"{field_}: {message}", file=self.file, line=line, field=field_)
        )


def _scalar(ctx: _Ctx, node: yaml.Node, path: str, *, required: bool = True) -> str | None:
    if not isinstance(node, yaml.ScalarNode):
        ctx.error(node, path, "must be a single value")
        return None
    value = str(node.value).strip()
    if not value:
        if required:
            ctx.error(node, path, "must not be empty")
        return None
    if any(ord(c) < 32 for c in value):
        ctx.error(node, path, "contains control characters")
        return None
    if len(value) > 500:
        ctx.error(node, path, "is longer than 500 characters")
        return None
    return value


def _str_list(ctx: _Ctx, node: yaml.Node, path: str) -> tuple[str, ...]:
    if isinstance(node, yaml.ScalarNode) and node.value in ("", "~", "null"):
        return ()
    if not isinstance(node, yaml.SequenceNode):
        ctx.error(node, path, "must be a list, e.g. [a, b]")
        return ()
    out: list[str] = []
    for i, item in enumerate(node.value):
        v = _scalar(ctx, item, f"{path}[{i}]")
        if v is not None:
            out.append(v)
    return tuple(dict.fromkeys(out))


def _mapping(
    ctx: _Ctx,
    node: yaml.Node,
    path: str,
    allowed: dict[str, bool],
) -> dict[str, yaml.Node]:
    """Return key -> value node; report unknown and missing keys. ``allowed`` maps key -> required."""
    if not isinstance(node, yaml.MappingNode):
        ctx.error(node, path, "must be a mapping of key: value")
        return {}
    out: dict[str, yaml.Node] = {}
    for knode, vnode in node.value:
        k = str(knode.value)
        where = f"{path}.{k}" if path else k
        if k not in allowed:
            hint = _did_you_mean(k, allowed)
            ctx.error(knode, where, f"unknown key '{k}'{hint}")
            continue
        if k in out:
            ctx.error(knode, where, "appears twice")
            continue
        out[k] = vnode
    for k, required in allowed.items():
        if required and k not in out:
            ctx.error(node, f"{path}.{k}" if path else k, "is required")
    return out


def _did_you_mean(key: str, allowed: dict[str, bool]) -> str:
    import difflib

    close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else f" (allowed: {', '.join(allowed)})"


def _enum(ctx: _Ctx, node: yaml.Node, path: str, enum: type[StrEnum]) -> Any:
    v = _scalar(ctx, node, path)
    if v is None:
        return None
    try:
        return enum(v.lower())
    except ValueError:
        ctx.error(node, path, f"'{v}' is not one of {', '.join(m.value for m in enum)}")
        return None


def _url(ctx: _Ctx, node: yaml.Node, path: str) -> str | None:
    from urllib.parse import urlsplit

    v = _scalar(ctx, node, path)
    if v is None:
        return None
    try:
        parts = urlsplit(v)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        ok = False
    if not ok:
        ctx.error(node, path, f"'{v}' is not an http(s) URL")
        return None
    return v


def _key(ctx: _Ctx, node: yaml.Node, path: str) -> str | None:
    v = _scalar(ctx, node, path)
    if v is not None and not _KEY_RE.match(v):
        ctx.error(node, path, f"'{v}' must be lower-case letters, digits, '-', '_' or '.'")
        return None
    return v


def _compose(text: str, name: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(
            f"YAML syntax error: {problem}", file=name, line=mark.line + 1 if mark else None
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML syntax error: {exc}", file=name) from None


def load_profile(path: str | Path) -> DistrictProfile:
    """Load and validate a district profile. Raises :class:`InputError` naming file, line, field."""
    return profile_from_text(read_text(path), str(path))


def profile_from_text(text: str, name: str = "<profile>") -> DistrictProfile:
    return profile_from_node(_compose(text, name), name)


def profile_from_node(root: yaml.Node | None, name: str) -> DistrictProfile:
    ctx = _Ctx(name)
    if root is None:
        raise InputError("the profile is empty", file=name)
    top = _mapping(
        ctx,
        root,
        "",
        {"district": True, "entities": True, "affiliated": False, "not_district": False},
    )
    district = _district(ctx, top["district"]) if "district" in top else None
    entities: list[Entity] = []
    entity_nodes: dict[str, yaml.Node] = {}
    for i, node in _seq(ctx, top.get("entities"), "entities"):
        ent = _entity(ctx, node, f"entities[{i}]")
        if ent is None:
            continue
        if ent.key in entity_nodes or (district and ent.key == district.key):
            ctx.error(node, f"entities[{i}].key", f"duplicate key '{ent.key}'")
            continue
        entity_nodes[ent.key] = node
        entities.append(ent)
    keys = set(entity_nodes) | ({district.key} if district else set())
    for ent in entities:
        if ent.parent is not None and ent.parent not in keys:
            node = _child(entity_nodes[ent.key], "parent")
            ctx.error(node, f"entities.{ent.key}.parent", f"unknown entity key '{ent.parent}'")
    affiliated: list[Affiliated] = []
    seen_aff: set[str] = set()
    for i, node in _seq(ctx, top.get("affiliated"), "affiliated"):
        aff = _affiliated(ctx, node, f"affiliated[{i}]")
        if aff is None:
            continue
        if aff.key in seen_aff or aff.key in keys:
            ctx.error(node, f"affiliated[{i}].key", f"duplicate key '{aff.key}'")
            continue
        seen_aff.add(aff.key)
        if aff.entity is not None and aff.entity not in keys:
            ctx.error(
                _child(node, "entity"),
                f"affiliated[{i}].entity",
                f"unknown entity key '{aff.entity}'",
            )
        affiliated.append(aff)
    not_district = [
        nd
        for i, node in _seq(ctx, top.get("not_district"), "not_district")
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


def _child(node: yaml.Node, key: str) -> yaml.Node:
    """The value node of ``key`` in a mapping node (for the line of an error), else the node."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == key:
                return v
    return node


def _seq(ctx: _Ctx, node: yaml.Node | None, path: str) -> Iterator[tuple[int, yaml.Node]]:
    if node is None or (isinstance(node, yaml.ScalarNode) and node.value in ("", "~", "null")):
        return
    if not isinstance(node, yaml.SequenceNode):
        ctx.error(node, path, "must be a list of entries (each starting with '-')")
        return
    yield from enumerate(node.value)


def _district(ctx: _Ctx, node: yaml.Node) -> District | None:
    m = _mapping(
        ctx,
        node,
        "district",
        {
            "key": True,
            "name": True,
            "aliases": False,
            "domains": True,
            "location": True,
            "website": False,
        },
    )
    key = _key(ctx, m["key"], "district.key") if "key" in m else None
    name = _scalar(ctx, m["name"], "district.name") if "name" in m else None
    aliases = _str_list(ctx, m["aliases"], "district.aliases") if "aliases" in m else ()
    domains: tuple[str, ...] = ()
    if "domains" in m:
        domains = tuple(
            d.lower().rstrip(".") for d in _str_list(ctx, m["domains"], "district.domains")
        )
        for d in domains:
            if not _DOMAIN_RE.match(d):
                ctx.error(m["domains"], "district.domains", f"'{d}' is not a domain name")
        if not domains:
            ctx.error(m["domains"], "district.domains", "needs at least one domain")
    website = _url(ctx, m["website"], "district.website") if "website" in m else None
    location = None
    if "location" in m:
        lm = _mapping(
            ctx, m["location"], "district.location", {"city": True, "state": True, "nearby": False}
        )
        city = _scalar(ctx, lm["city"], "district.location.city") if "city" in lm else None
        state = _scalar(ctx, lm["state"], "district.location.state") if "state" in lm else None
        if state is not None and not _STATE_RE.match(state):
            ctx.error(
                lm["state"],
                "district.location.state",
                f"'{state}' must be a two-letter code such as ND",
            )
            state = None
        nearby = _str_list(ctx, lm["nearby"], "district.location.nearby") if "nearby" in lm else ()
        if city and state:
            location = Location(city=city, state=state, nearby=nearby)
    if not (key and name and location and domains):
        return None
    return District(
        key=key, name=name, aliases=aliases, domains=domains, location=location, website=website
    )


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


def _entity(ctx: _Ctx, node: yaml.Node, path: str) -> Entity | None:
    n = len(ctx.errors)
    m = _mapping(ctx, node, path, _ENTITY_FIELDS)
    get: Callable[[str], str | None] = lambda k: (  # noqa: E731
        _scalar(ctx, m[k], f"{path}.{k}") if k in m else None
    )
    key = _key(ctx, m["key"], f"{path}.key") if "key" in m else None
    kind = _enum(ctx, m["kind"], f"{path}.kind", EntityKind) if "kind" in m else None
    level = _enum(ctx, m["level"], f"{path}.level", Level) if "level" in m else None
    website = _url(ctx, m["website"], f"{path}.website") if "website" in m else None
    parent = _key(ctx, m["parent"], f"{path}.parent") if "parent" in m else None
    ent = Entity(
        key=key or "",
        kind=kind or EntityKind.SCHOOL,
        name=get("name") or "",
        aliases=_str_list(ctx, m["aliases"], f"{path}.aliases") if "aliases" in m else (),
        level=level,
        mascot=get("mascot"),
        website=website,
        activities=tuple(a.lower() for a in _str_list(ctx, m["activities"], f"{path}.activities"))
        if "activities" in m
        else (),
        parent=parent,
        city=get("city"),
    )
    return ent if len(ctx.errors) == n else None


def _affiliated(ctx: _Ctx, node: yaml.Node, path: str) -> Affiliated | None:
    n = len(ctx.errors)
    m = _mapping(
        ctx,
        node,
        path,
        {
            "key": True,
            "name": True,
            "kind": True,
            "entity": False,
            "aliases": False,
            "website": False,
        },
    )
    aff = Affiliated(
        key=(_key(ctx, m["key"], f"{path}.key") if "key" in m else None) or "",
        name=(_scalar(ctx, m["name"], f"{path}.name") if "name" in m else None) or "",
        kind=(_enum(ctx, m["kind"], f"{path}.kind", AffiliatedKind) if "kind" in m else None)
        or AffiliatedKind.OTHER,
        entity=_key(ctx, m["entity"], f"{path}.entity") if "entity" in m else None,
        aliases=_str_list(ctx, m["aliases"], f"{path}.aliases") if "aliases" in m else (),
        website=_url(ctx, m["website"], f"{path}.website") if "website" in m else None,
    )
    return aff if len(ctx.errors) == n else None


def _not_district(ctx: _Ctx, node: yaml.Node, path: str) -> NotDistrict | None:
    n = len(ctx.errors)
    m = _mapping(ctx, node, path, {"name": True, "location": False, "aliases": False, "url": False})
    nd = NotDistrict(
        name=(_scalar(ctx, m["name"], f"{path}.name") if "name" in m else None) or "",
        location=_scalar(ctx, m["location"], f"{path}.location") if "location" in m else None,
        aliases=_str_list(ctx, m["aliases"], f"{path}.aliases") if "aliases" in m else (),
        url=_url(ctx, m["url"], f"{path}.url") if "url" in m else None,
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
