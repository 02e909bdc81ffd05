"""Which platform hosts the web search names in ``site:`` queries, and which platforms are probed."""

from __future__ import annotations

from crawler.platforms import PLATFORMS
from crawler.vocab import Platform

# Hosts used in ``site:`` queries, per platform: the current host of each platform, then the
# former ones search engines still index pages under (``canonicalise`` maps them back).
SITE_HOSTS: dict[str, tuple[str, ...]] = {
    Platform.FACEBOOK: ("facebook.com",),
    Platform.INSTAGRAM: ("instagram.com",),
    Platform.X: ("x.com", "twitter.com"),
    Platform.THREADS: ("threads.com", "threads.net"),
    Platform.TIKTOK: ("tiktok.com",),
    Platform.LINKEDIN: ("linkedin.com",),
    Platform.YOUTUBE: ("youtube.com",),
    Platform.BLUESKY: ("bsky.app",),
}
# One web query covers a group of platforms (``site:a OR site:b "term"``); the platforms a
# robots-obeying crawler can only find through search results come first, those with an
# API source of their own last.
SEARCH_ONLY = tuple(p for p, mod in PLATFORMS.items() if mod.robots_blocks_crawlers)
API_BACKED: tuple[str, ...] = (Platform.YOUTUBE, Platform.BLUESKY)
SITE_GROUPS = (
    SEARCH_ONLY,
    tuple(p for p in SITE_HOSTS if p not in SEARCH_ONLY and p not in API_BACKED),
    API_BACKED,
)
# Platforms whose candidate handles ``handle_probe`` checks (pages or APIs robots allow;
# LinkedIn's robots.txt refuses crawlers). Mastodon handles are looked up by the mastodon
# source when it runs, else by the probe.
PROBE_PLATFORMS: tuple[str, ...] = (Platform.TIKTOK, Platform.YOUTUBE, Platform.BLUESKY)
BLUESKY_DEFAULT_DOMAIN = "bsky.social"
