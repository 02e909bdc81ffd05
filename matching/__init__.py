"""Matching: normalise -> block -> compare -> decide (README, "Matching").

One module per step: :mod:`~matching.normalise`, :mod:`~matching.block`,
:mod:`~matching.compare` (with its levels in ``compare_levels``, ``compare_registry``,
``compare_words`` and ``namesake``) and :mod:`~matching.decide` (the ordered, labelled cascade
of rules, its results weighed in ``weigh``).
:class:`Matcher` is built once per district profile and registry and assesses any number
of candidate accounts. Every :class:`Result` carries the comparison levels that fired,
each with a human label, and the code of the rule that decided it.
"""

from __future__ import annotations

from matching.matcher import Matcher
from matching.settings import MatchSettings
from matching.types import Candidate, Level, Result, Sighting

__all__ = ["Candidate", "Level", "MatchSettings", "Matcher", "Result", "Sighting"]
