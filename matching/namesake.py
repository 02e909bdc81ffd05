"""Step 3, compare: identity, not just a name or a place.

Two questions about an account that names one of the district's entities:

- does it say anything that is the entity's own (a distinctive word of its name, its mascot, its
  school level), or only words the district shares with its city and region ('Brenton' + a sport
  is also the city's pro team, the university's team, a youth club)? (:func:`identity_word`)
- do its name or bio describe another kind of organisation (a company or product, a youth or club
  team, a college, a professional team, a venue, the city or county)? (:func:`other_kind`)

The decision (:mod:`matching.decide`) turns the answers into the ``place_only`` and ``namesake``
levels, unless something ties the account to the district itself (its name, a link to its
domains or from its site, a registered handle).
"""

from __future__ import annotations

import re

from matching import lexicon
from matching.compare import EntityMatch
from matching.features import Features, said_text
from matching.normalise import fold
from matching.reference import Reference
from matching.types import Record

# An age group ('14U', 'U12', 'ages 9-14'); folded text splits '14u' into '14 u'.
_AGE_GROUP = re.compile(r"\b(?:u ?\d{1,2}|\d{1,2} ?u|ages? \d{1,2})\b")
_PLAIN = lexicon.GENERIC | set(lexicon.LEVEL_WORDS) | set(lexicon.STATES.values())


def distinctive_words(rec: Record, parent: Record | None, ref: Reference) -> set[str]:
    """The words of an entity (and its school) that are neither the district's places nor
    generic: 'Bulldogs' of 'Brenton Bulldogs Football'; its activity only when nothing else of
    its own is left ('JROTC' of 'West Fargo JROTC')."""
    acts = lexicon.ACTIVITIES | {w for a in rec.activities for w in a.split()}

    def plain(r: Record | None) -> set[str]:
        if r is None:
            return set()
        return {
            w for w in r.tokens if w not in ref.local_words and w not in _PLAIN and not w.isdigit()
        }

    own = plain(rec)
    return ((own - acts) or own) | (plain(parent) - acts)


def identity_word(f: Features, m: EntityMatch, ref: Reference) -> str | None:
    """What the account's own names (name, handle, titles) say of the entity beyond its place:
    a distinctive word, its mascot or its school level. '' when the entity's names are made
    of nothing else (nothing to ask for); None when the account names only the place."""
    rec = m.record
    parent = ref.by_key.get(rec.parent or "")
    said = set(f.name_text.split())
    distinctive = distinctive_words(rec, parent, ref)
    levels = {x for x in (rec.level, parent.level if parent else None) if x and x != "other"}
    if not distinctive and not levels:
        # Nothing to ask for but the name itself; the district's own name ('West Fargo Public
        # Schools', 'West Fargo 6') is its place and generic words: its name is a tie instead.
        return None if rec.depth == 0 else ""
    hit = sorted(said & distinctive)
    if hit:
        return hit[0]
    program = school_program(f, rec)
    if program is not None:
        return program
    level = next((w for w in sorted(said) if lexicon.LEVEL_WORDS.get(w) in levels), None)
    if level is None and not distinctive - {rec.mascot} and rec.kind == "school":
        # a school named only by its place ('Qavlunaq School', a village's K-12 school): the
        # school word with the place is all its name says, and all there is to ask for
        level = next((w for w in sorted(said) if w in _SCHOOL_TYPE_WORDS & rec.tokens), None)
    return level


_SCHOOL_TYPE_WORDS = frozenset({"school", "academy", "elementary", "charter"})


def school_program(f: Features, rec: Record) -> str | None:
    """A program that exists only in schools (an FFA chapter, JROTC, Key Club, student council:
    ``lexicon.SCHOOL_ONLY_PROGRAMS``), said by the account's own names and a part of the entity's
    own name: 'Bayou Town FFA' is the chapter of the town's school, as no club or league is one;
    not a sport ('Bayou Town Soccer' may be the town's youth club)."""
    for phrase in lexicon.SCHOOL_ONLY_PROGRAMS:
        if set(phrase.split()) <= rec.tokens and f.has_phrase(phrase, f.name_text):
            return phrase
    return None


def bio_names_school(f: Features, m: EntityMatch | None, ref: Reference) -> bool:
    """The bio names the entity, or the school it belongs to, in full ('Brenton High School
    football'): the account says whose it is, whatever else its bio says. Not when the name is
    another organisation's, said with its company or club word ('Wright Aviators LLC offers
    charter flights', 'Brenton Bulldogs 14U')."""
    if m is None or not f.bio:
        return False
    bio = f" {' '.join(f.bio)} "
    recs = [m.record, ref.by_key.get(m.record.parent or "")]
    return any(
        _names_itself(bio, form)
        for rec in recs
        if rec is not None
        for form in rec.forms
        if len(form.split()) >= 2 and not place_and_mascot(form, rec, ref)
    )


def place_and_mascot(form: str, rec: Record, ref: Reference) -> bool:
    """A name made only of the district's places, the mascot and activities ('Harbor City
    Mariners', 'Brenton Bulldogs Football'): the name a city's club or pro team of that mascot
    shares with the school, so a bio that says it names nobody in particular."""
    mascots = {rec.mascot, *(ref.abbreviations.get(rec.mascot or "", "").split())}
    rest = [
        w
        for w in form.split()
        if w not in ref.local_words
        and w not in mascots
        and ref.abbreviations.get(w) not in mascots
        and w not in lexicon.ACTIVITIES
        and w not in {x for a in rec.activities for x in a.split()}
    ]
    return bool(rec.mascot) and not rest


def _names_itself(bio: str, form: str) -> bool:
    """``form`` occurs in ``bio`` at least once not followed by another kind's word."""
    needle = f" {form} "
    start = bio.find(needle)
    while start >= 0:
        after = bio[start + len(needle) - 1 :]
        nxt = after.split()[:1]
        other = bool(nxt) and (
            nxt[0] in lexicon.OTHER_KIND_NAME_WORDS or nxt[0] in lexicon.OTHER_KIND_BIO_WORDS
        )
        if not other and not _AGE_GROUP.match(after.strip()):
            return True
        start = bio.find(needle, start + 1)
    return False


def organisation_name(f: Features, m: EntityMatch | None, ref: Reference) -> tuple[str, str] | None:
    """A phrase of the account's names that says it is another kind of organisation than a
    school (a fire company, an ambulance corps, a church, a Little League, a Rotary club, a
    sheriff's office: ``lexicon.ORGANISATION_NAME_PHRASES``), or a phrase of its bio that says it
    is a local news outlet (``lexicon.ORGANISATION_BIO_PHRASES``), not made of the entity's own
    words; a name that starts with 'Camp'; a station's call sign with its band (``_STATION``):
    the phrase and the kind."""
    own: set[str] = set()
    if m is not None:
        parent = ref.by_key.get(m.record.parent or "")
        own = set(m.record.tokens) | (set(parent.tokens) if parent else set())
    own |= ref.district_word_set
    # a phrase with 'of' is the district's own only as its names write it: 'Town of Webb
    # School District' holds 'town of'; 'Millbrook City Schools' holds 'city', not 'city of'
    names = [*ref.district_words, *((m.record.label,) if m is not None else ())]
    said = " | ".join(f" {fold(n)} " for n in names)
    bio = " ".join(f.bio)
    for phrases, text in (
        (lexicon.ORGANISATION_NAME_PHRASES, f.name_text),
        (lexicon.ORGANISATION_BIO_PHRASES, bio),
    ):
        for phrase, kind in phrases.items():
            if not f.has_phrase(phrase, text):
                continue
            if kind == lexicon.SEVERAL_DISTRICTS and _serves_districts(ref):
                continue  # an intermediate or service district's programs serve its members
            words = phrase.split()
            if words[-1] == "of":  # 'city of', 'town of', 'native village of'
                if f" {phrase} " not in said:
                    return phrase, kind
            elif not set(words) - {"of"} <= own:
                return phrase, kind
    shown = fold(f.candidate.display_name or "").split()
    if len(shown) > 1 and shown[0] == "camp" and not set(shown[1:]) <= own:
        # 'Camp Quinnatuck': a camp's own name (a team's camp is '<team> Camp')
        return "camp", "a camp"
    station = _STATION.search(f"{f.candidate.display_name or ''} | {said_text(f.candidate)}")
    written = set(f.name_text.split()) | set(f.bio)
    if station and not written & _SCHOOL_STATION_WORDS:
        # 'KADL 1490 AM Twister Sports Network': a station that carries the games; a school's
        # own licensed station says it is its students' or its school's ('WSHS 91.3 FM, the
        # student voice of Sheyenne High School')
        return " ".join(station.group(0).split()), "a radio or TV station"
    return None


# A broadcaster's call sign with its band or frequency ('KADL 1490 AM', 'WQRT 98.7 FM',
# 'KXLB-FM'): a station, whose sports network carries a school's games
_SCHOOL_STATION_WORDS = frozenset("student students school high hs academy".split())
_STATION = re.compile(
    r"\b[KW][A-Z]{2,3}(?:-(?:AM|FM|TV|LP))?\s+(?:\d{3,4}\s?AM|\d{2,3}(?:\.\d)?\s?FM)\b"
    r"|\b[KW][A-Z]{2,3}-(?:AM|FM|TV)\b"
    r"|\b(?:\d{3,4}\s?AM|\d{2,3}\.\d\s?FM)\s+[KW][A-Z]{2,3}\b"
)


def district_said(
    f: Features, ref: Reference, abbreviations_in: str | None = None
) -> tuple[list[str], list[str]]:
    """The district's names (as written) that the account says anywhere, and its
    abbreviations that ``abbreviations_in`` says (by default the account's own names)."""
    names = [d for d, phrase in ref.district_phrases if f.has_phrase(phrase)]
    text = f.name_text if abbreviations_in is None else abbreviations_in
    said = [
        a
        for a in text.split()
        if a in ref.district_abbreviations and a not in f.plain and a not in f.defined
    ]
    return names, said


_DISTRICT_NUMBER = re.compile(
    r"\b(?:[a-z]{0,2}sd|rsu|msad|sau|district|unit)\s?(?:no\s?)?(\d{1,4}[a-z]?)\b"
)


def district_numbers(ref: Reference) -> frozenset[str]:
    """The numbers the district's own names carry ('417' of 'Twin Prairie USD 417')."""
    return frozenset(
        m.group(1) for name in ref.district_words for m in _DISTRICT_NUMBER.finditer(name)
    )


# A school district's name in a bio ('Whitlock High School of Bitterroot Plains Joint School
# District No. 341', 'Ossory Public Schools'): up to four words before the type words. The
# bio's words are expanded already: 'ISD', 'USD' and 'SD' read 'school district' there, and
# 'schools' reads 'school'.
_DISTRICT_IN_BIO = re.compile(
    r"\b((?:[a-z0-9]+ ){1,4}(?:joint |unified |independent |consolidated )?"
    r"(?:school district|public school|vocational technical school))\b"
)
# A display name that is a school district's ('Wexbury Public Schools', 'Haw River County
# Schools', 'Pelton Valley School District'), as its expanded words write it
_DISTRICT_NAME = re.compile(
    r"^(?:the )?((?:[a-z0-9]+ ){1,4})(?:(?:joint |unified |independent |consolidated |area )?"
    r"school district|public school|city school|county school)(?: (?:no )?\d{1,4}[a-z]?)?$"
)
# Another district's number in a bio ('Pelton Valley School District 402')
_BIO_NUMBER = re.compile(r"\bschool district (?:no )?(\d{1,4}[a-z]?)\b")


_LINKING_WORDS = frozenset("of the and for in at with to from by".split())


def _mine(text: str, ref: Reference) -> bool:
    """Whether ``text`` (folded) holds one of the district's own names."""
    return any(f" {phrase} " in f" {text} " for _, phrase in ref.district_phrases)


def _state_after_town(said: list[str], ref: Reference) -> bool:
    """'Brandvold SD' in South Dakota: one of the district's towns and its state's code, which
    the bio's expansion read as 'school district' (the code of a state that is also an
    abbreviation: SD)."""
    state = (ref.profile.district.location.state or "").lower()
    if lexicon.ABBREVIATIONS.get(state) != "school district" or said[-2:] != ["school", "district"]:
        return False
    before = said[:-2]
    return any(ref.is_local(" ".join(before[-k:])) for k in range(1, min(3, len(before)) + 1))


def other_district_name(f: Features, ref: Reference) -> str | None:
    """A display name that is another school district's ('Wexbury Public Schools', a member
    town's own K-6 district beside a regional one): it is that district, whatever the
    district's site links (a regional district links its sending towns' districts)."""
    name = " ".join(f.name)
    m = _DISTRICT_NAME.match(name)
    if m is None or _mine(name, ref):
        return None
    words = set(m.group(1).split()) - lexicon.GENERIC
    if not words or words <= ref.district_word_set:
        return None
    return name


def other_district(f: Features, ref: Reference) -> str | None:
    """What says the account is another school district's: its name carries another district's
    number ('Calder Valley USD 388' beside the district's USD 417), it links another district's
    ``k12`` site, or its bio names another school district and not this one ('Whitlock High
    School of Bitterroot Plains Joint School District No. 341')."""
    own = district_numbers(ref)
    if own:
        for m in _DISTRICT_NUMBER.finditer(" ".join(f.name) or f.name_text):
            if m.group(1) not in own:
                return m.group(0)
    else:  # 'Cedar Hollow School District 49' beside a district no name of which has a number
        for m in _BIO_NUMBER.finditer(" ".join(f.name)):
            return m.group(0)
    for host in f.hosts:
        if ".k12." in f".{host}" and not ref.profile.is_district_domain(host):
            return host
    bio = " ".join(f.bio)
    if own:  # 'Foothills Elementary (Pelton Valley School District 402)' beside District 401
        for m in _BIO_NUMBER.finditer(bio):
            if m.group(1) not in own:
                return m.group(0)
    # a district its bio names whose name the account's own name carries ('Ossory
    # Consolidated School … Ossory Public Schools … proud sending town of Region 22'): its own
    # district, whatever else it names
    name_words = (
        set(f.name)
        - lexicon.GENERIC
        - lexicon.SCHOOL_WORDS
        - lexicon.ACTIVITIES
        - set(lexicon.LEVEL_WORDS)
        - ref.mascots
        - ref.district_word_set
    )
    for m in _DISTRICT_IN_BIO.finditer(bio):
        said = m.group(1).split()
        if _state_after_town(said, ref):
            continue
        number = bio[m.end() :].split()[:1]
        if number and number[0] in own:
            continue  # 'Lindahl High School Lumberjacks softball ISD 2781': the district's own
        if not _mine(" ".join(said), ref) and set(said) & name_words:
            first = next(i for i, w in enumerate(said) if w in name_words)
            if not set(said[first:]) & _LINKING_WORDS:  # not 'meetings of school district'
                return " ".join(said[first:])
    if any(district_said(f, ref, f.text)):
        return None
    if any(m.group(1) in own for m in _BIO_NUMBER.finditer(bio)):
        return None  # 'School District No. 7': this district, by its number
    named = next(
        (
            m
            for m in _DISTRICT_IN_BIO.finditer(bio)
            if not _state_after_town(m.group(1).split(), ref) and _has_a_name(m.group(1))
        ),
        None,
    )
    if named is None:
        return None
    words = named.group(1).split()
    while len(words) > 2 and words[0] in _LINKING_WORDS:  # 'at Saddle Ridge County …'
        words = words[1:]
    return " ".join(words)


# Words that describe a school district without naming one ('a tuition-free, statewide online
# public school', 'a small rural school district')
_DESCRIBING_WORDS = frozenset(
    "tuition free statewide online virtual charter full time accredited small rural large "
    "public private top rated award winning k 12 new local only best our your we were are is "
    "hiring join serving serves grades students certified teachers".split()
)


def _has_a_name(phrase: str) -> bool:
    """Whether a '… public school' or '… school district' phrase has a word of a name in it,
    not only words that describe one ('tuition free statewide online public school')."""
    kinds = {"school", "district", "public", "vocational", "technical", "joint", "unified"}
    kinds |= {"independent", "consolidated"}
    return any(
        w not in _DESCRIBING_WORDS
        and w not in kinds
        and w not in _LINKING_WORDS
        and w not in lexicon.GENERIC
        for w in phrase.split()
    )


def _serves_districts(ref: Reference) -> bool:
    """The district is itself a body that serves other districts ('Ottawa Lakes Intermediate
    School District', a BOCES, an educational service district), as its names say."""
    names = f" {fold(ref.profile.district.name)} " + " ".join(
        f" {fold(a)} " for a in ref.profile.district.aliases
    )
    return any(f" {w} " in names for w in lexicon.SERVICE_DISTRICT_WORDS)


def other_kind(f: Features, m: EntityMatch | None, ref: Reference) -> tuple[str, str] | None:
    """A word of the name, or a phrase of the bio, that describes another kind of organisation
    than a school (and is not a word of the entity's own name): the word and the kind."""
    own: set[str] = set()
    if m is not None:
        parent = ref.by_key.get(m.record.parent or "")
        own = set(m.record.tokens) | (set(parent.tokens) if parent else set())
    own |= ref.district_word_set | ref.local_words
    name = f.name_text
    for w in name.split():
        kind = lexicon.OTHER_KIND_NAME_WORDS.get(w)
        if kind and w not in own:
            return w, kind
    for phrase, kind in lexicon.OTHER_KIND_NAME_PHRASES.items():
        if f.has_phrase(phrase, name) and not set(phrase.split()) <= own:
            return phrase, kind
    bio = " ".join(f.bio)
    for phrase, kind in lexicon.OTHER_KIND_BIO_PHRASES.items():
        if kind == lexicon.SEVERAL_DISTRICTS and _serves_districts(ref):
            continue  # an intermediate or service district's own programs serve its members
        if f.has_phrase(phrase, bio) and not set(phrase.split()) <= own:
            return phrase, kind
    for w in f.bio:
        kind = lexicon.OTHER_KIND_BIO_WORDS.get(w)
        if kind and w not in own:
            return w, kind
    age = _AGE_GROUP.search(name) or _AGE_GROUP.search(bio)
    if age:
        return age.group(0), "a youth or club team"
    return None
