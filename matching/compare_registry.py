"""Step 3, compare: the account against the registry. Same URL, platform id or handle
(registered); a near copy of a registered handle or name on the same platform (impersonation);
the same handle as a registered account on another platform.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz
from rapidfuzz.distance import DamerauLevenshtein

from crawler.district.registry import RegistryRow
from crawler.vocab import Platform, Source
from matching import lexicon
from matching.features import Features, said_text, shown_name
from matching.normalise import bare_handle, fold, skeleton, strip_official
from matching.reference import Reference
from matching.settings import MatchSettings
from matching.types import Level, RegisteredHandle


def _other_words(name: str, registered: str) -> list[str]:
    """Words of either name that the other has not, not even with a typo, and that are not
    'official': what makes ``name`` another account's, however close the strings."""
    a, b = set(name.split()), set(registered.split())

    def missing(x: set[str], y: set[str]) -> list[str]:
        return [
            w
            for w in sorted(x - y)
            if len(w) >= 3
            and w not in lexicon.OFFICIAL_WORDS
            and not any(fuzz.ratio(w, v, processor=None) >= 80 for v in y - x)
        ]

    return missing(a, b) + missing(b, a)


# A bio that says the account had another handle before ('(formerly @sanisabelr7.bsky.social)',
# 'previously @wfhs_old', 'old handle: @x'): the handle it names, as written.
_FORMER_HANDLE = re.compile(
    r"\b(?:formerly|previously|was|old handle|moved from|renamed from)\s*:?\s*@([a-z0-9_][a-z0-9_.\-]*[a-z0-9_])",
    re.IGNORECASE,
)


def former_handles(bio: str | None) -> list[str]:
    """The handles a bio says the account had before, lower-cased."""
    return [h.lower() for h in _FORMER_HANDLE.findall(bio or "")]


def own_domain_handle(handle: str, domains: tuple[str, ...] | list[str]) -> str | None:
    """The district's domain a Bluesky handle is on (``sanisabel.k12.co.us``,
    ``lhs.sanisabel.k12.co.us``): such a handle is proven by the domain's DNS or web server,
    so only whoever runs the district's domain can hold it."""
    h = handle.lower().lstrip("@").rstrip(".")
    for d in domains:
        d = d.lower().removeprefix("www.")
        if d and (h == d or h.endswith(f".{d}")):
            return d
    return None


# why a Threads account with a registered Instagram handle is that account's holder's
THREADS_FROM_INSTAGRAM = "a Threads profile is made from the Instagram account with its handle"


def id_only(row: RegistryRow) -> bool:
    """The row names its account by the platform id alone (``/pages/<Name>/<id>``,
    ``profile.php?id=``): its address, and so its handle, is unknown."""
    return bool(row.platform_id) and (row.handle or "") == row.platform_id


def disguised(handle: str, name: str) -> bool:
    """``handle`` spells ``name`` (its letters run together) with a letter disguised: the same
    skeleton (a homoglyph, a capital I for an l, a doubled or dropped double letter:
    'toliiverhighschool' of 'Tolliver High School'), the same length give or take a letter, but
    not the name itself."""
    plain = re.sub(r"[^a-z0-9]", "", bare_handle(handle))
    target = re.sub(r"[^a-z0-9]", "", fold(name))
    # a capital I for an l ('VaIeHighSchool') reads as an i once lower-cased
    return (
        len(target) >= 6
        and plain != target
        and abs(len(plain) - len(target)) <= 1
        and skeleton(plain.replace("i", "l")) == skeleton(target.replace("i", "l"))
    )


# what a copy asks of the people it fools: money, a payment app, a giveaway, a link to follow
_ASKS = re.compile(
    r"\b(?:zelle|venmo|cash ?app|paypal|deposit|fees?|payable|giveaways?|gift cards?|winners?|"
    r"tap the link|click the link|link in bio|dm us|message us|pay)\b"
)


# what no district page asks on its own page: a payment app, a deposit, a prize
_SCAM_ASKS = re.compile(
    r"\b(?:zelle|venmo|cash ?app|paypal|deposit|giveaways?|gift cards?|winners?|payable)\b"
)


# what a copy adds to the name it copies: an office or a desk the real account might have
_DESK_WORDS = frozenset(
    "enrollment enroll registration register admissions apply tickets ticket payments payment "
    "fees fee support help desk info information office scholarship scholarships giveaway "
    "giveaways live updates news page official online portal".split()
)


class RegistryComparison:
    """The registry: same URL or platform id (registered); a near copy of a registered handle or
    name on the same platform (impersonation); the same handle as a registered account elsewhere."""

    def __init__(self, ref: Reference, settings: MatchSettings) -> None:
        self.ref = ref
        self.s = settings

    def exact(self, f: Features) -> tuple[Level, RegistryRow] | None:
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
        return self.linked_id_only(f) or self.renamed(f)

    def linked_id_only(self, f: Features) -> tuple[Level, RegistryRow] | None:
        """A page the district's own site links, whose id this scan could not read (Facebook
        pages refuse crawlers), carrying the name of a registry row known only by its page id
        ('/pages/<Name>/<id>', 'profile.php?id='): the registered page under its address. The
        district links its own page; a copy it does not link stays a copy."""
        c = f.candidate
        if c.platform_id or not any(sg.source == Source.DISTRICT_SITE for sg in c.sightings):
            return None
        for rh in self.ref.registry_handles.get(c.platform, ()):
            if id_only(rh.row) and self._name_copy(f, rh) is not None:
                return Level(
                    "registered_id_only",
                    f"registered: the district's site links this page, which carries the name "
                    f"'{rh.row.display_name}' of registry entry {rh.row.url}, known there only "
                    f"by its id; the registry row should name its address {c.url}",
                    0.0,
                ), rh.row
        return None

    def _name_copy(self, f: Features, rh: RegisteredHandle) -> tuple[str, float] | None:
        """``(name shown, similarity)`` when the account's name is the registered account's
        (a page name stored with its place, '… Official | Dayton, OH', compared without them)."""
        shown = shown_name(f.candidate.display_name or "") or f.title_name
        name = " ".join(self.ref.tokens(strip_official(shown)))
        # a word the registered name has not, or lacks one it has, and that is no typo of
        # one ('TVRHS FFA' beside the school's 'Tessawick Valley Regional High School',
        # 'BVT Alumni' beside 'BVT Salon'): another account's name, not a copy
        if (
            name
            and len(rh.name.split()) >= 2
            and f.handle_skeleton != rh.skeleton
            and not _other_words(name, rh.name)
        ):
            r = fuzz.ratio(name, rh.name, processor=None)
            written = fold(strip_official(shown))
            registered = fold(rh.row.display_name or "")
            if (
                r >= self.s.impersonation_name
                and registered
                and fuzz.ratio(written, registered, processor=None) < self.s.impersonation_name
                and not _ASKS.search(fold(said_text(f.candidate)))
            ):
                # the same name only once its short forms are spelt out ('HA Prep Caliche
                # Springs' beside the registered 'HA Prep CS'): a copy copies the name as the
                # registered account shows it; this is another account of the school's
                return None
            if r >= self.s.impersonation_name:
                return shown, r
        return None

    def renamed(self, f: Features) -> tuple[Level, RegistryRow] | None:
        """A registered Bluesky account under a new handle on the district's own domain, whose
        bio names the registered handle as its former one (a district that moved from
        ``x.bsky.social`` to its domain and left the registry as it was). Only there: the
        domain proves who holds the handle; elsewhere 'formerly @…' is anybody's to write."""
        c, ref = f.candidate, self.ref
        if c.platform != Platform.BLUESKY:
            return None
        domain = own_domain_handle(c.handle, ref.profile.district.domains)
        if domain is None:
            return None
        for old in former_handles(c.bio):
            row = ref.registry_by_handle.get((c.platform, old))
            if row is not None:
                return Level(
                    "registered_renamed",
                    f"registered: the account of registry entry {row.url} under a new handle "
                    f"(its bio says it was @{old}; @{c.handle} is on the district's domain "
                    f"{domain}); the registry row should name @{c.handle}",
                    0.0,
                ), row
        return None

    def impersonation(self, f: Features) -> tuple[Level, RegisteredHandle] | None:
        c, s = f.candidate, self.s
        if c.platform == Platform.BLUESKY and own_domain_handle(
            c.handle, self.ref.profile.district.domains
        ):
            return None  # only the district's domain can hold the handle: no copy
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
            state = (self.ref.profile.district.location.state or "").lower()
            if sk and state and sk == f"{rh.skeleton}{state}":
                # the state's code after the registered handle ('PalmettoSchoolsFL'): what a
                # copy adds when the handle itself is taken
                return Level(
                    "impersonation_handle",
                    f"handle @{c.handle} copies registered @{rh.row.handle} with the state's "
                    f"code {state.upper()} added",
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
            copied = self._name_copy(f, rh)
            asked = self._asks_under_name(f, rh)
            if copied is None and asked is not None:
                return asked, rh
            if copied is not None:
                shown, r = copied
                what = "display name" if c.display_name else "name in search results"
                added = sorted(set(fold(shown).split()) & lexicon.OFFICIAL_WORDS)
                plus = f" with '{added[0]}' added" if added else ""
                if id_only(rh.row) and not c.platform_id and not added:
                    asks = _SCAM_ASKS.search(fold(said_text(c)))
                    if asks is not None:
                        # 'Enrollment fee for new military families payable here': the
                        # registered page's name over a bio asking for money
                        return Level(
                            "impersonation_name",
                            f"{what} '{shown}' copies registered '{rh.row.display_name}' "
                            f"(known by its id), and its bio asks for money ('{asks.group(0)}')",
                            0.0,
                        ), rh
                    if disguised(c.handle, shown):
                        # '@TolIiverHighSchool' of 'Tolliver High School': the name's letters
                        # with one disguised, as no page of the school's own would write it
                        return Level(
                            "impersonation_name",
                            f"{what} '{shown}' copies registered '{rh.row.display_name}' "
                            f"(known by its id), and its handle @{c.handle} spells that name "
                            "with a letter disguised",
                            0.0,
                        ), rh
                    # the row names the page by its id alone, and this page's id is unknown:
                    # the registered page under its address, or a copy; a person decides
                    return Level(
                        "same_name_id_only",
                        f"{what} '{shown}' is the name of registry entry {rh.row.url}, known "
                        f"there only by its id, which this page did not show: the registered "
                        f"page under its address (add the address to the registry) or a copy",
                        0.0,
                    ), rh
                return Level(
                    "impersonation_name",
                    f"{what} '{shown}' copies registered '{rh.row.display_name}'{plus} "
                    f"(@{rh.row.handle}, {r:.0f})",
                    0.0,
                ), rh
        return None

    def _asks_under_name(self, f: Features, rh: RegisteredHandle) -> Level | None:
        """The registered account's whole name with a word added ('Prairie Virtual Academy -
        Enrollment'), over a bio asking for money ('pay the $25 device deposit online'): a
        copy, whatever the word."""
        shown = shown_name(f.candidate.display_name or "") or f.title_name
        if not shown or len(rh.name.split()) < 2:
            return None
        asks = _SCAM_ASKS.search(fold(said_text(f.candidate)))
        words = set(self.ref.tokens(shown))
        added = words - set(rh.name.split())
        if asks is None or not set(rh.name.split()) <= words or not added <= _DESK_WORDS:
            return None  # 'MHS Class of 2027' collecting dues is the class's, not a copy
        return Level(
            "impersonation_name",
            f"display name '{shown}' holds registered '{rh.row.display_name or rh.row.handle}' "
            f"(@{rh.row.handle}), and its bio asks for money ('{asks.group(0)}')",
            0.0,
        )

    def scam_stream(self, f: Features, entity: str | None) -> tuple[Level, RegisteredHandle] | None:
        """A fake live stream of a school's event (``lexicon.SCAM_STREAM_PHRASES``) that names
        ``entity``: it poses as the registered account of that entity on its platform (else of
        the school it belongs to, else of the district), whatever handle it took."""
        if entity is None:
            return None
        text = f" {' '.join(f.bio)} {f.name_text} "
        said = next((p for p in lexicon.SCAM_STREAM_PHRASES if f" {p} " in text), None)
        rows = list(self.ref.registry_handles.get(f.candidate.platform, ()))
        if said is None or not rows:
            return None
        rec = self.ref.by_key.get(entity)
        order = [entity, rec.parent if rec else None, self.ref.profile.district.key]
        rh = next(
            (rh for key in order if key for rh in rows if rh.row.entity == key),
            rows[0],
        )
        level = Level(
            "impersonation_stream",
            f"'{said}': a fake live stream naming {rec.label if rec else entity}, posing as "
            f"its registered @{rh.row.handle}",
            0.0,
        )
        return level, rh

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

    def same_handle_elsewhere(self, f: Features) -> tuple[tuple[Level, ...], RegistryRow] | None:
        """The same handle as a registered account on another platform: not registered by that
        (a registry row names one account on one platform), but likely the same administrator.
        A Threads profile is made from an Instagram account and shows its handle, so a Threads
        account with a registered Instagram handle is the district's account, unregistered."""
        c = f.candidate
        row = None
        if c.platform == Platform.THREADS:
            row = self.ref.registry_by_handle.get(
                (Platform.INSTAGRAM, c.handle.lower().lstrip("@"))
            )
        if row is None and f.handle_skeleton:
            row = self.ref.handle_owner.get(f.handle_skeleton)
        if row is None or row.platform == c.platform:
            return None
        same = Level(
            "registered_elsewhere",
            f"same handle as the registered {row.platform} account @{row.handle}",
            self.s.w_registered_handle,
        )
        if c.platform == Platform.THREADS and row.platform == Platform.INSTAGRAM:
            why = THREADS_FROM_INSTAGRAM
        else:
            why = "the same handle on another platform"
        admin = Level(
            "same_administrator",
            f"likely the same administrator as the registered {row.platform} account "
            f"@{row.handle} ({why}); not registered itself: the registry names no "
            f"{c.platform} account",
            0.0,
        )
        return (same, admin), row
