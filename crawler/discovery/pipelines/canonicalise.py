"""Canonicalise: keep only sightings whose URL is an account, in canonical form.

Redirect wrappers are decoded by :func:`crawler.platforms.classify`. A URL that is not an
account (a post, a hashtag, a look-alike host, a page outside any platform) is dropped and
counted in ``scout/dropped/not_account/<reason>``; an account on a platform outside the
crawl's platform filter in ``scout/dropped/platform_filter/<platform>``. A YouTube legacy
URL (``/c/name``) stays as it is, marked ``needs_resolution``: the youtube source (API) or
the profiles source (the page's channel id) resolves it later.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.exceptions import DropItem

from crawler.discovery.context import ScanContext
from crawler.discovery.items import AccountSighting
from crawler.platforms import classify
from crawler.platforms.search_result import profile_from_search
from crawler.vocab import Observation, Platform, sources_where

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


# sources whose sightings are search results: their title and snippet are the profile's own
SEARCH_SOURCES = sources_where(observation=Observation.SEARCH)


def stat_key(text: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "_", str(text).lower()).strip("_") or "unknown"


class CanonicalisePipeline:
    def __init__(self, crawler: Crawler, instances: tuple[str, ...]) -> None:
        self.crawler = crawler
        self.instances = instances

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CanonicalisePipeline:
        return cls(crawler, ScanContext.from_crawler(crawler).config.mastodon_instances)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, AccountSighting):
            return item
        stats = self.crawler.stats
        instances = self.instances
        if item.platform_hint == Platform.MASTODON:
            # an instance's API also returns accounts of other instances it knows
            instances = (*instances, urlsplit(item.url).hostname or "")
        verdict = classify(item.url, mastodon_instances=instances)
        ref = verdict.account
        if ref is None:
            stats.inc_value(f"scout/dropped/not_account/{stat_key(verdict.reason)}")
            raise DropItem(
                f"not an account ({verdict.reason}): {item.url[:200]}", log_level="DEBUG"
            )
        wanted = getattr(self.crawler.spider, "platform_filter", None)
        if wanted and ref.platform not in wanted:
            stats.inc_value(f"scout/dropped/platform_filter/{ref.platform}")
            raise DropItem(f"platform {ref.platform} not requested", log_level="DEBUG")
        item.platform = ref.platform
        item.handle = ref.handle
        item.canonical_url = ref.url
        if ref.platform_id and not item.platform_id:
            item.platform_id = ref.platform_id
        if item.source in SEARCH_SOURCES:
            # the result's title and snippet are the profile page's own: keep what they show
            for key, value in profile_from_search(ref, item.title, item.snippet).items():
                if getattr(item, key, None) is None:
                    setattr(item, key, value)
        if ref.needs_resolution:
            item.extra["needs_resolution"] = True
            stats.inc_value(f"scout/needs_resolution/{ref.platform}")
        stats.inc_value(f"scout/accounts_seen/{ref.platform}")
        return item
