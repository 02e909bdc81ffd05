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
    """A trigram found in more known words than this points nowhere in particular: dropped."""
    block_fuzzy_candidates: int = 24
    """Known words sharing the most trigrams with an unknown word that are checked with rapidfuzz."""
    block_fuzzy_min_length: int = 4
    """Shorter words are not looked up through trigrams (nor indexed for it): too many look alike."""
    block_handle_min_length: int = 3
    """Shorter pieces of a handle (that are not numbers) are not blocked on: initials of anything."""
    block_handle_weight: float = 0.6
    """Blocking weight of a word of the handle (a split guess); the display name and titles weigh 1."""
    block_bio_weight: float = 0.5
    """Blocking weight of a word of the bio, used only when the name, handle and titles give none."""
    # --- compare: name and handle similarity (0-100)
    name_token_set_share: float = 0.8
    """Share of rapidfuzz's token set ratio in a name score (extra words cost little)."""
    name_token_sort_share: float = 0.2
    """Share of rapidfuzz's token sort ratio in a name score (word order and extra words count)."""
    title_discount: float = 0.97
    """A search-result title is multiplied by this: it names the account less surely than its own name."""
    team_margin: float = 6.0
    """A team of the best school wins when within this many points and its activity is named."""
    close_word: float = 85.0
    """A word of an affiliated or lookalike name counts as present when this similar to one said."""
    close_word_min_length: int = 5
    """Shorter words must be said exactly to count (a typo in a short word is another word)."""
    search_titles: int = 3
    """At most this many search-result titles of an account are compared with the entities."""
    named_titles: int = 2
    """At most this many titles are searched for an affiliated organisation's or lookalike's name."""
    named_max_records: int = 20
    """At most this many affiliated organisations or lookalikes are compared with one account."""
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
    """Added once per unexplained word, for at most ``unexplained_max_words`` words."""
    unexplained_max_words: int = 2
    unexplained_min_length: int = 3
    """Shorter words of a name or handle are never counted as unexplained."""
    w_mascot: float = 1.0
    w_bio_names: float = 2.0
    w_activity: float = 0.5
    w_activity_named: float = 2.0
    """An activity of the school in the name, and the bio names the school in full."""
    w_town: float = 1.5
    w_state: float = 0.5
    w_district_name: float = 1.5
    w_domain_link: float = 3.0
    w_district_site: float = 4.0
    w_registered_handle: float = 2.0
    w_official_claim: float = 0.5
    w_classroom: float = 2.5
    """A classroom's or teacher's account ('class', 'grade', 'Mr.', 'Ms.') of a school it names:
    policy ABDB-AP makes classroom accounts district accounts."""
    w_mascot_conflict: float = -2.5
    w_level_conflict: float = -2.0
    w_other_place: float = -5.0
    w_community: float = -3.0
    """A community group's words ('community', 'parents'…) without a link from the district."""
    w_place_only: float = -2.0
    """It names an entity only through the district's city, region or state (and generic or sport
    words): no distinctive word, mascot or level of the entity, no district name or link. Such an
    account is never a case (at most ``review``) whatever the sum."""
    w_disclaimer: float = -1.0
    """It disowns the district or its schools ('not run by', 'not affiliated with', 'not an
    official account of'). Such an account is never a case (at most ``review``) whatever the sum."""
    # --- decide: thresholds on the confidence (0-1)
    case_threshold: float = 0.8
    review_threshold: float = 0.35
    # --- decide: the confidence of the rules that settle an account before the weights are added
    registered_confidence: float = 1.0
    fan_confidence: float = 0.9
    """A fan, parody or commentary account that does not claim to be official: unrelated."""
    impersonation_confidence: float = 0.95
    union_confidence: float = 0.9
    """It says it is a union of the district's teachers or staff: unrelated."""
    not_district_confidence: float = 0.95
    """It names a not-district lookalike better than any entity: unrelated."""
    affiliated_org_confidence: float = 0.95
    """It names an affiliated organisation of the profile."""
    affiliated_words_confidence: float = 0.8
    """It uses the words of an affiliated organisation (booster, PTO…) about the district."""
    namesake_confidence: float = 0.85
    """Its name or bio describe another kind of organisation (a company, a youth club, a college,
    a pro team, a venue, the city) and nothing ties it to the district: unrelated."""
    namesake_same_handle_confidence: float = 0.5
    """The same, but it uses the handle of a registered account on another platform (the name
    they share): review, with this confidence that it is the district's."""

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
        for name in (
            "case_threshold",
            "review_threshold",
            "registered_confidence",
            "fan_confidence",
            "impersonation_confidence",
            "union_confidence",
            "not_district_confidence",
            "affiliated_org_confidence",
            "affiliated_words_confidence",
            "namesake_confidence",
            "namesake_same_handle_confidence",
            "block_handle_weight",
            "block_bio_weight",
            "name_token_set_share",
            "name_token_sort_share",
            "title_discount",
        ):
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
            "team_margin",
            "close_word",
        ):
            v = getattr(self, name)
            if not 0.0 <= v <= 100.0:
                raise InputError(
                    f"matching.{name} must be between 0 and 100, not {v}", field=f"matching.{name}"
                )
