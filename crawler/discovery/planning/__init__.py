"""The query planner's parts; :mod:`crawler.discovery.planner` is its public face."""
