"""Step 1 applied to one account: its folded, expanded words, ready to compare.

Built once per account and shared by every comparison.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from crawler.vocab import Observation, Platform, sources_where
from matching import lexicon
from matching.normalise import compact, fold, skeleton
from matching.reference import Reference
from matching.settings import MatchSettings
from matching.types import Candidate

# Words search engines and platforms add to a page title: not the account's name.
_TITLE_NOISE = re.compile(
    r"\b(instagram|facebook|tiktok|youtube|linkedin|threads|bluesky|mastodon|twitter|x\.com|photos?|videos?|"
    r"followers?|following|posts?|likes?|reels?|log ?in|sign ?up|see|profile|on x|channel|subscribers?)\b",
    re.IGNORECASE,
)
_HANDLE_IN_TITLE = re.compile(r"\(@[^)]*\)|@\w+")
# Where the name ends in a search title: "Name (@handle) • Instagram", "Name | City, ST | Facebook".
_TITLE_END = re.compile(
    r"\s*(?:\(@|\s[|•·]\s|\son (?:X|Instagram|TikTok|Facebook|Threads)\b|\s-\s)"
)
# What a page-derived snippet starts with before the bio: "880 Followers, 120 Following, 150 Posts - ".
_COUNTS = re.compile(r"^[\d.,kKmM\s]+(?:followers|following|posts|likes)\b.*?\s-\s", re.IGNORECASE)
# ... then the name and handle again: "Mustang Boosters (@mustangboosters) on Instagram: ".
_SNIPPET_NAME = re.compile(r"^[^\n]*?\(@[^)]*\)\s+on\s+\w+\s*[:|.]?\s*")
# The page's name and counts that other platforms put before the bio (platforms.md): Facebook
# "Name. 900 likes · 22 talking about this. ", LinkedIn "Name | 1,400 followers on LinkedIn. ",
# TikTok "3.7K Likes. 400 Followers. " (after its name), Threads "5.5M Followers • 145 Threads • ".
_COUNT = r"[\d.,]+[kKmM]?"
_PAGE_PREFIXES = (
    re.compile(rf"^[^\n]*?\.\s+{_COUNT}\s+likes?\s*·\s*{_COUNT}\s+talking about this\.?\s*", re.I),
    re.compile(rf"^[^\n]*?\|\s*{_COUNT}\s+followers? on LinkedIn\.?\s*", re.I),
    re.compile(rf"^{_COUNT}\s+likes\.\s*{_COUNT}\s+followers\.\s*", re.I),
    re.compile(rf"^{_COUNT}\s+followers\s*•\s*{_COUNT}\s+threads\s*•\s*", re.I),
)
# A teacher's title before a name ("Ms. Garza's 4th Grade"): not the short form of middle school.
_HONORIFIC = re.compile(rf"\b({'|'.join(lexicon.HONORIFICS)})\.?\s+(?=[A-Z][a-z])")
# Sources that see an account as a link on a page (the district's site): the link text names it.
LINK_SOURCES = sources_where(observation=Observation.LINK)


@dataclass(slots=True)
class Place:
    text: str  # as written
    city: str | None  # folded
    state: str | None  # two-letter code
    major: bool = False  # a big city's name before a team's ('Seattle Mariners')


@dataclass(slots=True)
class Features:
    candidate: Candidate
    name: list[str] = field(default_factory=list)  # display name words, expanded
    handle: list[str] = field(default_factory=list)  # handle split into words, expanded
    handle_raw: list[str] = field(default_factory=list)  # handle split, not expanded
    handle_compact: str = ""
    handle_skeleton: str = ""
    titles: list[list[str]] = field(default_factory=list)  # search-result titles, cleaned
    bio: list[str] = field(
        default_factory=list
    )  # the bio, or the search snippets when there is none
    bio_source: str = "bio"  # what ``bio`` was read from, for labels
    title_name: str = ""  # the name a search title gives, when there is no display name
    text: str = ""  # every folded word of name, handle, bio, location, titles, snippets
    name_text: str = ""  # folded words of name, handle and titles only
    context: str = ""  # folded words of bio, location and snippets only
    hosts: list[str] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    teacher: bool = False  # the display name starts a name with a teacher's title (Mr., Ms.)
    # the district's abbreviations the account spells out as another name, with that name
    # ('lhs': 'lodgepole high school')
    defined: dict[str, str] = field(default_factory=dict)
    # the district's abbreviations that are a mascot's name, written here as the word ('Rams')
    plain: frozenset[str] = frozenset()
    # the folded words of its name, bio, search snippets and handle pieces as written, not
    # expanded ('falcon' stays singular)
    written: frozenset[str] = frozenset()

    def block_words(self, s: MatchSettings) -> dict[str, float]:
        """Words to block on, with a weight: the display name and search titles say what the account
        calls itself; a handle split into words is a guess (``block_handle_weight``), the bio only a
        fallback (``block_bio_weight``)."""
        ws: dict[str, float] = {}
        # The handle's own pieces, not their expansions: a junk piece that happens to be some
        # school's initials must not pull in that school's words.
        for w in self.handle_raw:
            if len(w) >= s.block_handle_min_length or w.isdigit():
                ws[w] = s.block_handle_weight
        for w in (*self.name, *(x for t in self.titles for x in t)):
            ws[w] = 1.0
        if not ws:
            ws = dict.fromkeys(self.bio, s.block_bio_weight)
        return ws

    def has_phrase(self, phrase: str, where: str | None = None) -> bool:
        hay = f" {where if where is not None else self.text} "
        return f" {phrase} " in hay


def sighting_texts(c: Candidate) -> tuple[list[str], list[str], list[str]]:
    """The account's names, the pages that link it, and its bio-like snippets, from its sightings.

    A search result's title is the account's name and its snippet the page's description (the bio).
    A district page is the other way round: the link text names the account, and the page's
    title says where it was linked (context, not the account's name)."""
    names: list[str] = []
    pages: list[str] = []
    snippets: list[str] = []
    for s in c.sightings:
        if s.source in LINK_SOURCES:
            names += [s.snippet] if s.snippet else []
            pages += [s.title] if s.title else []
        else:
            names += [s.title] if s.title else []
            snippets += [snippet_bio(s.snippet)] if s.snippet else []
    return list(dict.fromkeys(names)), list(dict.fromkeys(pages)), list(dict.fromkeys(snippets))


def snippet_bio(snippet: str) -> str:
    """The bio part of a search snippet: the platform's counts and the page's name cut off, so
    that a snippet does not name the account's entity only by repeating the account's name."""
    text = _SNIPPET_NAME.sub("", _COUNTS.sub("", snippet))
    for prefix in _PAGE_PREFIXES:
        text = prefix.sub("", text, count=1)
    return text


def title_name(title: str) -> str:
    """The account's name in a search title: the part before its handle or the site's name."""
    return _TITLE_END.split(title, maxsplit=1)[0].strip()


_DEFINED = re.compile(r"([^()]{3,120}?)\s*\(\s*([A-Za-z]{2,8})\s*\)")
_NAMED_AS = re.compile(r"^\s*([A-Za-z]{2,8})\s+[-–|:]\s+(.{3,120})$")
_STOP = ("of", "the", "and", "for", "at", "de", "la", "del")


def _spells(words: str, abbr: str) -> str | None:
    """The words ending ``words`` whose initials are ``abbr`` ('Crescent Falls International
    School' of 'CFIS'), folded; None if they are not there."""
    ws = [w for w in fold(words).split() if w not in _STOP]
    n = len(abbr)
    if len(ws) < n:
        return None
    tail = ws[-n:]
    return " ".join(tail) if "".join(w[0] for w in tail) == abbr.lower() else None


# The last word of a school's name: what a bio that spells an abbreviation out as a school
# ends it with ('LHS Theatre': 'Lodgepole High School theatre company')
_SCHOOL_TAILS = frozenset("school schools academy elementary college district".split())


def _school_spelled(text: str, abbr: str) -> str | None:
    """A school's name anywhere in ``text`` whose initials are ``abbr`` ('lodgepole high
    school' of 'LHS'), folded; None if there is none."""
    ws = [w for w in fold(text).split() if w not in _STOP]
    n = len(abbr)
    for i in range(len(ws) - n + 1):
        words = ws[i : i + n]
        if words[-1] in _SCHOOL_TAILS and "".join(w[0] for w in words) == abbr.lower():
            return " ".join(words)
    return None


# The letters of a school type after a place's initials in an abbreviation ('RCHS': Red Clay HS)
_TYPE_LETTERS = ("jhs", "hs", "ms", "es", "ps", "sd")
_CAPITALISED_RUN = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+")


def _initials_of_other(texts: Iterable[str], abbr: str, ref: Reference) -> str | None:
    """A capitalised name in ``texts`` that is none of the district's and whose initials, with
    a school type's letters, are ``abbr`` ('Red Clay Cardinals ... RCHS': 'red clay hs'), folded;
    None if there is none. A mascot is no place ('Rise Cardinals')."""
    own = ref.vocabulary | ref.local_words
    for kind in _TYPE_LETTERS:
        head = abbr[: -len(kind)]
        if not abbr.endswith(kind) or len(head) < 2:
            continue
        for text in texts:
            for m in _CAPITALISED_RUN.finditer(text):
                words = [fold(w) for w in m.group(0).split()]
                for i in range(len(words) - len(head) + 1):
                    run = words[i : i + len(head)]
                    if (
                        "".join(w[0] for w in run) == head
                        and not set(run) & ref.mascots
                        and not set(run) <= own
                    ):
                        return f"{' '.join(run)} {kind}"
    return None


def defined_otherwise(
    texts: Iterable[str], ref: Reference, name: str = "", bio: str = ""
) -> dict[str, str]:
    """The district's abbreviations an account spells out as something else ('Crescent Falls
    International School (CFIS)', 'CFIS - Crescent Falls International School'), or that its
    ``name`` uses while its ``bio`` names another school with those initials ('LHS Theatre':
    'Lodgepole High School theatre company'): in its words they are that other name, not the
    district's."""
    out: dict[str, str] = {}
    for word in dict.fromkeys(fold(name).split()):
        mine = ref.abbreviations.get(word)
        spelled = _school_spelled(bio, word) if mine and len(word) >= 2 else None
        if mine and spelled and not set(spelled.split()) <= set(mine.split()):
            out[word] = spelled
    texts = tuple(texts)
    for word in dict.fromkeys(fold(" ".join(texts)).split()):
        mine = ref.abbreviations.get(word)
        other = _initials_of_other(texts, word, ref) if mine else None
        if mine and other:
            out.setdefault(word, other)
    for text in texts:
        pairs = [(m.group(2), m.group(1)) for m in _DEFINED.finditer(text)]
        named = _NAMED_AS.match(text)
        if named:
            pairs.append((named.group(1), named.group(2)))
        for abbr, words in pairs:
            mine = ref.abbreviations.get(abbr.lower())
            spelled = _spells(words, abbr) or _spells(
                " ".join(words.split()[: len(abbr) + 3]), abbr
            )
            if mine and spelled and not set(spelled.split()) <= set(mine.split()):
                out.setdefault(abbr.lower(), spelled)
    # what the district's own names spell ('ISD' as 'intermediate school district' of Ottawa
    # Lakes Intermediate School District) is no other meaning of its abbreviation
    return {a: sp for a, sp in out.items() if f" {sp} " not in ref.own_names_text}


def _plain_word_abbreviations(c: Candidate, ref: Reference) -> frozenset[str]:
    """The district's abbreviations that are also a mascot's name ('RAMS' of Rio Arenoso
    Municipal Schools, 'rams' of every Rams team) and that the account never writes in
    capitals (its name, bio or handle): there they are the word, not the abbreviation."""
    words = {
        a
        for a, full in ref.abbreviations.items()
        if a in ref.mascots and len(a) >= 3 and " " in full and a.isalpha()
    }
    if not words:
        return frozenset()
    said = (f"{sg.title or ''} {sg.snippet or ''}" for sg in c.sightings)
    raw = f"{c.display_name or ''} {c.bio or ''} {c.handle} {' '.join(said)}"
    return frozenset(a for a in words if a.upper() not in raw)


def _split_name(display_name: str) -> tuple[str, str]:
    """A display name's name proper and what follows it after a separator (''), as a search
    title is split: 'Ochoa Jaguar Athletics | Sonoran Wells, AZ'."""
    cut = title_name(display_name)
    return cut, display_name[len(cut) :].strip(" |•·-") if cut != display_name else ""


def shown_name(display_name: str) -> str:
    """The name proper of a display name: without a place or 'official' after a separator
    ('Dayton Riverside City Schools | Dayton, OH'), but whole where what follows says more of
    the name ('CFIS - Crescent Falls International School' is no 'CFIS')."""
    cut, rest = _split_name(display_name)
    if not rest or find_places(rest) or set(fold(rest).split()) <= lexicon.OFFICIAL_WORDS:
        return cut
    return display_name


def _name_and_place(display_name: str) -> tuple[str, str]:
    """A display name split into its name and the place stored after it, if any."""
    cut, rest = _split_name(display_name)
    return (cut, rest) if rest and find_places(rest) else (display_name, "")


def said_text(c: Candidate) -> str:
    """The bio as written, or what search results say of the account where there is none."""
    return c.bio or " | ".join(sg.snippet for sg in c.sightings if sg.snippet)


def build_features(c: Candidate, ref: Reference) -> Features:
    f = Features(candidate=c)
    said = said_text(c)
    foreign = defined_otherwise((c.display_name or "", said), ref, c.display_name or "", said)
    f.defined = foreign
    if foreign:  # its own abbreviation stays a word of its own
        abbreviations = {k: v for k, v in ref.abbreviations.items() if k not in foreign}
        ref = replace(ref, abbreviations=abbreviations)
    plain = f.plain = _plain_word_abbreviations(c, ref)
    if plain:  # 'Lady Rams' is a mascot, not Rio Arenoso Municipal Schools' RAMS
        ref = replace(
            ref,
            abbreviations={k: v for k, v in ref.abbreviations.items() if k not in plain},
            district_abbreviations=ref.district_abbreviations - plain,
        )
    honorifics = {fold(m.group(1)) for m in _HONORIFIC.finditer(c.display_name or "")}
    f.teacher = bool(honorifics)
    # the name proper: a page name stored with its place ('Ochoa Jaguar Athletics | Sonoran
    # Wells, AZ') is scored without it; the place stays in the account's context
    proper, place_part = _name_and_place(c.display_name or "")
    f.name = ref.tokens(_HONORIFIC.sub(" ", proper))
    handle = c.handle.lower().lstrip("@")
    if c.platform == Platform.BLUESKY:
        handle = re.sub(r"\.bsky\.social$", "", handle)
    elif c.platform == Platform.MASTODON:
        handle = handle.split("@", 1)[0]  # user@instance: the instance is not part of the name
    if handle.isdigit():  # a Facebook page known only by its numeric id says nothing
        handle = ""
    assert ref.segmenter is not None
    f.handle_raw = ref.segmenter.split(handle) if handle else []
    text = " ".join([c.display_name or "", c.bio or "", *(sg.snippet or "" for sg in c.sightings)])
    f.written = frozenset(fold(text).split()) | frozenset(f.handle_raw)
    # A teacher's handle ('msgarzas4thgrade', 'mrskimsclass') is a title and a surname the
    # vocabulary does not know: its pieces are not expanded ('ms' is no middle school there).
    if honorifics:
        f.handle = [p for p in f.handle_raw if p not in honorifics]
    else:
        f.handle = ref.tokens(" ".join(f.handle_raw))
    f.handle_compact = compact(handle)
    f.handle_skeleton = skeleton(handle) if handle else ""
    # the pages that link it are not read: the title of the district's page ('Kuskokwim Tundra
    # Borough School District | Community') names the district and its place, not the
    # account; the link itself is the evidence (``district_site``), said once
    names, _pages, snippets = sighting_texts(c)
    for t in names:
        words = ref.tokens(_TITLE_NOISE.sub(" ", _HANDLE_IN_TITLE.sub(" ", _HONORIFIC.sub(" ", t))))
        if words:
            f.titles.append(words)
    if not c.display_name:
        f.title_name = next(
            (title_name(s.title) for s in c.sightings if s.title and s.source not in LINK_SOURCES),
            "",
        )
    # An account known only from search results: the result's snippet is its bio.
    f.bio_source = "bio" if c.bio else "search snippet"
    f.bio = ref.tokens(c.bio or " ".join(snippets))
    f.name_text = " ".join([*f.name, *f.handle_raw, *f.handle, *(w for t in f.titles for w in t)])
    f.context = " ".join(
        [
            *f.bio,
            fold(c.location or ""),
            fold(" ".join(snippets)),
            fold(c.bio or ""),
            fold(place_part),
        ]
    )
    f.text = f"{f.name_text} {f.context}"
    hosts = []
    for link in c.links:
        try:
            h = urlsplit(link if "//" in link else f"https://{link}").hostname
        except ValueError:
            h = None
        if h:
            hosts.append(h.lower())
    for m in re.finditer(r"\b((?:[a-z0-9-]+\.)+[a-z]{2,})\b", (c.bio or "").lower()):
        hosts.append(m.group(1))
    f.hosts = hosts
    f.places = find_places(c.location or "", comma=False) + find_places(
        " | ".join(x for x in (c.bio, *snippets) if x), comma=True
    )
    f.places += find_places(place_part)  # 'WFPS Early Childhood Center | West Fargo, ND'
    f.places += handle_state(c.handle)
    f.places += major_city_names(" | ".join(x for x in (c.display_name, c.bio) if x))
    vocab = ref.vocabulary
    f.unknown = [
        w
        for w in dict.fromkeys([*fold(c.display_name or "").split(), *f.handle_raw])
        if len(w) >= 3 and not w.isdigit() and w not in vocab and w not in lexicon.SCHOOL_WORDS
    ]
    return f


_CODES = "|".join(lexicon.STATES)
_CITY_STATE = re.compile(
    rf"((?:[A-Z][A-Za-z.'-]*\s+){{0,3}}[A-Z][A-Za-z.'-]*)\s*,?\s+({_CODES})\b(?![a-z])"
)
# In free text a bare "IN" or "OK" is a word and a bare "SD" a school district, so for those codes
# the comma is required: "Tulsa, OK" (lexicon.COMMA_STATE_CODES).
_PLAIN = "|".join(c for c in lexicon.STATES if c not in lexicon.COMMA_STATE_CODES)
# a capitalised word of a town's name, accented letters too ('St. Rémy', 'Española')
_TOWN_WORD = r"[A-ZÀ-ÖØ-Þ](?:[^\W\d_]|[.'-])*"
_CITY_COMMA_STATE = re.compile(
    rf"((?:{_TOWN_WORD}\s+){{0,3}}{_TOWN_WORD})\s*(?:,\s*({_CODES})|\s({_PLAIN}))\b(?![a-z])"
)
_FOREIGN = re.compile(
    r"\b(?:Nunavut|Yukon|Northwest Territories|British Columbia|Alberta|Saskatchewan|Manitoba|"
    r"Ontario|Quebec|Québec|Nova Scotia|New Brunswick|Newfoundland|Prince Edward Island|"
    r"Canada)\b"
)
_DC_AFTER = re.compile(r"\s*,?\s*D\.?\s?C\b\.?")
_STATE_NAMES = sorted(((n, c) for c, n in lexicon.STATES.items()), key=lambda x: -len(x[0]))
_FULL = re.compile(
    r"((?:[A-Z][A-Za-z.'-]*\s+){0,3}[A-Z][A-Za-z.'-]*)?\s*,?\s*\b("
    + "|".join(n.title() for n, _ in _STATE_NAMES)
    # A state's name before another capitalised word is part of a longer name ('Washington
    # Elementary', 'Oregon District Elementary', 'Kansas City'), not the state; 'Washington
    # State' is the state.
    + r")\b(?!\s+(?!State\b)[A-Z][a-z])"
)


# A state code set apart at a handle's end ('esperanza_elem_nm', 'lincoln.lions.ne'): where the
# account is, as schools that share a name tell themselves apart. Not the codes that are words or
# school abbreviations (lexicon.COMMA_STATE_CODES), nor those handles use for other things
# ('_co' company or county, '_la' Los Angeles, '_ma' of a name, '_pa' of a parent association).
_HANDLE_STATE = re.compile(r"[._-]([a-z]{2})$")
_HANDLE_STATE_SKIPS = frozenset({"CO", "LA", "DE", "MA", "PA", "AL", "MT"})


def handle_state(handle: str | None) -> list[Place]:
    """The state a handle's last separated part names, as a place (``esperanza_elem_nm``)."""
    m = _HANDLE_STATE.search((handle or "").lower())
    code = m.group(1).upper() if m else ""
    if code in lexicon.STATES and code not in lexicon.COMMA_STATE_CODES | _HANDLE_STATE_SKIPS:
        return [Place(text=f"@{handle} ({code})", city=None, state=code)]
    return []


# A word no town is called: an acronym ('FFA', 'HOSA', 'IHSAA') or a brand's capitals inside a
# word ('PlayVS'); 'McCall' and 'DeKalb' have one capital inside, 'St.' is a word.
_BRAND = re.compile(r"^(?:[A-Z]{2,}|\w*[a-z][A-Z]{2,}\w*)$")


def _not_a_town(words: str) -> bool:
    """'PlayVS Idaho', 'HOSA Idaho': a league or an organisation of the state, not a town in
    it; nor 'Ottawa Lakes Intermediate School District, Michigan', a body of the state whose
    name ends as a school's or a district's does."""
    ws = words.split()
    if ws and fold(ws[-1]) in _BODY_ENDS:
        return True
    return bool(ws) and all(_BRAND.match(w) for w in ws)


_BODY_ENDS = frozenset("district districts school schools academy college university".split())


_MAJOR_CITY = re.compile(
    r"\b("
    + "|".join(re.escape(c) for c in sorted(lexicon.MAJOR_CITIES, key=len, reverse=True))
    + r")\s+([A-Z][\w'’.&-]*)"
)


def major_city_names(text: str) -> list[Place]:
    """A major-league or big city with a capitalised word after it ('Seattle Mariners', 'Chicago
    Bulls'), as a place: a team or an institution of that city. Not before a school's or a
    place's own word ('Denver Elementary', 'Orlando Public Schools': a school of that name)."""
    out: list[Place] = []
    for m in _MAJOR_CITY.finditer(text or ""):
        after = fold(m.group(2))
        if after in lexicon.SCHOOL_WORDS or after in _CITY_NAME_WORDS:
            continue
        out.append(
            Place(
                text=m.group(0).strip(),
                city=fold(m.group(1)),
                state=lexicon.MAJOR_CITIES[m.group(1)],
                major=True,
            )
        )
    return out


# words after a city's name that make it a school's, a district's or a place's own name
_CITY_NAME_WORDS = frozenset(
    "elementary middle high school schools public unified city county area district isd "
    "academy charter prep preparatory heights park village township".split()
)


def find_places(text: str, *, comma: bool = True) -> list[Place]:
    """Mentions of a town and state ("Valley City, ND", "Orlando, Florida", "Michigan")."""
    out: list[Place] = []
    if not text:
        return out
    for m in (_CITY_COMMA_STATE if comma else _CITY_STATE).finditer(text):
        if _not_a_town(m.group(1)):
            continue
        out.append(
            Place(
                text=m.group(0).strip(),
                city=fold(m.group(1)) or None,
                state=m.group(2) or m.group(3),
            )
        )
    for m in _FULL.finditer(text):
        name = m.group(2).lower()
        if name == "washington" and _DC_AFTER.match(text, m.end()):
            # 'Washington, D.C.', 'Washington DC': the District of Columbia, not the state
            out.append(Place(text=m.group(0).strip(), city="washington", state="DC"))
            continue
        code = next(c for n, c in _STATE_NAMES if n == name)
        city = None if _not_a_town(m.group(1) or "") else fold(m.group(1) or "") or None
        if city and fold(name).startswith(city):
            city = None
        if text[m.end() :].startswith(" State"):
            city = None  # 'Go Ohio State!', 'No. 49, Washington State': the state alone
        out.append(Place(text=m.group(0).strip(), city=city, state=code))
    # a Canadian province or territory: no US state at all ('Kangiqtuq, Nunavut')
    for m in _FOREIGN.finditer(text):
        out.append(Place(text=m.group(0).strip(), city=None, state="XX"))
    # a state's Spanish name ('Calloway Springs, Carolina del Sur')
    folded = f" {fold(text)} "
    for name, code in lexicon.SPANISH_STATES.items():
        if f" {name} " in folded:
            out.append(Place(text=name.title(), city=None, state=code))
    return out
