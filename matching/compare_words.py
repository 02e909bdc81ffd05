"""Step 3, compare: words that say what kind of account it is, whatever entity it names:
a fan, parody or commentary account (and whether it claims to be official), the words of an
affiliated organisation (booster club, PTO, alumni), a community group.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from datetime import UTC, date, datetime

from matching import lexicon
from matching.features import Features, said_text
from matching.types import Level

CLASS_OF = re.compile(r"\bclass of (\d{4})\b")
# a bio that starts with its class, as students write it ('class of '27 🦅💙', 'c/o 2027 …'; the
# folded text keeps the year's digits): not a class named in passing ('Class of '27 white coat
# ceremony 5/14!', a program's news)
_BIO_CLASS_OF = re.compile(r"^(?:class of|c o) (?:20)?(\d{2})\b")
_FAN_PHRASES = (
    "fan page",
    "fan account",
    "parody",
    "commentary",
    "satire",
    "student section",
    "fan run",
    "fan club",
)


GRADUATION_MONTH = 6  # a class of year Y leaves school in the spring of Y: alumni from July


def graduated(year: int, today: date | None = None) -> bool:
    """Whether the class of ``year`` has left school by ``today`` (the class of 2026 is still at
    school in March 2026 and alumni in December 2026)."""
    today = today or datetime.now(UTC).date()
    return year < today.year or (year == today.year and today.month > GRADUATION_MONTH)


def fan_levels(f: Features) -> tuple[Level | None, bool]:
    """A fan/parody/commentary account, and whether it also claims to be official."""
    name_words = set(f.name_text.split())
    bio = " ".join(f.bio)
    fan = sorted(name_words & lexicon.FAN_WORDS)
    phrase = next(
        (p for p in _FAN_PHRASES if f.has_phrase(p, bio) or f.has_phrase(p, f.name_text)),
        None,
    )
    not_official = any(p in f"{bio} {f.name_text}" for p in lexicon.NOT_OFFICIAL_PHRASES)
    official = (
        bool(name_words & lexicon.OFFICIAL_WORDS or set(f.bio) & lexicon.OFFICIAL_WORDS)
        and not not_official
    )
    if fan or phrase:
        return Level("fan", f"says it is a {(fan[0] if fan else phrase)} account", 0.0), official
    return None, official


def _shown_name(f: Features) -> list[str]:
    """The words of the name the account shows: its display name, else a search title's."""
    return f.name or (f.title_name.split() if f.title_name else [])


# A bio in the school's own voice ('Updates for Pine River Elementary families from the Pine
# River main office'): a families page its office or principal runs is the school's
_SCHOOL_VOICE = re.compile(
    r"\b(?:(?:main|front|school|district) office|from (?:the|our) (?:office|principal|staff)|"
    r"official (?:page|account))\b"
)


def affiliated_words(f: Features, own: AbstractSet[str] = frozenset()) -> tuple[str, str] | None:
    """Words of a separate organisation in the name or handle (or a clear phrase in the bio),
    or a name that ends with the families around a school or team (not when its bio speaks in
    the school's voice: its office's, its principal's, or its official page).

    Not a word of the matched entity's own name (``own``): the district's 'Family & Parent
    Center' or 'Alumni Relations' office is no parent group or alumni association."""
    for w in f.name_text.split():
        if w in lexicon.AFFILIATED_WORDS and w not in own and not own_gloss(w, own):
            return w, lexicon.AFFILIATED_WORDS[w]
    name = _shown_name(f)
    bio = " ".join(f.bio)
    if (
        len(name) > 1
        and name[-1] in lexicon.FAMILY_NAME_ENDINGS
        and name[-1] not in own
        and not _SCHOOL_VOICE.search(bio)
    ):
        return name[-1], "parent_group"
    for phrase, kind in lexicon.AFFILIATED_PHRASES.items():
        if phrase == "class of" or set(phrase.split()) <= own:
            continue
        if f.has_phrase(phrase, f.name_text) or f.has_phrase(phrase, bio):
            return phrase, kind
    m = CLASS_OF.search(f.name_text) or CLASS_OF.search(bio)
    # a graduation's own channel ('PVA Commencement', whose video is 'Class of 2025
    # Commencement') streams that class's ceremony: no alumni group
    ceremony = _CEREMONY & (set(f.name_text.split()) | set(own))
    if m and graduated(int(m.group(1))) and not staff_run(f) and not ceremony:
        return f"class of {m.group(1)}", "alumni"
    return None


_CEREMONY = frozenset({"graduation", "graduations", "commencement", "commencements"})


# A class's account that its staff sponsors or advisers run ('Senior info from your class
# sponsors', 'Advisor Ms. R.'): the school's program, whatever year the class leaves. Not
# 'sponsors' alone: businesses sponsor a class's prom.
_CLASS_STAFF = re.compile(
    r"\b(?:class (?:sponsor|sponsors)|(?:class )?(?:advisor|advisors|adviser|advisers))\b"
)


# A class's account that says it is the official one of the school's class ('Official page
# of the LHA Class of 2027'): it speaks for the school (policy ABDB-AP), as its sponsors'.
_OFFICIAL_OF = re.compile(r"\bofficial (?:page|account|instagram|profile) of\b")


def staff_run(f: Features) -> bool:
    return bool(_CLASS_STAFF.search(" ".join(f.bio)))


def student_class(f: Features) -> str | None:
    """A class of students still at school, as its account's name says ('BHS Class of 2027'):
    run by its class officers, its sponsor, parents or the students themselves, not clearly
    the school's. A past class is its alumni (:func:`affiliated_words`). Not when it says it is
    a school program of that class (its student council, with a staff adviser), that its
    class sponsors run it, or that it is the class's official page: the school's."""
    m = CLASS_OF.search(f.name_text)
    if any(f.has_phrase(p) for p in lexicon.SCHOOL_ONLY_PROGRAMS) or staff_run(f):
        return None
    if _OFFICIAL_OF.search(" ".join(f.bio)):
        return None  # 'Official page of the Lafayette Harbor Academy Class of 2027': the school's
    if m and not graduated(int(m.group(1))):
        return f"class of {m.group(1)}"
    # a bio that opens with its class ('class of '27 🦅💙'): a student's or a class's account
    b = _BIO_CLASS_OF.search(" ".join(f.bio))
    if b and not graduated(2000 + int(b.group(1))):
        return f"class of 20{b.group(1)}"
    return None


# a bio signed with one graduated class, as a person signs ('OV forever 💚🤍 class of '24'): a
# graduate's own account; not a team's roster of classes ('Class of '26 '27 '28')
_SIGNED_CLASS = re.compile(r"\b(?:class of|c/o)\s*['’](\d{2})\b(?!\s*['’]?\d)", re.I)


def graduate_signature(f: Features) -> str | None:
    """'class of '24' signed in the bio of a class that has left school: a graduate's own
    account (its nostalgia or its clips), not the school's."""
    bio = f.candidate.bio or ""
    years = _SIGNED_CLASS.findall(bio)
    if len(years) != 1 or not graduated(2000 + int(years[0])):
        return None
    return f"class of '{years[0]}"


# A student athlete's own recruiting profile ('QB at Ada Marchbanks HS | Class of 2027 | 6'2 195
# | 3.6 GPA'): measurables a team's account never lists for one player, beside a position or a
# class year.
_MEASURABLES = (
    re.compile(r"\bgpa\b", re.I),  # '3.6 GPA'
    re.compile(r"(?<![\w'’])[4-7]\s?['’]\s?(?:1[01]|\d)(?![\d])"),  # 6'2
    re.compile(r"\b[1-3]\d{2}\s?(?:lbs?|pounds)\b", re.I),  # 195 lbs
    re.compile(r"\bncaa\s*(?:id|eligibility)\b", re.I),
    re.compile(r"\buncommitted\b", re.I),
)
_POSITIONS = re.compile(
    r"(?<![\w/])(?:QB|RB|FB|WR|TE|OL|OT|OG|DL|DE|DT|LB|MLB|OLB|CB|DB|FS|SS|ATH|LS|PG|SG|SF|PF|"
    r"RHP|LHP|INF|OF|UTL|MIF|OH|MB|DS|RS|Libero|Setter)(?![\w/])"
)
_CLASS_YEAR = re.compile(r"\b(?:class of|c/o)\s*['’]?(?:20)?\d{2}\b", re.I)
_NAME_YEAR = re.compile(r"\b20[2-3]\d\b")  # 'Jaylen Brooks | QB | 2027'


def player_profile(f: Features) -> str | None:
    """A student athlete's own recruiting profile: at least one measurable (GPA, height, weight,
    NCAA id, 'uncommitted') beside a position or a class year, or two measurables, in its name
    or bio. A person's account, not the school's or the team's."""
    text = f"{f.candidate.display_name or ''} | {said_text(f.candidate)}"
    said = [m.group(0) for rx in _MEASURABLES if (m := rx.search(text))]
    if not said:
        return None
    placed = (
        _POSITIONS.search(text)
        or _CLASS_YEAR.search(text)
        or _NAME_YEAR.search(f.candidate.display_name or "")
    )
    if len(said) >= 2 or placed:
        return said[0].strip()
    return None


def fan_base(f: Features, own: AbstractSet[str] = frozenset()) -> str | None:
    """A display name that names a school's fan base ('Grizz Nation', 'The Rambler Nation':
    ``lexicon.FAN_BASE_WORDS`` after another word), or an account that says it makes fans'
    highlight videos ('Coyote Hoops Highlights', 'hoops mixtapes'): its students, fans or the
    school may run it, and nothing says which. Not a word of the entity's own name."""
    words = _shown_name(f)
    for i, w in enumerate(words):
        if i and w in lexicon.FAN_BASE_WORDS and w not in own:
            return f"{words[i - 1]} {w}"
    made = sorted((set(words) & lexicon.FAN_MADE_NAME_WORDS) - own) or sorted(
        (set(words) | set(f.bio)) & lexicon.FAN_MADE_WORDS
    )
    if made:
        return made[0]
    bio = " ".join(f.bio)
    said = next((p for p in lexicon.FAN_MADE_BIO_PHRASES if f.has_phrase(p, bio)), None)
    if said:
        return said
    if (
        len(words) > 1
        and words[-1] == lexicon.SPORTS_PAGE_WORD
        and lexicon.SPORTS_PAGE_WORD not in own
        and words[-2] not in lexicon.SPORTS_PROGRAM_WORDS
        and not (set(words) | set(f.bio)) & lexicon.SCHOOL_KIND_WORDS
    ):
        return "sports page"
    # a channel that streams a school's games under a name of its own ('Heights Highlanders
    # Live': 'Live streams of Highlanders football'): the school's, a booster's or a fan's
    if words and words[-1] == "live" and "live" not in own and set(f.bio) & STREAM_WORDS:
        return "live streams"
    return None


STREAM_WORDS = frozenset({"stream", "streams", "streamed", "streaming", "livestream"})


def own_gloss(word: str, own: AbstractSet[str]) -> bool:
    """The English word ``word`` stands for is a word of the entity's own name: 'padres' of the
    district's 'Parent Center' ('Centro de Padres')."""
    return any(g in own for g in lexicon.AFFILIATED_GLOSSES.get(word, ()))


_AFFILIATIONS = "|".join(lexicon.UNION_AFFILIATIONS)
_UNION_LOCAL = re.compile(
    rf"\b(?:(?:{_AFFILIATIONS}) local \d+|local \d+ (?:of (?:the )?)?(?:{_AFFILIATIONS}))\b"
)


def union_words(f: Features, own: AbstractSet[str] = frozenset()) -> str | None:
    """What says the account is a union of the district's teachers or staff ('Education
    Association', 'Federation of Teachers', 'AFT Local 1822', 'representing the teachers of'), as
    written (folded); not a phrase made of the matched entity's own words."""
    bio = " ".join(f.bio)
    for phrases, text in (
        (lexicon.UNION_NAME_PHRASES, f.name_text),
        (lexicon.UNION_BIO_PHRASES, bio),
    ):
        for phrase in phrases:
            if f.has_phrase(phrase, text) and not set(phrase.split()) <= own:
                return phrase
    m = _UNION_LOCAL.search(f.name_text) or _UNION_LOCAL.search(bio)
    return m.group(0) if m else None


_NOT_A = re.compile(
    rf"\bnot (?:an?|the) (?:\w+ ){{0,3}}(?:{'|'.join(sorted(lexicon.DISCLAIMER_NOUNS))})\b"
)


def disclaimer(f: Features) -> str | None:
    """What the account says to disown the district or its schools ('not run by CVISD or any
    school', 'not affiliated with', 'not a school team'), as written (folded)."""
    for text in (f.context, f.name_text):
        hay = f" {text} "
        phrase = next((p for p in lexicon.DISCLAIMER_PHRASES if f" {p} " in hay), None)
        if phrase is None:
            m = _NOT_A.search(text)
            phrase = m.group(0) if m else None
        if phrase is not None:
            return phrase
    return None


def community_word(f: Features, own: set[str] | frozenset[str] = frozenset()) -> str | None:
    """A community group's word in the name, unless it is a word of the district's or the
    entity's own name ('City' of 'Dayton Riverside City Schools')."""
    return next(
        (w for w in f.name_text.split() if w in lexicon.COMMUNITY_WORDS and w not in own), None
    )
