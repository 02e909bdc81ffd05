"""Every threshold and weight of matching, in one frozen settings object.

Read from the ``[matching]`` table of ``scout.toml`` with
:meth:`MatchSettings.from_mapping`; unknown keys are rejected, so a typo never
silently leaves a default in place. Weights are log-odds contributions: the
decision adds the weights of the levels that fired to ``prior`` and turns the
sum into a confidence with the logistic function (as Splink does with match
weights).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from crawler.errors import InputError


@dataclass(frozen=True, slots=True)
class MatchSettings:
    # --- blocking
    block_max_postings: int = 2000
    """A token shared by more entities than this is too common to block on (e.g. 'school')."""
    block_max_entities: int = 40
    """At most this many entities, ranked by shared rare tokens, are compared with one account."""
    block_fuzzy_token: float = 75.0
    """An unknown word is looked up through trigrams and kept when this similar to a known word."""
    block_trigram_cap: int = 400
    # --- compare: name and handle similarity (0-100)
    name_exact: float = 99.0
    name_strong: float = 90.0
    name_weak: float = 78.0
    handle_strong: float = 90.0
    affiliated_name: float = 90.0
    not_district_name: float = 90.0
    impersonation_name: float = 94.0
    impersonation_edits: int = 1
    """Edits (insert, delete, substitute, swap) between a handle and a registered one that still count as a copy."""
    impersonation_min_length: int = 5
    # --- decide: weights (log-odds)
    prior: float = -2.5
    w_name_exact: float = 3.5
    w_name_strong: float = 3.0
    w_name_weak: float = 1.5
    w_handle: float = 1.0
    w_common_name: float = -2.0
    w_mascot_sport_only: float = -1.5
    """A name made only of a mascot and a sport ('Mustangs Hoops'): the name counts as weak, and this is added."""
    w_unexplained: float = -1.0
    w_mascot: float = 1.0
    w_bio_names: float = 2.0
    w_activity: float = 0.5
    w_town: float = 1.5
    w_state: float = 0.5
    w_district_name: float = 1.5
    w_domain_link: float = 3.0
    w_district_site: float = 4.0
    w_registered_handle: float = 2.0
    w_official_claim: float = 0.5
    w_mascot_conflict: float = -2.5
    w_level_conflict: float = -2.0
    w_other_place: float = -5.0
    # --- decide: thresholds on the confidence (0-1)
    case_threshold: float = 0.8
    review_threshold: float = 0.35

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> MatchSettings:
        """Settings from a config table; unknown keys and wrong types raise :class:`InputError`."""
        if not data:
            return cls()
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            where = f"matching.{key}"
            if key not in known:
                import difflib

                close = difflib.get_close_matches(str(key), list(known), n=1, cutoff=0.7)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise InputError(f"unknown matching setting '{key}'{hint}", field=where)
            default = known[key].default
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InputError(f"{where} must be a number, not {value!r}", field=where)
            if isinstance(default, int):
                if not isinstance(value, int) or value < 0:
                    raise InputError(
                        f"{where} must be a whole number ≥ 0, not {value!r}", field=where
                    )
                values[key] = int(value)
            else:
                values[key] = float(value)
        settings = cls(**values)
        settings._check()
        return settings

    def _check(self) -> None:
        for name in ("case_threshold", "review_threshold"):
            v = getattr(self, name)
            if not 0.0 <= v <= 1.0:
                raise InputError(
                    f"matching.{name} must be between 0 and 1, not {v}", field=f"matching.{name}"
                )
        if self.review_threshold > self.case_threshold:
            raise InputError(
                "matching.review_threshold must not be above matching.case_threshold",
                field="matching.review_threshold",
            )
        for name in (
            "name_exact",
            "name_strong",
            "name_weak",
            "handle_strong",
            "affiliated_name",
            "not_district_name",
            "impersonation_name",
            "block_fuzzy_token",
        ):
            v = getattr(self, name)
            if not 0.0 <= v <= 100.0:
                raise InputError(
                    f"matching.{name} must be between 0 and 100, not {v}", field=f"matching.{name}"
                )
