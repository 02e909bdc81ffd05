"""Step 4, decide: turn the levels that fired into a classification (DESIGN.md).

Order, from the most certain to the least:
1. registered: same canonical URL, platform id or handle as a registry row
   (a deactivated row still live: case ``deactivation_incomplete``);
2. unrelated: a fan, parody or commentary account that does not also claim to be official;
3. impersonation: a near copy of a registered handle or name on the same platform;
4. unrelated: it names a not-district lookalike better than any entity;
5. affiliated: it names an affiliated organisation, or uses their words (booster, PTO…);
6. the weights of all other levels are added to ``prior`` and turned into a
   confidence: unregistered (a case), review, or unrelated.
"""

from __future__ import annotations

import math
import re

from crawler.district.registry import RegistryRow, Status
from crawler.vocab import CaseKind, Classification
from matching import lexicon
from matching.compare import EntityMatch, current_year
from matching.features import Features
from matching.reference import Record, Reference
from matching.settings import MatchSettings
from matching.types import Level, Result

_CLASS_OF = re.compile(r"\bclass of (\d{4})\b")


def logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def registered(row: RegistryRow, level: Level, live: bool, score: float) -> Result:
    levels = [level]
    kind = None
    if row.status == Status.DEACTIVATED:
        if live:
            kind = CaseKind.DEACTIVATION_INCOMPLETE.value
            levels.append(
                Level(
                    "deactivation_incomplete",
                    "the registry says deactivated, but the account is still live",
                    0.0,
                )
            )
        else:
            levels.append(Level("deactivated", "registered, marked deactivated", 0.0))
    elif row.status == Status.TRANSFERRED:
        levels.append(
            Level("transferred", "registered, transferred to a successor administrator", 0.0)
        )
    return Result(
        Classification.REGISTERED.value, row.entity, 1.0, tuple(levels), None, row.url, kind, score
    )


def fan_levels(f: Features) -> tuple[Level | None, bool]:
    """A fan/parody/commentary account, and whether it also claims to be official."""
    name_words = set(f.name_text.split())
    bio = " ".join(f.bio)
    fan = sorted(name_words & lexicon.FAN_WORDS)
    phrase = next(
        (
            p
            for p in (
                "fan page",
                "fan account",
                "parody",
                "commentary",
                "satire",
                "student section",
                "fan run",
                "fan club",
            )
            if f.has_phrase(p, bio) or f.has_phrase(p, f.name_text)
        ),
        None,
    )
    not_official = any(p in f"{bio} {f.name_text}" for p in lexicon.NOT_OFFICIAL_PHRASES)
    official = (
        bool(name_words & lexicon.OFFICIAL_WORDS or set(f.bio) & lexicon.OFFICIAL_WORDS)
        and not not_official
    )
    if fan or phrase:
        return Level("fan", f"says it is a {(fan[0] if fan else phrase)} account", 0.0), official
    return None, official


def affiliated_words(f: Features) -> tuple[str, str] | None:
    """Words of a separate organisation in the name or handle (or a clear phrase in the bio)."""
    for w in f.name_text.split():
        if w in lexicon.AFFILIATED_WORDS:
            return w, lexicon.AFFILIATED_WORDS[w]
    bio = " ".join(f.bio)
    for phrase, kind in lexicon.AFFILIATED_PHRASES.items():
        if phrase == "class of":
            continue
        if f.has_phrase(phrase, f.name_text) or f.has_phrase(phrase, bio):
            return phrase, kind
    m = _CLASS_OF.search(f.name_text) or _CLASS_OF.search(bio)
    if m and int(m.group(1)) < current_year():
        return f"class of {m.group(1)}", "alumni"
    return None


def community_word(f: Features) -> str | None:
    return next((w for w in f.name_text.split() if w in lexicon.COMMUNITY_WORDS), None)


# Evidence that places an account in the district: it settles a common school name.
LOCAL_EVIDENCE = ("district_site", "domain_link", "district_name", "town", "registered_elsewhere")


def satisfy_common_name(levels: list[Level], towns: list[str]) -> list[Level]:
    """'Early Childhood Center' is many schools' name, but not with the district's town, name, domain
    or site beside it: then the common-name penalty is replaced by a note of what settled it.

    ``towns`` are the district's towns the account names anywhere, even inside the entity's own
    name ('West Fargo Early Childhood Center'): there the town adds no weight, but it still says
    which Early Childhood Center."""
    common = next((lv for lv in levels if lv.code == "common_name"), None)
    if common is None:
        return levels
    local = next((lv.label for lv in levels if lv.code in LOCAL_EVIDENCE), None)
    if local is None and towns:
        local = f"mentions {towns[0].title()}"
    if local is None:
        return levels
    note = Level(
        "common_name_local", common.label.replace("needs local evidence", f"local: {local}"), 0.0
    )
    return [note if lv is common else lv for lv in levels]


def decide(
    f: Features,
    s: MatchSettings,
    best: EntityMatch | None,
    levels: list[Level],
    entity_hint: str | None,
) -> Result:
    """Score the evidence of an account that is not registered and names no lookalike."""
    total = s.prior + sum(lv.weight for lv in levels)
    p = logistic(total)
    codes = {lv.code for lv in levels}
    strong_link = bool(codes & {"district_site", "domain_link", "registered_elsewhere"})
    entity = best.record.key if best and best.score >= s.name_weak else None
    # The district page that links the account says which school it is, unless the name is surer.
    if entity_hint and (
        entity is None or best is None or best.score < s.name_strong or best.record.depth == 0
    ):
        entity = entity_hint
    score = (best.score / 100.0) if best else 0.0
    if not levels:
        near = f" (closest: '{best.record.label}', {best.score:.0f})" if best else ""
        levels = [Level("no_match", f"names no school, team or program of the district{near}", 0.0)]
    expl = tuple(levels)
    if "other_place" in codes and not strong_link:
        return Result(
            Classification.UNRELATED.value, None, round(1 - p, 3), expl, entity_score=score
        )
    named = entity is not None and ((best is not None and best.score >= s.name_weak) or strong_link)
    if p >= s.case_threshold and named:
        return Result(
            Classification.UNREGISTERED.value,
            entity,
            round(p, 3),
            expl,
            case_kind=CaseKind.UNREGISTERED.value,
            entity_score=score,
        )
    if p >= s.review_threshold and (named or entity is not None):
        return Result(Classification.REVIEW.value, entity, round(p, 3), expl, entity_score=score)
    return Result(Classification.UNRELATED.value, None, round(1 - p, 3), expl, entity_score=score)


def affiliated_result(
    f: Features,
    s: MatchSettings,
    ref: Reference,
    org: Record | None,
    word: tuple[str, str] | None,
    best: EntityMatch | None,
    extra: list[Level],
) -> Result:
    levels: list[Level] = []
    entity = None
    if org is not None:
        # Reports list affiliated organisations by name: the organisation is the entity, and
        # the school it supports goes in the label.
        school = ref.by_key.get(org.entity or "")
        supports = f", supports {school.label}" if school is not None else ""
        levels.append(
            Level(
                "affiliated_org",
                f"names the affiliated organisation '{org.label}' ({org.kind}{supports})",
                0.0,
            )
        )
        entity = org.key
    if word is not None:
        levels.append(
            Level("affiliated_words", f"'{word[0]}': words of a {word[1].replace('_', ' ')}", 0.0)
        )
    if entity is None and best is not None and best.score >= s.name_weak:
        entity = best.record.key
    score = (best.score / 100.0) if best else 0.0
    conf = 0.95 if org is not None else 0.8
    return Result(
        Classification.AFFILIATED.value, entity, conf, tuple(levels + extra), entity_score=score
    )
