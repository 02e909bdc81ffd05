"""Step 3, compare: each comparison is a small class whose levels run from exact to
loose; the level that fires carries a human label and a weight (Splink style).

rapidfuzz scorers are always called with an explicit ``processor``: the text is
already normalised (step 1), so ``processor=None``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from matching import lexicon
from matching.block import BlockIndex
from matching.features import Features
from matching.normalise import fold
from matching.reference import Record, Reference, RegisteredHandle, strip_official
from matching.settings import MatchSettings
from matching.types import Level


def name_score(
    a: str, b: str, *, processor: object = None, score_cutoff: float | None = None
) -> float:
    """Similarity of two folded names: mostly token set (extra words cost little), some token sort.

    Has rapidfuzz's scorer signature, so it works in ``process.extractOne`` and ``cdist``."""
    return 0.8 * fuzz.token_set_ratio(a, b, processor=None) + 0.2 * fuzz.token_sort_ratio(
        a, b, processor=None
    )


@dataclass(slots=True)
class EntityMatch:
    record: Record
    score: float  # 0-100
    field: str  # display name | handle | search title
    form: str  # the entity name as written that matched
    shared: int  # words in common (a tie-breaker: the more specific entity wins)


def _scores(text: str, choices: list[str]) -> list[float]:
    """name_score of ``text`` against every choice, with rapidfuzz's native loops (no Python per pair)."""
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
    return [0.8 * a + 0.2 * b for a, b in zip(ts, so, strict=True)]


def score_entities(f: Features, ref: Reference, ids: list[int]) -> list[EntityMatch]:
    """Best form of each blocked entity against the account's name, handle words and titles."""
    texts: list[tuple[str, str, float]] = []
    if f.name:
        texts.append(("display name", " ".join(f.name), 1.0))
    if f.handle:
        texts.append(("handle", " ".join(f.handle), 1.0))
    texts += [("search title", " ".join(t), 0.97) for t in f.titles[:3]]
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
        for i, sc in enumerate(_scores(text, forms)):
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
    words = set(f.name) | set(f.handle) | {w for t in f.titles for w in t}
    out = []
    for k, rec in enumerate(recs):
        sc, field_, form = best[k]
        original = rec.originals[rec.forms.index(form)] if form in rec.forms else form
        out.append(EntityMatch(rec, sc, field_, original, len(words & rec.tokens)))
    out.sort(key=lambda m: (-round(m.score, 1), -m.shared, -m.record.depth))
    return _prefer_team(f, out)


BIO_FIELDS = ("bio", "search snippet")


def bio_entity(f: Features, ref: Reference, score: float) -> EntityMatch | None:
    """The entity a bio (or search snippet) names in full ('… 2nd grade at Aurora Elementary'), for an
    account whose own name names none: the most specific name wins. It counts as a weak name match."""
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
    n, _depth, rec, original = max(found, key=lambda x: (x[0], x[1]))
    return EntityMatch(rec, score, f.bio_source, original, n)


def _prefer_team(f: Features, ranked: list[EntityMatch]) -> list[EntityMatch]:
    """'Sheyenne Football' names the school, but the school's football team is the better answer
    when the profile lists one: a close child entity whose activity the account names wins."""
    if len(ranked) < 2:
        return ranked
    top = ranked[0]
    for m in ranked[1:]:
        rec = m.record
        if (
            rec.parent == top.record.key
            and m.score >= top.score - 6
            and any(f.has_phrase(a, f.name_text) for a in rec.activities)
        ):
            return [m, *[x for x in ranked if x is not m]]
    return ranked


def named_match(
    f: Features, records: list[Record], index: BlockIndex, threshold: float
) -> tuple[Record, float] | None:
    """An affiliated organisation or a lookalike named by the account: every word of one of the
    record's names must be there, allowing a typo (a bare 'Mustang' is not 'Mustang Boosters')."""
    words = set(f.name) | set(f.handle) | {w for t in f.titles for w in t}
    if not words:
        return None
    texts = [" ".join(x) for x in (f.name, f.handle, *f.titles[:2]) if x]
    best: tuple[Record, float] | None = None
    for rid in index.query(words, limit=20):
        rec = records[rid]
        own_texts, own_words = texts, words
        if rec.inside:
            own_texts = [mask(t, rec.inside) for t in texts]
            own_words = {w for t in own_texts for w in t.split()}
        for form in rec.forms:
            if not all(w in own_words or _close_word(w, own_words) for w in form.split()):
                continue
            for t in own_texts:
                s = name_score(t, form)
                if s >= threshold and (best is None or s > best[1]):
                    best = (rec, s)
        if rec.website and any(
            rec.website.split("/")[0] == h.removeprefix("www.") for h in f.hosts
        ):
            best = (rec, 100.0)
    return best


def mask(text: str, phrases: tuple[str, ...]) -> str:
    """``text`` with every whole-word occurrence of ``phrases`` (longest first) replaced by '|'."""
    out = f" {text} "
    for ph in phrases:
        out = out.replace(f" {ph} ", " | ")
    return " ".join(w for w in out.split() if w != "|")


def _close_word(w: str, words: set[str]) -> bool:
    if len(w) < 5:
        return False
    hit = process.extractOne(w, words, scorer=fuzz.ratio, processor=None, score_cutoff=85)
    return hit is not None


# --------------------------------------------------------------------------- comparisons


class Comparison:
    """Base class: ``levels()`` returns the levels that fired for one account (often one, or none).

    Subclasses keep their thresholds in :class:`MatchSettings`, their words in
    :mod:`matching.lexicon` or the profile, and put the evidence in the label.
    """

    code = ""

    def __init__(self, ref: Reference, settings: MatchSettings) -> None:
        self.ref = ref
        self.s = settings

    def levels(
        self, f: Features, m: EntityMatch | None
    ) -> list[Level]:  # pragma: no cover - interface
        raise NotImplementedError


class NameComparison(Comparison):
    """Name (or handle, or search title) vs the entity's names and aliases: exact, strong, weak."""

    code = "name"

    def levels(self, f: Features, m: EntityMatch | None) -> list[Level]:
        if m is None or m.score < self.s.name_weak:
            return []
        s = self.s
        if m.field in BIO_FIELDS:
            return [
                Level("bio_names", f"{m.field} names '{m.form}'", s.w_bio_names),
                *self._common(m),
            ]
        what = "handle" if m.field in ("handle", "handle form") else m.field
        shown = f"@{f.candidate.handle}" if what == "handle" else what
        out = []
        # One word ('Sheyenne') is also a first name, a river, a street: weak evidence on its own.
        single = len(fold(m.form).split()) <= 1 and m.field != "handle form"
        rec = m.record
        parent = self.ref.by_key.get(rec.parent or "")
        acts = set(rec.activities) | (set(parent.activities) if parent else set())
        act = next((a for a in sorted(acts) if f.has_phrase(a, f.name_text)), None)
        if single and act and m.score >= s.name_strong:
            # 'Sheyenne Orchestra': one word of the school's name and one of its activities.
            out.append(
                Level(
                    "name_strong",
                    f"{shown} ≈ '{m.form}' + {act} (token set {m.score:.0f})",
                    s.w_name_strong,
                )
            )
        elif single and m.score >= s.name_weak:
            out.append(
                Level(
                    "name_weak",
                    f"{shown} ≈ '{m.form}' (one word, token set {m.score:.0f})",
                    s.w_name_weak,
                )
            )
        elif (generic := self._mascot_sport_only(f, rec)) is not None:
            out += [
                Level(
                    "name_weak", f"{shown} ~ '{m.form}' (token set {m.score:.0f})", s.w_name_weak
                ),
                generic,
            ]
        elif m.score >= s.name_exact:
            out.append(Level("name_exact", f"{shown} = '{m.form}'", s.w_name_exact))
        elif m.score >= s.name_strong:
            out.append(
                Level(
                    "name_strong",
                    f"{shown} ≈ '{m.form}' (token set {m.score:.0f})",
                    s.w_name_strong,
                )
            )
        else:
            out.append(
                Level("name_weak", f"{shown} ~ '{m.form}' (token set {m.score:.0f})", s.w_name_weak)
            )
        # The handle and the display name agreeing on the entity adds a little.
        other = self._other_field(f, m)
        if other is not None and not single:
            out.append(other)
        bio = f" {' '.join(f.bio)} "
        named = next(
            (
                o
                for fm, o in zip(m.record.forms, m.record.originals, strict=True)
                if len(fm.split()) >= 2 and f" {fm} " in bio
            ),
            None,
        )
        if named:
            out.append(Level("bio_names", f"{f.bio_source} names '{named}'", s.w_bio_names))
        return out + self._common(m)

    def _common(self, m: EntityMatch) -> list[Level]:
        rec = m.record
        if m.form in rec.originals and rec.common[rec.originals.index(m.form)]:
            return [
                Level(
                    "common_name",
                    f"'{m.form}' is a common school name: needs local evidence",
                    self.s.w_common_name,
                )
            ]
        return []

    def _mascot_sport_only(self, f: Features, rec: Record) -> Level | None:
        """'Mustangs Hoops' fits 'Sheyenne Mustangs Basketball', but many schools have Mustangs and a
        basketball team (and fans post their highlights): a name made only of a mascot, a sport and
        generic or town words, without a word of the entity's own name, is weak evidence."""
        said = set(f.name) | set(f.handle) | {w for t in f.titles for w in t}
        own = {w for form in rec.forms for w in form.split()}
        plain = (
            self.ref.mascots
            | lexicon.ACTIVITIES
            | lexicon.GENERIC
            | set(lexicon.LEVEL_WORDS)
            | {w for a in rec.activities for w in a.split()}
        )
        distinctive = {w for w in own if w not in plain and not w.isdigit()}
        if not distinctive or said & distinctive:
            return None
        mascot = said & self.ref.mascots
        sport = said & (lexicon.ACTIVITIES | {w for a in rec.activities for w in a.split()})
        if not mascot or not sport:
            return None
        return Level(
            "mascot_sport_only",
            f"names only a mascot and a sport ({sorted(mascot)[0]}, {sorted(sport)[0]}), not "
            f"{rec.label}'s own name ({', '.join(sorted(distinctive))}): many schools share them",
            self.s.w_mascot_sport_only,
        )

    def _other_field(self, f: Features, m: EntityMatch) -> Level | None:
        s, rec = self.s, m.record
        if m.field in ("handle", "handle form"):
            if not f.name:
                return None
            hit = process.extractOne(" ".join(f.name), rec.forms, scorer=name_score, processor=None)
            if hit is not None and hit[1] >= s.handle_strong:
                return Level(
                    "handle", f"display name also fits '{rec.label}' ({hit[1]:.0f})", s.w_handle
                )
            return None
        if not f.handle:
            return None
        h = process.extractOne(" ".join(f.handle), rec.forms, scorer=name_score, processor=None)
        hc = (
            process.extractOne(
                f.handle_compact, rec.handle_forms, scorer=fuzz.ratio, processor=None
            )
            if rec.handle_forms
            else None
        )
        best = max((h[1] if h else 0), (hc[1] if hc else 0))
        if best >= s.handle_strong:
            return Level(
                "handle",
                f"handle @{f.candidate.handle} fits '{rec.label}' ({best:.0f})",
                s.w_handle,
            )
        return None


class MascotActivityComparison(Comparison):
    """The entity's mascot and activities named; another mascot, or another school level, named instead."""

    code = "mascot"

    def levels(self, f: Features, m: EntityMatch | None) -> list[Level]:
        if m is None:
            return []
        rec = m.record
        parent = self.ref.by_key.get(rec.parent or "")
        out: list[Level] = []
        words = set(f.text.split())
        own = {x for x in (rec.mascot, parent.mascot if parent else None) if x}
        if own & words:
            out.append(
                Level(
                    "mascot",
                    f"mascot {', '.join(sorted(own & words)).title()} of {rec.label}",
                    self.s.w_mascot,
                )
            )
        else:
            named = set(f.name_text.split()) & self.ref.mascots
            named = {self.ref.abbreviations.get(x, x) for x in named}
            if own and named - own:
                other = sorted(named - own)[0].title()
                out.append(
                    Level(
                        "mascot_conflict",
                        f"mascot {other}: not {rec.label}'s ({', '.join(sorted(own)).title()})",
                        self.s.w_mascot_conflict,
                    )
                )
        acts = set(rec.activities) | (set(parent.activities) if parent else set())
        said = sorted(a for a in acts if f.has_phrase(a, f.name_text))
        if said:
            out.append(Level("activity", f"activity {said[0]} of {rec.label}", self.s.w_activity))
        if rec.level:
            levels = {
                lexicon.LEVEL_WORDS[w] for w in f.name_text.split() if w in lexicon.LEVEL_WORDS
            }
            if levels and rec.level not in levels and rec.level != "other":
                out.append(
                    Level(
                        "level_conflict",
                        f"a {sorted(levels)[0]} school, {rec.label} is {rec.level}",
                        self.s.w_level_conflict,
                    )
                )
        return out


_IGNORE = (
    lexicon.GENERIC
    | lexicon.SCHOOL_WORDS
    | lexicon.ACTIVITIES
    | set(lexicon.LEVEL_WORDS)
    | lexicon.OFFICIAL_WORDS
    | set(lexicon.HANDLE_DECORATIONS)
)


class UnexplainedWords(Comparison):
    """Words in the name or handle that the matched entity, the district and schools in general
    do not use: often another town or person ('Lemoore Liberty Middle School', 'Horace Mann')."""

    code = "unexplained"

    def levels(self, f: Features, m: EntityMatch | None) -> list[Level]:
        if m is None or m.score < self.s.name_weak or m.field in BIO_FIELDS:
            return []  # a name that only the bio ties to the entity is not expected to be the entity's
        ref = self.ref
        rec = m.record
        parent = ref.by_key.get(rec.parent or "")
        known = set(rec.tokens) | (set(parent.tokens) if parent else set())
        known |= {w for a in rec.activities for w in a.split()}
        local = ref.local_words
        extra = [
            w
            for w in dict.fromkeys([*f.name, *f.handle])
            if len(w) >= 3
            and not w.isdigit()
            and w not in known
            and w not in local
            and w not in ref.district_word_set
            and w not in _IGNORE
            and w not in ref.abbreviations
            and ref.abbreviations.get(w, w) not in known
        ]
        if not extra:
            return []
        words = extra[:2]
        return [
            Level(
                "unexplained",
                f"words not of {rec.label}: {', '.join(words)}",
                self.s.w_unexplained * len(words),
            )
        ]


class PlaceComparison(Comparison):
    """Town and state: the district's own or nearby towns, its state; another town or state."""

    code = "place"

    def levels(self, f: Features, m: EntityMatch | None) -> list[Level]:
        ref, s = self.ref, self.s
        state = ref.profile.district.location.state
        out: list[Level] = []
        # A town inside the matched school's own name ('Horace Elementary') is not extra evidence.
        own = m.record.tokens if m is not None and m.score >= s.name_weak else frozenset()
        local = ref.places_in(f.context) + [
            p for p in ref.places_in(f.name_text) if not set(p.split()) <= own
        ]
        if local:
            out.append(Level("town", f"mentions {local[0].title()}", s.w_town))
        other = None
        for pl in f.places:
            if pl.state != state:
                other = pl
                break
            if pl.city and not ref.is_local(pl.city):
                other = pl
                break
        if other is not None and not (local and other.state == state):
            out.append(
                Level("other_place", f"location {other.text}: not this district", s.w_other_place)
            )
        elif any(pl.state == state for pl in f.places) or f.has_phrase(
            " ".join(lexicon.STATES[state].split())
        ):
            out.append(Level("state", f"state {state}", s.w_state))
        return out


class DistrictEvidence(Comparison):
    """What ties the account to this district: its name, links to its domains, a link from its site."""

    code = "district"

    def levels(self, f: Features, m: EntityMatch | None) -> list[Level]:
        ref, s = self.ref, self.s
        out: list[Level] = []
        names = [d for d, phrase in ref.district_phrases if f.has_phrase(phrase)]
        dabbr = [a for a in f.name_text.split() if a in ref.district_abbreviations]
        if names or dabbr:
            out.append(
                Level(
                    "district_name",
                    f"names the district ('{(names or dabbr)[0]}')",
                    s.w_district_name,
                )
            )
        for h in f.hosts:
            if ref.profile.is_district_domain(h):
                out.append(Level("domain_link", f"bio links to {h}", s.w_domain_link))
                break
        for sg in f.candidate.sightings:
            if sg.source == "district_site":
                page = sg.source_url or "the district's site"
                out.append(
                    Level(
                        "district_site", f"linked from the district page {page}", s.w_district_site
                    )
                )
                break
        return out


class RegistryComparison:
    """The registry: same URL or platform id (registered); a near copy of a registered handle or
    name on the same platform (impersonation); the same handle as a registered account elsewhere."""

    def __init__(self, ref: Reference, settings: MatchSettings) -> None:
        self.ref = ref
        self.s = settings

    def exact(self, f: Features) -> tuple[Level, object] | None:
        c, ref = f.candidate, self.ref
        row = ref.registry_by_url.get((c.platform, c.url))
        if row is not None:
            return Level(
                "registered_url", f"registered: same URL as registry entry {row.url}", 0.0
            ), row
        if c.platform_id:
            row = ref.registry_by_id.get((c.platform, c.platform_id))
            if row is not None:
                return Level(
                    "registered_id",
                    f"registered: same {c.platform} id {c.platform_id} as {row.url}",
                    0.0,
                ), row
        row = ref.registry_by_handle.get((c.platform, c.handle.lower().lstrip("@")))
        if row is not None:
            return Level(
                "registered_handle",
                f"registered: same {c.platform} handle @{row.handle} as {row.url}",
                0.0,
            ), row
        return None

    def impersonation(self, f: Features) -> tuple[Level, RegisteredHandle] | None:
        c, s = f.candidate, self.s
        for rh in self.ref.registry_handles.get(c.platform, ()):
            if rh.row.url == c.url:
                continue
            sk = f.handle_skeleton
            if sk and sk == rh.skeleton:
                return Level(
                    "impersonation_handle",
                    f"handle @{c.handle} copies registered @{rh.row.handle} (decoration or separator added)",
                    0.0,
                ), rh
            if sk and min(len(sk), len(rh.skeleton)) >= s.impersonation_min_length:
                d = DamerauLevenshtein.distance(sk, rh.skeleton)
                if d <= s.impersonation_edits and not self._different_name(c.handle.lower(), rh):
                    return Level(
                        "impersonation_handle",
                        f"handle @{c.handle} is one letter from registered @{rh.row.handle}",
                        0.0,
                    ), rh
            shown = c.display_name or f.title_name
            name = " ".join(self.ref.tokens(strip_official(shown)))
            if name and len(rh.name.split()) >= 2 and f.handle_skeleton != rh.skeleton:
                r = fuzz.ratio(name, rh.name, processor=None)
                if r >= s.impersonation_name:
                    what = "display name" if c.display_name else "name in search results"
                    return Level(
                        "impersonation_name",
                        f"{what} '{shown}' copies registered '{rh.row.display_name}' "
                        f"(@{rh.row.handle}, {r:.0f})",
                        0.0,
                    ), rh
        return None

    def _different_name(self, handle: str, rh: RegisteredHandle) -> bool:
        """``shsmustangsbb`` is one letter from ``shsmustangsvb`` but spells another team: every
        piece is a known word and the words differ."""
        seg = self.ref.segmenter
        assert seg is not None
        handle = re.sub(r"\.bsky\.social$", "", handle.lstrip("@"))
        if seg.unknown(handle):
            return False
        pieces = seg.split(handle)
        if any(p.isdigit() and len(p) < 4 for p in pieces):
            return False
        return frozenset(self.ref.handle_tokens(handle)) != rh.words

    def same_handle_elsewhere(self, f: Features) -> Level | None:
        row = self.ref.handle_owner.get(f.handle_skeleton) if f.handle_skeleton else None
        if row is None or row.platform == f.candidate.platform:
            return None
        return Level(
            "registered_elsewhere",
            f"same handle as the registered {row.platform} account @{row.handle}",
            self.s.w_registered_handle,
        )


def current_year() -> int:
    return datetime.now(UTC).year
