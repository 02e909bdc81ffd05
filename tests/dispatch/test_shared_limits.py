"""Politeness and quotas across nodes: the shared per-host rate (Redis, PostgreSQL) holds for
crawlers hammering one host at once, and the API quota ledger loses no units under racing
connections."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from crawler.config import Budget, Config
from crawler.db.quota import UNITS, Ledger, buckets, charge, read_usage
from crawler.db.ratelimit import HostRate, PostgresHostRate, RedisHostRate
from crawler.sample import PROFILE, REGISTRY
from tests.conftest import PG_URL, _pg_schema_url

REDIS_URL = "redis://127.0.0.1:6379/15"
INTERVAL = 0.2  # seconds: five requests a second to the host, all crawlers together


class Server:
    """A loopback HTTP server that logs when each request arrived."""

    def __init__(self) -> None:
        self.times: list[float] = []
        log = self.times

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                log.append(time.monotonic())
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    yield s
    s.close()


def hammer(make_store, server: Server, crawlers: int = 2, each: int = 8) -> list[float]:
    """``crawlers`` threads, each with its own store (its own connection), send ``each``
    requests to one host as fast as the shared rate lets them."""
    host = f"host-{uuid.uuid4().hex[:8]}.example"

    def crawl() -> None:
        store: HostRate = make_store()
        with httpx.Client() as client:
            for _ in range(each):
                time.sleep(store.reserve(host, INTERVAL))
                client.get(server.url)

    threads = [threading.Thread(target=crawl) for _ in range(crawlers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(server.times)


def assert_rate_held(times: list[float], n: int) -> None:
    assert len(times) == n
    # the whole run: n requests need (n - 1) intervals (burst 1); unlimited, they take ~0 s
    assert times[-1] - times[0] >= (n - 1) * INTERVAL * 0.95
    # any four requests in a row span three intervals, give or take one interval of jitter
    for i in range(n - 3):
        assert times[i + 3] - times[i] >= 2 * INTERVAL, (i, times)


def redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


@pytest.mark.skipif(not redis_up(), reason="Redis is not reachable at 127.0.0.1:6379")
def test_redis_host_rate_holds_across_crawlers(server: Server) -> None:
    assert_rate_held(hammer(lambda: RedisHostRate(REDIS_URL), server), 16)


@pytest.fixture
def pg_url() -> Iterator[str]:
    if not PG_URL:
        pytest.skip("SCOUT_TEST_DATABASE_URL is not set")
    yield from _pg_schema_url()


@pytest.mark.postgres
def test_postgres_host_rate_holds_across_crawlers(server: Server, pg_url: str) -> None:
    from crawler.db import engine_for

    engine_for(pg_url)  # the schema, migrated once
    assert_rate_held(hammer(lambda: PostgresHostRate(pg_url), server), 16)


# --------------------------------------------------------------------------- the quota ledger


def config_for(url: str, tmp_path: Path) -> Config:
    return Config(
        path=None,
        base_dir=tmp_path,
        profile=PROFILE,
        registry=REGISTRY,
        database_url=url,
        budget=Budget(youtube_units_per_day=1_000_000),
    )


def race(n: int, work) -> None:  # type: ignore[no-untyped-def]
    start = threading.Barrier(n)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        start.wait()
        try:
            work(i)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_racing_ledgers_lose_no_units(db_url: str, tmp_path: Path) -> None:
    """Two crawls on two nodes charge one bucket at once, each through its own connections:
    the period's count is the sum of what they spent (the reservations given back)."""
    from crawler.db import transaction

    config = config_for(db_url, tmp_path)
    with transaction(db_url) as s:
        read_usage(s, config)  # the schema, migrated before the race
    spent = [37, 54]

    def crawl(i: int) -> None:
        ledger = Ledger(config)
        for _ in range(spent[i]):
            ledger.charge(UNITS)
        ledger.close()

    race(2, crawl)
    with transaction(db_url) as s:
        assert read_usage(s, config)[UNITS].used == sum(spent)


def test_racing_charges_on_a_new_period_row(db_url: str, tmp_path: Path) -> None:
    """Both connections find no row for the period and insert it at once: one wins, the other's
    charge still counts."""
    from crawler.db import session_factory

    config = config_for(db_url, tmp_path)
    bucket = buckets(config)[UNITS]
    factory = session_factory(db_url)

    def charge_once(i: int) -> None:
        for _ in range(20):
            with factory.begin() as s:
                charge(s, bucket, "2030-01-01", 1)

    race(2, charge_once)
    with factory.begin() as s:
        assert charge(s, bucket, "2030-01-01", 0) == 40


# --------------------------------------------------------------------------- the middleware


def test_host_rate_middleware_is_off_on_sqlite_and_waits_for_the_slot_with_redis(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from scrapy import Request
    from scrapy.exceptions import NotConfigured
    from scrapy.utils.test import get_crawler

    from crawler.discovery.addon import scout_settings
    from crawler.discovery.middlewares.hostrate import (
        HOST_META,
        HostRateMiddleware,
        wait_for_host_slot,
    )

    config = config_for(f"sqlite:///{tmp_path / 'scout.sqlite3'}", tmp_path)
    monkeypatch.delenv("SCOUT_REDIS_URL", raising=False)
    values = scout_settings(config, district_name="West Fargo Public Schools")
    assert values["SCOUT_HOST_RATE"] == 1.0  # one request a second: crawl.download_delay
    with pytest.raises(NotConfigured):
        HostRateMiddleware.from_crawler(get_crawler(None, values))
    if not redis_up():
        pytest.skip("Redis is not reachable at 127.0.0.1:6379")
    monkeypatch.setenv("SCOUT_REDIS_URL", REDIS_URL)
    crawler = get_crawler(None, {**values, "SCOUT_HOST_RATE": 1 / INTERVAL})
    mw = HostRateMiddleware.from_crawler(crawler)
    host = f"https://mw-{uuid.uuid4().hex[:8]}.example/"

    async def three() -> float:
        start = time.monotonic()
        for _ in range(3):
            request = Request(host)
            mw.process_request(request)  # the host, before the host map rewrites the URL
            assert request.meta[HOST_META] == host.split("/")[2]
            await wait_for_host_slot(crawler, request)  # the download handler's wait
        return time.monotonic() - start

    assert asyncio.run(three()) >= 2 * INTERVAL * 0.95
    # a request the host map already rewrote, or a redirect's copy: the host asked for now
    from crawler.discovery.middlewares.hostmap import ORIGINAL

    mapped = Request(
        "http://127.0.0.1:9/x", meta={ORIGINAL: "https://bsky.example/x", HOST_META: "old.example"}
    )
    mw.process_request(mapped)
    assert mapped.meta[HOST_META] == "bsky.example"
