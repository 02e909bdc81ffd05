"""The reference side of matching, precomputed once per Matcher.

dedupe's Gazetteer shape: messy accounts are matched against a trusted list.
Here the list is the district profile (the district itself, its entities,
affiliated organisations, not-district lookalikes) and the registry. Every
entity's names are folded and expanded once, its handle forms generated, and
the vocabulary used to split handles and the district's own short forms
(``WFHS`` -> ``west fargo high school``) derived from its aliases.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from crawler.district.profile import DistrictProfile, Entity
from crawler.district.registry import RegistryRow
from crawler.platforms import same_account_urls
from matching import lexicon
from matching.block import BlockIndex
from matching.normalise import (
    Segmenter,
    bare_handle,
    compact,
    expand,
    fold,
    initials,
    skeleton,
    spanish_forms,
    strip_official,
)
from matching.settings import MatchSettings
from matching.types import Record, RegisteredHandle

_VOWELS = set("aeiouy")


def looks_abbreviation(alias: str) -> bool:
    a = alias.strip()
    if " " in a or not 2 <= len(a) <= 7 or not a.isalpha():
        return False
    return a.isupper() or not (set(a.lower()) & _VOWELS)


_COUNTY_WORDS = ("county", "parish", "borough")


def counties(names: Iterable[str]) -> list[str]:
    """The counties (parishes, boroughs) a district's names are named after, folded: 'Peach
    County Schools' and 'Schools of Peach County' -> 'peach county'. Up to three words before the
    word 'county', stopping at a generic word ('Crawford County Community Unit School
    District 7' -> 'crawford county')."""
    out: dict[str, None] = {}
    for name in names:
        ws = fold(name).split()
        for i, w in enumerate(ws):
            if w not in _COUNTY_WORDS or i == 0:
                continue
            j = i
            while (
                j > 0 and i - j < 3 and ws[j - 1] not in lexicon.GENERIC and not ws[j - 1].isdigit()
            ):
                j -= 1
            if j < i:
                out[" ".join(ws[j : i + 1])] = None
    return list(out)


def _title(spanish: str) -> str:
    """'escuela primaria pine ridge' -> 'Escuela Primaria Pine Ridge' (labels)."""
    return " ".join(
        w if w in ("de", "del", "la", "las", "los", "el") else w.title() for w in spanish.split()
    )


def _website_key(url: str | None) -> str | None:
    if not url:
        return None
    u = re.sub(r"^https?://(www\.)?", "", url.lower()).rstrip("/")
    return u or None


@dataclass(slots=True)
class Reference:
    """Everything matching needs from the profile and registry, folded and indexed."""

    profile: DistrictProfile
    settings: MatchSettings
    abbreviations: dict[str, str] = field(default_factory=dict)
    abbreviation_keys: dict[str, set[str]] = field(default_factory=dict)
    entities: list[Record] = field(default_factory=list)
    affiliated: list[Record] = field(default_factory=list)
    not_district: list[Record] = field(default_factory=list)
    by_key: dict[str, Record] = field(default_factory=dict)
    local_places: tuple[str, ...] = ()
    local_set: frozenset[str] = frozenset()
    local_words: frozenset[str] = frozenset()
    local_max_words: int = 1
    district_word_set: frozenset[str] = frozenset()
    district_phrases: tuple[tuple[str, str], ...] = ()
    district_region_names: frozenset[str] = frozenset()
    district_abbreviations: frozenset[str] = frozenset()
    district_words: tuple[str, ...] = ()
    mascots: frozenset[str] = frozenset()
    own_mascots: frozenset[str] = frozenset()  # the district's entities' own mascots
    vocabulary: set[str] = field(default_factory=set)
    # every word of an activity: the generic ones and the district's schools' ('ffa', 'nordic')
    activity_words: frozenset[str] = frozenset()
    segmenter: Segmenter | None = None
    entity_index: BlockIndex | None = None
    affiliated_index: BlockIndex | None = None
    not_district_index: BlockIndex | None = None
    registry_by_url: dict[tuple[str, str], RegistryRow] = field(default_factory=dict)
    registry_by_id: dict[tuple[str, str], RegistryRow] = field(default_factory=dict)
    registry_by_handle: dict[tuple[str, str], RegistryRow] = field(default_factory=dict)
    registry_handles: dict[str, list[RegisteredHandle]] = field(default_factory=dict)
    handle_owner: dict[str, RegistryRow] = field(default_factory=dict)
    websites: list[tuple[str, str]] = field(default_factory=list)
    # every name of the district and its entities, folded, and the same joined for phrase look-ups
    own_names: frozenset[str] = frozenset()
    own_names_text: str = ""

    @classmethod
    def build(
        cls, profile: DistrictProfile, registry: Sequence[RegistryRow], settings: MatchSettings
    ) -> Reference:
        ref = cls(profile=profile, settings=settings)
        ref._abbreviations()
        ref._records()
        ref._vocabulary()
        ref._registry(registry)
        return ref

    # ------------------------------------------------------------------ text

    def tokens(self, text: str | None) -> list[str]:
        return expand(fold(text or "").split(), self.abbreviations)

    def handle_tokens(self, handle: str) -> list[str]:
        assert self.segmenter is not None
        return expand(self.segmenter.split(handle), self.abbreviations)

    # ------------------------------------------------------------------ building

    def _abbreviations(self) -> None:
        """Generic short forms, plural mascots, then the district's own (explicit aliases win over derived)."""
        p = self.profile
        abbr: dict[str, str] = dict(lexicon.ABBREVIATIONS)
        keys: dict[str, set[str]] = defaultdict(set)
        explicit: dict[str, set[str]] = defaultdict(set)
        derived: dict[str, set[str]] = defaultdict(set)
        spelled: dict[str, str] = {}
        named: list[tuple[str, str, tuple[str, ...]]] = [
            (p.district.key, p.district.name, p.district.aliases)
        ]
        named += [(e.key, e.name, e.aliases) for e in p.entities]
        full: dict[str, str] = {}
        for key, name, aliases in named:
            # an entity known by its acronym ('SRTV') is spelt out by its first alias that is
            # no abbreviation ('Sentinel Rock TV'): the acronym stands for that
            spelt = [n for n in (name, *aliases) if not looks_abbreviation(n)]
            full[key] = fold(spelt[0] if spelt else name)
            for a in (name, *aliases) if looks_abbreviation(name) and spelt else aliases:
                if looks_abbreviation(a):
                    explicit[a.lower()].add(key)
            for text in (name, *[a for a in aliases if not looks_abbreviation(a)]):
                ini = initials(text)
                if len(ini) >= 3 and ini not in lexicon.PROGRAM_ACRONYMS:
                    derived[ini].add(key)
                    # what they are the initials of: 'echs' is 'early college high school', a
                    # name many schools have (a common name), not the entity's full name
                    spelled.setdefault(ini, fold(text))
        city_ini = initials(p.district.location.city)
        if len(city_ini) >= 2:
            abbr.setdefault(city_ini, fold(p.district.location.city))
        for table in (derived, explicit):  # explicit last: it overrides a derived collision
            for a, ks in table.items():
                keys[a] = set(ks)
                if len(ks) == 1:
                    abbr[a] = full[next(iter(ks))] if table is explicit else spelled[a]
                elif a in abbr and table is explicit:
                    del abbr[a]
        mascots = {fold(e.mascot) for e in p.entities if e.mascot} | set(lexicon.MASCOTS)
        for m in mascots:
            if m.endswith("s") and len(m) > 4:
                abbr.setdefault(m[:-1], m)
        self.mascots = frozenset(mascots)
        self.own_mascots = frozenset(fold(e.mascot) for e in p.entities if e.mascot)
        self.abbreviations = abbr
        self.abbreviation_keys = dict(keys)

    def _forms(self, names: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        forms: dict[str, str] = {}
        for n in names:
            if looks_abbreviation(n):
                continue
            f = " ".join(self.tokens(n))
            if f and f not in forms:
                forms[f] = n
        return tuple(forms), tuple(forms.values())

    def _other_forms(self, names: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The forms of an organisation that is not one of the district's entities (affiliated,
        or a lookalike): its names, and its own abbreviations as one-word forms ('HCSU' of a
        university in the district's city), so a handle made of one (``hcsuathletics``) splits
        on it and names it. Not an abbreviation the district or its entities use too."""
        forms, originals = self._forms(names)
        own = set(self.abbreviation_keys) | set(self.abbreviations)
        extra = {
            n.strip().lower(): n
            for n in names
            if looks_abbreviation(n) and n.strip().lower() not in own
        }
        extra = {k: v for k, v in extra.items() if k not in forms}
        return (*forms, *extra), (*originals, *extra.values())

    def _common_departments(self) -> None:
        """A department's name that does not say whose it is ('Family Resource Center',
        'Centro de Recursos Familiares', 'Transportation') is every district's: a common name,
        which needs local evidence as 'Early Childhood Center' does."""
        whose = (
            self.district_word_set - lexicon.GENERIC - lexicon.SCHOOL_SYSTEM_WORDS
        ) | self.local_words
        for i, r in enumerate(self.entities):
            if r.kind != "department":
                continue
            common = tuple(
                c or not set(f.split()) & whose for f, c in zip(r.forms, r.common, strict=True)
            )
            self.entities[i] = replace(r, common=common)
        self.by_key = {r.key: r for r in self.entities if r.key}

    def _common(self, form: str) -> bool:
        words = set(form.split()) - lexicon.GENERIC - set(lexicon.LEVEL_WORDS)
        # a school's number is many cities' ('P.S. 23', 'School 7'); a team's ('Team 9417',
        # FRC numbers run to four digits and more) is its own
        return all(w in lexicon.COMMON_NAME_WORDS or (w.isdigit() and len(w) < 4) for w in words)

    def _records(self) -> None:
        p = self.profile
        d = p.district
        parents = {e.key: e for e in p.entities}
        district = self._entity_record(
            d.key,
            d.name,
            (d.name, *d.aliases),
            None,
            None,
            (),
            None,
            "district",
            None,
            d.website,
            0,
        )
        self.entities.append(district)
        for e in p.entities:
            self.entities.append(self._from_entity(e, parents))
        self.by_key = {r.key: r for r in self.entities if r.key}
        for a in p.affiliated:
            forms, originals = self._other_forms((a.name, *a.aliases))
            self.affiliated.append(
                Record(
                    key=a.key,
                    label=a.name,
                    forms=forms,
                    originals=originals,
                    kind=a.kind.value,
                    entity=a.entity,
                    tokens=frozenset(t for f in forms for t in f.split()),
                    website=_website_key(a.website),
                    handle_forms=tuple(compact(f) for f in forms),
                )
            )
        for nd in p.not_district:
            forms, originals = self._other_forms((nd.name, *nd.aliases))
            self.not_district.append(
                Record(
                    key=None,
                    label=nd.name,
                    forms=forms,
                    originals=originals,
                    location=nd.location,
                    tokens=frozenset(t for f in forms for t in f.split()),
                    website=_website_key(nd.url),
                    handle_forms=tuple(compact(f) for f in forms),
                )
            )
        self._own_names_containing()
        places = [d.location.city, *d.location.nearby, *(e.city for e in p.entities if e.city)]
        # A county-named district ('Crawford County Schools') is in that county: a bio placing a
        # team in 'Crawford County, IL' places it in the district, not somewhere else.
        county = counties((d.name, *d.aliases))
        places += county
        # ... and in Spanish, 'Condado de Peach' ('Escuelas del Condado de Peach')
        places += [f"condado de {c.rsplit(' ', 1)[0]}" for c in county if c.endswith(" county")]
        self.local_places = tuple(dict.fromkeys(fold(x) for x in places if x))
        self.local_set = frozenset(self.local_places)
        self.local_words = frozenset(w for p in self.local_places for w in p.split())
        self.local_max_words = max((len(p.split()) for p in self.local_places), default=1)
        self.district_words = tuple(
            dict.fromkeys(
                f
                for f in (fold(d.name), *(fold(a) for a in d.aliases if not looks_abbreviation(a)))
                if f
            )
        )
        self.district_word_set = frozenset(w for d in self.district_words for w in d.split())
        phrases = [(d, " ".join(self.tokens(d))) for d in self.district_words]
        # the district's name in Spanish ('Escuelas del Condado de Peach')
        phrases += [
            (sp, " ".join(self.tokens(sp)))
            for _d, phrase in list(phrases)
            for sp in spanish_forms(phrase)
        ]
        self.district_phrases = tuple(dict.fromkeys(phrases))
        # its names that say only its region ('bitterroot plains'), without a school word
        self.district_region_names = frozenset(
            d
            for d, phrase in self.district_phrases
            if not set(phrase.split()) & lexicon.SCHOOL_SYSTEM_WORDS
            and not any(w.isdigit() for w in phrase.split())
        )
        self.district_abbreviations = frozenset(
            a for a, ks in self.abbreviation_keys.items() if d.key in ks
        )
        self._common_departments()
        self.own_names = frozenset(f for r in self.entities for f in r.forms) | frozenset(
            self.district_words
        )
        self.own_names_text = " | ".join(sorted(self.own_names)).join("  ")
        s = self.settings
        self.entity_index = BlockIndex([self._block_tokens(r) for r in self.entities], s)
        self.affiliated_index = BlockIndex([r.tokens for r in self.affiliated], s)
        self.not_district_index = BlockIndex([r.tokens for r in self.not_district], s)
        for r in (*self.entities, *self.affiliated):
            w = _website_key(r.website)
            if w:
                self.websites.append((w, r.key or ""))
        self.websites.sort(key=lambda x: -len(x[0]))

    def _own_names_containing(self) -> None:
        """'Fargo Public Schools' is a lookalike, but it is also inside 'West Fargo Public Schools':
        remember which of the district's own names contain each lookalike's names, so that an
        occurrence of the own name can be masked before the lookalike is looked for."""
        own = {f for r in self.entities for f in r.forms}
        for rec in self.not_district:
            rec.inside = tuple(
                sorted(
                    (o for o in own for f in rec.forms if o != f and f" {f} " in f" {o} "),
                    key=lambda o: -len(o),
                )
            )

    def _block_tokens(self, r: Record) -> set[str]:
        toks = set(r.tokens)
        toks |= {a for a, ks in self.abbreviation_keys.items() if r.key in ks}
        return toks

    def _from_entity(self, e: Entity, parents: dict[str, Entity]) -> Record:
        parent = parents.get(e.parent) if e.parent else None
        depth = 2 if e.parent and e.parent != self.profile.district.key else 1
        return self._entity_record(
            e.key,
            e.name,
            (e.name, *e.aliases),
            e.level.value if e.level else (parent.level.value if parent and parent.level else None),
            e.mascot or (parent.mascot if parent else None),
            e.activities,
            e.parent,
            e.kind.value,
            e.city,
            e.website,
            depth,
        )

    def _entity_record(
        self,
        key: str,
        name: str,
        names: Iterable[str],
        level: str | None,
        mascot: str | None,
        activities: Iterable[str],
        parent: str | None,
        kind: str,
        city: str | None,
        website: str | None,
        depth: int,
    ) -> Record:
        forms, originals = self._forms(names)
        m = fold(mascot) if mascot else None
        acts = frozenset(" ".join(self.tokens(a)) for a in activities)
        hforms = {compact(f) for f in forms}
        # Its names in Spanish too ('Escuela Primaria Esperanza'): bilingual districts and
        # families write them so, with the type before the name
        spanish = {" ".join(self.tokens(sp)): sp for f in forms for sp in spanish_forms(f)}
        spanish = {k: v for k, v in spanish.items() if k not in forms}
        english = forms
        forms = (*forms, *spanish)
        originals = (*originals, *(_title(v) for v in spanish.values()))
        toks = {t for f in forms for t in f.split()}
        if m:
            toks.add(m)
        for f in english:
            ini = initials(f)
            if m:
                hforms.add(ini + m)
                short = " ".join(
                    w
                    for w in f.split()
                    if w not in lexicon.GENERIC and w not in lexicon.LEVEL_WORDS
                )
                if short:
                    hforms.add(compact(short) + m)
        return Record(
            key=key,
            label=name,
            forms=forms,
            originals=originals,
            tokens=frozenset(toks),
            handle_forms=tuple(sorted(h for h in hforms if len(h) >= 3)),
            level=level,
            mascot=m,
            activities=acts,
            parent=parent,
            kind=kind,
            common=tuple(self._common(f) for f in forms),
            website=website,
            depth=depth,
        )

    def _vocabulary(self) -> None:
        v: set[str] = set()
        for r in (*self.entities, *self.affiliated, *self.not_district):
            v |= r.tokens
            v |= {w for a in r.activities for w in a.split()}  # 'sterling scholar', 'drill'
            for f in r.forms:
                v |= set(fold(f).split())
            for o in r.originals:
                v |= set(fold(o).split())
        p = self.profile
        for text in (p.district.location.city, *p.district.location.nearby, *p.district.aliases):
            v |= set(fold(text).split())
        v |= (
            set(self.abbreviations)
            | lexicon.GENERIC
            | set(lexicon.LEVEL_WORDS)
            | set(lexicon.AFFILIATED_WORDS)
        )
        v |= (
            lexicon.FAN_WORDS
            | lexicon.SCHOOL_WORDS
            | lexicon.MASCOTS
            | lexicon.ACTIVITIES
            | lexicon.COMMON_NAME_WORDS
            | lexicon.SPANISH_WORDS
            | lexicon.FRENCH_WORDS
        )
        v |= lexicon.CLASSROOM_WORDS | {h.lower() for h in lexicon.HONORIFICS}
        v |= (
            set(lexicon.HANDLE_DECORATIONS)
            | lexicon.FORMER_ACCOUNT_WORDS
            | {w for ph in lexicon.AFFILIATED_PHRASES for w in ph.split()}
        )
        v |= {s.lower() for s in lexicon.STATES} | {
            w for n in lexicon.STATES.values() for w in n.split()
        }
        # Spanish and French 'de', 'la', 'el', 'le', 'en', 'del'... split no handle ('elmwood' is no 'el mwood'),
        # unless the profile's own names use them
        named = {
            w
            for text in (
                p.district.name,
                *p.district.aliases,
                *(n for e in p.entities for n in (e.name, *e.aliases)),
                *(n for a in p.affiliated for n in (a.name, *a.aliases)),
            )
            for w in fold(text).split()
        }
        v -= {w for w in lexicon.SPANISH_GENERIC | lexicon.FRENCH_GENERIC if len(w) <= 3} - named
        self.vocabulary = {w for w in v if len(w) >= 2}
        activities = lexicon.ACTIVITIES | {
            short
            for short, full in lexicon.ABBREVIATIONS.items()
            if set(full.split()) & lexicon.ACTIVITIES
        }
        self.segmenter = Segmenter(self.vocabulary, activities=activities)
        self.activity_words = frozenset(
            w
            for words in (activities, *(r.activities for r in self.entities))
            for a in words
            for w in a.split()
            if w not in lexicon.GENERIC
        )

    def _registry(self, rows: Sequence[RegistryRow]) -> None:
        handles: dict[str, list[RegisteredHandle]] = defaultdict(list)
        for r in rows:
            self.registry_by_url[(r.platform, r.url)] = r
            if r.platform_id:
                self.registry_by_id[(r.platform, r.platform_id)] = r
            if r.handle:
                h = r.handle.lower()
                self.registry_by_handle[(r.platform, h)] = r
                sk = skeleton(h)
                # The words of the handle as written: its skeleton ('westfargoschols') splits badly.
                handles[r.platform].append(
                    RegisteredHandle(
                        row=r,
                        skeleton=sk,
                        words=frozenset(self.handle_tokens(bare_handle(h))),
                        name=" ".join(self.tokens(strip_official(r.display_name))),
                    )
                )
                self.handle_owner.setdefault(sk, r)
        self.registry_handles = dict(handles)
        # the other URLs of the same account (a LinkedIn /school/ page is its /company/ page)
        for r in rows:
            for url in same_account_urls(r.platform, r.url):
                self.registry_by_url.setdefault((r.platform, url), r)

    def places_in(self, text: str) -> list[str]:
        """The district's towns named in folded ``text`` (phrase look-ups, whatever the number of towns)."""
        ws = text.split()
        found: dict[str, None] = {}
        for n in range(self.local_max_words, 0, -1):
            for i in range(len(ws) - n + 1):
                ph = " ".join(ws[i : i + n])
                if ph in self.local_set:
                    found[ph] = None
        return list(found)

    def in_own_name(self, text: str) -> bool:
        """``text`` (folded) is part of one of the district's or its entities' names: 'Cerro
        Colorado' of Cerro Colorado High School is no town in Colorado."""
        return bool(text.strip()) and f" {text} " in self.own_names_text

    def is_own_name(self, text: str) -> bool:
        """``text`` (folded) is one of the district's or its entities' names, whole ('Wasatch
        Benches School District, Utah' names the district, not a town in Utah)."""
        return text in self.own_names

    def is_local(self, city: str) -> bool:
        ws = city.split()
        return any(" ".join(ws[i:]) in self.local_set for i in range(len(ws)))

    def website_entity(self, url: str | None) -> str | None:
        """The entity whose web page is the longest prefix of ``url`` (a district page about it)."""
        u = _website_key(url)
        if not u:
            return None
        for site, key in self.websites:
            if u == site or u.startswith(site + "/") or u.startswith(site + "?"):
                return key
        return None
