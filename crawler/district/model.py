"""The district profile as data: who the district is, its entities and its lookalikes.

Frozen dataclasses built by :mod:`crawler.district.profile` from the YAML the user writes
(the README, "Files you write"). Every district-specific fact lives here, never in code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


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
    # the district's own case numbers (PREFIX-YYYY-NNNN); None: the `[cases] prefix` of
    # scout.toml (default ABCE), as for a one-district database
    case_prefix: str | None = None
    # who gets the scan e-mail of this district; empty: SCOUT_NOTIFY_TO
    notify_to: tuple[str, ...] = ()


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
