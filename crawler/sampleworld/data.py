"""The sample world's data: invented accounts, the districts' web sites, extra search results.

Each district is a folder ``districts/<key>/`` (next to this module) with ``world.yaml`` (its
accounts, web site and extra search results, and a ``district:`` block: domain, display name,
footer address), and the district's ``profile.yaml`` and ``registry.csv`` (West Fargo's are
``crawler/sample``'s, which ``scout demo`` and ``scout init`` use). :func:`load_world` reads
one file, :func:`load_districts` merges several into one :class:`WorldData` (one search index,
one set of platforms over the union of their accounts), rejecting a key, handle or host two
districts share. Platform ids that a file leaves out are derived from the handle with a hash,
so they are stable across runs and look like the real ones (``UC`` + 22 characters,
``did:plc:`` + 24 base32, ...).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DISTRICTS_DIR = Path(__file__).with_name("districts")
DEFAULT_DISTRICT = "west-fargo"
DATA_FILE = DISTRICTS_DIR / DEFAULT_DISTRICT / "world.yaml"
PLATFORMS = (
    "facebook",
    "instagram",
    "x",
    "youtube",
    "tiktok",
    "threads",
    "bluesky",
    "linkedin",
    "mastodon",
)
CLASSES = ("registered", "unregistered", "impersonation", "affiliated", "unrelated", "review")
API_PLATFORMS = ("youtube", "bluesky", "mastodon")
MASTODON_INSTANCE = "mastodon.social"


@dataclass(frozen=True, slots=True)
class Account:
    """One invented account (see the field list at the top of ``world.yaml``)."""

    key: str
    platform: str
    handle: str
    name: str
    cls: str
    platform_id: str
    bio: str = ""
    location: str = ""
    links: tuple[str, ...] = ()
    followers: int = 0
    following: int = 0
    posts: int = 0
    entity: str | None = None
    imitates: str | None = None
    case: str | None = None
    search: bool = True
    api: bool = True
    probe: bool = False
    live: bool = True
    kind: str = "company"
    layout: str = "c4"
    username: str | None = None
    og_host: str = "www.linkedin.com"
    search_domain: str | None = None
    private: bool = False
    last_post: str | None = None
    district: str = ""
    index: int = 0
    added: bool = False  # new in the second month (later.yaml's add): created since month 1
    changed: bool = False  # changed in the second month (later.yaml's change)

    @property
    def lower(self) -> str:
        return self.handle.lower()

    def created(self, clock: datetime) -> datetime:
        """When the account was created, relative to the world's clock: an hour before the
        world started for the second month's new accounts, years ago for the others."""
        from datetime import timedelta

        from crawler.sampleworld.formats import stable_time

        return clock - timedelta(hours=1) if self.added else stable_time(self.key)

    def page_date(self, clock: datetime) -> datetime:
        """When a search engine last saw the profile page change: its creation, or an hour
        before the world started for an account new or changed in the second month."""
        from datetime import timedelta

        # a deleted account's page keeps its old date: a recrawl would have dropped it
        return clock - timedelta(hours=1) if self.changed and self.live else self.created(clock)

    @property
    def mastodon_user(self) -> str:
        return self.handle.split("@", 1)[0]

    @property
    def mastodon_domain(self) -> str:
        return self.handle.split("@", 1)[1] if "@" in self.handle else MASTODON_INSTANCE

    @property
    def public_url(self) -> str:
        """The profile URL as the platform itself writes it (case kept, in og:url style)."""
        p, h = self.platform, self.handle
        if p == "facebook":
            return (
                f"https://www.facebook.com/profile.php?id={h}"
                if h.isdigit()
                else f"https://www.facebook.com/{h}/"
            )
        if p == "instagram":
            return f"https://www.instagram.com/{h.lower()}/"
        if p == "x":
            return f"https://x.com/{h}"
        if p == "youtube":
            return f"https://www.youtube.com/@{h}"
        if p == "tiktok":
            return f"https://www.tiktok.com/@{h.lower()}"
        if p == "threads":
            return f"https://www.threads.com/@{h.lower()}"
        if p == "bluesky":
            return f"https://bsky.app/profile/{h.lower()}"
        if p == "linkedin":
            return f"https://www.linkedin.com/{self.kind}/{h.lower()}/"
        return f"https://{self.mastodon_domain}/@{self.mastodon_user}"


@dataclass(frozen=True, slots=True)
class SitePage:
    host: str
    path: str
    title: str
    intro: str
    links: tuple[tuple[str, str], ...]
    district: str = ""


@dataclass(frozen=True, slots=True)
class District:
    """The ``district:`` block of a district's ``world.yaml``, and where its files are."""

    key: str  # the folder name
    domain: str  # e.g. west-fargo.k12.nd.us; the web site is www.<domain>
    name: str  # display name in page titles and footers
    address: str  # the footer's address line
    profile: Path
    registry: Path
    held_out: bool = False  # kept out of every tuning step (README, "Generalisation")

    @property
    def www(self) -> str:
        return f"www.{self.domain}"

    @property
    def searxng_host(self) -> str:
        return f"search.{self.domain}"


@dataclass(frozen=True, slots=True)
class SearchDoc:
    """One page a search backend has indexed: a profile or any other URL."""

    url: str
    title: str
    content: str
    account: str | None = None  # key of the account whose profile this is
    published: datetime | None = None  # when the engine first saw the page (Brave page_age)


@dataclass(frozen=True, slots=True)
class WorldData:
    accounts: tuple[Account, ...]
    site_pages: tuple[SitePage, ...]
    robots_disallow: dict[str, tuple[str, ...]]
    search_extra: tuple[SearchDoc, ...]
    by_key: dict[str, Account] = field(default_factory=dict)
    districts: tuple[District, ...] = ()

    def district(self, key: str) -> District:
        for d in self.districts:
            if d.key == key:
                return d
        raise KeyError(f"no district {key!r} in this world ({[d.key for d in self.districts]})")

    def district_of_host(self, host: str) -> District | None:
        return next((self.district(p.district) for p in self.site_pages if p.host == host), None)

    def on(self, platform: str) -> list[Account]:
        return [a for a in self.accounts if a.platform == platform]

    def find(self, platform: str, handle: str) -> Account | None:
        """The live account of ``platform`` whose handle (or id) is ``handle``, ignoring case."""
        wanted = handle.lstrip("@").lower()
        for a in self.accounts:
            if a.platform == platform and a.live and wanted in (a.lower, a.platform_id.lower()):
                return a
        return None


# libyaml's loader where PyYAML has it (five to ten times faster than the pure-Python one: a
# world of every district is a few thousand lines, read by many tests)
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader


def _digest(*parts: str) -> bytes:
    return hashlib.sha256("\x1f".join(parts).encode()).digest()


def derived_id(platform: str, handle: str) -> str:
    """A stable platform id in the platform's own shape."""
    d = _digest(platform, handle.lower())
    number = int.from_bytes(d[:8], "big")
    if platform == "youtube":
        return "UC" + base64.urlsafe_b64encode(d).decode()[:22]
    if platform == "bluesky":
        return "did:plc:" + base64.b32encode(d).decode().lower()[:24]
    if platform == "facebook":
        return str(100_000_000_000_000 + number % 900_000_000_000_000)[:15]
    if platform == "tiktok":
        return str(6_700_000_000_000_000_000 + number % 500_000_000_000_000_000)
    if platform == "mastodon":
        return str(109_000_000_000_000_000 + number % 900_000_000_000_000)
    if platform == "x":
        return str(1_000_000_000 + number % 8_000_000_000)
    return str(number % 10**17)


_FIELDS = {
    "key",
    "platform",
    "handle",
    "name",
    "class",
    "id",
    "bio",
    "location",
    "links",
    "followers",
    "following",
    "posts",
    "entity",
    "imitates",
    "case",
    "search",
    "api",
    "probe",
    "live",
    "kind",
    "layout",
    "username",
    "og_host",
    "search_domain",
    "private",
    "last_post",
    "_added",  # set by the second month's overlay on the accounts of later.yaml's add
    "_changed",  # and on the accounts of its change
}
_DISTRICT_FIELDS = {"domain", "name", "address", "held_out", "profile", "registry"}


def _account(raw: dict[str, Any], index: int, district: str, where: str) -> Account:
    unknown = set(raw) - _FIELDS
    if unknown:
        raise ValueError(f"{where} account {raw.get('key')!r}: unknown fields {sorted(unknown)}")
    platform = raw["platform"]
    if platform not in PLATFORMS or raw["class"] not in CLASSES:
        raise ValueError(f"{where} account {raw['key']!r}: bad platform or class")
    handle = str(raw["handle"])
    return Account(
        key=raw["key"],
        platform=platform,
        handle=handle,
        name=raw["name"],
        cls=raw["class"],
        platform_id=str(raw.get("id") or derived_id(platform, handle)),
        bio=raw.get("bio", ""),
        location=raw.get("location", ""),
        links=tuple(raw.get("links", ())),
        followers=int(raw.get("followers", 0)),
        following=int(raw.get("following", 0)),
        posts=int(raw.get("posts", 0)),
        entity=raw.get("entity"),
        imitates=raw.get("imitates"),
        case=raw.get("case"),
        search=bool(raw.get("search", True)),
        api=bool(raw.get("api", platform in API_PLATFORMS)),
        probe=bool(raw.get("probe", False)),
        live=bool(raw.get("live", True)),
        kind=raw.get("kind", "company"),
        # Alternate the two YouTube header layouts unless the file pins one.
        layout=raw.get("layout") or ("c4" if index % 2 == 0 else "page"),
        username=raw.get("username"),
        og_host=raw.get("og_host", "www.linkedin.com"),
        search_domain=raw.get("search_domain"),
        private=bool(raw.get("private", False)),
        last_post=str(raw["last_post"]) if raw.get("last_post") else None,
        district=district,
        index=index,
        added=bool(raw.get("_added", False)),
        changed=bool(raw.get("_changed", False)),
    )


def _district(raw: dict[str, Any] | None, path: Path) -> District:
    """The ``district:`` block; profile and registry paths are relative to the file's folder."""
    raw = raw or {}
    unknown = set(raw) - _DISTRICT_FIELDS
    if unknown:
        raise ValueError(f"{path}: district block: unknown fields {sorted(unknown)}")
    missing = {"domain", "name", "address"} - set(raw)
    if missing:
        raise ValueError(f"{path}: district block: missing {sorted(missing)}")
    if str(raw["domain"]).lower().startswith("www."):
        # the web site is served at www.<domain>: 'www.' here would serve www.www.<domain>
        raise ValueError(f"{path}: district block: domain {raw['domain']!r} starts with 'www.'")
    folder = path.parent
    return District(
        key=folder.name,
        domain=str(raw["domain"]).lower(),
        name=str(raw["name"]),
        address=str(raw["address"]),
        profile=(folder / raw.get("profile", "profile.yaml")).resolve(),
        registry=(folder / raw.get("registry", "registry.csv")).resolve(),
        held_out=bool(raw.get("held_out", False)),
    )


LATER_FILE = "later.yaml"
_LATER_FIELDS = {"registry", "change", "add"}


def _later(raw: dict[str, Any], path: Path) -> dict[str, Any]:
    """``raw`` a month later: the district folder's ``later.yaml`` overlaid (``change``: fields
    of accounts by key; ``add``: new accounts; ``registry``: the registry PR keeps by then)."""
    later_path = path.with_name(LATER_FILE)
    if not later_path.is_file():
        raise ValueError(f"{path.parent.name}: no second state ({later_path} is missing)")
    later = _load_yaml(later_path.read_text(encoding="utf-8")) or {}
    unknown = set(later) - _LATER_FIELDS
    if unknown:
        raise ValueError(f"{later_path}: unknown top-level fields {sorted(unknown)}")
    accounts = []
    changes = dict(later.get("change") or {})
    for a in raw["accounts"]:
        change = changes.pop(a["key"], None)
        accounts.append({**a, **change, "_changed": True} if change else dict(a))
    if changes:
        raise ValueError(f"{later_path}: change names unknown accounts {sorted(changes)}")
    accounts += [{**a, "_added": True} for a in later.get("add") or []]
    district = dict(raw.get("district") or {})
    if later.get("registry"):
        district["registry"] = later["registry"]
    return {**raw, "accounts": accounts, "district": district}


@cache
def load_world(path: Path = DATA_FILE, month: int = 1) -> WorldData:
    """Read and check one district's ``world.yaml`` (cached: the data never changes while
    running); ``month=2``: its second state, a month later (``later.yaml`` beside it)."""
    raw = _load_yaml(path.read_text(encoding="utf-8"))
    where = str(path)
    unknown = set(raw) - {"district", "accounts", "district_site", "search_extra"}
    if unknown:
        raise ValueError(f"{where}: unknown top-level fields {sorted(unknown)}")
    if month not in (1, 2):
        raise ValueError(f"the sample world has months 1 and 2, not {month}")
    if month == 2:
        raw = _later(raw, path)
    district = _district(raw.get("district"), path)
    accounts = tuple(_account(a, i, district.key, where) for i, a in enumerate(raw["accounts"]))
    by_key: dict[str, Account] = {}
    for a in accounts:
        if a.key in by_key:
            raise ValueError(f"{where}: duplicate account key {a.key!r}")
        by_key[a.key] = a
    for a in accounts:
        if a.imitates and by_key.get(a.imitates, None) is None:
            raise ValueError(f"{where} account {a.key!r}: imitates unknown key {a.imitates!r}")
    pages = []
    disallow: dict[str, tuple[str, ...]] = {}
    for host, site in raw["district_site"].items():
        disallow[host] = tuple(site.get("robots_disallow") or ())
        for path_, page in site["pages"].items():
            pages.append(
                SitePage(
                    host,
                    path_,
                    page["title"],
                    page.get("intro", ""),
                    tuple((str(h), str(t)) for h, t in page.get("links") or ()),
                    district.key,
                )
            )
    extra = tuple(
        SearchDoc(d["url"], d["title"], d["content"]) for d in raw.get("search_extra") or ()
    )
    return WorldData(accounts, tuple(pages), disallow, extra, by_key, (district,))


def district_keys() -> list[str]:
    """Every district folder: the default (West Fargo) first, then by key."""
    keys = sorted(p.parent.name for p in DISTRICTS_DIR.glob("*/world.yaml"))
    return sorted(keys, key=lambda k: k != DEFAULT_DISTRICT)


@cache
def load_districts(keys: tuple[str, ...] = (DEFAULT_DISTRICT,), month: int = 1) -> WorldData:
    """The districts ``keys`` as one world; a key, handle or host two of them share is an error.
    ``month=2``: each district's second state (a month later)."""
    if not keys:
        raise ValueError("a sample world needs at least one district")
    unknown = [k for k in keys if not (DISTRICTS_DIR / k / "world.yaml").is_file()]
    if unknown:
        raise ValueError(f"unknown sample districts {unknown}; known: {district_keys()}")
    worlds = [
        (DISTRICTS_DIR / k / "world.yaml", load_world(DISTRICTS_DIR / k / "world.yaml", month))
        for k in keys
    ]
    if len(worlds) == 1:
        return worlds[0][1]
    key_file: dict[str, Path] = {}
    handle_file: dict[tuple[str, str], tuple[Path, str]] = {}
    host_file: dict[str, Path] = {}
    for path, w in worlds:
        for a in w.accounts:
            if a.key in key_file:
                raise ValueError(
                    f"{path}: account key {a.key!r} is already used in {key_file[a.key]}"
                )
            key_file[a.key] = path
            ident = (a.platform, a.lower)
            if ident in handle_file:
                other, other_key = handle_file[ident]
                raise ValueError(
                    f"{path}: account {a.key!r} has the {a.platform} handle {a.handle!r} "
                    f"of account {other_key!r} in {other}"
                )
            handle_file[ident] = (path, a.key)
        for host in w.robots_disallow:
            if host in host_file:
                raise ValueError(
                    f"{path}: web site host {host!r} is already served by {host_file[host]}"
                )
            host_file[host] = path
    accounts = tuple(a for _, w in worlds for a in w.accounts)
    return WorldData(
        accounts,
        tuple(p for _, w in worlds for p in w.site_pages),
        {h: d for _, w in worlds for h, d in w.robots_disallow.items()},
        tuple(doc for _, w in worlds for doc in w.search_extra),
        {a.key: a for a in accounts},
        tuple(d for _, w in worlds for d in w.districts),
    )
