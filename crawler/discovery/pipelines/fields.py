"""Field limits: free text from hostile pages is capped at ``crawl.max_field_chars``.

Each shortened field is counted in ``scout/field/<name>/truncated`` and in the total
``scout/limits/field_chars``; lists of links are capped at 50 entries
(``scout/field/links/truncated``). A URL longer than the cap is not an
account URL anyone typed: the item is dropped (``scout/dropped/url_too_long``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem

from crawler.discovery.context import ScanContext
from crawler.discovery.items import TEXT_FIELDS, AccountSighting

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

MAX_LINKS = 50
URL_FIELDS = ("url", "source_url")
FIELD_STAT = "scout/limits/field_chars"


@dataclass(frozen=True, slots=True)
class FieldLimits:
    max_chars: int
    max_links: int = MAX_LINKS


class FieldLimitPipeline:
    def __init__(self, crawler: Crawler, limits: FieldLimits) -> None:
        self.crawler = crawler
        self.limits = limits

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FieldLimitPipeline:
        return cls(
            crawler,
            FieldLimits(max(ScanContext.from_crawler(crawler).config.crawl.max_field_chars, 100)),
        )

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, AccountSighting):
            return item
        stats = self.crawler.stats
        cap = self.limits.max_chars
        if len(item.url) > cap:
            stats.inc_value("scout/dropped/url_too_long")
            stats.inc_value(FIELD_STAT)
            raise DropItem("account URL longer than crawl.max_field_chars", log_level="DEBUG")
        for name in TEXT_FIELDS:
            value = getattr(item, name)
            if isinstance(value, str) and len(value) > cap:
                if name in URL_FIELDS:
                    value = value[:cap]
                else:
                    value = value[: cap - 1] + "…"
                setattr(item, name, value)
                stats.inc_value(f"scout/field/{name}/truncated")
                stats.inc_value(FIELD_STAT)
        links = [link for link in item.links if isinstance(link, str) and len(link) <= cap]
        if len(links) > self.limits.max_links or len(links) != len(item.links):
            stats.inc_value("scout/field/links/truncated")
        item.links = links[: self.limits.max_links]
        return item
