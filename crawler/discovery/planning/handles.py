"""Candidate handles: how districts name their schools', teams' and programs' accounts.

For every school and program (and team), from its distinctive name, abbreviations,
initials, mascot (plural and singular) and each activity listed on it (with the short forms
people type: ``vball``, ``hoops``, ``xc``, from :data:`ACTIVITY_SHORT`), the patterns of
:data:`TEMPLATES` are joined with each separator of :data:`SEPARATORS` (``sheyennemustangs``,
``shs_volleyball``, ``wf.packers.hockey``). Each candidate gets a score (lower first): the
pattern's rank, the separator, the activity form and the length; patterns, separators and
forms the district's own registered handles use (:func:`handle_style`) come first.
A probe takes only an entity's first few candidates per platform, so the order is spread
(:func:`spread`): every pattern's best words before any pattern's fifth, and the separated
forms (``wbhs_xc``, ``lincoln.lions.vball``) a few places after their words.
Platforms keep the candidates their handle rules allow (``crawler.platforms``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache

from crawler.discovery.planning.text import core_name, fold, slug
from crawler.district.profile import DistrictProfile, Entity, EntityKind

# Short forms of activities as people write them in handles (the activity's own slug is
# always a form too, and comes first).
ACTIVITY_SHORT: dict[str, tuple[str, ...]] = {
    "volleyball": ("vball", "vb"),
    "basketball": ("bball", "hoops", "bb"),
    "girls basketball": ("gbb", "wbb", "gbball", "ghoops"),
    "boys basketball": ("bbb", "mbb", "bball", "hoops"),
    "football": ("fb", "ftbl"),
    "baseball": ("bsb", "base"),
    "softball": ("sb", "sball"),
    "cross country": ("xc", "crosscountry"),
    "track": ("tf", "trackandfield", "tnf"),
    "track and field": ("tf", "track", "tnf"),
    "swimming": ("swim", "swimdive", "sd"),
    "wrestling": ("wrestle", "wr"),
    "hockey": (),
    "girls hockey": ("ghockey", "ghky"),
    "soccer": ("soc", "futbol"),
    "girls soccer": ("gsoccer", "gsoc", "wsoc"),
    "tennis": ("ten",),
    "golf": ("glf",),
    "cheer": ("cheerleading", "spirit"),
    "dance": ("danceteam", "dnc"),
    "band": ("bands", "music"),
    "choir": ("choirs", "vocal"),
    "orchestra": ("orch", "strings"),
    "theatre": ("theater", "drama"),
    "drama": ("theatre", "theater"),
    "athletics": ("sports", "ath"),
    "activities": ("acts",),
    "esports": ("gaming",),
    "speech": ("speechanddebate", "forensics"),
    "debate": ("speechanddebate",),
    "science olympiad": ("scioly",),
    "publications": ("yearbook", "news"),
    "jrotc": ("rotc",),
    "lacrosse": ("lax",),
    "field hockey": ("fh", "fieldhockey"),
    "flag football": ("flagfb", "flag"),
    "beach volleyball": ("beachvb", "bvb", "sandvb"),
    "swim and dive": ("swimdive", "swim", "sd"),
    "swimming and diving": ("swimdive", "swim", "sd"),
    "cross country and track": ("xctf", "xc", "tf"),
    "spirit line": ("spiritline", "cheer", "spirit"),
    "spiritline": ("cheer", "spirit"),
    "pom": ("poms", "pomline"),
    "color guard": ("colorguard", "guard", "winterguard"),
    "winter guard": ("winterguard", "guard", "wg"),
    "marching band": ("band", "marchingband", "mb"),
    "jazz band": ("jazz",),
    "drumline": ("drums", "percussion"),
    "ballet folklorico": ("folklorico", "folklore"),
    "folklorico": ("balletfolklorico", "folklore"),
    "athletic training": ("sportsmed", "at", "athletictrainers"),
    "sports medicine": ("sportsmed", "sportsmedicine", "at"),
    "student council": ("stuco", "studentcouncil", "stugo"),
    "student government": ("stugo", "stuco", "asb"),
    "national honor society": ("nhs",),
    "yearbook": ("yb", "annual"),
    "newspaper": ("news", "paper"),
    "journalism": ("news", "media"),
    "broadcasting": ("tv", "broadcast", "news"),
    "robotics": ("robots", "frc", "ftc"),
    "powerlifting": ("lifting", "pl"),
    "weightlifting": ("lifting", "wl"),
    "bowling": ("bowl",),
    "unified sports": ("unified",),
}

# Words before an activity that say whose team it is (``Girls Soccer``, ``Women's Basketball``),
# and the letters handles write for them (``gsoccer``, ``wbb``, ``bbb``, ``mbb``).
ACTIVITY_QUALIFIERS: dict[str, tuple[str, ...]] = {
    "girls": ("g", "w"),
    "womens": ("w", "g"),
    "women": ("w", "g"),
    "lady": ("g", "w"),
    "boys": ("b", "m"),
    "mens": ("m", "b"),
    "men": ("m", "b"),
}
# How many forms of an activity a qualified one adds with its letters (``gvball``, ``gvb``)
QUALIFIED_SHORT_FORMS = 2
SHORT_SLUG = 7  # a sport's name short enough to take the letter whole ('gsoccer', 'bgolf')

# Separators between the parts of a handle, in order of how common they are.
SEPARATORS: tuple[str, ...] = ("", "_", ".", "-")
SEPARATOR_COST: dict[str, float] = {"": 0.0, "_": 0.6, ".": 1.0, "-": 2.0}

# Patterns: roles joined in order, and their rank (lower: more natural). ``name``: the
# distinctive name; ``abbr``: an abbreviation or the initials; ``mascot``; ``act``: an
# activity form; ``the``/``official``/``hq``/``level`` are literal words.
TEMPLATES: dict[str, tuple[tuple[str, ...], float]] = {
    "name+mascot": (("name", "mascot"), 0.0),
    "abbr+mascot": (("abbr", "mascot"), 0.5),
    "full": (("full",), 1.0),
    "name": (("name",), 2.5),
    "abbr": (("abbr",), 3.0),  # a distinctive abbreviation alone ('tvrhs'), MIN_BARE_ABBR long
    "name+level": (("name", "level"), 2.0),
    "name+level+mascot": (("name", "level", "mascot"), 2.5),
    "name+level+act": (("name", "level", "act"), 3.0),
    "name+act": (("name", "act"), 2.5),
    "mascot+act": (("mascot", "act"), 2.5),
    "abbr+act": (("abbr", "act"), 2.5),
    "name+mascot+act": (("name", "mascot", "act"), 2.5),
    "abbr+mascot+act": (("abbr", "mascot", "act"), 2.5),
    # the name's first letter before the mascot ('keagles', 'ltigerswrestling'): a coach's
    # short form where 'khs' is taken
    "initial+mascot": (("initial", "mascot"), 1.5),
    "initial+mascot+act": (("initial", "mascot", "act"), 3.5),
    "the+name+mascot": (("the", "name", "mascot"), 6.0),
    "name+mascot+official": (("name", "mascot", "official"), 6.0),
    "abbr+mascot+official": (("abbr", "mascot", "official"), 6.5),
    "name+official": (("name", "official"), 6.5),
    "abbr+hq": (("abbr", "hq"), 7.0),
    "name+hq": (("name", "hq"), 7.0),
}
LEVEL_SHORT = {"high": "hs", "middle": "ms", "elementary": "elem"}
MIN_BARE_ABBR = 4  # shorter abbreviations alone ('shs', 'lhs') are everybody's
# The last word of an activity that people leave out of a handle ('nordic' of Nordic Skiing,
# 'woodsmen' of Woodsmen Team, 'french' of French Club)
ACTIVITY_TAILS = frozenset("skiing team club squad society program".split())
STYLE_BONUS = 1.0  # a pattern the district's registered handles use
SHAPE_BONUS = 0.7
EXTEND_BONUS = 0.7  # an activity pattern that adds the activity to a pattern the district uses
NAME_BONUS = 1.0  # the pattern the entity's own name follows  # the same pattern with another kind of name (abbreviation for name)
LITERALS = ("the", "official", "hq")
FORM_COST = 0.3  # each later form of a word (a second abbreviation, a shorter activity form)
# a later name (``thomasjefferson`` after ``jefferson``) and the singular mascot are rarer
LATER_FORM_COST = {"name": 0.6, "mascot": 0.6, "abbr": 0.5}
USED_SEPARATOR_COST = 0.5  # a separator the district's registered handles use
READABLE_SEPARATOR_SHARE = 0.6  # of a separator's cost where it makes the handle readable
# an underscore before the activity only ('lincolnlions_vball'): after the dotted form
MIXED_SEPARATOR_COST = 0.4


@dataclass(frozen=True, slots=True)
class HandleStyle:
    """What the district's registered handles show about how it names accounts."""

    patterns: tuple[tuple[str, int], ...] = ()  # (pattern, how many registered handles use it)
    separators: frozenset[str] = frozenset()
    short_forms: bool = False
    singular: bool = False
    # the words they are made of (``wf``, ``packer``, ``vb``): these forms come first
    words: frozenset[str] = frozenset()

    def bonus(self, pattern: str) -> float:
        """How much earlier a pattern comes: in proportion to how many registered handles use
        it (the same pattern with another kind of name counts a little less)."""
        if not self.patterns:
            return 0.0
        acts = "act" in TEMPLATES[pattern][0]
        most = max((n for p, n in self.patterns if ("act" in TEMPLATES[p][0]) == acts), default=1)
        exact = sum(n for p, n in self.patterns if p == pattern)
        alike = sum(n for p, n in self.patterns if p != pattern and shape(p) == shape(pattern))
        bonus = (STYLE_BONUS * exact + SHAPE_BONUS * alike) / most
        if acts:
            # an activity's account is named like its school's, with the activity added
            # ('hchsmariners' -> 'hchsmarinersfb'): the school pattern it extends counts too
            base = pattern.replace("+act", "")
            plain = [n for p, n in self.patterns if "act" not in TEMPLATES[p][0]]
            extended = sum(n for p, n in self.patterns if p == base)
            bonus += EXTEND_BONUS * extended / max(plain, default=1)
        return bonus


@dataclass(frozen=True, slots=True)
class Parts:
    """The words a candidate is made of, per role, each best first (a value: the candidates of
    the same parts are computed once per process, :func:`candidates`)."""

    name: tuple[str, ...] = ()  # the distinctive part: sheyenne
    full: tuple[str, ...] = ()  # whole names and aliases: sheyennehighschool
    abbr: tuple[str, ...] = ()
    initial: tuple[str, ...] = ()  # the distinctive name's first letter (schools and teams)
    mascot: tuple[str, ...] = ()
    acts: tuple[tuple[str, ...], ...] = ()  # per activity: its forms, slug first
    level: tuple[str, ...] = ()
    team: bool = False  # a team or program of a school: only activity patterns
    # what the school calls itself with its mascot (its aliases ``Bayou Noir Pirates``,
    # ``CR Chargers``, as slugs): a candidate made of one of these (with an activity, for a
    # team) is the form its accounts really take
    called: tuple[str, ...] = ()


# Words that qualify a mascot for the girls' or boys' teams (``Lady Bearcats``): an alias of a
# school made of one and the mascot names its girls' teams, not the school, and a team whose
# names carry one writes its handles with it (``ladybearcatsoftball``).
QUALIFIERS = frozenset("lady ladies girls boys men mens women womens".split())
# a candidate made of what the school calls itself (Parts.called): more than a pattern of the
# entity's own name (NAME_BONUS), as a team's account adds its activity to its school's
# name ('Ridge Chargers' -> 'ridgechargersfootball')
CALLED_BONUS = 1.5


def is_qualifier(text: str) -> bool:
    """Whether ``text`` is only qualifier words (``Lady``, ``Girls``): no name of its own."""
    words = fold(text).replace("'", "").split()
    return bool(words) and all(w in QUALIFIERS for w in words)


def qualified_pairs(names: Iterable[str], mascot: str | None) -> list[tuple[str, str]]:
    """The qualifier and the mascot as the names write them (``Bellefleur Lady Bearcats
    Softball`` -> ``("Lady", "Bearcats")``): the handles' and the web search's one reading."""
    forms = set(mascot_forms(mascot))
    out: list[tuple[str, str]] = []
    for name in names:
        words = [w for w in fold(name).split() if slug(w)]
        raw = [w for w in name.split() if slug(w)]
        for i, w in enumerate(words[1:], 1):
            if slug(w) in forms and is_qualifier(words[i - 1]):
                out.append((raw[i - 1], raw[i]))
    return list(dict.fromkeys(out))


def qualified_mascots(names: Iterable[str], mascot: str | None) -> list[str]:
    """The mascot with the qualifier the names put before it (``Bellefleur Lady Bearcats
    Softball`` -> ``ladybearcats``, ``ladybearcat``), plural and singular."""
    forms = mascot_forms(mascot)
    out = [f"{slug(q)}{m}" for q, _ in qualified_pairs(names, mascot) for m in forms]
    return list(dict.fromkeys(out))


def slug_words(text: str) -> list[str]:
    """The words of ``text`` as slugs: ``Men's Lady Bearcats`` -> ``mens``, ``lady``, ``bearcats``."""
    return [w for w in (slug(w) for w in fold(text).split()) if w]


def called_names(names: Iterable[str], mascot: str | None) -> tuple[str, ...]:
    """The names (as slugs) that carry the mascot after a name of their own (``CR Chargers``,
    ``Bayou Noir Pirates``; not ``Lady Pirates``, which names the girls' teams)."""
    forms = mascot_forms(mascot)
    out = []
    for name in names:
        words = slug_words(name)
        if len(words) >= 2 and words[-1] in forms and not all(w in QUALIFIERS for w in words[:-1]):
            out.append("".join(words))
    return tuple(dict.fromkeys(out))


# Words an acronym skips: 'Harbor Academy of Science and Technology' is HAST, 'Martin Luther
# King Jr. High School' MLKHS.
ACRONYM_SKIPS = frozenset("of and the for at in on jr sr".split())


def initials(text: str) -> str:
    """``West Fargo`` -> ``wf``, ``Harbor Academy of Science and Technology`` -> ``hast`` (only
    for names of two words or more; the little words an acronym skips are skipped)."""
    words = [w for w in fold(text).split() if w not in ACRONYM_SKIPS]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


def mascot_forms(mascot: str | None) -> list[str]:
    """``Mustangs`` -> ``mustangs``, ``mustang``; ``Fighting Hawks`` -> ``fightinghawks``, …"""
    m = slug(mascot) if mascot else ""
    if not m:
        return []
    if m.endswith("ies"):
        return [m, f"{m[:-3]}y"]
    if m.endswith(("ches", "shes", "xes", "sses")):
        return [m, m[:-2]]
    if m.endswith("s") and not m.endswith("ss"):
        return [m, m[:-1]]
    return [m, f"{m}s"]


APOSTROPHES = re.compile("['\u2019]")


def _plain(text: str) -> str:
    """``Women's Lacrosse`` -> ``womens lacrosse`` (folded, apostrophes dropped, not spaced)."""
    return fold(APOSTROPHES.sub("", text))


def activity_forms(activity: str) -> list[str]:
    """The activity's slug, then its short forms (:data:`ACTIVITY_SHORT`).

    An activity not in the table is read as people write its parts: a qualified one
    (``Girls Volleyball``) takes the qualifier's letters before the sport's short forms
    (``girlsvolleyball``, ``gvball``, ``gvb``, ``wvball``…, then ``volleyball``, ``vball``…),
    and a pair (``Swim & Dive``, ``Speech and Debate``) its parts joined and its first part's
    forms (``swimanddive``, ``swimdive``, ``swim``…); one that ends in a word people leave out
    (:data:`ACTIVITY_TAILS`: ``Nordic Skiing``, ``Woodsmen Team``) also its head's forms
    (``nordicskiing``, ``nordic``)."""
    key = _plain(activity)
    if not key:
        return [slug(activity)]
    known = ACTIVITY_SHORT.get(key)
    if known is not None:
        return list(dict.fromkeys([slug(activity), *known]))
    words = key.split()
    letters = ACTIVITY_QUALIFIERS.get(words[0])
    if letters and len(words) > 1:
        base = activity_forms(" ".join(words[1:]))
        # the sport's short slug with the letter ('gsoccer'), its short forms ('gvball', 'gvb')
        short = [f for f in base[:1] if len(f) <= SHORT_SLUG] + base[1:]
        short = short[:QUALIFIED_SHORT_FORMS]
        first, *rest = letters
        return list(
            dict.fromkeys(
                [
                    slug(activity),
                    *(f"{first}{f}" for f in short),
                    *(f"{words[0]}{f}" for f in base[1:2]),  # 'girlsvball'
                    *base,
                    *(f"{letter}{f}" for letter in rest for f in short),
                ]
            )
        )
    if " and " in f" {key} ":
        halves = [h for h in key.split(" and ") if h]
        if len(halves) == 2:
            joined = "".join(slug(h) for h in halves)
            return list(dict.fromkeys([slug(activity), joined, *activity_forms(halves[0])]))
    if len(words) > 1 and words[-1] in ACTIVITY_TAILS:
        return list(dict.fromkeys([slug(activity), *activity_forms(" ".join(words[:-1]))]))
    return [slug(activity)]


def team_activity_forms(ent: Entity, activity: str) -> list[str]:
    """A team's forms of one activity as its names qualify it: ``Brekke Girls Basketball``
    with the activity ``basketball`` writes ``basketball``, ``bball``, then ``girlsbasketball``,
    ``gbb``, ``wbb``…; the activity's own forms when no name qualifies it."""
    plain = activity_forms(activity)
    a = _plain(activity)
    if not a or a.split()[0] in ACTIVITY_QUALIFIERS:
        return plain
    names = [f" {_plain(n)} " for n in (ent.name, *ent.aliases)]
    q = next((q for q in ACTIVITY_QUALIFIERS for n in names if f" {q} {a} " in n), None)
    if q is None:  # 'Lady Roadrunners Volleyball': a girls' team ('cdbhsgvb')
        said = [_plain(w) for w, _ in qualified_pairs((ent.name, *ent.aliases), ent.mascot)]
        q = next((w for w in said if w in ACTIVITY_QUALIFIERS), "lady" if said else None)
    if q is None:
        return plain
    qualified = activity_forms(f"{q} {a}")
    return list(dict.fromkeys([*plain[:2], *qualified[:3], *plain[2:], *qualified[3:]]))


TEAM_KINDS = (EntityKind.TEAM, EntityKind.PROGRAM)


def entity_parts(
    ent: Entity,
    core: str,
    mascot: str | None,
    abbrs: Sequence[str],
    parent: Entity | None,
    profile: DistrictProfile,
    short_names: Sequence[str] = (),
    base: str | None = None,
) -> Parts:
    """The words of one school, program or team (a team's names are its school's).
    ``short_names``: the distinctive names of the (school's) aliases, after the name's own;
    ``base``: the name a team's handles start from, when not its parent's distinctive name."""
    team = parent is not None and ent.kind in TEAM_KINDS
    if base is None:
        base = core_name(parent.name, profile) if team and parent is not None else core
    m = mascot_forms(mascot)
    school = parent if team and parent is not None else ent
    called = called_names((school.name, *school.aliases), mascot)
    qualified = qualified_mascots((ent.name, *ent.aliases), mascot) if team else []
    if qualified:  # a girls' team's handles carry its qualifier ('ladybearcatsoftball'): the
        # qualified mascot is what the team calls itself, as distinctive as a name; as its
        # names write it first, its other number ('ladybearcat') after the plain mascot
        written = {
            f"{slug(q)}{slug(w)}" for q, w in qualified_pairs((ent.name, *ent.aliases), mascot)
        }
        first = [q for q in qualified if q in written] or qualified[:1]
        rest = [q for q in qualified if q not in first]
        m, called = list(dict.fromkeys([*first, *m[:1], *rest, *m])), tuple(qualified)
    full = [slug(ent.name), *(slug(a) for a in ent.aliases if " " in a.strip())]
    # a school's acronym of its full name comes after its own abbreviations ('cbms' of Clara
    # Barton Middle School, as its accounts sign): the distinctive part's initials after that
    acronym = initials(ent.name) if ent.kind == EntityKind.SCHOOL else ""
    abbr = [a for a in dict.fromkeys([*(a.lower() for a in abbrs), acronym, initials(base)]) if a]
    level = LEVEL_SHORT.get(str(ent.level), "") if ent.kind == EntityKind.SCHOOL else ""
    # the shortest name first: people type ``lincoln``, not ``abrahamlincoln``
    names = sorted(dict.fromkeys(slug(n) for n in [base, *short_names]), key=len)
    names = [n for n in names if n and n not in m]
    return Parts(
        name=tuple(names),
        full=tuple(dict.fromkeys(full)),
        abbr=tuple(abbr),
        initial=(names[0][0],) if names and m else (),
        mascot=tuple(m),
        acts=tuple(
            tuple(team_activity_forms(ent, a) if team else activity_forms(a))
            for a in ent.activities
        ),
        level=(level,) if level else (),
        team=team,
        called=called,
    )


def _choices(
    role: str, parts: Parts, act: Sequence[str], style: HandleStyle
) -> list[tuple[str, float]]:
    """The words a role may take, each with its cost (later forms cost a little more; the
    forms the district's registered handles use come first)."""
    if role in LITERALS:
        return [(role, 0.0)]
    words = {
        "name": parts.name,
        "full": parts.full,
        "abbr": parts.abbr,
        "initial": parts.initial,
        "mascot": parts.mascot,
        "act": act,
        "level": parts.level,
    }[role]
    if style.words:
        words = sorted(words, key=lambda w: _unqualified(w) not in style.words)
    if role == "act":  # the long form and the first short one are as common as each other
        return [(w, max(i - 1, 0) * FORM_COST + (0.1 if i else 0.0)) for i, w in enumerate(words)]
    step = LATER_FORM_COST.get(role, FORM_COST)
    return [(w, i * step) for i, w in enumerate(words)]


def _unqualified(word: str) -> str:
    """A word without the qualifier it starts with: ``ladybearcat`` -> ``bearcat`` (a form the
    district's handles use is used with the qualifier too)."""
    for q in QUALIFIERS:
        if word.startswith(q) and len(word) > len(q) + 2:
            return word[len(q) :]
    return word


def _expand(
    roles: tuple[str, ...], parts: Parts, act: Sequence[str], style: HandleStyle | None = None
) -> list[tuple[list[str], float]]:
    style = style or HandleStyle()
    out: list[tuple[list[str], float]] = [([], 0.0)]
    for role in roles:
        out = [
            ([*ws, w], c + cost) for ws, c in out for w, cost in _choices(role, parts, act, style)
        ]
    return out


@dataclass(frozen=True, slots=True)
class Candidate:
    """A candidate handle with the pattern and separator it was made with, and its score."""

    handle: str
    pattern: str
    separator: str
    score: float
    words: tuple[str, ...] = ()
    mixed: bool = False  # the separator before the activity only ('lincolnlions_vball')


MAX_CANDIDATES = 400  # per entity, after ranking
SPREAD_HEAD = 60  # the words spread over the patterns (more than any probe takes)
PATTERN_REPEAT = 1.0  # the cost of a pattern's next pick
SEPARATOR_PLACES = 6.0  # places a separator form comes after its words, per unit of its cost
SEPARATOR_SPACING = 1.0  # places between one separator form and the next


def _form_cost(
    roles: tuple[str, ...], words: list[str], parts: Parts, act: Sequence[str], style: HandleStyle
) -> float:
    """Extra cost of a candidate's forms that the district's habits do not use."""
    cost = 0.0
    if (
        style.short_forms
        and "act" in roles
        and act
        and words[roles.index("act")] == act[0]
        and len(act[0]) > SHORT_SLUG  # 'esports', 'soccer': short already, written whole
    ):
        # the district writes activities short: this one's long form costs a form, or a third
        # of one where its handles show no short form of this activity ('vb' says little of
        # 'fb' against 'football')
        cost += FORM_COST if set(act[1:]) & style.words else FORM_COST / 3
    if style.singular and "mascot" in roles and words[roles.index("mascot")] == parts.mascot[0]:
        cost += FORM_COST / 2  # the district writes the mascot singular
    return cost


def _pattern_candidates(pattern: str, parts: Parts, style: HandleStyle) -> Iterable[Candidate]:
    roles, rank = TEMPLATES[pattern]
    rank -= style.bonus(pattern)
    if (
        parts.team
        and pattern != "full"
        and any(
            "".join(words) in parts.full
            for act in parts.acts
            for words, _ in _expand(roles, parts, act[:1])
        )
    ):
        rank -= NAME_BONUS  # the entity's own name is made this way: its short forms too
    for act in parts.acts if "act" in roles else [()]:
        for words, cost in _expand(roles, parts, act, style):
            if roles == ("abbr",) and len(words[0]) < MIN_BARE_ABBR:
                continue
            cost += _form_cost(roles, words, parts, act, style)
            if parts.called and _is_called(roles, words, parts):
                cost -= CALLED_BONUS
            # the entity's own name is its handle at any length ('harborviewheronsbasketball')
            own = "".join(words) in parts.full
            # a letter run into the mascot is one word ('keagles'): never separated
            for sep in SEPARATORS if len(words) > 1 and roles[0] != "initial" else ("",):
                handle = sep.join(words)
                sep_cost = separator_cost(sep, roles, style)
                yield Candidate(
                    handle,
                    pattern,
                    sep,
                    rank + cost + sep_cost + length_cost(handle, own),
                    tuple(words),
                )
            if len(words) == 3 and roles[-1] == "act":
                # the school's own handle with the activity after an underscore
                # ('jensenjaguars_bball', 'keagles_vb'), after the dotted form of its words
                handle = f"{''.join(words[:-1])}_{words[-1]}"
                sep_cost = separator_cost("_", roles, style) + MIXED_SEPARATOR_COST
                yield Candidate(
                    handle,
                    pattern,
                    "_",
                    rank + cost + sep_cost + length_cost(handle, own),
                    tuple(words),
                    mixed=True,
                )


LONG_HANDLE = 20  # characters: longer handles are typed less, and shortened on TikTok (24)
LONG_HANDLE_COST = 0.1  # per character past LONG_HANDLE


def length_cost(handle: str, own: bool = False) -> float:
    """A handle's cost for its length: a little per character, and more past
    :data:`LONG_HANDLE` unless it is the entity's ``own`` name run together."""
    long = 0 if own else max(len(handle) - LONG_HANDLE, 0)
    return len(handle) / 40 + long * LONG_HANDLE_COST


def _is_called(roles: tuple[str, ...], words: list[str], parts: Parts) -> bool:
    """Whether the candidate's words, without its activity, are what the school calls itself
    (a team's own name that starts with it is too: 'Horace Hawks Football')."""
    if roles == ("full",):
        return any(words[0].startswith(c) for c in parts.called)
    pairs = list(zip(roles, words, strict=True))
    if any(r == "act" and all(w != forms[0] for forms in parts.acts) for r, w in pairs):
        return False  # its activity spelled out only: its short forms do not crowd the rest
    return "".join(w for r, w in pairs if r != "act") in parts.called


def separator_cost(sep: str, roles: tuple[str, ...], style: HandleStyle) -> float:
    """What a separator costs in a handle of ``roles``: less where the run-together form is
    hard to read (an abbreviation first, ``wbhs_xc``; three words, ``lincoln.lions.vball``),
    and at most :data:`USED_SEPARATOR_COST` where the district's registered handles use it."""
    cost = SEPARATOR_COST[sep]
    if sep and (roles[0] == "abbr" or len(roles) >= 3):
        cost *= READABLE_SEPARATOR_SHARE
    return min(USED_SEPARATOR_COST, cost) if sep in style.separators else cost


def shape(pattern: str) -> str:
    """A pattern with every kind of name alike: ``abbr+mascot+act`` -> ``name+mascot+act``."""
    return pattern.replace("abbr", "name")


def candidates(parts: Parts, style: HandleStyle | None = None) -> list[Candidate]:
    """Every candidate of an entity's parts, best first (see the module docstring). A team's
    candidates name its activity (its school's other names are the school's).

    Computed once per process for the same parts and style: every source of a crawl plans
    with the same district (one process runs them all)."""
    return list(_candidates(parts, style or HandleStyle()))


@lru_cache(maxsize=512)  # one district's entities take about a hundred (some 3 MB)
def _candidates(parts: Parts, style: HandleStyle) -> tuple[Candidate, ...]:
    return tuple(_ranked_candidates(parts, style))


def _ranked_candidates(parts: Parts, style: HandleStyle) -> list[Candidate]:
    patterns = [p for p in TEMPLATES if not parts.team or "act" in TEMPLATES[p][0] or p == "full"]
    ranked = sorted(
        (c for pattern in patterns for c in _pattern_candidates(pattern, parts, style)),
        key=lambda c: c.score,
    )
    seen: set[str] = set()
    kept = []
    for c in ranked:
        if c.handle not in seen and valid_handle(c.handle):
            seen.add(c.handle)
            kept.append(c)
    return spread(kept, style)[:MAX_CANDIDATES]


def _joined(c: Candidate) -> str:
    """The candidate's words without separators: ``lincoln.lions.vball`` -> ``lincolnlionsvball``."""
    return c.handle.replace(c.separator, "") if c.separator else c.handle


@cache
def _family(pattern: str) -> str:
    """The pattern, or ``decorated`` for every pattern with a literal word (``the``, ``official``,
    ``hq``): one family in the spread, as they are variations of the same rare habit."""
    if set(TEMPLATES[pattern][0]) & set(LITERALS):
        return "decorated"
    # 'lincolnhsvball' is a spelling of 'lincolnvball', 'keaglesvball' of 'khseaglesvball'
    return pattern.replace("+level", "").replace("initial", "abbr")


def spread(ranked: list[Candidate], style: HandleStyle | None = None) -> list[Candidate]:
    """The candidates in probing order, in two steps. First the *words* (a candidate without
    its separator) are ordered by score, each pick costing :data:`PATTERN_REPEAT` more for
    every earlier pick of its pattern (:func:`_family`), so a probe of a dozen handles tries
    ``<mascot><act>``, ``<abbr><mascot><act>`` and ``<name><act>`` before a fifth spelling of
    one of them. Then each separator form follows its words a few places later
    (:func:`separator_cost` times :data:`SEPARATOR_PLACES`): ``wbhs_xc`` right after
    ``wbhsxc``, ``lincoln.lions.vball`` soon after ``lincolnlionsvball``; each further
    separator form comes :data:`SEPARATOR_SPACING` places later still, so they do not crowd
    out new words; one separator form of each word may come before words of a higher score
    (``lakeside.otters`` before ``thelakesideotters``), the others keep their places."""
    style = style or HandleStyle()
    bases: dict[str, Candidate] = {}
    for c in ranked:
        bases.setdefault(_joined(c), c)
    pool = list(bases.values())
    families = [_family(c.pattern) for c in pool]
    order: dict[str, int] = {}
    picks: Counter[str] = Counter({f: 0 for f in families})
    while pool and len(order) < SPREAD_HEAD:
        i = min(
            range(len(pool)),
            key=lambda i: pool[i].score + PATTERN_REPEAT * picks[families[i]],
        )
        c = pool.pop(i)
        order[_joined(c)] = len(order)
        picks[families.pop(i)] += 1
    for c in pool:  # the rest in score order
        order[_joined(c)] = len(order)

    def place(c: Candidate) -> float:
        roles = TEMPLATES[c.pattern][0]
        cost = separator_cost(c.separator, roles, style) + (MIXED_SEPARATOR_COST if c.mixed else 0)
        return order[_joined(c)] + SEPARATOR_PLACES * cost

    placed = [(place(c), c) for c in ranked]
    plain = sorted((pc for pc in placed if not pc[1].separator), key=lambda pc: pc[0])
    joined = sorted((pc for pc in placed if pc[1].separator), key=lambda pc: pc[0])
    out: list[Candidate] = []
    words = forms = 0  # plain and separator forms so far
    p = j = 0  # the next of plain and of joined
    ahead: set[str] = set()  # words one of whose separator forms came early for its score
    while p < len(plain) or j < len(joined):
        due = early = False
        if j < len(joined):
            c = joined[j][1]
            due = p == len(plain) or joined[j][0] + SEPARATOR_SPACING * forms <= words
            early = not due and c.score < plain[p][1].score and _joined(c) not in ahead
        if due or early:
            if early:
                ahead.add(_joined(c))
            out.append(c)
            j += 1
            forms += 1
        else:
            out.append(plain[p][1])
            p += 1
            words += 1
    return out


def candidate_groups(parts: Parts, style: HandleStyle | None = None) -> list[list[Candidate]]:
    """A school's candidates in groups: its own names first, then one group per activity
    (``wbhs_xc`` is the cross-country account's best guess, not the school's 116th), so a probe
    budget shared round-robin reaches every activity. A team or program is one group."""
    if parts.team or len(parts.acts) <= 1:
        return [candidates(parts, style)]
    groups = [candidates(replace(parts, acts=()), style)]
    seen = {c.handle for c in groups[0]}
    for act in parts.acts:
        group = [
            c
            for c in candidates(replace(parts, acts=(act,), team=True), style)
            if c.pattern != "full" and c.handle not in seen
        ]
        seen.update(c.handle for c in group)
        groups.append(group)
    return groups


def handle_style(registered: Iterable[tuple[str, Parts]]) -> HandleStyle:
    """The patterns, separators and forms that the registered handles (each with its entity's
    parts) were made with: the district's naming habits."""
    patterns: dict[str, int] = {}
    seps: set[str] = set()
    short = singular = False
    words: set[str] = set()
    for handle, parts in registered:
        match = next(
            (c for g in candidate_groups(parts) for c in g if c.handle == handle.lower()), None
        )
        if match is None:
            continue
        patterns[match.pattern] = patterns.get(match.pattern, 0) + 1
        seps.add(match.separator)
        words.update(match.words)
        roles = TEMPLATES[match.pattern][0]
        if "act" in roles:
            short = short or any(
                match.handle.endswith(f) for forms in parts.acts for f in forms[1:]
            )
        if "mascot" in roles and len(parts.mascot) > 1:
            singular = singular or parts.mascot[0] not in match.handle
    return HandleStyle(
        tuple(sorted(patterns.items())), frozenset(seps - {""}), short, singular, frozenset(words)
    )


def shortened(handle: str, parts: Parts) -> list[str]:
    """``handle`` with its activity in the shorter forms people type, best first
    (``pacific.bluedevils.volleyball`` -> ``pacific.bluedevils.vball``, ``…vb``): where a platform
    refuses the long form (TikTok allows 24 characters), these take its place."""
    for forms in parts.acts:
        long = forms[0]
        if long and handle.endswith(long) and len(handle) > len(long):
            head = handle[: -len(long)]
            return [
                f"{head}{f}" for f in forms[1:] if len(f) < len(long) and valid_handle(head + f)
            ]
    return []


def valid_handles(items: Iterable[str]) -> list[str]:
    """Valid-looking handles (3–30 characters), de-duplicated, in order."""
    out: list[str] = []
    for h in items:
        h = h.strip("._-").lower()
        if valid_handle(h) and h not in out:
            out.append(h)
    return out


def valid_handle(h: str) -> bool:
    """3–30 letters, digits and single ``_``/``.``/``-`` separators, starting with a letter or digit."""
    return 3 <= len(h) <= 30 and bool(re.fullmatch(r"[a-z0-9]+(?:[_.-]?[a-z0-9]+)*", h))
