"""Step 2, block: pick the few reference records worth comparing with one account.

An inverted index from words (and short forms) to records, weighted by how
rare each word is (inverse document frequency). Words shared by more than
``block_max_postings`` records are too common to block on. A word the index
does not know (a typo such as ``sheyene``) is looked up through a character
trigram index over the vocabulary, so blocking costs a few dictionary look-ups
per word whether the profile has 40 entities or 100,000.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

from rapidfuzz import fuzz

from matching.settings import MatchSettings


def trigrams(word: str) -> set[str]:
    w = f"#{word}#"
    return {w[i : i + 3] for i in range(len(w) - 2)}


class BlockIndex:
    """Words -> record ids, with IDF weights and a trigram index for unknown words."""

    def __init__(self, records: Sequence[Iterable[str]], settings: MatchSettings) -> None:
        self.settings = settings
        postings: dict[str, list[int]] = defaultdict(list)
        for rid, toks in enumerate(records):
            for t in set(toks):
                postings[t].append(rid)
        self.size = len(records)
        self.postings = dict(postings)
        n = max(self.size, 1)
        self.idf = {t: math.log(1 + n / len(ids)) for t, ids in self.postings.items()}
        tri: dict[str, list[str]] = defaultdict(list)
        for t in self.postings:
            if len(t) >= settings.block_fuzzy_min_length and not t.isdigit():
                for g in trigrams(t):
                    tri[g].append(t)
        cap = settings.block_trigram_cap
        # A trigram in very many words (e.g. '#st') points nowhere in particular: drop it.
        self.trigram_words = {g: ws for g, ws in tri.items() if len(ws) <= cap}
        self.fuzzy = lru_cache(maxsize=100_000)(self._fuzzy)
        self._member_sets: dict[str, frozenset[int]] = {}
        # Accounts repeat names (the same club on five platforms): blocking answers are cached.
        self._cache: dict[tuple[tuple[tuple[str, float], ...], int], tuple[int, ...]] = {}

    def _members(self, word: str) -> frozenset[int]:
        hit = self._member_sets.get(word)
        if hit is None:
            hit = self._member_sets[word] = frozenset(self.postings[word])
        return hit

    def _fuzzy(self, word: str) -> tuple[tuple[str, float], ...]:
        """Known words close to an unknown one (trigram candidates, checked with rapidfuzz)."""
        if len(word) < self.settings.block_fuzzy_min_length or word.isdigit():
            return ()
        counts: Counter[str] = Counter()
        for g in trigrams(word):
            for w in self.trigram_words.get(g, ()):
                counts[w] += 1
        out = []
        for w, _shared in counts.most_common(self.settings.block_fuzzy_candidates):
            score = fuzz.ratio(word, w, processor=None)
            if score >= self.settings.block_fuzzy_token:
                out.append((w, score / 100.0))
        return tuple(out)

    def expand_words(self, words: Mapping[str, float] | Iterable[str]) -> dict[str, float]:
        """Each query word -> itself if indexed, else its close known words, with a similarity factor."""
        weights = words if isinstance(words, Mapping) else dict.fromkeys(words, 1.0)
        out: dict[str, float] = {}
        for w, wt in weights.items():
            if w in self.postings:
                out[w] = max(out.get(w, 0.0), wt)
            else:
                for k, sim in self.fuzzy(w):
                    out[k] = max(out.get(k, 0.0), sim * wt)
        return out

    def query(
        self, words: Mapping[str, float] | Iterable[str], limit: int | None = None
    ) -> list[int]:
        """Record ids sharing a rare word with the query, best first (sum of IDF of shared words).

        ``words`` may map each word to a weight (how much the account's own name vouches for it)."""
        limit = limit or self.settings.block_max_entities
        weights = words if isinstance(words, Mapping) else dict.fromkeys(words, 1.0)
        key = (tuple(sorted(weights.items())), limit)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._query(weights, limit)
            if len(self._cache) >= 200_000:
                self._cache.clear()
            self._cache[key] = hit
        return list(hit)

    def _query(self, words: Mapping[str, float], limit: int) -> tuple[int, ...]:
        cap = self.settings.block_max_postings
        scores: dict[int, float] = defaultdict(float)
        skipped: list[tuple[str, float]] = []
        for w, sim in self.expand_words(words).items():
            ids = self.postings[w]
            if len(ids) > cap:
                skipped.append((w, sim))
                continue
            weight = self.idf[w] * sim
            for rid in ids:
                scores[rid] += weight
        # Common words ('grove', 'high') do not find records, but rank the ones rare words found:
        # 'Maple Grove High School' must beat the other 'Maple…' schools.
        for w, sim in skipped:
            if not scores:
                break
            members = self._members(w)
            weight = self.idf[w] * sim
            for rid in scores:
                if rid in members:
                    scores[rid] += weight
        if not scores and skipped:
            # Only common words: compare with the records of the rarest one, truncated.
            w = min((x for x, _ in skipped), key=lambda x: len(self.postings[x]))
            return tuple(self.postings[w][:limit])
        if len(scores) <= limit:
            return tuple(sorted(scores, key=lambda r: -scores[r]))
        return tuple(heapq.nlargest(limit, scores, key=scores.__getitem__))
