"""Step 2, block: pick the few reference records worth comparing with one account.

An inverted index from words (and short forms) to records, weighted by how
rare each word is (inverse document frequency). Words shared by more than
``block_max_postings`` records are too common to block on. A word the index
does not know (a typo such as ``sheyene``) is looked up through a character
trigram index over the vocabulary, so blocking costs a few dictionary look-ups
per word whether the profile has 40 entities or 100,000.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
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
            if len(t) >= 4 and not t.isdigit():
                for g in trigrams(t):
                    tri[g].append(t)
        cap = settings.block_trigram_cap
        # A trigram in very many words (e.g. '#st') points nowhere in particular: drop it.
        self.trigram_words = {g: ws for g, ws in tri.items() if len(ws) <= cap}
        self.fuzzy = lru_cache(maxsize=100_000)(self._fuzzy)

    def _fuzzy(self, word: str) -> tuple[tuple[str, float], ...]:
        """Known words close to an unknown one (trigram candidates, checked with rapidfuzz)."""
        if len(word) < 4 or word.isdigit():
            return ()
        counts: Counter[str] = Counter()
        for g in trigrams(word):
            for w in self.trigram_words.get(g, ()):
                counts[w] += 1
        out = []
        for w, _shared in counts.most_common(8):
            score = fuzz.ratio(word, w, processor=None)
            if score >= self.settings.block_fuzzy_token:
                out.append((w, score / 100.0))
        return tuple(out)

    def expand_words(self, words: Iterable[str]) -> dict[str, float]:
        """Each query word -> itself if indexed, else its close known words, with a similarity factor."""
        out: dict[str, float] = {}
        for w in words:
            if w in self.postings:
                out[w] = max(out.get(w, 0.0), 1.0)
            else:
                for k, sim in self.fuzzy(w):
                    out[k] = max(out.get(k, 0.0), sim)
        return out

    def query(self, words: Iterable[str], limit: int | None = None) -> list[int]:
        """Record ids sharing a rare word with the query, best first (sum of IDF of shared words)."""
        limit = limit or self.settings.block_max_entities
        cap = self.settings.block_max_postings
        scores: dict[int, float] = defaultdict(float)
        skipped: list[str] = []
        for w, sim in self.expand_words(words).items():
            ids = self.postings[w]
            if len(ids) > cap:
                skipped.append(w)
                continue
            weight = self.idf[w] * sim
            for rid in ids:
                scores[rid] += weight
        if not scores and skipped:
            # Only common words: compare with the records of the rarest one, truncated.
            w = min(skipped, key=lambda x: len(self.postings[x]))
            return self.postings[w][:limit]
        if len(scores) <= limit:
            return sorted(scores, key=lambda r: -scores[r])
        import heapq

        return heapq.nlargest(limit, scores, key=scores.__getitem__)
