"""The answer key of the sample world: every hidden account, how it should be classified, and
which discovery sources can find it.

``sources`` is computed from the same data the servers answer from, so it cannot drift:

* ``district_site`` — linked (in any URL variant or redirect wrapper) from a district page that
  robots.txt allows;
* ``web_search`` — the search index returns it for ``site:<platform domain> "<name>"`` where
  ``<name>`` is the district's, an entity's or an affiliated organisation's name or alias, or
  the district's city (all from the district profile);
* ``youtube`` / ``bluesky`` / ``mastodon`` — the platform's search API returns it for one of
  those names;
* ``handle_probe`` — its handle is one a probe generates from the district's names, on a
  platform a probe may check (TikTok and YouTube pages, the Bluesky and Mastodon APIs);
* ``profiles`` — its public profile page may be fetched (robots.txt allows it) and some other
  source finds it.

Accounts linked only from robots-disallowed pages have no source and ``hidden_by_robots``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from crawler.sampleworld.data import Account, WorldData
from crawler.sampleworld.textsearch import loose_score, parse_web_query
from crawler.sampleworld.websearch import profile_doc

SEARCH_DOMAINS = {
    "facebook": "facebook.com",
    "instagram": "instagram.com",
    "x": "x.com",
    "youtube": "youtube.com",
    "tiktok": "tiktok.com",
    "threads": "threads.com",
    "bluesky": "bsky.app",
    "linkedin": "linkedin.com",
    "mastodon": "mastodon.social",
}
PROBE_PLATFORMS = frozenset({"tiktok", "youtube", "bluesky", "mastodon"})
PROFILE_PLATFORMS = frozenset(
    {"tiktok", "youtube", "bluesky", "mastodon"}
)  # robots.txt allows the page
API_SOURCE = {"youtube": "youtube", "bluesky": "bluesky", "mastodon": "mastodon"}
SOURCE_ORDER = (
    "district_site",
    "web_search",
    "youtube",
    "bluesky",
    "mastodon",
    "handle_probe",
    "profiles",
)


@dataclass(frozen=True, slots=True)
class HiddenAccount:
    """One account of the sample world and what a correct scan concludes about it."""

    key: str
    platform: str
    handle: str  # canonical handle (crawler.platforms rules)
    url: str  # canonical URL
    display_name: str
    classification: (
        str  # registered | unregistered | impersonation | affiliated | unrelated | review
    )
    entity: str | None  # district/entity key, or the affiliated organisation's key
    imitates: str | None  # canonical URL of the registered account an impersonation copies
    sources: tuple[str, ...]
    expected_case: str | None  # unregistered | impersonation | deactivation_incomplete | None
    platform_id: str | None = None
    followers: int | None = None
    aliases: tuple[
        str, ...
    ] = ()  # other canonical URLs of the same account (e.g. a channel id URL)
    hidden_by_robots: bool = False
    live: bool = (
        True  # False: deleted (its pages and APIs say not found; an index may still list it)
    )


def _canonical(url: str, instances: Iterable[str]) -> tuple[str, str] | None:
    try:
        from crawler.platforms import canonicalise
    except ImportError:  # the platforms package is optional for the world itself
        return None
    ref = canonicalise(url, mastodon_instances=tuple(instances))
    return (ref.handle, ref.url) if ref else None


def canonical_of(a: Account) -> tuple[str, str]:
    found = _canonical(a.public_url, (a.mastodon_domain,))
    if found:
        return found
    return a.lower, a.public_url.lower()


def _names(profile: object | None) -> list[str]:
    if profile is None:
        return []
    d = profile.district  # type: ignore[attr-defined]
    names = [d.name, *d.aliases, d.location.city]
    for e in profile.entities:  # type: ignore[attr-defined]
        names += [e.name, *e.aliases]
    for f in profile.affiliated:  # type: ignore[attr-defined]
        names += [f.name, *f.aliases]
    return list(dict.fromkeys(n for n in names if n))


def _linked_keys(world: WorldData, allowed: bool) -> set[str]:
    """Accounts linked from district pages that robots.txt allows (or, with False, disallows)."""
    try:
        from crawler.platforms import classify
    except ImportError:
        return set()
    keys = set()
    for page in world.site_pages:
        disallowed = any(page.path.startswith(d) for d in world.robots_disallow.get(page.host, ()))
        if disallowed == allowed:
            continue
        for href, _ in page.links:
            ref = classify(href).account
            if ref is None:
                continue
            for a in world.on(ref.platform):
                if a.live and ref.handle.lower() in (
                    a.lower,
                    a.platform_id.lower(),
                    canonical_of(a)[0],
                ):
                    keys.add(a.key)
    return keys


def _web_findable(a: Account, names: list[str]) -> bool:
    if not (a.live and a.search):
        return False
    doc = profile_doc(a)
    domain = SEARCH_DOMAINS[a.platform]
    return any(
        parse_web_query(f'site:{domain} "{n}"').matches(doc.url, doc.title, doc.content)
        for n in names
    )


def _api_findable(a: Account, names: list[str]) -> bool:
    if not (a.live and a.api and a.platform in API_SOURCE):
        return False
    text = f"{a.name} {a.handle} {a.bio}" if a.platform != "mastodon" else f"{a.name} {a.handle}"
    return any(loose_score(n, text) for n in names)


def build_manifest(world: WorldData, profile: object | None = None) -> list[HiddenAccount]:
    """The manifest for ``world``; ``profile`` (a DistrictProfile) supplies the names searched for."""
    if profile is None:
        from crawler.district.profile import load_profile
        from crawler.sample import PROFILE

        profile = load_profile(PROFILE)
    names = _names(profile)
    linked = _linked_keys(world, allowed=True)
    behind_robots = _linked_keys(world, allowed=False)
    out = []
    for a in world.accounts:
        sources = set()
        if a.key in linked:
            sources.add("district_site")
        if _web_findable(a, names):
            sources.add("web_search")
        if _api_findable(a, names):
            sources.add(API_SOURCE[a.platform])
        if a.probe and a.live and a.platform in PROBE_PLATFORMS:
            sources.add("handle_probe")
        if (
            sources
            and a.live
            and a.platform in PROFILE_PLATFORMS
            and a.mastodon_domain == "mastodon.social"
        ):
            sources.add("profiles")
        handle, url = canonical_of(a)
        aliases: tuple[str, ...] = ()
        if a.platform == "youtube":
            aliases = (f"https://www.youtube.com/channel/{a.platform_id}",)
        imitated = world.by_key[a.imitates] if a.imitates else None
        case = a.case or (a.cls if a.cls in ("unregistered", "impersonation") else None)
        if not a.live:
            case = None  # gone: a search result or an old link is no case
        out.append(
            HiddenAccount(
                key=a.key,
                platform=a.platform,
                handle=handle,
                url=url,
                display_name=a.name,
                classification=a.cls,
                entity=a.entity,
                imitates=canonical_of(imitated)[1] if imitated else None,
                sources=tuple(s for s in SOURCE_ORDER if s in sources),
                expected_case=case,
                platform_id=a.platform_id,
                followers=a.followers,
                aliases=aliases,
                hidden_by_robots=not sources and a.key in behind_robots,
                live=a.live,
            )
        )
    return out
