"""Step 1, normalise: fold text to comparable words and split handles into words.

Case, accents, punctuation and emoji are folded away; short forms are expanded
(generic ones from :mod:`matching.lexicon`, the district's own from its
aliases); a handle such as ``sheyennemustangsvb`` is split with the district's
vocabulary into ``sheyenne mustangs vb`` and then expanded to
``sheyenne mustangs volleyball``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache

from matching import lexicon

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_DIGITS = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")


_LETTER_POSSESSIVE = re.compile(r"\b([A-Za-z])['\u2019]s\b")


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lower-case ASCII words separated by single spaces: accents, punctuation, emoji gone.

    ``&`` becomes ``and``; an apostrophe joins (``Mustang's`` -> ``mustangs``);
    camelCase and letter/digit boundaries split (``SheyenneHoops2025`` -> ``sheyenne hoops 2025``).
    """
    if not text:
        return ""
    t = unicodedata.normalize("NFKD", text)
    t = "".join(c for c in t if not unicodedata.combining(c))
    # a letter's possessive is the letter ('Coach P's account'), not 'ps' (P.S., public school)
    t = _LETTER_POSSESSIVE.sub(r"\1", t)
    t = t.replace("&", " and ").replace("'", "").replace("\u2019", "")
    t = _CAMEL.sub(" ", t)
    t = _NON_WORD.sub(" ", t.lower())
    t = _DIGITS.sub(" ", t)
    return " ".join(t.split())


def words(text: str) -> list[str]:
    return fold(text).split()


def expand(tokens: Iterable[str], abbreviations: Mapping[str, str]) -> list[str]:
    """Replace each short form by its expansion (one level: expansions are full words)."""
    out: list[str] = []
    for t in tokens:
        exp = abbreviations.get(t)
        out.extend(exp.split() if exp else (t,))
    return out


def compact(text: str) -> str:
    """The form a handle takes: folded words run together (``sheyenne mustangs`` -> ``sheyennemustangs``)."""
    return fold(text).replace(" ", "")


def initials(text: str) -> str:
    ws = [w for w in fold(text).split() if w not in ("of", "the", "and")]
    return "".join(w[0] for w in ws) if len(ws) > 1 else ""


def spanish_forms(form: str) -> list[str]:
    """The Spanish names of a folded English school name, its type's Spanish head first
    (:data:`lexicon.SPANISH_HEADS`): 'pine ridge elementary school' -> 'escuela primaria pine
    ridge', 'primaria pine ridge', ...; a county as 'del condado de': 'peach county school' ->
    'escuelas del condado de peach'. None for a name of no known type ('clark hornets')."""
    ws = form.split()
    hit = next(
        (
            (len(t), heads)
            for english, heads in lexicon.SPANISH_HEADS
            if len(ws) > len(t := english.split()) and ws[-len(t) :] == t
        ),
        None,
    )
    if hit is None:
        return []
    n, heads = hit
    core = [w for w in ws[:-n] if w != "the"]
    if not core:
        return []
    county = len(core) >= 2 and core[-1] == "county"
    out: list[str] = []
    for head in heads:
        if county:
            out.append(f"{head.removesuffix(' de')} del condado de {' '.join(core[:-1])}")
        else:
            out.append(f"{head} {' '.join(core)}")
    return out


# letters a team's handle puts before its activity: girls, boys, women's, men's (gsoccer, bbb)
QUALIFIER_LETTERS = frozenset("gbwm")


class Segmenter:
    """Splits a run-together handle into known words (dynamic programming over the string).

    The cost of a split is the number of words, plus a heavy cost per character
    no known word covers, so ``shsmustangsvb`` becomes ``shs mustangs vb`` and
    an unknown run (a typo, a person's name) stays one piece.
    """

    UNKNOWN_CHAR_COST = 2.0
    WORD_COST = 1.0
    ACRONYM_MAX = 4  # a known piece this short, then a stray letter: one unknown acronym

    def __init__(
        self, vocabulary: Iterable[str], max_word: int = 24, activities: Iterable[str] = ()
    ) -> None:
        self.vocab = frozenset(w for w in vocabulary if len(w) >= 2 or w.isdigit())
        # a girls'/boys'/women's/men's letter before one of these is the team's qualifier
        # ('elhs g soccer' of elhsgsoccer), not the end of an unknown acronym
        self.activities = frozenset(activities)
        self.max_word = max(max_word, max((len(w) for w in self.vocab), default=1))
        self._cache: dict[str, tuple[str, ...]] = {}

    def split(self, handle: str) -> list[str]:
        """Words of a handle: separators and letter/digit boundaries first, then the vocabulary."""
        out: list[str] = []
        for chunk in fold(handle).split():
            out.extend(self._split_chunk(chunk))
        return out

    def unknown(self, handle: str) -> list[str]:
        """The pieces of a handle that are not known words (typos, other places, names)."""
        return [w for w in self.split(handle) if w not in self.vocab and not w.isdigit()]

    def _split_chunk(self, s: str) -> tuple[str, ...]:
        hit = self._cache.get(s)
        if hit is not None:
            return hit
        if s in self.vocab or s.isdigit():
            res: tuple[str, ...] = (s,)
        else:
            res = self._dp(s)
        if len(self._cache) < 500_000:
            self._cache[s] = res
        return res

    def _dp(self, s: str) -> tuple[str, ...]:
        n = len(s)
        inf = float("inf")
        best = [inf] * (n + 1)
        back: list[tuple[int, bool]] = [(0, False)] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            if best[i] == inf:
                continue
            # a known word starting at i
            for j in range(i + 2, min(n, i + self.max_word) + 1):
                if s[i:j] in self.vocab:
                    c = best[i] + self.WORD_COST
                    if c < best[j]:
                        best[j], back[j] = c, (i, True)
            # one unknown character (merged with neighbouring unknown ones afterwards)
            c = best[i] + self.UNKNOWN_CHAR_COST
            if c < best[i + 1]:
                best[i + 1], back[i + 1] = c, (i, False)
        pieces: list[tuple[str, bool]] = []
        j = n
        while j > 0:
            i, known = back[j]
            pieces.append((s[i:j], known))
            j = i
        pieces.reverse()
        merged: list[str] = []
        prev_unknown = False
        prev_short = False
        for k, (piece, known) in enumerate(pieces):
            stray = not known and len(piece) == 1 and piece.isalpha()
            follows = pieces[k + 1] if k + 1 < len(pieces) else ("", False)
            if (
                stray
                and piece in QUALIFIER_LETTERS
                and follows[1]
                and follows[0] in self.activities
            ):
                merged.append(piece)  # a team's qualifier letter: a word of its own
                prev_unknown, prev_short = False, False
                continue
            if (not known and prev_unknown) or (stray and prev_short):
                # a stray letter right after a short known piece makes one unknown acronym
                # ('hcsu' of hcsuathletics is no 'hcs' and a 'u')
                merged[-1] += piece
                prev_unknown, prev_short = True, False
                continue
            merged.append(piece)
            prev_unknown = not known
            prev_short = known and len(piece) <= self.ACRONYM_MAX and piece.isalpha()
        return tuple(merged)


_DECOR = "|".join(lexicon.HANDLE_DECORATIONS)
_DECOR_START = re.compile(rf"^(?:{_DECOR})[._-]*")
_DECOR_END = re.compile(
    rf"[._-]*(?:{'|'.join((*lexicon.HANDLE_DECORATIONS, *lexicon.HANDLE_END_DECORATIONS))})$"
)
_HOMOGLYPHS = str.maketrans({"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "|": "l"})
_BLUESKY_SUFFIX = re.compile(r"\.bsky\.social$")


def skeleton(handle: str) -> str:
    """A handle with the usual disguises removed: case, separators, homoglyphs, doubled letters,
    and decorations such as ``official`` or ``real``. Copies share the skeleton of the original."""
    h = _BLUESKY_SUFFIX.sub("", handle.lower().lstrip("@"))
    for _ in range(2):
        h = _DECOR_START.sub("", h)
        h = _DECOR_END.sub("", h)
    h = h.replace("rn", "m").replace("vv", "w").translate(_HOMOGLYPHS)
    h = re.sub(r"[^a-z0-9]", "", h)
    return re.sub(r"(.)\1+", r"\1", h)


def bare_handle(handle: str) -> str:
    return _BLUESKY_SUFFIX.sub("", handle.lower().lstrip("@"))


def strip_official(text: str | None) -> str:
    return " ".join(
        w for w in fold(text or "").split() if w not in lexicon.OFFICIAL_WORDS and w != "the"
    )
