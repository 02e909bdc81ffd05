"""Matching: normalise -> block -> compare -> decide (see DESIGN.md and STYLE.md).

:class:`Matcher` is built once per district profile and registry (the reference
is folded and indexed then) and assesses any number of candidate accounts.
Every :class:`~matching.types.Result` carries the comparison levels that fired,
each with a human label.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from crawler.district.profile import DistrictProfile
from crawler.district.registry import RegistryRow
from crawler.vocab import CaseKind, Classification
from matching.compare import (
    DistrictEvidence,
    EntityMatch,
    MascotActivityComparison,
    NameComparison,
    PlaceComparison,
    RegistryComparison,
    UnexplainedWords,
    bio_entity,
    named_match,
    score_entities,
)
from matching.decide import (
    affiliated_result,
    affiliated_words,
    community_word,
    decide,
    fan_levels,
    registered,
    satisfy_common_name,
)
from matching.features import Features, build_features
from matching.reference import Reference
from matching.settings import MatchSettings
from matching.types import Candidate, Level, Result, Sighting

__all__ = ["Candidate", "Level", "MatchSettings", "Matcher", "Result", "Sighting"]


class Matcher:
    """Assesses candidate accounts against one district profile and its registry."""

    def __init__(
        self,
        profile: DistrictProfile,
        registry: Sequence[RegistryRow],
        settings: MatchSettings | None = None,
    ) -> None:
        self.settings = settings or MatchSettings()
        self.ref = Reference.build(profile, registry, self.settings)
        self.registry = RegistryComparison(self.ref, self.settings)
        self._scored: dict[tuple[object, ...], list[EntityMatch]] = {}
        self.comparisons = [
            cls(self.ref, self.settings)
            for cls in (
                NameComparison,
                MascotActivityComparison,
                UnexplainedWords,
                PlaceComparison,
                DistrictEvidence,
            )
        ]

    # ------------------------------------------------------------------ steps 1-3

    def features(self, c: Candidate) -> Features:
        return build_features(c, self.ref)

    def best_entities(self, f: Features, limit: int | None = None) -> list[EntityMatch]:
        """Blocked entities scored against the account, best first."""
        assert self.ref.entity_index is not None
        # The same name and handle recur (one club on several platforms, re-scans): cache the scores.
        key = (
            tuple(f.name),
            tuple(f.handle_raw),
            tuple(tuple(t) for t in f.titles[:3]),
            f.handle_compact,
            limit,
        )
        hit = self._scored.get(key)
        if hit is None:
            ids = self.ref.entity_index.query(f.block_words, limit)
            hit = score_entities(f, self.ref, ids)
            if len(self._scored) >= 100_000:
                self._scored.clear()
            self._scored[key] = hit
        return list(hit)

    # ------------------------------------------------------------------ step 4

    def assess(self, c: Candidate) -> Result:
        s, ref = self.settings, self.ref
        f = self.features(c)
        matches = self.best_entities(f)
        best = matches[0] if matches else None
        if best is None or best.score < s.name_weak:
            best = bio_entity(f, ref, s.name_weak) or best
        score = best.score / 100.0 if best else 0.0
        hit = self.registry.exact(f)
        if hit is not None:
            level, row = hit
            return registered(row, level, c.live, score)  # type: ignore[arg-type]
        fan, official = fan_levels(f)
        if fan is not None and not official:
            return Result(Classification.UNRELATED.value, None, 0.9, (fan,), entity_score=score)
        levels = self._levels(f, best)
        copy = self.registry.impersonation(f)
        if copy is not None and copy[0].code == "impersonation_name" and self._elsewhere(levels):
            copy = None  # the same school name in another town is a namesake, not a copy
        if copy is not None:
            level, rh = copy
            levels = [level] + ([fan] if fan else [])
            return Result(
                Classification.IMPERSONATION.value,
                rh.row.entity,
                0.95,
                tuple(levels),
                imitates=rh.row.url,
                case_kind=CaseKind.IMPERSONATION.value,
                entity_score=score,
            )
        assert ref.not_district_index is not None and ref.affiliated_index is not None
        nd = named_match(f, ref.not_district, ref.not_district_index, s.not_district_name)
        if nd is not None and (best is None or nd[1] > best.score):
            rec, sc = nd
            where = f" ({rec.location})" if rec.location else ""
            lv = Level(
                "not_district", f"names '{rec.label}'{where}: not the district ({sc:.0f})", 0.0
            )
            return Result(Classification.UNRELATED.value, None, 0.95, (lv,), entity_score=score)
        org = named_match(f, ref.affiliated, ref.affiliated_index, s.affiliated_name)
        if org is not None and best is not None and best.score > org[1]:
            org = None  # 'West Fargo Packers Hockey' is the team, not the 'West Fargo Hockey' association
        word = affiliated_words(f)
        if org is not None or (word is not None and self._about_district(best, levels)):
            return affiliated_result(f, s, ref, org[0] if org else None, word, best, levels)
        if word is not None:
            levels.append(
                Level(
                    "affiliated_words",
                    f"'{word[0]}': words of a {word[1].replace('_', ' ')}, "
                    "but of none of the district's schools",
                    0.0,
                )
            )
        community = community_word(f)
        if community and not self._linked(levels):
            lv = Level("community", f"'{community}': a community group, not the schools", -3.0)
            levels.append(lv)
        elsewhere = self.registry.same_handle_elsewhere(f)
        hint = None
        if elsewhere is not None:
            levels.append(elsewhere)
            hint = ref.handle_owner[f.handle_skeleton].entity
        for sg in c.sightings:
            if sg.source == "district_site":
                hint = ref.website_entity(sg.source_url) or hint
        if fan is not None:
            levels.append(fan)
        if official:
            levels.append(Level("official_claim", "claims to be official", s.w_official_claim))
        return decide(f, s, best, levels, hint)

    def assess_many(self, cs: Iterable[Candidate]) -> list[Result]:
        return [self.assess(c) for c in cs]

    # ------------------------------------------------------------------ helpers

    def _levels(self, f: Features, best: EntityMatch | None) -> list[Level]:
        out: list[Level] = []
        for comp in self.comparisons:
            out.extend(comp.levels(f, best))
        # A town that is a word of the common name itself ('Horace' of 'Horace Elementary') settles nothing.
        form = set(self.ref.tokens(best.form)) if best is not None else set()
        towns = [t for t in self.ref.places_in(f.text) if not set(t.split()) <= form]
        return satisfy_common_name(out, towns)

    def _about_district(self, best: EntityMatch | None, levels: list[Level]) -> bool:
        """Words of an affiliated organisation make it the district's only with one of its
        schools (or the district) named, and nothing contradicting it: 'Horace Mustangs Alumni'
        is about a Mustangs school in Horace, not the district's Horace Hawks."""
        codes = {lv.code for lv in levels}
        if codes & {"mascot_conflict", "other_place"}:
            return False
        return (best is not None and best.score >= self.settings.name_weak) or bool(
            codes & {"domain_link", "district_site"}
        )

    @staticmethod
    def _elsewhere(levels: list[Level]) -> bool:
        codes = {lv.code for lv in levels}
        return bool(codes & {"other_place", "mascot_conflict"}) and not codes & {
            "district_site",
            "domain_link",
        }

    @staticmethod
    def _linked(levels: list[Level]) -> bool:
        return any(lv.code in ("district_site", "domain_link") for lv in levels)
