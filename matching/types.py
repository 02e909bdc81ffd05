"""The values that flow through matching: what goes in (a candidate account with its
sightings), what it is compared with (the reference records of the profile and registry) and
what comes out (one assessment with its explanation)."""

from __future__ import annotations

from dataclasses import dataclass, field

from crawler.district.registry import RegistryRow


@dataclass(frozen=True, slots=True)
class Sighting:
    """One place the account was seen (the provenance a spider recorded)."""

    source: str
    query: str | None = None
    source_url: str | None = None
    title: str | None = None
    snippet: str | None = None
    rank: int | None = None


@dataclass(slots=True)
class Candidate:
    """A discovered account, as stored (canonical URL) with what is known of its profile."""

    platform: str
    handle: str
    url: str
    platform_id: str | None = None
    display_name: str | None = None
    bio: str | None = None
    links: list[str] = field(default_factory=list)
    location: str | None = None
    followers: int | None = None
    verified: bool | None = None
    sightings: list[Sighting] = field(default_factory=list)
    live: bool = False
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Level:
    """One comparison level that fired: a stable code, a human label and its weight."""

    code: str
    label: str
    weight: float

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "label": self.label, "weight": round(self.weight, 3)}


@dataclass(frozen=True, slots=True)
class Result:
    """The assessment of one account: classification, entity, confidence and why."""

    classification: str
    entity: str | None
    confidence: float
    explanation: tuple[Level, ...]
    imitates: str | None = None
    registered_url: str | None = None
    case_kind: str | None = None
    entity_score: float = 0.0
    rule: str = ""
    """The code of the rule of the decision cascade that settled it (``matching.decide.CASCADE``)."""

    @property
    def opens_case(self) -> bool:
        return self.case_kind is not None

    def labels(self) -> list[str]:
        return [lv.label for lv in self.explanation]


@dataclass(slots=True)
class Record:
    """One reference record: an entity, an affiliated organisation or a not-district lookalike."""

    key: str | None
    label: str  # the name a person reads
    forms: tuple[str, ...]  # folded, expanded names and aliases
    originals: tuple[str, ...]  # the same names as written, for labels
    tokens: frozenset[str] = frozenset()
    handle_forms: tuple[str, ...] = ()
    level: str | None = None
    mascot: str | None = None  # folded, plural as written
    activities: frozenset[str] = frozenset()
    parent: str | None = None
    kind: str = ""
    entity: str | None = None  # affiliated: the entity it supports
    location: str | None = None
    common: tuple[bool, ...] = ()  # per form: made only of words many schools use
    website: str | None = None
    depth: int = 0  # 0 district, 1 school, 2 team/program under a school
    inside: tuple[
        str, ...
    ] = ()  # not-district: the district's own names that contain one of its names


@dataclass(slots=True)
class RegisteredHandle:
    row: RegistryRow
    skeleton: str
    words: frozenset[str]
    name: str
