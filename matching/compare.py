"""Step 3, compare: score the blocked entities against one account's names.

The best entity is what the comparison levels (:mod:`matching.compare_levels`) and the
registry checks (:mod:`matching.compare_registry`) are about. rapidfuzz scorers are always
called with an explicit ``processor``: the text is already normalised (step 1), so
``processor=None``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from matching.block import BlockIndex
from matching.features import Features
from matching.reference import Reference
from matching.settings import MatchSettings
from matching.types import Record

NameScorer = Callable[..., float]


@lru_cache(maxsize=8)
def name_scorer(s: MatchSettings) -> NameScorer:
    """Similarity of two folded names: mostly token set (extra words cost little), some token sort.

    The scorer has rapidfuzz's signature, so it works in ``process.extractOne`` and ``cdist``."""
    set_share, sort_share = s.name_token_set_share, s.name_token_sort_share

    def name_score(
        a: str, b: str, *, processor: object = None, score_cutoff: float | None = None
    ) -> float:
        return set_share * fuzz.token_set_ratio(
            a, b, processor=None
        ) + sort_share * fuzz.token_sort_ratio(a, b, processor=None)

    return name_score


name_score = name_scorer(MatchSettings())
"""The name score with the default shares (benchmarks compare brute force with it)."""


@dataclass(slots=True)
class EntityMatch:
    record: Record
    score: float  # 0-100
    field: str  # display name | handle | search title
    form: str  # the entity name as written that matched
    shared: int  # words in common (a tie-breaker: the more specific entity wins)


def _scores(text: str, choices: list[str], s: MatchSettings) -> list[float]:
    """The name score of ``text`` against every choice, with rapidfuzz's native loops (no Python per pair)."""
    n = len(choices)
    ts = [0.0] * n
    so = [0.0] * n
    for _c, sc, i in process.extract(
        text, choices, scorer=fuzz.token_set_ratio, processor=None, limit=None
    ):
        ts[i] = sc
    for _c, sc, i in process.extract(
        text, choices, scorer=fuzz.token_sort_ratio, processor=None, limit=None
    ):
        so[i] = sc
    set_share, sort_share = s.name_token_set_share, s.name_token_sort_share
    return [set_share * a + sort_share * b for a, b in zip(ts, so, strict=True)]


def score_entities(f: Features, ref: Reference, ids: list[int]) -> list[EntityMatch]:
    """Best form of each blocked entity against the account's name, handle words and titles."""
    s = ref.settings
    texts: list[tuple[str, str, float]] = []
    if f.name:
        texts.append(("display name", " ".join(f.name), 1.0))
    if f.handle:
        texts.append(("handle", " ".join(f.handle), 1.0))
    texts += [("search title", " ".join(t), s.title_discount) for t in f.titles[: s.search_titles]]
    if not texts or not ids:
        return []
    recs = [ref.entities[rid] for rid in ids]
    forms: list[str] = []
    owner: list[int] = []
    for k, rec in enumerate(recs):
        forms.extend(rec.forms)
        owner.extend([k] * len(rec.forms))
    best: list[tuple[float, str, str]] = [(0.0, "", "")] * len(recs)
    for field_, text, factor in texts:
        for i, sc in enumerate(_scores(text, forms, s)):
            k = owner[i]
            if sc * factor > best[k][0]:
                best[k] = (sc * factor, field_, forms[i])
    if f.handle_compact:
        hforms: list[str] = []
        howner: list[int] = []
        for k, rec in enumerate(recs):
            hforms.extend(rec.handle_forms)
            howner.extend([k] * len(rec.handle_forms))
        for h, sc, i in process.extract(
            f.handle_compact, hforms, scorer=fuzz.ratio, processor=None, limit=None
        ):
            k = howner[i]
            if sc > best[k][0]:
                best[k] = (sc, "handle form", h)
    # the words a tie is broken on: not the district's places, which every entity of it may
    # carry ('Ochoa Jaguar Athletics | Sonoran Wells' is Ochoa's, not 'Sonoran Wells Athletics')
    words = (set(f.name) | set(f.handle) | {w for t in f.titles for w in t}) - ref.local_words
    out = []
    folded: dict[int, str] = {}
    for k, rec in enumerate(recs):
        sc, field_, form = best[k]
        original = rec.originals[rec.forms.index(form)] if form in rec.forms else form
        out.append(EntityMatch(rec, sc, field_, original, len(words & rec.tokens)))
        folded[id(out[-1])] = form
    out.sort(key=lambda m: (-round(m.score, 1), -m.shared, -m.record.depth))
    said = set(f.name) | set(f.handle)
    out = _prefer_whole(said, out, folded, s.team_margin, s.close_word)
    return _prefer_team(f, out, s.team_margin)


def _prefer_whole(
    said: set[str],
    ranked: list[EntityMatch],
    folded: dict[int, str],
    margin: float,
    close: float,
) -> list[EntityMatch]:
    """'SBPS Alerts' is not 'SBPS Activities' however alike the letters: when the best form
    has a word the account does not say (nor anything like it), a close second whose form the
    account says whole ('Sakakawea Buttes Public Schools') is the better answer."""
    if len(ranked) < 2 or not said:
        return ranked
    top = ranked[0]

    def missing(m: EntityMatch) -> list[str]:
        """The form's words the account says nothing like ('school' is said by 'schools')."""
        return [
            w
            for w in folded.get(id(m), "").split()
            if not any(w == v or fuzz.ratio(w, v, processor=None) >= close for v in said)
        ]

    if top.field == "handle form" or not missing(top):
        return ranked  # a handle's compact form ('shsmustangs') is no words to miss
    for m in ranked[1:]:
        if m.score < top.score - margin:
            break
        if m.field != "handle form" and folded.get(id(m)) and not missing(m):
            return [m, *[x for x in ranked if x is not m]]
    return ranked


BIO_FIELDS = ("bio", "search snippet")


def bio_entity(f: Features, ref: Reference, score: float) -> EntityMatch | None:
    """The entity a bio (or search snippet) names in full ('… 2nd grade at Aurora Elementary'), for an
    account whose own name names none: the most specific entity wins (a school before the district
    named after it: '4th grade at Washington Elementary, Cibolo Valley ISD'), then the longest
    name. It counts as a weak name match."""
    if not f.bio:
        return None
    assert ref.entity_index is not None
    bio = f" {' '.join(f.bio)} "
    found: list[tuple[int, int, Record, str]] = []
    for rid in ref.entity_index.query(dict.fromkeys(f.bio, 1.0)):
        rec = ref.entities[rid]
        for form, original in zip(rec.forms, rec.originals, strict=True):
            if len(form.split()) >= 2 and f" {form} " in bio:
                found.append((len(form.split()), rec.depth, rec, original))
    if not found:
        return None
    n, _depth, rec, original = max(found, key=lambda x: (x[1], x[0]))
    return EntityMatch(rec, score, f.bio_source, original, n)


def _prefer_team(f: Features, ranked: list[EntityMatch], margin: float) -> list[EntityMatch]:
    """'Sheyenne Football' names the school, but the school's football team is the better answer
    when the profile lists one: a close child entity whose activity the account names wins."""
    if len(ranked) < 2:
        return ranked
    top = ranked[0]
    for m in ranked[1:]:
        rec = m.record
        if (
            rec.parent == top.record.key
            and m.score >= top.score - margin
            and any(f.has_phrase(a, f.name_text) for a in rec.activities)
        ):
            return [m, *[x for x in ranked if x is not m]]
    return ranked


class EntityScorer:
    """The best entities of an account: blocked, then scored, with the answers cached."""

    def __init__(self, ref: Reference) -> None:
        self.ref = ref
        self._scored: dict[tuple[object, ...], list[EntityMatch]] = {}

    def ranked(self, f: Features, limit: int | None = None) -> list[EntityMatch]:
        """Blocked entities scored against the account, best first."""
        assert self.ref.entity_index is not None
        # The same name and handle recur (one club on several platforms, re-scans): cache the scores.
        key = (
            tuple(f.name),
            tuple(f.handle_raw),
            tuple(tuple(t) for t in f.titles[: self.ref.settings.search_titles]),
            f.handle_compact,
            limit,
        )
        hit = self._scored.get(key)
        if hit is None:
            ids = self.ref.entity_index.query(f.block_words(self.ref.settings), limit)
            hit = score_entities(f, self.ref, ids)
            if len(self._scored) >= 100_000:
                self._scored.clear()
            self._scored[key] = hit
        return list(hit)

    def best(self, f: Features) -> EntityMatch | None:
        """The best entity the account's names name, or else the one its bio names in full."""
        weak = self.ref.settings.name_weak
        matches = self.ranked(f)
        best = matches[0] if matches else None
        if best is None or best.score < weak:
            best = bio_entity(f, self.ref, weak) or best
        return best


def named_match(
    f: Features, records: list[Record], index: BlockIndex, threshold: float, s: MatchSettings
) -> tuple[Record, float] | None:
    """An affiliated organisation or a lookalike named by the account: every word of one of the
    record's names must be there, allowing a typo (a bare 'Mustang' is not 'Mustang Boosters')."""
    words = set(f.name) | set(f.handle) | {w for t in f.titles for w in t}
    if not words:
        return None
    score = name_scorer(s)
    texts = [" ".join(x) for x in (f.name, f.handle, *f.titles[: s.named_titles]) if x]
    best: tuple[Record, float] | None = None
    for rid in index.query(words, limit=s.named_max_records):
        rec = records[rid]
        own_texts, own_words = texts, words
        if rec.inside:
            own_texts = [mask(t, rec.inside) for t in texts]
            own_words = {w for t in own_texts for w in t.split()}
        for full in rec.forms:
            form = _without_org_words(full)
            if not all(w in own_words or close_word(w, own_words, s) for w in form.split()):
                continue
            for t in own_texts:
                sc = max(score(t, full), score(t, form))
                if sc >= threshold and (best is None or sc > best[1]):
                    best = (rec, sc)
        if rec.website and any(
            rec.website.split("/")[0] == h.removeprefix("www.") for h in f.hosts
        ):
            best = (rec, 100.0)
    return best


# What an organisation's name may leave out ('L-E After Prom' is the 'L-E After Prom Committee')
ORG_NAME_WORDS = frozenset(
    "committee association assn organization organisation council inc".split()
)


def _without_org_words(form: str) -> str:
    """``form`` without its trailing organisation words, when two words or more are left."""
    words = form.split()
    while len(words) > 2 and words[-1] in ORG_NAME_WORDS:
        words.pop()
    return " ".join(words)


def mask(text: str, phrases: tuple[str, ...]) -> str:
    """``text`` with every whole-word occurrence of ``phrases`` (longest first) replaced by '|'."""
    out = f" {text} "
    for ph in phrases:
        out = out.replace(f" {ph} ", " | ")
    return " ".join(w for w in out.split() if w != "|")


def close_word(w: str, words: set[str], s: MatchSettings) -> bool:
    if len(w) < s.close_word_min_length:
        return False
    hit = process.extractOne(w, words, scorer=fuzz.ratio, processor=None, score_cutoff=s.close_word)
    return hit is not None
