"""The discovery tests' fixtures (a sample-district configuration, crawlers and spiders built
without a reactor) for the reliability tests."""

from tests.discovery.conftest import config, make_crawler, make_spider  # noqa: F401 - fixtures
