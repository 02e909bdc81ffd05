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

The manifest is relative to one district (the one a scan is for): in a world of several,
another district's accounts are ``unrelated`` to it (a scan may find them; a case on one is a
precision error), and every source is computed from the scanning district's names and web
site. An account indexed only under a former domain (``search_domain``) is ``web_search``
findable only when discovery puts that domain in its ``site:`` queries. A deleted account
(``live: false``) expects no case, even when a search engine still shows it, where a scan can
check it directly (its page or API); on a platform whose pages robots.txt closes (Instagram,
X, Facebook, Threads, LinkedIn) a search result cannot be checked, and DESIGN.md says the case
opens with that limit stated: it expects its class's case.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cache

from crawler.sampleworld.data import Account, WorldData
from crawler.sampleworld.textsearch import loose_score, parse_web_query, tokens
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
    district: str = ""  # the district whose world.yaml holds the account
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


@cache
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


def _linked_keys(world: WorldData, allowed: bool, home: str | None) -> set[str]:
    """Accounts linked from ``home``'s pages that robots.txt allows (or, with False, disallows)."""
    try:
        from crawler.platforms import classify
    except ImportError:
        return set()
    keys = set()
    for page in world.site_pages:
        if home is not None and page.district != home:
            continue
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


def queried_hosts(platform: str) -> tuple[str, ...]:
    """The hosts discovery names in its ``site:`` queries for ``platform``."""
    try:
        from crawler.discovery.planning.sites import SITE_HOSTS
    except ImportError:
        return (SEARCH_DOMAINS[platform],)
    return SITE_HOSTS.get(platform, ())


def _search_domain(a: Account) -> str | None:
    """The ``site:`` domain that finds the account's indexed profile (None: no query does)."""
    if a.search_domain is None:
        return SEARCH_DOMAINS[a.platform]
    return a.search_domain if a.search_domain in queried_hosts(a.platform) else None


SEP = "\x00"  # between a document's title, content and URL, as the sample engines match them


def _web_findable(a: Account, phrases: list[str]) -> bool:
    """Some ``site:<its domain> "<name>"`` query finds the account's indexed profile, as the
    sample search engines match it (:mod:`textsearch`). ``phrases``: the names' tokens, joined,
    worked out once per manifest: a manifest asks this of every account for every name."""
    if not (a.live and a.search):
        return False
    doc = profile_doc(a)
    domain = _search_domain(a)
    if domain is None or not parse_web_query(f"site:{domain}").matches(doc.url, "", ""):
        return False
    every = " ".join(["", *tokens(doc.title), SEP, *tokens(doc.content), SEP, *tokens(doc.url), ""])
    return any(not p or f" {p} " in every for p in phrases)


def _api_findable(a: Account, names: list[str]) -> bool:
    if not (a.live and a.api and a.platform in API_SOURCE):
        return False
    text = f"{a.name} {a.handle} {a.bio}" if a.platform != "mastodon" else f"{a.name} {a.handle}"
    return any(loose_score(n, text) for n in names)


def build_manifest(
    world: WorldData,
    profile: object | None = None,
    home: str | None = None,
    keys: Collection[str] | None = None,
) -> list[HiddenAccount]:
    """The manifest for ``world`` relative to district ``home`` (default: the world's first).

    ``profile`` (a DistrictProfile) supplies the names searched for (default: ``home``'s);
    ``keys``: only these accounts' rows (each row is worked out on its own, the same as in
    the whole manifest).
    """
    if home is None and world.districts:
        home = world.districts[0].key
    if profile is None:
        from crawler.district.profile import load_profile

        if home is not None:
            profile = load_profile(world.district(home).profile)
        else:
            from crawler.sample import PROFILE

            profile = load_profile(PROFILE)
    names = _names(profile)
    phrases = [" ".join(tokens(n)) for n in names]
    linked = _linked_keys(world, allowed=True, home=home)
    behind_robots = _linked_keys(world, allowed=False, home=home)
    out = []
    for a in world.accounts if keys is None else [world.by_key[k] for k in keys]:
        foreign = home is not None and a.district not in ("", home)
        sources = set()
        if a.key in linked:
            sources.add("district_site")
        if _web_findable(a, phrases):
            sources.add("web_search")
        if _api_findable(a, names):
            sources.add(API_SOURCE[a.platform])
        if a.probe and not foreign and a.live and a.platform in PROBE_PLATFORMS:
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
            # the channel id URL, and the legacy /c/ and /user/ URLs the world also serves
            aliases = (
                f"https://www.youtube.com/channel/{a.platform_id}",
                f"https://www.youtube.com/c/{a.lower}",
                *((f"https://www.youtube.com/user/{a.username.lower()}",) if a.username else ()),
            )
        elif a.platform == "facebook" and a.platform_id.isdigit() and a.lower != a.platform_id:
            # a page with a username is its page id's too (a registry row may name the id)
            aliases = (f"https://www.facebook.com/profile.php?id={a.platform_id}",)
        elif a.platform == "bluesky" and a.platform_id.startswith("did:"):
            # a registry row may name the account by its DID, which survives handle changes
            aliases = (f"https://bsky.app/profile/{a.platform_id.lower()}",)
        elif a.platform == "linkedin":
            # LinkedIn answers a school page under /company/ too (and the other way round)
            other = "company" if a.kind == "school" else "school"
            found = _canonical(f"https://www.linkedin.com/{other}/{a.lower}/", ())
            aliases = (found[1],) if found else ()
        imitated = world.by_key[a.imitates] if a.imitates and not foreign else None
        case = a.case or (a.cls if a.cls in ("unregistered", "impersonation") else None)
        if foreign or (not a.live and a.platform in PROFILE_PLATFORMS):
            # another district's account, or one deleted whose page or API a scan can check
            # (an old result or link is no case); a deleted account on a platform whose pages
            # robots.txt closes cannot be checked: its case opens with that limit stated
            case = None
        out.append(
            HiddenAccount(
                key=a.key,
                platform=a.platform,
                handle=handle,
                url=url,
                display_name=a.name,
                classification="unrelated" if foreign else a.cls,
                entity=None if foreign else a.entity,
                imitates=canonical_of(imitated)[1] if imitated else None,
                sources=tuple(s for s in SOURCE_ORDER if s in sources),
                expected_case=case,
                platform_id=a.platform_id,
                followers=a.followers,
                aliases=aliases,
                hidden_by_robots=not sources and a.key in behind_robots,
                district=a.district,
                live=a.live,
            )
        )
    return out
