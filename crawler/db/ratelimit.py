"""A per-host request rate shared by every crawl on every node: PostgreSQL, or Redis.

Each host has one number: its *theoretical arrival time* (TAT), the time by which every request
reserved so far has had its share of the rate (the generic cell rate algorithm, a token bucket
kept as one timestamp). A crawl about to send a request to a host reserves the next slot in one
atomic step: ``TAT = max(TAT, now) + interval``, and waits ``TAT - burst × interval - now``
seconds (nothing while the bucket has tokens left). So however many crawls on however many
nodes ask, the requests to one host never start closer together than the rate allows, beyond
the ``burst``. The clock is the store's (PostgreSQL's ``clock_timestamp()``, Redis's ``TIME``),
one clock for all nodes.

* PostgreSQL: a row per host in the ``locks`` table (``name`` = ``rate:<host>``, the TAT in
  ``heartbeat_at``): one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` reserves the slot; the
  row lock orders concurrent reservations. No schema of its own.
* Redis (``SCOUT_REDIS_URL``): a key per host (``scout:rate:<host>``, the TAT in microseconds,
  expiring when idle), reserved by a Lua script.

SQLite (one machine) has no shared limiter: there Scrapy's own per-host delay applies.
"""

from __future__ import annotations

import hashlib
import os
from typing import Protocol

from sqlalchemy import text

PREFIX = "rate:"


def lock_name(host: str) -> str:
    """The ``locks`` row of a host (the column holds 64 characters: long hosts are hashed)."""
    host = host.lower()
    if len(PREFIX) + len(host) <= 64:
        return PREFIX + host
    return PREFIX + "#" + hashlib.sha256(host.encode()).hexdigest()[:40]


class HostRate(Protocol):
    def reserve(self, host: str, interval: float, burst: int = 1) -> float:
        """Reserve the next request slot of ``host``; the seconds to wait before sending."""
        ...


_PG_RESERVE = text(
    """
    WITH clock AS (SELECT clock_timestamp() AS now)
    INSERT INTO locks (name, holder, host, pid, acquired_at, heartbeat_at)
    SELECT :name, 'host rate', :host, 0, clock.now, clock.now + make_interval(secs => :interval)
    FROM clock
    ON CONFLICT (name) DO UPDATE SET heartbeat_at =
        GREATEST(locks.heartbeat_at, (SELECT now FROM clock)) + make_interval(secs => :interval)
    RETURNING EXTRACT(EPOCH FROM heartbeat_at - (SELECT now FROM clock))
    """
)


class PostgresHostRate:
    """The shared rate in the database's ``locks`` table (PostgreSQL only)."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url

    def reserve(self, host: str, interval: float, burst: int = 1) -> float:
        from crawler.db import engine_for

        with engine_for(self.database_url).begin() as conn:
            ahead = float(
                conn.execute(
                    _PG_RESERVE,
                    {"name": lock_name(host), "host": host[:255], "interval": float(interval)},
                ).scalar_one()
            )
        # ``ahead``: the new TAT from now; this request's slot starts ``burst`` intervals earlier
        return max(ahead - burst * interval, 0.0)


_REDIS_RESERVE = """
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new = tat + interval
redis.call('SET', KEYS[1], string.format('%.0f', new), 'PX', math.ceil((new - now) / 1000) + 60000)
local wait = new - burst * interval - now
if wait < 0 then wait = 0 end
return string.format('%.0f', wait)
"""


class RedisHostRate:
    """The shared rate in Redis (``SCOUT_REDIS_URL``)."""

    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=10)
        self.script = self.client.register_script(_REDIS_RESERVE)

    def reserve(self, host: str, interval: float, burst: int = 1) -> float:
        key = f"scout:{PREFIX}{host.lower()}"
        wait = self.script(keys=[key], args=[int(interval * 1_000_000), int(burst)])
        return int(wait) / 1_000_000


def shared_host_rate(database_url: str, env: dict[str, str] | None = None) -> HostRate | None:
    """Redis when ``SCOUT_REDIS_URL`` is set, else PostgreSQL when the database is; else None."""
    env = dict(os.environ) if env is None else env
    redis_url = env.get("SCOUT_REDIS_URL", "").strip()
    if redis_url:
        return RedisHostRate(redis_url)
    if database_url.startswith("postgresql"):
        return PostgresHostRate(database_url)
    return None
