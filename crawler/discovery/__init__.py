"""Discovery: the query planner, the crawl runner, Scrapy settings, items, middlewares and pipelines (the spiders live in ``spiders/``)."""
