"""The sample world's data: invented accounts, the district's web site, extra search results.

Loaded once from ``world.yaml`` (next to this module) into frozen dataclasses. Platform ids
that the file leaves out are derived from the handle with a hash, so they are stable across
runs and look like the real ones (``UC`` + 22 characters, ``did:plc:`` + 24 base32, ...).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA_FILE = Path(__file__).with_name("world.yaml")
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
    index: int = 0

    @property
    def lower(self) -> str:
        return self.handle.lower()

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


@dataclass(frozen=True, slots=True)
class SearchDoc:
    """One page a search backend has indexed: a profile or any other URL."""

    url: str
    title: str
    content: str
    account: str | None = None  # key of the account whose profile this is


@dataclass(frozen=True, slots=True)
class WorldData:
    accounts: tuple[Account, ...]
    site_pages: tuple[SitePage, ...]
    robots_disallow: dict[str, tuple[str, ...]]
    search_extra: tuple[SearchDoc, ...]
    by_key: dict[str, Account] = field(default_factory=dict)

    def on(self, platform: str) -> list[Account]:
        return [a for a in self.accounts if a.platform == platform]

    def find(self, platform: str, handle: str) -> Account | None:
        """The live account of ``platform`` whose handle (or id) is ``handle``, ignoring case."""
        wanted = handle.lstrip("@").lower()
        for a in self.accounts:
            if a.platform == platform and a.live and wanted in (a.lower, a.platform_id.lower()):
                return a
        return None


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
}


def _account(raw: dict[str, Any], index: int) -> Account:
    unknown = set(raw) - _FIELDS
    if unknown:
        raise ValueError(f"world.yaml account {raw.get('key')!r}: unknown fields {sorted(unknown)}")
    platform = raw["platform"]
    if platform not in PLATFORMS or raw["class"] not in CLASSES:
        raise ValueError(f"world.yaml account {raw['key']!r}: bad platform or class")
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
        index=index,
    )


@cache
def load_world(path: Path = DATA_FILE) -> WorldData:
    """Read and check ``world.yaml`` (cached: the data never changes while running)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    accounts = tuple(_account(a, i) for i, a in enumerate(raw["accounts"]))
    by_key = {a.key: a for a in accounts}
    if len(by_key) != len(accounts):
        raise ValueError("world.yaml: duplicate account keys")
    for a in accounts:
        if a.imitates and by_key.get(a.imitates, None) is None:
            raise ValueError(f"world.yaml account {a.key!r}: imitates unknown key {a.imitates!r}")
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
                )
            )
    extra = tuple(
        SearchDoc(d["url"], d["title"], d["content"]) for d in raw.get("search_extra") or ()
    )
    return WorldData(accounts, tuple(pages), disallow, extra, by_key)
