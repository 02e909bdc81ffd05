"""Limits: download size (a huge body, a gzip bomb), parse time per page, stored field length.
Each is hit on purpose and must be cut and counted in the stats."""

from __future__ import annotations

import re

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.discovery.items import AccountSighting
from crawler.discovery.middlewares.limits import PARSE_STAT, SIZE_STAT, ParseTimeMiddleware
from crawler.discovery.pipelines.fields import FIELD_STAT, FieldLimitPipeline
from crawler.sampleworld import Faults
from crawler.sampleworld.testing import sample_world_fixture
from tests.reliability.probe import probe

MB = 1024 * 1024
faulty_world = sample_world_fixture(
    scope="module",
    faults=Faults(
        huge=("/huge",), gzip_bomb=("/bomb",), huge_bytes=8 * MB, bomb_inflated_bytes=64 * MB
    ),
)


def test_huge_bodies_and_gzip_bombs_are_cut_and_counted(faulty_world):
    base = faulty_world.hostmap["www.tiktok.com"]
    urls = [f"{base}/huge", f"{base}/bomb", f"{base}/robots.txt"]
    out = probe(urls, {"DOWNLOAD_MAXSIZE": MB, "DOWNLOAD_WARNSIZE": MB // 2})
    results, stats = out["results"], out["stats"]
    assert results[f"{base}/robots.txt"] == "200"  # the world itself answers normally
    assert results[f"{base}/huge"] == "DownloadCancelledError"  # cut while downloading
    assert results[f"{base}/bomb"] == "IgnoreRequest"  # cut while inflating, not stored
    assert stats[SIZE_STAT] == 2
    assert stats[f"{SIZE_STAT}/decompressed"] == 1
    assert stats[f"{SIZE_STAT}/downloaded"] == 1
    assert stats.get("httpcompression/response_bytes", 0) <= MB  # nothing big was ever inflated


# --------------------------------------------------------------------------- parse time


class Spider:
    """Just what the middleware calls on the spider."""

    def __init__(self) -> None:
        self.failed: list[tuple[str, str]] = []

    def query_failed(self, response, error):
        self.failed.append((response.meta["scout_query"], error))


def catastrophic_callback(response):
    yield {"first": True}
    # a hostile page meets a badly written pattern: exponential backtracking
    re.match(r"(a+)+$", "a" * 60 + "!")
    yield {"never": True}


def test_a_parser_stuck_on_a_page_is_interrupted_and_counted():
    crawler = get_crawler(settings_dict={"SCOUT_PARSE_SECONDS": 0.5})
    crawler.spider = Spider()
    mw = ParseTimeMiddleware.from_crawler(crawler)
    request = Request("https://www.west-fargo.k12.nd.us/", meta={"scout_query": "seed"})
    response = HtmlResponse(request.url, body=b"<html></html>", request=request)
    out = list(mw.process_spider_output(response, catastrophic_callback(response)))
    assert out == [{"first": True}]  # what came before the overrun is kept
    assert crawler.stats.get_value(PARSE_STAT) == 1
    assert crawler.spider.failed == [("seed", "parse time limit (0.5 s) exceeded")]


def test_parse_time_middleware_is_installed_closest_to_the_spider():
    from crawler.discovery import settings

    assert (
        settings.SPIDER_MIDDLEWARES["crawler.discovery.middlewares.limits.ParseTimeMiddleware"]
        > 1000
    )
    assert (
        settings.DOWNLOADER_MIDDLEWARES[
            "crawler.discovery.middlewares.limits.DownloadLimitMiddleware"
        ]
        == 590
    )
    assert (
        settings.DOWNLOADER_MIDDLEWARES[
            "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware"
        ]
        is None
    )


# --------------------------------------------------------------------------- stored fields


def test_long_fields_are_cut_and_counted(config, make_crawler):
    crawler = make_crawler(config)
    pipeline = FieldLimitPipeline.from_crawler(crawler)
    cap = config.crawl.max_field_chars
    item = AccountSighting(
        url="https://www.tiktok.com/@x",
        source="web_search",
        query="q",
        source_url=None,
        bio="b" * (cap * 3),
        snippet="s" * (cap + 1),
        display_name="Hawks",
    )
    out = pipeline.process_item(item)
    assert len(out.bio) == cap and len(out.snippet) == cap and out.display_name == "Hawks"
    assert crawler.stats.get_value(FIELD_STAT) == 2
