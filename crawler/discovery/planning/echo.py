"""Echo probes: a handle this scan found for the district, looked up on the other platforms.

A school's accounts reuse one username across platforms, with the separators each platform
allows: the girls' volleyball team that is ``cdbhs_gvb`` on Instagram is ``cdbhsgvb`` on
TikTok, and the mariachi that is ``mariachicorrecaminos`` on Instagram is
``mariachi.correcaminos`` there. The candidates of :mod:`handles` come from the district's
names and cannot reach every such form within a probe's budget; the handles the scan found
do (what username checkers do, from a username the district itself uses).

:func:`echo_queries` takes the district's registered accounts and the accounts a scan saw,
keeps those whose handle carries one of the district's names, abbreviations or mascots (:func:`district_tokens`), and derives per
probed platform the forms to look up: the handle as found, without its separators, and split
where the account's display name shows the words (``Mariachi Correcaminos``). The most
specific handles come first (the longest name or abbreviation they carry; a mascot alone
last), each handle's own form before its variants, and what the scan already saw or asked on
a platform is not asked again.

Last come a found handle's *siblings* (:func:`sibling_forms`): a school's accounts follow one
pattern, so a handle made of a school's words and one of its activities (``hchs_vball``) gives
the same start with each other activity of that school (``hchs_xc``, ``hchs_football``), in the
same separator and the same kind of activity form (a short form for a short form), on every
probed platform, the handle's own included.

The ``profiles`` source runs them after the other sources (``spiders/profiles.py``); a found
account is judged by matching like any other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from crawler.discovery.planning.handles import TEAM_KINDS, Parts
from crawler.discovery.planning.sites import PROBE_PLATFORMS
from crawler.discovery.planning.terms import handle_parts
from crawler.discovery.planning.text import district_core, fold, is_abbreviation, slug
from crawler.district.profile import DistrictProfile, EntityKind
from crawler.platforms import PLATFORMS
from crawler.vocab import Platform

MIN_NAME = 4  # a name or abbreviation shorter than this is too common inside a handle
MIN_ABBR = 3
MIN_MASCOT = 5
SPLIT_WORDS = (2, 3)  # a display name of this many words may show where a handle splits
SEPARATORS = re.compile(r"[._-]")
YOUTUBE_ID = re.compile(r"UC[\w-]{22}")
# the platforms an echo looks handles up on: the probed ones, and Mastodon's configured instances
ECHO_PLATFORMS: tuple[str, ...] = (*PROBE_PLATFORMS, Platform.MASTODON)


@dataclass(frozen=True, slots=True)
class SeenAccount:
    """An account a scan saw: its platform, handle (as stored) and display name."""

    platform: str
    handle: str
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Tokens:
    """The district's words as they appear inside handles (letters and digits only)."""

    names: frozenset[str]  # names, aliases and abbreviations: specific
    mascots: frozenset[str]  # mascots: shared by many schools elsewhere

    def score(self, handle: str) -> int:
        """How specifically ``handle`` names the district: twice the longest name it carries,
        1 for a mascot alone, 0 for none."""
        plain = slug(handle)
        best = max((len(t) for t in self.names if t in plain), default=0)
        if best:
            return 2 * best
        return 1 if any(t in plain for t in self.mascots) else 0


def _part_tokens(parts: Parts) -> tuple[set[str], set[str]]:
    names = {n for n in (*parts.name, *parts.full, *parts.called) if len(n) >= MIN_NAME}
    names |= {a for a in parts.abbr if len(a) >= MIN_ABBR}
    mascots = {m for m in parts.mascot if len(m) >= MIN_MASCOT}
    return names, mascots


def district_tokens(profile: DistrictProfile) -> Tokens:
    """The names, abbreviations and mascots of the district and every entity, as slugs."""
    d = profile.district
    names: set[str] = set()
    mascots: set[str] = set()
    for alias in (d.name, *d.aliases):
        word = slug(alias) if is_abbreviation(alias) else slug(district_core(alias))
        if len(word) >= (MIN_ABBR if is_abbreviation(alias) else MIN_NAME):
            names.add(word)
    for ent in profile.entities:
        n, m = _part_tokens(handle_parts(profile, ent))
        names |= n
        mascots |= m
    return Tokens(frozenset(names), frozenset(mascots - names))


MIN_STEM_TOKEN = 3  # a school's word this long, at least, inside a sibling's start
SEPARATOR_CHARS = "._-"


@dataclass(frozen=True, slots=True)
class School:
    """One school's words as slugs (its names, abbreviations, what it calls itself, its initial
    with its mascot) and, per activity of the school and its teams, the activity's forms, slug
    first."""

    words: frozenset[str]
    acts: tuple[tuple[str, ...], ...]


@lru_cache(maxsize=8)
def district_schools(profile: DistrictProfile) -> tuple[School, ...]:
    """Every school of the district with activities (its own, or its teams' and programs')."""
    out = []
    for ent in profile.entities:
        if ent.kind != EntityKind.SCHOOL:
            continue
        parts = [handle_parts(profile, ent)]
        parts += [
            handle_parts(profile, child)
            for child in profile.entities
            if child.parent == ent.key and child.kind in TEAM_KINDS
        ]
        own = parts[0]
        # a mascot alone is many schools' ('eagles_vball'): a name, an abbreviation, what the
        # school calls itself or its initial with the mascot ('keagles')
        words = {
            w for w in (*own.name, *own.full, *own.abbr, *own.called) if len(w) >= MIN_STEM_TOKEN
        }
        words |= {f"{i}{m}" for i in own.initial for m in own.mascot}
        acts: dict[str, tuple[str, ...]] = {}
        for pt in parts:
            for forms in pt.acts:
                if forms and forms[0]:
                    acts.setdefault(forms[0], forms)
        if words and len(acts) > 1:
            out.append(School(frozenset(words), tuple(acts.values())))
    return tuple(out)


def sibling_forms(user: str, schools: Sequence[School]) -> list[list[str]]:
    """The handles of the same pattern as ``user`` for its school's other activities, in two
    rounds: each activity's form of the same kind as the found one (its slug for a slug, its
    first short form for a short form), then the other of the two.

    ``user`` must end with a form of one of a school's activities, after a start that carries
    one of that school's words (``hchs_`` of ``hchs_vball``); the longest such form decides.
    Nothing for a handle that names no school's activity."""
    u = user.lower()
    best: tuple[int, str, int, School, tuple[str, ...]] | None = None
    for school in schools:
        for forms in school.acts:
            for j, f in enumerate(forms):
                if len(f) < 2 or len(f) >= len(u) or not u.endswith(f):
                    continue
                start = u[: -len(f)]
                base = start.rstrip(SEPARATOR_CHARS)
                if not any(w in base for w in school.words):
                    continue
                if best is None or len(f) > best[0]:
                    best = (len(f), start, j, school, forms)
    if best is None:
        return []
    _, start, j, school, matched = best
    same: list[str] = []
    other: list[str] = []
    for forms in school.acts:
        if forms is matched:
            continue
        pair = forms[:2]
        first = pair[min(j, len(pair) - 1)]
        same.append(start + first)
        other += [start + f for f in pair if f != first]
    return [same, other]


def username(account: SeenAccount) -> str | None:
    """The username part of a handle as stored (``x.bsky.social`` -> ``x``, ``u@instance`` ->
    ``u``); None for a handle that is a domain of its own (a Bluesky custom domain) or a
    stable id (a Facebook page's number, a YouTube channel id)."""
    handle = account.handle.lstrip("@")
    if handle.isdigit() or YOUTUBE_ID.fullmatch(handle):  # a stable id, not a username
        return None
    if account.platform == Platform.BLUESKY:
        user, _, domain = handle.partition(".")
        return user if domain == "bsky.social" else None
    if account.platform == Platform.MASTODON:
        return handle.partition("@")[0] or None
    return handle or None


def echo_forms(user: str, name: str | None) -> list[list[str]]:
    """The forms of ``user`` worth a lookup, by round: the handle as found; without its
    separators; split with ``.`` and ``_`` where the display name's words make it up."""
    joined = SEPARATORS.sub("", user)
    words = fold(name or "").split()
    split: list[str] = []
    if len(words) in SPLIT_WORDS and "".join(words) == joined.lower():
        split = [".".join(words), "_".join(words)]
    return [[user], [joined] if joined != user else [], split]


def platform_names(handle: str, platform: str, instances: Sequence[str]) -> list[str]:
    """How ``handle`` is looked up on ``platform``: a ``bsky.social`` handle (one DNS label:
    no ``_``, no ``.``), a Mastodon account on each configured instance (no ``.`` or ``-``)."""
    if platform == Platform.BLUESKY:
        return [] if "_" in handle or "." in handle else [f"{handle}.bsky.social"]
    if platform == Platform.MASTODON:
        return [] if re.search(r"[.-]", handle) else [f"{handle}@{i}" for i in instances]
    return [handle]


def echo_queries(
    seen: Iterable[SeenAccount],
    tokens: Tokens,
    targets: Sequence[str],
    asked: set[tuple[str, str]],
    limits: Mapping[str, int],
    instances: Sequence[str] = (),
    schools: Sequence[School] = (),
) -> list[tuple[str, str]]:
    """``(platform, handle)`` to look up, best first, at most ``limits[platform]`` each: the
    handles as found and their other forms, then the siblings of ``schools``' activities.

    ``asked``: ``(platform, lower-cased handle)`` the scan already saw or looked up."""
    ranked: list[tuple[int, int, int, int, str, str]] = []
    for order, account in enumerate(seen):
        user = username(account)
        score = tokens.score(user) if user else 0
        if not user or not score:
            continue
        rounds = echo_forms(user, account.name)
        for rnd, forms in enumerate(rounds):
            for form in forms:
                ranked.append((rnd, 0, -score, order, account.platform, form))
        # every handle's first sibling before anyone's second, on its own platform too
        for rnd, forms in enumerate(sibling_forms(user, schools), start=len(rounds)):
            for i, form in enumerate(forms):
                ranked.append((rnd, i, -score, order, "", form))
    ranked.sort(key=lambda r: r[:4])
    out: list[tuple[str, str]] = []
    taken = set(asked)
    count = dict.fromkeys(targets, 0)
    for *_, origin, form in ranked:
        for p in targets:
            if p == origin or count[p] >= limits.get(p, 0):
                continue
            for name in platform_names(form, p, instances):
                key = (p, name.lower())
                if key in taken or not PLATFORMS[p].valid_handle(name):
                    continue
                if count[p] >= limits.get(p, 0):
                    break
                taken.add(key)
                count[p] += 1
                out.append((p, name))
    return out
