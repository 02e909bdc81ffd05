"""Candidate handles: how people spell a school's or team's account name (``shs_mustangs``)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from crawler.discovery.planning.text import core_name, fold, slug
from crawler.district.profile import DistrictProfile, Entity, EntityKind

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


def initials(text: str) -> str:
    """``West Fargo`` -> ``wf`` (only for names of two words or more)."""
    words = fold(text).split()
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


def entity_handles(
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
        core_name(parent.name, profile)
        if parent is not None and ent.kind != EntityKind.SCHOOL
        else core
    )
    prefixes = [
        p for p in dict.fromkeys([slug(base), initials(base), *(a.lower() for a in abbrs)]) if p
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
        return valid_handles(out)
    if m and m not in slug(core):
        out += [f"{p}{m}" for p in prefixes] + [f"{p}_{m}" for p in prefixes]
        if m.endswith("s"):
            out += [f"{p}{m[:-1]}" for p in prefixes]
    out += [slug(ent.name), slug(core), *(slug(a) for a in ent.aliases)]
    if ent.kind == EntityKind.SCHOOL and ent.level is not None:
        short = {"high": "hs", "middle": "ms", "elementary": "elem"}.get(ent.level)
        if short:
            out += [f"{slug(core)}{short}", f"{slug(core)}_{short}"]
    for act in ent.activities:
        for s in ACTIVITY_SHORT.get(act, (slug(act),))[:1]:
            out += [f"{p}{s}" for p in prefixes]
    return valid_handles(out)


def valid_handles(candidates: Iterable[str]) -> list[str]:
    """Valid-looking handles (3–30 characters), de-duplicated, in order."""
    out: list[str] = []
    for h in candidates:
        h = h.strip("._").lower()
        if 3 <= len(h) <= 30 and re.fullmatch(r"[a-z0-9][a-z0-9_.]*", h) and h not in out:
            out.append(h)
    return out
