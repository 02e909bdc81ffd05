"""The district's own web site: the strongest evidence (the district itself links there).

Starts from the seeds of the plan (the district's web site and domains, each entity's web
site) and the sitemaps (``robots.txt`` ``Sitemap:`` lines and ``/sitemap.xml``, sitemap
indexes and gzip included), follows links that stay on the district's domains (school and
activity pages first) down to ``DEPTH_LIMIT``, and reports every link that
:func:`crawler.platforms.classify` recognises as a social account — redirect wrappers
included — with the page as its source URL, the page title as title and the link text as
snippet. The per-host budget bounds the crawl. One coverage row per seed: ``done`` when
the seed page (or sitemap) was read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import Request, Response, TextResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from crawler.discovery.planner import PlannedQuery, fold
from crawler.platforms import classify
from crawler.platforms.urls import host_matches
from spiders.base import QUERY, ScoutSpider


def same_page(url: str) -> str:
    """A page's URL without what does not make another page (scheme, ``www.``, end slash)."""
    return re.sub(r"^https?://(www\.)?", "", url).rstrip("/").lower()


FROM = "scout_from"  # the seed a followed page descends from (provenance, not coverage)
KEYWORDS = (
    "athletic",
    "activit",
    "sport",
    "club",
    "social",
    "media",
    "connect",
    "follow",
    "team",
    "school",
    "band",
    "music",
    "arts",
    "news",
    "contact",
    "about",
)
SKIP_EXT = tuple(f".{e}" for e in IGNORED_EXTENSIONS)


class DistrictSiteSpider(ScoutSpider):
    name = "district_site"
    custom_settings = {"DEPTH_LIMIT": 3}

    @property
    def domains(self) -> tuple[str, ...]:
        return self.context.domains

    def on_district(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return any(host_matches(host, d) for d in self.domains)

    def requests_for(self, pq: PlannedQuery, keys: list[str]) -> Iterable[Request]:
        yield self.page_request(
            pq.query, self.parse_page, keys[0], seed=True, cb_kwargs={"seed": keys[0]}
        )
        p = urlsplit(pq.query)
        if p.path in ("", "/"):  # a site root: its sitemaps too
            root = f"{p.scheme}://{p.netloc}"
            yield Request(
                f"{root}/robots.txt",
                callback=self.parse_robots,
                cb_kwargs={"seed": keys[0]},
                meta={"scout_seed": True, FROM: keys[0]},
            )
            yield Request(
                f"{root}/sitemap.xml",
                callback=self.parse_sitemap,
                cb_kwargs={"seed": keys[0]},
                meta={"scout_seed": True, FROM: keys[0], "handle_httpstatus_list": [404, 410]},
            )

    # ------------------------------------------------------------------ sitemaps

    def parse_robots(self, response: Response, seed: str) -> Iterator[Request]:
        for url in sitemap_urls_from_robots(response.body, base_url=response.url):
            if self.on_district(url):
                yield from self.follow(url, seed, self.parse_sitemap, priority=5)

    def parse_sitemap(self, response: Response, seed: str) -> Iterator[Request]:
        if response.status != 200:
            return
        body = response.body
        if body[:2] == b"\x1f\x8b":
            try:
                body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
            except OSError:
                return
        try:
            sitemap = Sitemap(body)
        except Exception:  # not XML: a sitemap.xml answered by an HTML page
            return
        for entry in sitemap:
            loc = entry.get("loc")
            if not loc or not self.on_district(loc):
                continue
            if sitemap.type == "sitemapindex":
                yield from self.follow(loc, seed, self.parse_sitemap, priority=5)
            elif self.worth_following(loc):
                yield from self.follow(
                    loc, seed, self.parse_page, priority=self.link_priority(loc, "")
                )

    # ------------------------------------------------------------------ pages

    def parse_page(self, response: Response, seed: str) -> Iterator[Any]:
        if (
            isinstance(response, TextResponse)
            and "html"
            in (response.headers.get(b"Content-Type") or b"html").decode("latin-1").lower()
        ):
            title = " ".join(response.css("title::text").get("").split()) or None
            for href, text in self.links(response):
                verdict = classify(href, mastodon_instances=self.config.mastodon_instances)
                if verdict.platform is not None:
                    yield self.sighting(
                        href,
                        query=seed,
                        source_url=response.url,
                        title=title,
                        snippet=text or None,
                        platform_hint=verdict.platform,
                    )
                elif self.on_district(href) and self.worth_following(href):
                    yield from self.follow(
                        href, seed, self.parse_page, priority=self.link_priority(href, text)
                    )
        if QUERY in response.meta:
            self.query_done(response)

    def links(self, response: TextResponse) -> Iterator[tuple[str, str]]:
        """(absolute URL, link text) of every link of the page (``<a>`` and ``<link rel=me>``)."""
        for a in response.css("a[href], link[rel~=me][href], area[href]"):
            href = (a.attrib.get("href") or "").strip()
            if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
                continue
            try:
                url = response.urljoin(href)
            except ValueError:
                continue
            text = (
                " ".join(" ".join(a.css("::text").getall()).split())
                or a.attrib.get("aria-label", "")
                or a.attrib.get("title", "")
            )
            yield url, text[:300]

    def worth_following(self, url: str) -> bool:
        path = urlsplit(url).path.lower()
        return not path.endswith(SKIP_EXT)

    def link_priority(self, url: str, text: str) -> int:
        """School and activity pages first: they are where team accounts are linked."""
        words = f"{urlsplit(url).path} {text}".lower()
        score = sum(3 for k in KEYWORDS if k in words)
        names = fold(words)
        score += sum(5 for e in self.profile.entities if e.mascot and fold(e.mascot) in names)
        return min(score, 30)

    def follow(self, url: str, seed: str, callback: Any, priority: int = 0) -> Iterator[Request]:
        """A link to follow, unless it is one of the seeds (each is read once, as a seed)."""
        url = re.sub(r"#.*$", "", url)
        if same_page(url) in self.seed_pages:
            return
        yield Request(
            url,
            callback=callback,
            errback=self.follow_failed,
            cb_kwargs={"seed": seed},
            priority=priority,
            meta={FROM: seed},
        )

    @property
    def seed_pages(self) -> set[str]:
        if not hasattr(self, "_seed_pages"):
            self._seed_pages = {same_page(pq.query) for pq in self.planned()}
        return self._seed_pages

    def follow_failed(self, failure: Any) -> None:
        """A followed page that failed is counted, not a coverage gap (its seed was read)."""
        self.crawler.stats.inc_value(f"scout/{self.name}/follow_failed")
