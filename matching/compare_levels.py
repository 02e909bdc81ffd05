"""Step 3, compare: the comparison levels. Each comparison is a small class whose levels run
from exact to loose; the level that fires carries a human label and a weight (Splink style).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet

from rapidfuzz import fuzz, process

from crawler.vocab import Platform, Source
from matching import lexicon
from matching.compare import BIO_FIELDS, EntityMatch, name_scorer
from matching.compare_words import CLASS_OF
from matching.features import LINK_SOURCES, Features, said_text
from matching.namesake import bio_names_school, district_said
from matching.normalise import expand, fold
from matching.reference import Reference
from matching.settings import MatchSettings
from matching.types import Level, Record

# The level of a link from the district's own site is named after its source.
DISTRICT_SITE = str(Source.DISTRICT_SITE)


class Comparison:
    """Base class: ``levels()`` returns the levels that fired for one account (often one, or none).

    Subclasses keep their thresholds in :class:`MatchSettings`, their words in
    :mod:`matching.lexicon` or the profile, and put the evidence in the label.
    """

    code = ""

    def __init__(self, ref: Reference, settings: MatchSettings) -> None:
        self.ref = ref
        self.s = settings
        self.name_score = name_scorer(settings)

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
            out = [Level("bio_names", f"{m.field} names '{m.form}'", s.w_bio_names)]
            if f.name and self._mascot_sport_only(f, m.record) is not None:
                # 'Aviators Volleyball' with a bio naming Wright Brothers High School: the bio
                # says whose mascot it is, so the name counts as weak evidence, unpenalised
                out.append(
                    Level(
                        "name_weak",
                        f"name '{' '.join(f.name)}': the mascot and an activity of the school "
                        "its bio names",
                        s.w_name_weak,
                    )
                )
            return out + self._common(m)
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
        elif (generic := self._mascot_sport_only(f, rec)) is not None and not self._bio_names(
            f, rec
        ):
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
        named = self._bio_names(f, m.record)
        if named:
            out.append(Level("bio_names", f"{f.bio_source} names '{named}'", s.w_bio_names))
        return out + self._common(m)

    def _bio_names(self, f: Features, rec: Record) -> str | None:
        """The name of ``rec``, or of its school, that the bio spells out (two words or more):
        'Mustangs Volleyball' whose bio names Sheyenne High School is that school's team."""
        bio = f" {' '.join(f.bio)} "
        parent = self.ref.by_key.get(rec.parent or "")
        for r in (rec, parent) if parent is not None else (rec,):
            for fm, o in zip(r.forms, r.originals, strict=True):
                if len(fm.split()) >= 2 and f" {fm} " in bio:
                    return o
        return None

    def _common(self, m: EntityMatch) -> list[Level]:
        rec = m.record
        if m.form in rec.originals and rec.common[rec.originals.index(m.form)]:
            return [
                Level(
                    "common_name",
                    f"'{m.form}' is a common "
                    f"{'department' if rec.kind == 'department' else 'school'} name: needs "
                    "local evidence",
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
        sport = said & (
            lexicon.ACTIVITIES | _ALL_SPORTS | {w for a in rec.activities for w in a.split()}
        )
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
            hit = process.extractOne(
                " ".join(f.name), rec.forms, scorer=self.name_score, processor=None
            )
            if hit is not None and hit[1] >= s.handle_strong:
                return Level(
                    "handle", f"display name also fits '{rec.label}' ({hit[1]:.0f})", s.w_handle
                )
            return None
        if not f.handle:
            return None
        h = process.extractOne(
            " ".join(f.handle), rec.forms, scorer=self.name_score, processor=None
        )
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


_SCHOOL_ENDS = frozenset({"school", "high", "academy", "hs", "elementary"})


def school_forms(
    recs: Iterable[Record | None], ends: AbstractSet[str]
) -> Iterator[tuple[Record, str]]:
    """The names of ``recs`` of two words or more that end in a school word of ``ends``
    ('evers high school'), each with its record."""
    for r in recs:
        if r is None:
            continue
        for form in r.forms:
            words = form.split()
            if len(words) >= 2 and words[-1] in ends:
                yield r, form


# Words a team's bio may put before its mascot ('Lady Patriots', 'The Chargers', 'Go Ravens')
_BIO_LEADS = frozenset("lady ladies the go girls boys".split())
# what a school's sports accounts call all of them at once ('Hawks Athletics')
_ALL_SPORTS = frozenset({"athletics", "sports"})


class MascotActivityComparison(Comparison):
    """The entity's mascot and activities named; another mascot, or another school level, named instead."""

    code = "mascot"

    def _mascot_after_name(self, f: Features, rec: Record, parent: Record | None) -> set[str]:
        """Mascots the bio writes right after the school's name ('Whitlock High School
        Broncos 🐎'), or first: the school it means has that mascot."""
        bio = f" {' '.join(f.bio)} "
        out: set[str] = set()
        # a bio that starts with a mascot under a name that gives none ('CRHS Wrestling':
        # 'Chargers 🤼 Section 3'): the team says whose it is
        first = [w for w in f.bio[:3] if w not in _BIO_LEADS][:1]  # 'Lady Patriots 🥎'
        # as written, plural: 'general music & choir' starts with no Generals
        if (
            first
            and first[0] in lexicon.MASCOTS
            and first[0] in f.written
            and not set(f.name) & self.ref.mascots
        ):
            out.add(first[0])
        for r, form in school_forms((rec, parent), _SCHOOL_ENDS):
            start = bio.find(f" {form} ") if r.kind == "school" else -1
            if start < 0:
                continue
            nxt = bio[start + len(form) + 2 :].split()[:1]
            # as written, plural: not 'rocket league', not 'Falcon Plains School District'
            if nxt and nxt[0] in lexicon.MASCOTS and nxt[0] in f.written:
                out.add(nxt[0])
        return out

    _places: tuple[str, ...] | None = None

    def _mascot_written(self, f: Features, said: set[str]) -> bool:
        """Whether an own mascot is written as such: plural anywhere, singular in the name or
        handle ('Lion Football', out of a place's name), or a mascot of several words."""
        if any(" " in x or x in f.written for x in said):
            return True
        name = self._without_places(" ".join(self.ref.tokens(f"{f.candidate.display_name or ''}")))
        return bool(set(name.split()) & said)

    def _without_places(self, text: str) -> str:
        """``text`` without the district's and its towns' names ('falcons plains' of Falcon
        Plains): a place named for a bird is no mention of the Falcons."""
        if self._places is None:
            ref = self.ref
            names = {" ".join(ref.tokens(p)) for p in ref.local_places}
            names |= {p for _, p in ref.district_phrases}
            self._places = tuple(sorted((n for n in names if n), key=len, reverse=True))
        out = f" {text} "
        for p in self._places:
            out = out.replace(f" {p} ", " ")
        return out

    @staticmethod
    def _cheered(f: Features, own: set[str]) -> set[str]:
        """Own mascots the bio cheers by the short name fans shout ('Go Cards!', '#GoCards' of
        the Cardinals; :data:`lexicon.MASCOT_NICKNAMES`)."""
        bio = f" {' '.join(f.bio)} "
        return {
            x
            for x in own
            for n in lexicon.MASCOT_NICKNAMES.get(x, ())
            if f" go{n} " in bio or any(f" {c} {n} " in bio for c in lexicon.MASCOT_CHEERS)
        }

    def _cheered_other(self, f: Features) -> set[str]:
        """A mascot none of the district's schools has, cheered in the bio ('Little Hawks
        learning & growing', 'Go Cougars!'): another school's account."""
        bio = " ".join(f.bio).split()
        own = self.ref.own_mascots
        # the word after the cheer, or a two-word mascot's ('Go Red Raiders!': 'red raiders',
        # 'raiders')
        cheered = [
            words
            for i, cheer in enumerate(bio[:-1])
            if cheer in _CHEERS
            for words in (bio[i + 1 : i + 2], bio[i + 1 : i + 3], bio[i + 2 : i + 3])
            if words
        ]
        return {
            m
            for word in (" ".join(w) for w in cheered)
            for m in (word, f"{word}s")
            if m in self.ref.mascots
            and m not in own
            # nor a word of the district's own names ('Horace Hawks' among a school's aliases)
            and not self.ref.in_own_name(word)
            and not self.ref.in_own_name(m)
            and not any(_short_form(word, o) or f" {word} " in f" {o} " for o in own)
        }

    @staticmethod
    def _bio_states_activity(
        f: Features, rec: Record, parent: Record | None, acts: set[str]
    ) -> str | None:
        """'<the school's full name> <one of its activities>' in the bio ('Evers High School
        drumline'), as written: the school and the activity."""
        bio = f" {' '.join(f.bio)} "
        for r, form in school_forms((rec, parent), _SCHOOL_ENDS):
            for a in sorted(acts):
                if f" {form} {a} " in bio:
                    return f"{r.label}'s {a}"
        return None

    def levels(self, f: Features, m: EntityMatch | None) -> list[Level]:
        if m is None:
            return []
        rec = m.record
        parent = self.ref.by_key.get(rec.parent or "")
        out: list[Level] = []
        own = {x for x in (rec.mascot, parent.mascot if parent else None) if x}
        own_words = {w for x in own for w in x.split()}  # 'bears' of 'black bears'
        # a word of the entity's own names is no other mascot ('Circuit Wolves Robotics' of
        # the Timberwolves' school)
        own_words |= rec.tokens

        def whole(text: str) -> set[str]:  # the own mascots, whole ('red raiders'), in ``text``
            return {x for x in own if f" {x} " in f" {text} "}

        # another mascot as the name writes it, plural ('Calder Valley Hornets'): a singular
        # word is as often an adjective ('Royal Essence', 'General Studies')
        written = set(fold(f.candidate.display_name or "").split()) | set(f.handle_raw)
        in_name = {
            x if x in f.plain else self.ref.abbreviations.get(x, x)
            for x in (set(f.name) & self.ref.mascots) - own_words
            if x in written or not f.candidate.display_name
        }
        in_name |= self._mascot_after_name(f, rec, parent) - own_words
        # the own mascot as written, or a singular that is no word of a place ('Lion
        # Football'; not 'Falcon Plains'), and not a bird watch's 'prairie falcon'
        said_own = whole(self._without_places(f.text))
        if said_own and not self._mascot_written(f, said_own):
            said_own = set()
        if not said_own:
            said_own = self._cheered(f, own)
        if own and in_name - own and not whole(" ".join(f.name)):
            # its name is another school's mascot ('Calder Valley Hornets'), whatever its bio
            # says of a co-op with this one
            said_own = set()
        if said_own:
            out.append(
                Level(
                    "mascot",
                    f"mascot {', '.join(sorted(said_own)).title()} of {rec.label}",
                    self.s.w_mascot,
                )
            )
        else:
            named = {
                x
                for x in (set(f.name_text.split()) & self.ref.mascots) - own_words
                if x in written or not f.candidate.display_name
            } | in_name
            named = {x if x in f.plain else self.ref.abbreviations.get(x, x) for x in named}
            named |= self._cheered_other(f)
            # the tail of an own compound mascot is its short form ('Wolves' of the
            # Timberwolves, 'Jackets' of the Yellow Jackets), no other school's
            named = {x for x in named if not any(_short_form(x, o) for o in own)}
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
        said = sorted(
            a for a in acts if f.has_phrase(a, f.name_text) or f.has_phrase(f"{a}s", f.name_text)
        )
        if said and bio_names_school(f, m, self.ref):
            # 'TV Woodsmen Team', whose bio says 'Tessawick Valley Regional High School woodsmen
            # team': its name is an activity of the school its bio names in full
            out.append(
                Level(
                    "activity",
                    f"activity {said[0]} of {rec.label}, which its bio names in full",
                    self.s.w_activity_named,
                )
            )
        elif said:
            out.append(Level("activity", f"activity {said[0]} of {rec.label}", self.s.w_activity))
        elif (year := CLASS_OF.search(f.name_text)) and bio_names_school(f, m, self.ref):
            # 'Calder Class of 2027', whose bio says 'the Calder High School Class of 2027': a
            # class of the school its bio names in full (who runs it, student_class decides)
            out.append(
                Level(
                    "activity",
                    f"class of {year.group(1)} of {rec.label}, which its bio names in full",
                    self.s.w_activity_named,
                )
            )
        elif (stated := self._bio_states_activity(f, rec, parent, acts)) is not None:
            # 'Rolling Thunder': 'Evers High School drumline': a brand name, whose bio says
            # which school's program it is
            out.append(
                Level(
                    "activity",
                    f"its bio says it is {stated}",
                    self.s.w_activity_named,
                )
            )
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
    | lexicon.SPANISH_WORDS
    | lexicon.FRENCH_WORDS
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
            if len(w) >= self.s.unexplained_min_length
            and not w.isdigit()
            and w not in known
            and w not in local
            and w not in ref.district_word_set
            and w not in _IGNORE
            and w not in ref.abbreviations
            and ref.abbreviations.get(w, w) not in known
            and not (w.endswith("s") and w[:-1] in known)  # 'scholars' of 'sterling scholar'
        ]
        if not extra:
            return []
        words = extra[: self.s.unexplained_max_words]
        return [
            Level(
                "unexplained",
                f"words not of {rec.label}: {', '.join(words)}",
                self.s.w_unexplained * len(words),
            )
        ]


# A display name that is a person's: a coach's or a teacher's title and a surname
_PERSON_NAME = re.compile(
    rf"^\s*(?:Coach|{'|'.join(lexicon.HONORIFICS)}|Dr)\.?\s+[A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+)?\s*"
    r"(?=$|[^\w\s'’])"
)


class ClassroomComparison(Comparison):
    """A classroom's account ('Mr. Okafor's Class', 'Ms. Garza's 4th Grade') of a school the
    account names: policy ABDB-AP counts every classroom account associated with the
    district as a district account, to be registered like a school's."""

    code = "classroom"

    def levels(self, f: Features, m: EntityMatch | None) -> list[Level]:
        if m is None or m.score < self.s.name_weak:
            return []
        words = f.name_text.split()
        said = sorted((set(words) - {"room"}) & lexicon.CLASSROOM_WORDS)
        # a subject's room ('Ocotillo Music Room', 'Room 4'), not 'The Locker Room' nor a
        # sport's ('SH Swim Room'): every room the name and handle write is a classroom's
        before = [words[i - 1] if i else "" for i, w in enumerate(words) if w == "room"]
        if before and not any(
            b in lexicon.NOT_CLASSROOM_ROOMS or b in lexicon.ACTIVITIES for b in before
        ):
            said.append("room")
        person = _PERSON_NAME.match(f.candidate.display_name or "")
        if person and set(fold(person.group(0)).split()) & lexicon.ACTIVITIES:
            person = None  # 'Coach Smith Football': a camp or a team, named after its coach
        if person and not said:
            # a teacher's name with the subject taught ('Mr. Ohanian - PVA Algebra'): the class
            said = sorted(set(fold(f.candidate.display_name or "").split()) & lexicon.SUBJECTS)
        if person and not said:
            # 'Coach Keller 🏐' over a team's bio: the coach's own account, or the team's?
            return [
                Level(
                    "personal_name",
                    f"its name is a person's ('{person.group(0).strip()}'): a coach's or "
                    "teacher's own account, or the program's? A person decides",
                    0.0,
                )
            ]
        if m.record.depth < 1:
            return []
        if f.has_phrase("class of", f.name_text):
            said = [w for w in said if w != "class"]  # 'Class of 2019' is a year's alumni
        if not said:
            return []  # a teacher's own name alone may be a personal account ('Mr. Lund')
        what = f"'{said[0]}'" + (" and a teacher's name" if f.teacher else "")
        return [
            Level(
                "classroom",
                f"a classroom account ({what}) of {m.record.label}: a district account under "
                "ABDB-AP",
                self.s.w_classroom,
            )
        ]


def _own_name(ref: Reference, city: str) -> bool:
    """``city`` of a '<place>, <state>' is one of the district's own names, as written or with
    its abbreviations spelt out ('Ashuelot Valley Regional HS, NH')."""
    if ref.is_own_name(city):
        return True
    words = fold(city).split()
    spelt = " ".join(expand(words, lexicon.ABBREVIATIONS))
    return spelt != " ".join(words) and ref.is_own_name(spelt)


_CHEERS = frozenset({"little", "lil", *lexicon.MASCOT_CHEERS})
_NICKNAMES = frozenset(n for ns in lexicon.MASCOT_NICKNAMES.values() for n in ns)


def _short_form(word: str, mascot: str) -> bool:
    """``word`` is the tail of the compound ``mascot`` ('wolves' of 'timberwolves'), or one of
    its nicknames (:data:`lexicon.MASCOT_NICKNAMES`)."""
    whole = mascot.replace(" ", "")
    return (
        len(word) >= 4 and word != whole and whole.endswith(word)
    ) or word in lexicon.MASCOT_NICKNAMES.get(mascot, ())


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
            text = fold(pl.text)
            if (len(text.split()) > 1 and ref.in_own_name(text)) or (
                pl.city and pl.state == state and _own_name(ref, pl.city)
            ):
                continue  # 'Cerro Colorado' (a school of the district's), not Colorado
            if pl.major and pl.city and ref.in_own_name(pl.city):
                continue  # 'Denver Cyclones' of Denver Community School District, Iowa
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
        elif any(pl.state == state for pl in f.places) or any(
            f.has_phrase(n)
            for n in (
                lexicon.STATES[state],
                *(es for es, code in lexicon.SPANISH_STATES.items() if code == state),
            )
        ):
            out.append(Level("state", f"state {state}", s.w_state))
        return out


# A school the bio says the account is at ('Academy of Health Sciences at River Bend High',
# '... at Saddle Ridge County Tech'): the words before a school's type word. Not a college: an
# early college or a dual-credit program of the district sits on a college's campus.
_AT_SCHOOL = re.compile(
    r"((?:[A-Z][\w'’.&-]*\s+(?:(?:de|del|la|las|los|van|von|der|du|da|di)\s+)?){1,4}?)"
    r"(?:(?:School|Academy) of (?:the )?[A-Z][a-z]+|"  # 'Cedar Street School of the Arts'
    r"High Schools?|High|Middle School|Elementary School|School|Schools|Academy|Tech|"
    r"Technical Schools?|Vocational[- ]Technical Schools?|HS|MS|JHS)\b"
)
# A school abroad, named with its kind first ('Liceo Castelvecchio', 'Lycée Jean Moulin',
# 'Gymnasium am Markt'): no US district's. Not Spanish 'Escuela' or 'Colegio', which a
# bilingual district's own schools and programs are called.
_SCHOOL_ABROAD = re.compile(
    r"\b(?:Liceo|Lyc[ée]e|Istituto|Scuola|Gymnasium|Gimnazjum|Gimnasio)\s+(?:[A-Z][\w'’.-]*\s*){1,4}"
)
# ('Early College High School' is a kind of school: 'Sierra Vista Early College High School'
# is not the district's 'Mesquite Hollow Early College High School')
_SCHOOL_TYPE_WORDS = frozenset(
    "county vocational technical career center regional early college".split()
)
# what is left out of a school's name to compare its distinctive words ('juniper gap')
_PLAIN_NAME_WORDS = lexicon.GENERIC | frozenset(lexicon.LEVEL_WORDS) | _SCHOOL_TYPE_WORDS


class OtherSchoolComparison(Comparison):
    """The bio says the account is at a school that is none of the district's ('Academy of
    Health Sciences at Saddle Ridge County Tech'), and names none of them: another school's
    account of a common program name."""

    code = "other_school"
    _known: frozenset[str] | None = None  # the cores of the district's and its places' names
    _schools: frozenset[str] = frozenset()  # the cores of its schools' and its own names

    def levels(self, f: Features, m: EntityMatch | None) -> list[Level]:
        ref = self.ref
        c = f.candidate  # as written: a school's name is capitalised
        bio = said_text(c)
        if not bio:
            return []
        plain = _PLAIN_NAME_WORDS

        def core(text: str) -> str:
            """A name without its type and generic words ('juniper gap' of 'Juniper Gap
            High School'), as the profile's names are tokenised."""
            return " ".join(w for w in ref.tokens(text) if w not in plain and not w.isdigit())

        if self._known is None:
            names = [*ref.own_names, *(p for _, p in ref.district_phrases), *ref.local_places]
            self._known = frozenset(n for n in map(core, names) if n)
            schools = [
                form for r in ref.entities if r.kind == "school" or r.depth == 0 for form in r.forms
            ]
            # not a name that is only a mascot or its nickname ('Cards' among a school's
            # aliases), with a cheer's or a girls' team's word ('Lady Tigers'): 'Go Cards!' and
            # '#LadyTigers' name no school
            cheers = {w for m in ref.mascots for w in m.split()} | _NICKNAMES | _CHEERS
            # nor a name's generic core ('arts' of 'School of the Arts'): every arts magnet's
            generic = lexicon.COMMON_NAME_WORDS | lexicon.ACTIVITIES | lexicon.SUBJECTS | {"arts"}
            self._schools = frozenset(
                n
                for n in map(core, [*schools, *(p for _, p in ref.district_phrases)])
                if n and not set(n.split()) <= cheers and not (" " not in n and n in generic)
            )
        abroad = _SCHOOL_ABROAD.search(c.display_name or "")
        if abroad is not None:
            # 'Liceo Castelvecchio Verona', whose bio names its exchange partner, one of the
            # district's schools: its name is a school abroad's
            return [
                Level(
                    "other_school",
                    f"its name is a school abroad's ('{abroad.group(0)}'), no school of the "
                    "district",
                    self.s.w_mascot_conflict,
                )
            ]
        # as written, not expanded: another district's 'SCSD' is no mention of this one's
        said = f" {' '.join(w for w in fold(bio).split() if w not in plain)} "
        if any(f" {n} " in said for n in self._schools):
            return []  # it names one of the district's schools, or the district, itself
        other = None
        # the display name too: 'Sagebrush Virtual Academy' is a school, none of the district's
        for hit in _AT_SCHOOL.finditer(f"{c.display_name or ''} | {bio}"):
            words = core(hit.group(1)).split()
            if not words or fold(hit.group(0)).endswith(lexicon.SCHOOL_PROGRAM_TITLES):
                continue  # 'a Unified Champion School': a title, no school
            # 'Watch Tamarack Valley Schools': the name may start after a capitalised word of
            # the sentence; one of the district's is a whole name of its that ends the phrase
            # ('River Bend High' is not 'Magnolia Bend High')
            if any(
                " ".join(words[i:]) in self._known
                for i in range(len(words))
                if i == 0 or len(words) - i >= 2
            ):
                return []  # at one of the district's schools (or its town's)
            other = other or " ".join(hit.group(0).split())
        if other is None:
            return []
        return [
            Level(
                "other_school",
                f"its bio places it at {other}: no school of the district",
                self.s.w_mascot_conflict,
            )
        ]


class DistrictEvidence(Comparison):
    """What ties the account to this district: its name, links to its domains, a link from its site."""

    code = "district"

    def levels(self, f: Features, m: EntityMatch | None) -> list[Level]:
        ref, s = self.ref, self.s
        out: list[Level] = []
        names, dabbr = district_said(f, ref)
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
        else:
            # a Bluesky handle on a domain is set by the domain's owner (a DNS or web proof)
            own = f.candidate.handle.lower().lstrip("@")
            if (
                f.candidate.platform == Platform.BLUESKY
                and "." in own
                and ref.profile.is_district_domain(own)
            ):
                out.append(
                    Level(
                        "domain_link",
                        f"Bluesky handle on the district's domain ({own})",
                        s.w_domain_link,
                    )
                )
        for sg in f.candidate.sightings:
            if sg.source in LINK_SOURCES:
                page = sg.source_url or "the district's site"
                out.append(
                    Level(DISTRICT_SITE, f"linked from the district page {page}", s.w_district_site)
                )
                break
        return out
