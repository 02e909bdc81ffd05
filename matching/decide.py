"""Step 4, decide: the whole decision cascade, an ordered list of labelled rules.

Each :class:`Rule` looks at the :class:`Evidence` gathered for one account and either settles
it (a :class:`~matching.types.Result`) or passes it on; the first rule that settles it wins
and its code is stored with the result (``Result.rule``). :data:`CASCADE` runs from the most
certain to the least:

1. ``registered``: same canonical URL, platform id or handle as a registry row
   (a deactivated row still live: case ``deactivation_incomplete``);
2. ``fan``: a fan, parody or commentary account that does not also claim to be official
   (unrelated);
3. ``impersonation``: a near copy of a registered handle or name on the same platform;
4. ``union``: it says it is a union of the district's teachers or staff ('Education
   Association', 'Federation of Teachers', 'AFT Local 1822', 'representing the teachers of'):
   unrelated, whatever ties it to the district (it names the district it bargains with);
5. ``not_district``: it names a not-district lookalike better than any entity (unrelated);
6. ``affiliated``: it names an affiliated organisation, or uses their words (booster, PTO…)
   about one of the district's schools;
7. ``namesake``: its name or bio describe another kind of organisation (a company, a youth club,
   a college, a pro team, a venue, the city) and nothing ties it to the district (unrelated;
   review when only a registered account's handle on another platform ties it);
8. ``business``: its bio sells something, and only its name ties it to the district (review);
9. ``weighed``: the weights of all other levels are added to ``prior`` and turned into a
   confidence: unregistered (a case), review, or unrelated. An account that only shares the
   district's place (``place_only``), disowns it (``disclaimer``), is a class of students
   still at school ('Class of 2027': ``student_class``) or may be a registered page under its
   numeric id (``maybe_registered``) is at most review.

Every number used here is a field of :class:`~matching.settings.MatchSettings`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from copy import copy
from dataclasses import dataclass, replace
from functools import cached_property
from urllib.parse import urlsplit

from crawler.district.registry import RegistryRow
from crawler.vocab import CaseKind, Classification, Platform
from matching import lexicon
from matching.compare import BIO_FIELDS, EntityMatch, close_word, named_match
from matching.compare_levels import DISTRICT_SITE, Comparison, school_forms
from matching.compare_registry import RegistryComparison
from matching.compare_words import (
    affiliated_words,
    community_word,
    disclaimer,
    fan_base,
    fan_levels,
    graduate_signature,
    player_profile,
    student_class,
    union_words,
)
from matching.features import LINK_SOURCES, Features
from matching.namesake import (
    bio_names_school,
    district_said,
    identity_word,
    organisation_name,
    other_district,
    other_district_name,
    other_kind,
)
from matching.normalise import bare_handle, fold, skeleton
from matching.reference import Reference, looks_abbreviation
from matching.settings import MatchSettings
from matching.types import Level, Record, RegisteredHandle, Result
from matching.weigh import LINKED, registered, satisfy_common_name, weigh

# Evidence that ties the account to the district, not only to its place or to a name.
TIES = LINKED | {"district_name", "registered_elsewhere"}
# Evidence that the account names the entity itself, not only its place.
OWN = frozenset({"mascot", "bio_names"})
# Evidence that the account is somewhere else.
ELSEWHERE = frozenset({"other_place", "mascot_conflict", "other_school"})


@dataclass(frozen=True, slots=True)
class Peer:
    """An account with the same handle on another platform, confidently the entity's."""

    platform: str
    handle: str
    entity: str
    classification: str


@dataclass
class Evidence:
    """What step 3 found about one account; each piece is computed once, when a rule asks."""

    f: Features
    s: MatchSettings
    ref: Reference
    best: EntityMatch | None
    registry: RegistryComparison
    comparisons: Sequence[Comparison]
    peer: Peer | None = None
    """An account of the same scan with the same handle on another platform, matched to the
    entity this one names (set by :func:`assess_scan`)."""

    @property
    def score(self) -> float:
        return self.best.score / 100.0 if self.best else 0.0

    @cached_property
    def fan(self) -> tuple[Level | None, bool]:
        """The fan level, if any, and whether the account claims to be official."""
        return fan_levels(self.f)

    @cached_property
    def word(self) -> tuple[str, str] | None:
        best = self.best
        own = best.record.tokens if best is not None and best.score >= self.s.name_weak else set()
        word = affiliated_words(self.f, own)
        if (
            word is not None
            and best is not None
            and best.score >= self.s.name_strong
            and best.record.kind in ("program", "team")
            and not self.f.has_phrase(word[0], self.f.name_text)
        ):
            # the profile lists the program by the name the account has ('Ravens Radio'):
            # its bio's 'student-run' says who runs it for the school, not another organisation
            return None
        return word

    @cached_property
    def levels(self) -> list[Level]:
        """The levels of every comparison, with a common name settled by local evidence."""
        out: list[Level] = []
        for comp in self.comparisons:
            out.extend(comp.levels(self.f, self.best))
        # A town that is a word of the common name itself ('Horace' of 'Horace Elementary') settles nothing.
        best = self.best
        form = set(self.ref.tokens(best.form)) if best is not None else set()
        towns = [t for t in self.ref.places_in(self.f.text) if not set(t.split()) <= form]
        return satisfy_common_name(out, towns)

    @cached_property
    def codes(self) -> frozenset[str]:
        return frozenset(lv.code for lv in self.levels)

    def elsewhere(self) -> bool:
        """Placed somewhere else, and not tied to the district by a link."""
        return bool(self.codes & ELSEWHERE) and not self.codes & LINKED

    @cached_property
    def same_handle(self) -> tuple[tuple[Level, ...], RegistryRow] | None:
        """The same handle as a registered account on another platform."""
        return self.registry.same_handle_elsewhere(self.f)

    def tied(self) -> bool:
        return bool(self.codes & TIES) or self.same_handle is not None

    def same_account(self) -> bool:
        """A Threads profile with a registered Instagram handle: made from that very account."""
        sh = self.same_handle
        return (
            sh is not None
            and self.f.candidate.platform == Platform.THREADS
            and sh[1].platform == Platform.INSTAGRAM
        )

    @cached_property
    def namesake(self) -> tuple[str, str] | None:
        """What else it says it is (a company, a youth club…), when nothing ties it to the district
        and its bio does not name the school. A handle that a registered account uses on another
        platform does not settle it: the handle is the name they share ('wright-aviators')."""
        if self.same_account():
            return None
        named = other_district_name(self.f, self.ref)
        if named is not None and (self.best is None or self.best.score < self.s.name_strong):
            return named, "another school district (its name is a district's)"
        neighbour = other_district(self.f, self.ref)
        if neighbour is not None and not self.codes & LINKED:
            return neighbour, "another school district"
        org = organisation_name(self.f, self.best, self.ref)
        if org is not None:
            # '<District> Fire Company': it shares the district's name and place, and says it
            # is another organisation; a link from the district's site does not make it the
            # district's either (its 'community partners' page links the town, the tribe, the
            # clinic)
            return org
        region = self.region_only()
        if self.codes & TIES and not region:
            return None
        if not region and bio_names_school(self.f, self.best, self.ref):
            return None
        return other_kind(self.f, self.best, self.ref)

    def region_only(self) -> bool:
        """Its only tie is a name of the district that is also its region's ('Bitterroot
        Plains' of 'Bitterroot Plains Community College'): the college shares the plains'
        name, not the district's; a school word, an abbreviation or a link would tie it."""
        if self.codes & TIES != {"district_name"} or self.same_handle is not None:
            return False
        names, abbreviations = district_said(self.f, self.ref)
        return bool(names) and not abbreviations and set(names) <= self.ref.district_region_names

    @cached_property
    def business(self) -> tuple[str, str] | None:
        """Its bio sells something (a company's or product's words), though its name or bio names
        the district: a business named for the schools it serves ('Harbor City School Photos:
        book your portrait session'), or one whose bio alone names them ('Ski shop … proud
        sponsor of the Tessawick Valley Nordic race team'). Not when the district links to it
        or it is registered elsewhere under its handle."""
        if self.codes & LINKED or self.same_handle is not None:
            return None
        named = self.best is not None and self.best.score >= self.s.name_weak
        if not named and not self.codes & (TIES | OWN):
            return None  # it names nobody of the district: weighed as any other
        bio = " ".join(self.f.bio)
        return next(
            (
                (phrase, kind)
                for phrase, kind in lexicon.OTHER_KIND_BIO_PHRASES.items()
                if kind == lexicon.COMPANY and self.f.has_phrase(phrase, bio)
            ),
            None,
        )

    def place_only(self) -> Level | None:
        """It names an entity only through the district's places (and generic or sport words)."""
        m = self.best
        if m is None or m.score < self.s.name_weak or self.tied() or self.codes & OWN:
            return None
        if identity_word(self.f, m, self.ref) is not None:
            return None
        return Level(
            "place_only",
            f"shares only the place with '{m.form}': no name, mascot or level of "
            f"{m.record.label}, no link to the district",
            self.s.w_place_only,
        )

    def page_of_unknown_id(self, entity: str | None) -> RegistryRow | None:
        """A page known only by its numeric id ('profile.php?id=...') whose entity already has a
        registered page on the same platform under a name, with no id on record: it may be that
        very page under its id (a page has both, and the registry knows only its name). Not when
        every registered page of the entity there has an id: then this one is another page."""
        c = self.f.candidate
        if entity is None or not c.handle.lstrip("@").isdigit():
            return None
        if entity == self.ref.profile.district.key and not self._on_home_page():
            return None  # linked from a page about something else ('/early-learning')
        rows = {
            id(r): r
            for r in self.ref.registry_by_url.values()
            if r.platform == c.platform and r.entity == entity
        }
        return next(
            (r for r in rows.values() if not r.platform_id and not r.handle.lstrip("@").isdigit()),
            None,
        )

    def _on_home_page(self) -> bool:
        """Linked from the district's home page (or seen elsewhere than on its pages)."""
        links = [s for s in self.f.candidate.sightings if s.source in LINK_SOURCES]
        return not links or any(urlsplit(s.source_url or "").path.strip("/") == "" for s in links)

    @cached_property
    def former(self) -> Level | None:
        """Its handle calls it a former account ('old', 'archive'): an impersonator copies a name
        to pass for the current account, the entity's own old account keeps it."""
        word = next((w for w in self.f.handle_raw if w in lexicon.FORMER_ACCOUNT_WORDS), None)
        if word is None:
            return None
        return Level(
            "former_account",
            f"'{word}' in the handle: a former account of its own, not a copy of the registered one",
            0.0,
        )

    def about_district(self) -> bool:
        """Words of an affiliated organisation make it the district's only with one of its
        schools (or the district) named, and nothing contradicting it: 'Horace Mustangs Alumni'
        is about a Mustangs school in Horace, not the district's Horace Hawks."""
        if self.codes & ELSEWHERE:
            return False
        named = self.best is not None and self.best.score >= self.s.name_weak
        return named or bool(self.codes & LINKED)


@dataclass(frozen=True, slots=True)
class Rule:
    """One step of the cascade: a stable code, a human label, and what it decides."""

    code: str
    label: str
    apply: Callable[[Evidence], Result | None]


# ---------------------------------------------------------------------------- the rules


def _registered(e: Evidence) -> Result | None:
    hit = e.registry.exact(e.f)
    if hit is None:
        return None
    level, row = hit
    return registered(row, level, e.f.candidate.live, e.score, e.s)


def _fan(e: Evidence) -> Result | None:
    fan, official = e.fan
    if fan is None or official:
        return None
    return Result(Classification.UNRELATED, None, e.s.fan_confidence, (fan,), entity_score=e.score)


def _impersonation(e: Evidence) -> Result | None:
    copy = e.registry.impersonation(e.f)
    if copy is None and e.best is not None and e.best.score >= e.s.name_strong:
        copy = e.registry.scam_stream(e.f, e.best.record.key)
    if copy is None:
        return None
    level, rh = copy
    named = level.code in ("impersonation_name", "same_name_id_only")
    if named and (e.elsewhere() or e.namesake):
        return None  # the same name in another town, or on a company's page, is not a copy
    if level.code == "same_name_id_only" and e.best is not None:
        # the name of a page known by its id, streaming a game 'LIVE in HD, link below': the
        # scam's copy, not the registered page under its address
        stream = e.registry.scam_stream(e.f, e.best.record.key)
        if stream is not None:
            level, rh = stream
    if level.code == "same_name_id_only":
        return Result(
            Classification.REVIEW,
            rh.row.entity,
            e.s.namesake_same_handle_confidence,
            (level, *e.levels),
            entity_score=e.score,
        )
    if (
        level.code == "impersonation_handle"
        and e.f.handle_skeleton != rh.skeleton
        and e.elsewhere()
    ):
        # one letter from a registered handle, but its name and bio are another school's
        # ('@TCLadyCardsSB', 'Tallow Creek … Lady Cardinals' beside '@RCLadyCardsSB')
        return None
    if level.code == "impersonation_name" and e.former is not None:
        return None  # the entity's own former account ('wbhs_aviators_old'): weighed, a case
    fan = e.fan[0]
    return Result(
        Classification.IMPERSONATION,
        rh.row.entity,
        e.s.impersonation_confidence,
        (level, *([fan] if fan else [])),
        imitates=rh.row.url,
        case_kind=CaseKind.IMPERSONATION,
        entity_score=e.score,
    )


def _union(e: Evidence) -> Result | None:
    """A union of the district's teachers or staff: it names the district (whom it bargains
    with) by nature, so no tie to the district makes it the district's."""
    own = e.best.record.tokens if e.best is not None else set()
    said = union_words(e.f, own)
    if said is None:
        return None
    lv = Level(
        "union",
        f"'{said}': a union of the district's teachers or staff, a separate organisation "
        "that bargains with the district: not the district",
        0.0,
    )
    return Result(
        Classification.UNRELATED, None, e.s.union_confidence, (lv, *e.levels), entity_score=e.score
    )


def _not_district(e: Evidence) -> Result | None:
    ref = e.ref
    assert ref.not_district_index is not None
    nd = named_match(e.f, ref.not_district, ref.not_district_index, e.s.not_district_name, e.s)
    mine = set(lexicon.GENERIC) | set(lexicon.LEVEL_WORDS)
    if e.best is not None:
        parent = ref.by_key.get(e.best.record.parent or "")
        mine |= set(e.best.record.tokens) | (set(parent.tokens) if parent else set())
    # the name names a lookalike and only the bio an entity ('AHSU Early College', whose bio
    # lists the district's high school among those it serves): the name says whose it is
    bio_only = e.best is not None and e.best.field in BIO_FIELDS
    if bio_only and nd is None and e.f.name:
        # a name that starts with a lookalike's own abbreviation ('AHSU Early College')
        said = _lookalike_abbreviation(e, e.f.name[:1])
        nd = (said, 100.0) if said is not None else None
    if nd is None or (e.best is not None and nd[1] <= e.best.score and not bio_only):
        nd = _housed_lookalike(e, mine)
        if nd is None:
            return None
    rec, sc = nd
    name = f" {' '.join(e.f.name)} "
    own_name = any(f" {form} " in name and set(form.split()) - mine for form in rec.forms)
    # the lookalike's name, with words the entity's has not, is the account's own ('Kettle
    # Bend Middle School', 'Prairie Creek Wildlife Area'): the district its bio also names does
    # not make it the district's ('LHS Lions' is the district's Lincoln Lions too: it does)
    ties = TIES - {DISTRICT_SITE} - ({"district_name"} if own_name else set())
    if DISTRICT_SITE in e.codes and _only_own_words(e, rec):
        # the lookalike's name it matched is made of the district's own words ('BCHS Bruins'
        # of another state's school beside the district's BCHS Bruins): the name cannot tell
        # them apart, and the district's site links the account
        return None
    if e.best is not None and e.codes & ties:
        # 'Lincoln Lions football, CVISD.': a lookalike's name, but the account names the
        # district (or links to it): the lookalike elsewhere does not decide. A link from the
        # district's site does not overrule the profile: the site links partners the profile
        # says are not the district (a skills centre, a community centre)
        return None
    where = f" ({rec.location})" if rec.location else ""
    lv = Level("not_district", f"names '{rec.label}'{where}: not the district ({sc:.0f})", 0.0)
    return Result(
        Classification.UNRELATED, None, e.s.not_district_confidence, (lv,), entity_score=e.score
    )


# the last word of a team's camp's name ('LN Vikings Hoops Camp')
_CAMP_WORDS = frozenset({"camp", "camps"})
# what a highlights account calls itself in its bio ('Comets hoops highlights ☄️ Alder Hill')
_HIGHLIGHTS = frozenset({"highlights", "mixtape", "mixtapes"})
# the words of a name that say only which sport ('Rams Hoops', 'Trooper Nation Hoops')
_SPORT_WORDS = frozenset({"hoops", "bball", "vball", "sports", "athletics", "hype", "the"})


def _mascot_highlights(e: Evidence) -> str | None:
    """A display name of a mascot and a sport alone ('Comets Hoops', 'Trooper Nation Hoops')
    over a bio that calls itself highlights, in no school's voice: its fans, students or the
    school may run it, and the name says no more than the mascot many schools and a
    university may share. Not when the name has a word of a school's own name ('Okada Orcas
    Basketball'), nor when the bio says it is official, speaks as 'our' or offers game film."""
    f, ref = e.f, e.ref
    if not set(f.bio) & _HIGHLIGHTS or {"official", "our"} & (set(f.bio) | set(f.name)):
        return None
    if "film" in f.bio:
        return None  # 'game film & highlights': the coaches' film, a team's channel
    mascot_words = {w for m in ref.mascots for w in m.split()} | lexicon.MASCOTS
    if not set(f.name) & mascot_words:
        return None
    rest = [
        w
        for w in f.name
        if w not in mascot_words
        and w not in lexicon.ACTIVITIES
        and w not in _SPORT_WORDS
        and w not in _HIGHLIGHTS
        and w not in lexicon.FAN_BASE_WORDS
        and w not in lexicon.MASCOT_CHEERS
    ]
    return None if rest else (f.candidate.display_name or "").strip() or None


def _lookalike_abbreviation(e: Evidence, words: Sequence[str]) -> Record | None:
    """The lookalike whose own abbreviation ('AHSU' of Alder Hill State University; never one
    the district uses too) is one of ``words``."""
    return next(
        (
            r
            for r in e.ref.not_district
            for form, original in zip(r.forms, r.originals, strict=True)
            if form in words and looks_abbreviation(original)
        ),
        None,
    )


def _housed_lookalike(e: Evidence, mine: set[str]) -> tuple[Record, float] | None:
    """A lookalike's program at one of the district's schools ('BOCES Pathways at Two Rivers
    MS', whose bio says 'Tamarack Valley BOCES Pathways program, housed at Two Rivers Middle
    School'): the bio names the lookalike in full, and every word of the name that is not the
    school's is the lookalike's. The school is where it meets, not whose it is."""
    if e.best is None:
        return None
    bio = f" {' '.join(e.f.bio)} "
    extra = {w for w in e.f.name if w not in mine and not w.isdigit()}
    if not extra:
        return None
    for rec in e.ref.not_district:
        if extra <= set(rec.tokens) and any(
            len(form.split()) >= 2 and f" {form} " in bio for form in rec.forms
        ):
            return rec, 100.0
    return None


def _only_own_words(e: Evidence, rec: Record) -> bool:
    """Every form of the lookalike ``rec`` that the account's words hold is made of the
    district's own words (its names, its entities' names and abbreviations, their mascots)."""
    ref, f = e.ref, e.f
    words = set(f.name) | set(f.handle) | {w for t in f.titles for w in t}
    held = [
        form
        for form in rec.forms
        if all(w in words or close_word(w, words, e.s) for w in form.split())
    ]
    # the district's own mascots, not every school's the lexicon knows ('Raiders')
    own = set(ref.district_word_set) | set(ref.abbreviations)
    own |= {w for m in ref.own_mascots for w in m.split()}
    for r in ref.entities:
        own |= r.tokens
    return bool(held) and all(
        all(w in own or w.rstrip("s") in own or f"{w}s" in own for w in form.split())
        for form in held
    )


def _affiliated(e: Evidence) -> Result | None:
    ref, best = e.ref, e.best
    assert ref.affiliated_index is not None
    org = named_match(e.f, ref.affiliated, ref.affiliated_index, e.s.affiliated_name, e.s)
    if org is not None and best is not None and best.score > org[1]:
        org = (
            None  # 'West Fargo Packers Hockey' is the team, not the 'West Fargo Hockey' association
        )
    if org is None and (e.word is None or not e.about_district()):
        return None
    return affiliated_result(e, org[0] if org else None)


def _namesake(e: Evidence) -> Result | None:
    if e.namesake is None:
        return None
    word, kind = e.namesake
    if e.same_handle is not None:
        # Two signals disagree: what it says it is, and a registered account's handle elsewhere.
        same, row = e.same_handle
        lv = Level(
            "namesake",
            f"'{word}': {kind}, not the district; only the same handle as the registered "
            f"{row.platform} account @{row.handle} ties it to the district: a person decides",
            0.0,
        )
        return Result(
            Classification.REVIEW,
            row.entity,
            e.s.namesake_same_handle_confidence,
            (lv, same[0], *e.levels),
            entity_score=e.score,
        )
    why = (
        "its name says what it is: sharing the district's name or place, or a link from its "
        "site, does not make it the district's"
        if e.codes & TIES
        else "nothing ties it to the district (no district name, domain or link)"
    )
    lv = Level("namesake", f"'{word}': {kind}, not the district; {why}", 0.0)
    return Result(
        Classification.UNRELATED,
        None,
        e.s.namesake_confidence,
        (lv, *e.levels),
        entity_score=e.score,
    )


def _business(e: Evidence) -> Result | None:
    if e.business is None:
        return None
    word, kind = e.business
    lv = Level(
        "business",
        f"'{word}': {kind}; only its name ties it to the district (no link from the district, "
        "no registered handle): a business named for the schools it serves? A person decides",
        0.0,
    )
    best = e.best.record.key if e.best is not None else None
    return Result(
        Classification.REVIEW,
        best,
        e.s.namesake_same_handle_confidence,
        (lv, *e.levels),
        entity_score=e.score,
    )


# Words that say an account is about schools, besides the school-system, level and activity
# words and the mascots ('Bird counts along Prairie Creek' says none)
SCHOOL_TALK = frozenset(
    "student students class classes grade grades graders teacher teachers coach coaches team "
    "teams athletics athletic sports campus graduation graduates alumni kindergarten preschool "
    "prek parents families pto pta ptso boosters band bands choir club clubs varsity jv season "
    "games game tournament classroom learning learners kids youth scholars principal "
    "superintendent staff".split()
)
MIN_BIO_WORDS = 4  # a bio long enough to say what the account is about


def _about_no_school(e: Evidence) -> Level | None:
    """Neither its name, handle nor bio says anything of schools ('Prairie Creek Birders':
    'Bird counts along Prairie Creek and the Calder County prairies'): only the district's
    name ties it, and a creek, a valley or a ridge is named that too. At most review. Not
    when the district's site or domain links it, or a registered handle is its own."""
    f, ref = e.f, e.ref
    if len(f.bio) < MIN_BIO_WORDS or e.codes & LINKED or e.same_handle is not None:
        return None
    said = set(f.name) | set(f.handle) | set(f.bio) | {w for t in f.titles for w in t}
    school = (
        lexicon.SCHOOL_SYSTEM_WORDS
        | lexicon.ACTIVITIES
        | SCHOOL_TALK
        | {w for a in lexicon.ACTIVITIES for w in a.split()}
    )
    # a mascot as written, plural ('Falcons'): 'prairie falcon nesting reports' is a bird's
    if said & school or f.written & ref.mascots:
        return None
    best = e.best.record if e.best is not None else None
    own = (
        set(best.tokens) - ref.district_word_set - lexicon.GENERIC - ref.mascots if best else set()
    )
    if said & own:
        return None  # it says a school's or a program's own words ('Alder County FFA')
    return Level(
        "no_school_words",
        "nothing in its name, handle or bio is about a school, a class or a team: the "
        "district's name alone ties it (a place is named that too): at most review",
        0.0,
    )


_SCHOOL_TYPE_ENDS = frozenset({"school", "high", "academy", "tech"})


def _bio_names_school_type(e: Evidence) -> bool:
    """The bio names the entity or its school by a name with its school word ('Liberty High
    School', 'Bristol Valley Tech'), not only by a place and a mascot ('Quarry Hills Hawks')."""
    if e.best is None or not e.f.bio:
        return False
    bio = f" {' '.join(e.f.bio)} "
    recs = (e.best.record, e.ref.by_key.get(e.best.record.parent or ""))
    return any(f" {form} " in bio for _, form in school_forms(recs, _SCHOOL_TYPE_ENDS))


_COOP_WORDS = ("co op", "coop", "cooperative", "merged", "merger", "combined team", "joint team")
# the words a lookalike's name shares with every district's name, and generic ones ('Rusk Grove
# Community School District' is 'rusk grove')
_DISTRICT_NAME_WORDS = lexicon.GENERIC | frozenset(
    "csd isd usd sd cusd ufsd rsu sau msad unit district schools school community".split()
)


def _coop_partner(e: Evidence) -> str | None:
    """A co-op team or program ('Girls golf co-op of North Fork High School and Rusk Grove') with
    a district the profile lists as not this one, when the matched entity is none of the
    district's co-ops with it (its names do not name the partner): the partner's name."""
    f, ref = e.f, e.ref
    text = f"{f.name_text} {' '.join(f.bio)}"
    if not any(f.has_phrase(w, text) for w in _COOP_WORDS):
        return None
    own = e.best.record.tokens if e.best is not None else frozenset()
    for rec in ref.not_district:
        for form in rec.forms:
            core = [w for w in form.split() if w not in _DISTRICT_NAME_WORDS]
            joined = " ".join(core)
            if (
                len(joined) >= 5
                and not any(w.isdigit() for w in core)  # 'rsu 31': a number, no name
                and f.has_phrase(joined, text)
                and not set(core) <= own
            ):
                return rec.label
    return None


def _left_to_a_person(e: Evidence, highlights: bool) -> list[Level]:
    """Notes that leave an account to a person however strong its name (``NEVER_A_CASE``): a
    highlights account named for a mascot and a sport (``highlights``: when no fan base was
    noted already), a joint account with a lookalike, a graduate's signature, a team's camp."""
    f, s = e.f, e.s
    out: list[Level] = []
    if highlights and e.same_handle is None and not e.codes & TIES:
        shown = _mascot_highlights(e)
        if shown is not None:
            out.append(
                Level(
                    "fan_base",
                    f"'{shown}': a highlights account named only for a mascot and a sport, "
                    "which fans and students run as often as the school: at most review",
                    0.0,
                )
            )
    joint = (
        _lookalike_abbreviation(e, f.name)
        if e.best is not None and e.best.field not in BIO_FIELDS and e.best.score >= s.name_strong
        else None
    )
    if joint is not None:
        # 'AHSU + USD 361 Teaching Partnership': the district's and a lookalike's together
        out.append(
            Level(
                "joint_account",
                f"its name names {joint.label} beside the district: a joint account, whose "
                "it is a person decides",
                0.0,
            )
        )
    signed = graduate_signature(f)
    if signed is not None and not e.codes & LINKED:
        out.append(
            Level(
                "graduate",
                f"signed '{signed}', a class that has left school: a graduate's own account, "
                "a person decides",
                0.0,
            )
        )
    shown_words = fold(f.candidate.display_name or "").split()
    if (
        len(shown_words) > 1
        and shown_words[-1] in _CAMP_WORDS
        and "official" not in f.bio
        and not e.codes & LINKED
    ):
        out.append(
            Level(
                "team_camp",
                f"'{f.candidate.display_name}': a camp with a team's name, which its coaches "
                "often run as a business of their own: a person decides",
                0.0,
            )
        )
    return out


def _weighed(e: Evidence) -> Result:
    """Add the notes no earlier rule settled on, then weigh every level."""
    f, s, ref = e.f, e.s, e.ref
    levels = list(e.levels)
    place = e.place_only()
    if place is not None:
        levels.append(place)
    if e.former is not None and e.registry.impersonation(f) is not None:
        levels.append(e.former)  # why the same name as a registered account is no copy
    if e.word is not None:
        word, kind = e.word
        levels.append(
            Level(
                "affiliated_words",
                f"'{word}': words of a {kind.replace('_', ' ')}, "
                "but of none of the district's schools",
                0.0,
            )
        )
    for abbr, spelled in f.defined.items():
        mine = ref.abbreviations.get(abbr, "")
        levels.append(
            Level(
                "abbreviation_elsewhere",
                f"'{abbr.upper()}' is '{spelled}' in its own words, not the district's '{mine}'",
                0.0,
            )
        )
    plain = _about_no_school(e)
    if plain is not None:
        levels.append(plain)
    cls = student_class(f)
    if cls is not None:
        levels.append(
            Level(
                "student_class",
                f"'{cls}': a class of students' own account (its officers, sponsor, parents or "
                "students), not clearly the school's: at most review",
                0.0,
            )
        )
    partner = _coop_partner(e)
    if partner is not None:
        levels.append(
            Level(
                "coop_partner",
                f"a co-op with {partner}, which is not the district, under none of the "
                "district's co-op teams: which district runs it? At most review",
                0.0,
            )
        )
    player = player_profile(f)
    if player is not None:
        levels.append(
            Level(
                "player_profile",
                f"'{player}': a student athlete's own recruiting profile, a person's account, "
                "not the school's: at most review",
                0.0,
            )
        )
    own = set(ref.district_word_set)
    if e.best is not None:
        own |= e.best.record.tokens
    base = fan_base(f, own)
    if base == "live streams" and ("our" in f.bio or _bio_names_school_type(e)):
        base = None  # 'streamed by our video production students', '... of Liberty High School'
    if base is not None and not e.codes & LINKED:
        levels.append(
            Level(
                "fan_base",
                f"'{base}': a fan base's, fans' or parents' account, which students, fans or "
                "parents run as often as the school: at most review",
                0.0,
            )
        )
    levels += _left_to_a_person(e, highlights=base is None)
    community = community_word(f, own)
    if community and not e.codes & LINKED:
        lv = Level("community", f"'{community}': a community group, not the schools", s.w_community)
        levels.append(lv)
    hint = None
    if e.same_handle is not None:
        same, row = e.same_handle
        levels.extend(same)
        hint = row.entity
    for sg in f.candidate.sightings:
        if sg.source in LINK_SOURCES:
            hint = ref.website_entity(sg.source_url) or hint
    if e.peer is not None:
        p = e.peer
        levels.append(
            Level(
                "matched_elsewhere",
                f"same handle as the {p.platform} account @{p.handle}, {p.classification} as "
                f"{p.entity}: likely the same administrator",
                s.w_registered_handle,
            )
        )
        hint = hint or p.entity
    named = e.best.record.key if e.best is not None and e.best.score >= s.name_weak else None
    page = e.page_of_unknown_id(hint or named)
    if page is not None:
        levels.append(
            Level(
                "maybe_registered",
                f"a page known only by its id; the registered {page.platform} page of "
                f"{page.display_name or page.entity} "
                f"{page.url} has no id on record: it may be that page under its id (a person "
                "checks the id): at most review",
                0.0,
            )
        )
    fan, official = e.fan
    if fan is not None:
        levels.append(fan)
    if official:
        levels.append(Level("official_claim", "claims to be official", s.w_official_claim))
        if fan is not None and fan.label.endswith("student section account"):
            # 'OFFICIAL student section of Lakeport South': the section's own account, which
            # its students run, with a teacher or without
            levels.append(
                Level(
                    "student_section",
                    "the official account of a student section, which its students run: "
                    "the school's or theirs, a person decides",
                    0.0,
                )
            )
    disowns = disclaimer(f)
    if disowns is not None:
        levels.insert(
            0,
            Level(
                "disclaimer",
                f"says '{disowns}': it disowns the district or its schools, so it is never a "
                "case (at most review)",
                s.w_disclaimer,
            ),
        )
    return weigh(s, e.best, levels, hint)


CASCADE: tuple[Rule, ...] = (
    Rule("registered", "same URL, platform id or handle as a registry entry", _registered),
    Rule("fan", "a fan, parody or commentary account, not claiming to be official", _fan),
    Rule("impersonation", "a near copy of a registered handle or name", _impersonation),
    Rule("union", "a union of the district's teachers or staff", _union),
    Rule("not_district", "names a lookalike that is not the district", _not_district),
    Rule("affiliated", "names an affiliated organisation, or uses its words", _affiliated),
    Rule("namesake", "describes another kind of organisation, nothing ties it", _namesake),
    Rule("business", "sells something, only its name ties it to the district", _business),
    Rule("weighed", "the weights of the levels that fired, as a confidence", _weighed),
)


def assess(e: Evidence, rules: Sequence[Rule] = CASCADE) -> Result:
    """The result of the first rule that settles the account (the last one always does)."""
    for rule in rules:
        result = rule.apply(e)
        if result is not None:
            return replace(result, rule=rule.code)
    raise AssertionError("the last rule of the cascade must always decide")


# The results that say an account is the entity's own, for its handle on other platforms.
_CONFIDENT = frozenset({Classification.REGISTERED, Classification.UNREGISTERED})
# Levels that contradict a peer on another platform: somewhere else, or not the district's.
# what a copy of a handle seen in the scan does not overturn: the registry's own word, a copy
# already found, a separate organisation (the rules' order still puts a fan's or a parody's own
# words before a copy, as for the registry's own handles)
_SETTLED = frozenset(
    {
        Classification.REGISTERED,
        Classification.IMPERSONATION,
        Classification.AFFILIATED,
    }
)
_CONTRARY = ELSEWHERE | {"disclaimer", "fan", "community", "affiliated_words"}


def assess_scan(evidence: Sequence[Evidence], rules: Sequence[Rule] = CASCADE) -> list[Result]:
    """Assess the accounts of one scan together: an account left for review by the weights alone
    whose handle another account of the scan uses on another platform, confidently matched to the
    same entity ('chargerswrestling' on TikTok, named only by mascot and sport, and the team's
    linked Instagram 'chargerswrestling'), is weighed again with that account as evidence (the
    same administrator, as a registered handle elsewhere is). Not when anything of its own
    contradicts it (another place, a disclaimer, a fan's or a community group's words): the same
    handle on one platform is no proof, and it only ever lifts a review."""
    results = [assess(e, rules) for e in evidence]
    peers: dict[str, list[Peer]] = {}
    for e, r in zip(evidence, results, strict=True):
        if r.classification in _CONFIDENT and r.entity and e.f.handle_skeleton:
            c = e.f.candidate
            peers.setdefault(e.f.handle_skeleton, []).append(
                Peer(c.platform, c.handle, r.entity, str(r.classification))
            )
    out: list[Result] = []
    for e, r in zip(evidence, results, strict=True):
        if r.classification == Classification.REVIEW and r.rule == "weighed" and r.entity:
            codes = {lv.code for lv in r.explanation}
            peer = next(
                (
                    p
                    for p in peers.get(e.f.handle_skeleton, ())
                    if p.platform != e.f.candidate.platform and p.entity == r.entity
                ),
                None,
            )
            if peer is not None and not codes & _CONTRARY:
                r = assess(replace(e, peer=peer), rules)
        out.append(r)
    return _copies_of_seen_handles(evidence, out, rules)


def _copies_of_seen_handles(
    evidence: Sequence[Evidence], results: list[Result], rules: Sequence[Rule]
) -> list[Result]:
    """A registered account seen in this scan under a handle its registry row does not carry
    (a YouTube channel registered as ``/user/scsdtv``, found by its id as
    ``@shoalscountyschools``) is copied by that handle too: an account of the same platform
    whose handle copies the handle seen (``@shoalscountyschoolslive``) is an impersonation of
    the registered account, as a copy of the row's own handle is."""
    seen: dict[str, list[RegisteredHandle]] = {}
    for e, r in zip(evidence, results, strict=True):
        c = e.f.candidate
        if r.classification != Classification.REGISTERED or not e.f.handle_skeleton:
            continue
        hit = e.registry.exact(e.f)
        if hit is None or not hit[1].handle or skeleton(hit[1].handle) == e.f.handle_skeleton:
            continue
        row = replace(hit[1], handle=c.handle)
        known = e.ref.registry_handles.get(c.platform, [])
        seen.setdefault(c.platform, []).append(
            RegisteredHandle(
                row=row,
                skeleton=e.f.handle_skeleton,
                words=frozenset(e.ref.handle_tokens(bare_handle(c.handle))),
                name=next((k.name for k in known if k.row.url == row.url), ""),
            )
        )
    if not seen:
        return results
    # one comparison per platform (and reference: a scan's accounts share one), not per account
    comparisons: dict[tuple[str, int], RegistryComparison] = {}
    out: list[Result] = []
    for e, r in zip(evidence, results, strict=True):
        platform = e.f.candidate.platform
        handles = seen.get(platform)
        # a fake stream's copy of the handle seen says more than its bio alone
        stream = bool(r.explanation) and r.explanation[0].code == "impersonation_stream"
        if handles and (r.classification not in _SETTLED or stream):
            comparison = comparisons.get((platform, id(e.ref)))
            if comparison is None:
                ref = copy(e.ref)
                ref.registry_handles = {**e.ref.registry_handles, platform: handles}
                comparison = comparisons[(platform, id(e.ref))] = RegistryComparison(ref, e.s)
            copied = comparison.impersonation(e.f)
            if copied is not None and copied[0].code == "impersonation_handle":
                again = assess(replace(e, registry=comparison), rules)
                if again.classification == Classification.IMPERSONATION:
                    r = again
        out.append(r)
    return out


def affiliated_result(e: Evidence, org: Record | None) -> Result:
    best, word, s = e.best, e.word, e.s
    levels: list[Level] = []
    entity = None
    if org is not None:
        # Reports list affiliated organisations by name: the organisation is the entity, and
        # the school it supports goes in the label.
        school = e.ref.by_key.get(org.entity or "")
        supports = f", supports {school.label}" if school is not None else ""
        levels.append(
            Level(
                "affiliated_org",
                f"names the affiliated organisation '{org.label}' ({org.kind}{supports})",
                0.0,
            )
        )
        entity = org.key
    if word is not None:
        levels.append(
            Level("affiliated_words", f"'{word[0]}': words of a {word[1].replace('_', ' ')}", 0.0)
        )
    if entity is None and best is not None and best.score >= s.name_weak:
        entity = best.record.key
    conf = s.affiliated_org_confidence if org is not None else s.affiliated_words_confidence
    return Result(
        Classification.AFFILIATED, entity, conf, tuple(levels + e.levels), entity_score=e.score
    )
