"""Discovery spiders, one per source (``crawler.vocab.Source``), on the bases of
:mod:`spiders.base`, :mod:`spiders.api_search` and :mod:`spiders.profile_lookup`.

``scrapy crawl <source>`` runs one (scrapy.cfg -> crawler.discovery.settings); ``scout scan``
runs all enabled sources through :func:`crawler.discovery.runner.run_crawl`, which finds them
with Scrapy's spider loader. Spiders do no matching and hold no database code.
"""
