"""Discovery spiders, one per source, built on the base classes of :mod:`spiders.base`.

``scrapy crawl <source>`` runs one (scrapy.cfg -> crawler.discovery.settings); ``scout scan`` runs all
enabled sources through :func:`crawler.discovery.runner.run_crawl`. Spiders do no matching and hold
no database code.
"""

from spiders.bluesky import BlueskySpider
from spiders.district_site import DistrictSiteSpider
from spiders.handle_probe import HandleProbeSpider
from spiders.mastodon import MastodonSpider
from spiders.profiles import ProfilesSpider
from spiders.web_search import WebSearch
from spiders.youtube import YouTubeSpider

SPIDERS = {
    cls.name: cls
    for cls in (
        DistrictSiteSpider,
        WebSearch,
        YouTubeSpider,
        BlueskySpider,
        MastodonSpider,
        HandleProbeSpider,
        ProfilesSpider,
    )
}

__all__ = ["SPIDERS"]
