"""Why a source cannot run: one check per source in :data:`SKIP_CHECKS`, keyed by ``Source``.

A check reads the configuration, the platform filter (``wanted``: a set, or None for every
platform) and the API quotas' use in the current period; it returns a reason or None.
Messages name the settings from the source's row in :data:`crawler.vocab.SOURCES`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from crawler.config import Config, secret
from crawler.db.quota import BRAVE, SEARCH_CALLS, Usage
from crawler.discovery.planning.sites import PROBE_PLATFORMS, SITE_HOSTS
from crawler.vocab import SOURCES, Platform, Source

Check = Callable[[Config, set[str] | None, Usage | None], str | None]


def _spent(usage: Usage | None, bucket: str) -> str | None:
    """The quota bucket's reason when nothing is left of it this period."""
    if usage and bucket in usage and usage[bucket].remaining <= 0:
        return usage[bucket].reason()
    return None


def _excluded(platform: str, wanted: set[str] | None) -> str | None:
    if wanted is not None and platform not in wanted:
        return f"platform filter excludes {platform}"
    return None


def _web_search(config: Config, wanted: set[str] | None, usage: Usage | None) -> str | None:
    if not config.searxng_url and not secret("brave"):
        return f"no SearXNG URL (SCOUT_SEARXNG_URL) and no {SOURCES[Source.WEB_SEARCH].key_env}"
    if wanted is not None and not wanted & set(SITE_HOSTS):
        return "platform filter excludes every searchable platform"
    return None if config.searxng_url else _spent(usage, BRAVE)


def _youtube(config: Config, wanted: set[str] | None, usage: Usage | None) -> str | None:
    if reason := _excluded(Platform.YOUTUBE, wanted):
        return reason
    if not secret(Source.YOUTUBE):
        return f"no {SOURCES[Source.YOUTUBE].key_env}"
    return _spent(usage, SEARCH_CALLS)


def _bluesky(config: Config, wanted: set[str] | None, usage: Usage | None) -> str | None:
    return _excluded(Platform.BLUESKY, wanted)


def _mastodon(config: Config, wanted: set[str] | None, usage: Usage | None) -> str | None:
    if reason := _excluded(Platform.MASTODON, wanted):
        return reason
    if not config.mastodon_instances:
        return "no Mastodon instances configured (SCOUT_MASTODON_INSTANCES)"
    return None


def _handle_probe(config: Config, wanted: set[str] | None, usage: Usage | None) -> str | None:
    if wanted is not None and not wanted & set(PROBE_PLATFORMS):
        return "platform filter excludes every probed platform"
    return None


SKIP_CHECKS: dict[Source, Check] = {
    Source.WEB_SEARCH: _web_search,
    Source.YOUTUBE: _youtube,
    Source.BLUESKY: _bluesky,
    Source.MASTODON: _mastodon,
    Source.HANDLE_PROBE: _handle_probe,
}
"""The sources that may be unable to run, and their checks (the others always run)."""


def skip_reason(
    source: str, config: Config, platforms: Sequence[str] | None = None, usage: Usage | None = None
) -> str | None:
    """Why ``source`` cannot run with this configuration (and platform filter, and the API
    quotas' ``usage`` in the current period when given), or None."""
    check = SKIP_CHECKS.get(Source(source)) if source in SOURCES else None
    wanted = set(platforms) if platforms else None
    return check(config, wanted, usage) if check else None
