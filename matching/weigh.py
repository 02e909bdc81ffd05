"""Step 4, decide: the results of the decision cascade (:mod:`matching.decide`) that do not
depend on how the evidence was gathered: a registered account, a common school name settled
by local evidence, and the weighing of every level that fired into a confidence (Splink style:
log-odds added to ``prior`` and turned into a probability).
"""

from __future__ import annotations

import math

from crawler.district.registry import RegistryRow, Status
from crawler.vocab import CaseKind, Classification
from matching.compare import EntityMatch
from matching.compare_levels import DISTRICT_SITE
from matching.compare_registry import THREADS_FROM_INSTAGRAM
from matching.settings import MatchSettings
from matching.types import Level, Result

# Evidence that places an account in the district: it settles a common school name.
LOCAL_EVIDENCE = (
    DISTRICT_SITE,
    "domain_link",
    "district_name",
    "town",
    "registered_elsewhere",
    "matched_elsewhere",  # its handle, on another platform, is an account placed in the district
)
# Evidence that ties the account to the district itself, whatever its name says.
LINKED = frozenset({DISTRICT_SITE, "domain_link"})
# Levels that keep an account from being a case, whatever the sum: at most review.
NEVER_A_CASE = frozenset(
    {
        "place_only",
        "disclaimer",
        "student_class",
        "fan_base",
        "maybe_registered",
        "common_name",
        "no_school_words",
        "personal_name",
        "player_profile",
        "coop_partner",
        "team_camp",
        "student_section",
        "joint_account",
        "graduate",
    }
)


def logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def registered(
    row: RegistryRow, level: Level, live: bool, score: float, s: MatchSettings
) -> Result:
    levels = [level]
    kind = None
    if row.status == Status.DEACTIVATED:
        if live:
            kind = CaseKind.DEACTIVATION_INCOMPLETE
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
        Classification.REGISTERED,
        row.entity,
        s.registered_confidence,
        tuple(levels),
        None,
        row.url,
        kind,
        score,
    )


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


def weigh(
    s: MatchSettings,
    best: EntityMatch | None,
    levels: list[Level],
    entity_hint: str | None,
) -> Result:
    """Score the evidence of an account that is not registered and names no lookalike."""
    # a common name settled by evidence the decision added last (a registered handle elsewhere)
    levels = satisfy_common_name(levels, [])
    total = s.prior + sum(lv.weight for lv in levels)
    p = logistic(total)
    codes = {lv.code for lv in levels}
    # a registered handle on another platform ties it, unless it says it is somewhere else
    # (another state's 'whitlock_patriots' on TikTok beside the registered Instagram); a
    # Threads profile made from the registered Instagram account is that account's holder
    same_holder = "registered_elsewhere" in codes and (
        "other_place" not in codes or any(THREADS_FROM_INSTAGRAM in lv.label for lv in levels)
    )
    strong_link = bool(codes & LINKED) or same_holder
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
        return Result(Classification.UNRELATED, None, round(1 - p, 3), expl, entity_score=score)
    named = entity is not None and ((best is not None and best.score >= s.name_weak) or strong_link)
    # The district's places alone never open a case, nor an account that disowns the district:
    # at most a person looks at it.
    # another school's mascot ('Mesa Ridge High School Broncos' beside the Coyotes): another
    # school of the name, unless the district's site or a registered handle ties it
    other_school = bool(codes & {"mascot_conflict", "other_school"}) and not strong_link
    if p >= s.case_threshold and named and not codes & NEVER_A_CASE and not other_school:
        return Result(
            Classification.UNREGISTERED,
            entity,
            round(p, 3),
            expl,
            case_kind=CaseKind.UNREGISTERED,
            entity_score=score,
        )
    if p >= s.review_threshold and (named or entity is not None):
        return Result(Classification.REVIEW, entity, round(p, 3), expl, entity_score=score)
    return Result(Classification.UNRELATED, None, round(1 - p, 3), expl, entity_score=score)
