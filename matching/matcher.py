"""The matcher: built once per district profile and registry (the reference is folded and
indexed then), it runs the four steps (normalise, block, compare, decide) on any number of
candidate accounts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from crawler.district.profile import DistrictProfile
from crawler.district.registry import RegistryRow
from matching.compare import EntityMatch, EntityScorer
from matching.compare_levels import (
    ClassroomComparison,
    DistrictEvidence,
    MascotActivityComparison,
    NameComparison,
    OtherSchoolComparison,
    PlaceComparison,
    UnexplainedWords,
)
from matching.compare_registry import RegistryComparison
from matching.decide import Evidence, assess, assess_scan
from matching.features import Features, build_features
from matching.reference import Reference
from matching.settings import MatchSettings
from matching.types import Candidate, Result


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
        self.scorer = EntityScorer(self.ref)
        self.comparisons = [
            cls(self.ref, self.settings)
            for cls in (
                NameComparison,
                MascotActivityComparison,
                UnexplainedWords,
                ClassroomComparison,
                PlaceComparison,
                OtherSchoolComparison,
                DistrictEvidence,
            )
        ]

    def features(self, c: Candidate) -> Features:
        """Step 1 for one account (step 2 runs on its block words)."""
        return build_features(c, self.ref)

    def best_entities(self, f: Features, limit: int | None = None) -> list[EntityMatch]:
        """Blocked entities scored against the account, best first."""
        return self.scorer.ranked(f, limit)

    def evidence(self, c: Candidate) -> Evidence:
        """Steps 1-3: the account's features and its best entity; levels are computed on demand."""
        f = self.features(c)
        return Evidence(
            f, self.settings, self.ref, self.scorer.best(f), self.registry, self.comparisons
        )

    def assess(self, c: Candidate) -> Result:
        """All four steps: the result of the first rule of the cascade that settles the account."""
        return assess(self.evidence(c))

    def assess_many(self, cs: Iterable[Candidate]) -> list[Result]:
        """The accounts of one scan, assessed together (:func:`matching.decide.assess_scan`)."""
        return assess_scan([self.evidence(c) for c in cs])
