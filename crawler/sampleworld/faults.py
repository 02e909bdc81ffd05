"""Fault injection for the sample world: what real platforms do to crawlers on a bad day.

:class:`Faults` sets the rate of each fault. Decisions are deterministic: whether a fault hits
a (host, path) is drawn from a RNG seeded with ``(seed, fault, host, path)``, and a chosen fault
only strikes the first ``repeat`` hits of that path (``burst`` for 429s), so retries succeed
and a scan under faults still ends with the same cases as a clean one. ``hosts`` and ``paths``
limit faults to some hosts and path prefixes; ``robots.txt`` is spared unless asked for
(Scrapy treats an unreachable robots.txt as "allow all", which would hide robots bugs).

Faults: 5xx (``server_error``), ``timeout`` (holds the connection ``hold_seconds``, longer than
the client's timeout), 429 bursts with ``Retry-After`` (``rate_limit``), ``truncated_json``,
``login_wall`` (the real Instagram/Facebook/Threads login pages, LinkedIn's authwall),
``captcha`` (TikTok's verify page, Instagram's "Please wait a few minutes"), ``slow``, and by
path: ``redirect_loop``, ``huge`` (a 50 MB body) and ``gzip_bomb`` (tiny on the wire, huge
inflated). ``drift`` names hosts whose HTML pages come in a changed format, as when a platform
ships a redesign: the ``og:`` meta tags renamed, a generic ``<title>`` and the embedded user
object renamed (``"user":`` becomes ``"owner":``); a missing account's status page still says
so (what ``scout selfcheck`` must notice: a live account no longer parses, "not found" still
does).
"""

from __future__ import annotations

import random
import re
import threading
import zlib
from dataclasses import dataclass

from crawler.sampleworld import pages
from crawler.sampleworld.server import App, Request, Response, json_response, redirect

PAGE_LOGIN_WALLS = {
    "www.instagram.com": (200, pages.INSTAGRAM_LOGIN),
    "www.facebook.com": (200, pages.FACEBOOK_LOGIN),
    "www.threads.com": (200, pages.THREADS_LOGIN),
    "www.linkedin.com": (200, pages.LINKEDIN_AUTHWALL),
}
PAGE_CAPTCHAS = {
    "www.tiktok.com": (200, pages.TIKTOK_CAPTCHA),
    "www.instagram.com": (429, pages.INSTAGRAM_THROTTLED),
    "www.facebook.com": (200, pages.FACEBOOK_THROTTLED),
    "www.linkedin.com": (999, pages.LINKEDIN_DENIED),
}


@dataclass(frozen=True, slots=True)
class Faults:
    """Rates (0..1, per host+path) and settings of injected faults. All off by default."""

    server_error: float = 0.0
    timeout: float = 0.0
    rate_limit: float = 0.0
    truncated_json: float = 0.0
    login_wall: float = 0.0
    captcha: float = 0.0
    slow: float = 0.0
    redirect_loop: tuple[str, ...] = ()  # path prefixes answered with a redirect loop
    huge: tuple[str, ...] = ()  # path prefixes answered with a huge body
    gzip_bomb: tuple[str, ...] = ()  # path prefixes answered with a gzip bomb
    hosts: tuple[str, ...] = ()  # only these hosts (empty: every host)
    paths: tuple[str, ...] = ()  # only paths starting with one of these (empty: every path)
    repeat: int = 1  # a chosen fault strikes the first `repeat` hits of the path
    burst: int = 2  # 429s in a row on a chosen path (keep below the client's retries)
    retry_after: int = 1  # Retry-After seconds of a 429
    hold_seconds: float = 15.0  # timeouts: hold the connection this long
    slow_seconds: float = 0.5
    huge_bytes: int = 50 * 1024 * 1024
    bomb_inflated_bytes: int = 256 * 1024 * 1024
    include_robots: bool = False
    drift: tuple[str, ...] = ()  # hosts whose HTML pages come in a changed format (always)

    @classmethod
    def typical(cls, client_timeout: float = 10.0, **overrides: object) -> Faults:
        """A bad day at the usual rates: 10 % 5xx, 5 % timeouts (held ``client_timeout`` + 2 s),
        5 % 429 bursts, truncated JSON, login walls and captchas, 10 % slow answers. Every fault
        strikes only the first hit of a path (a 429 burst the first two), so a client that
        retries twice ends with the same data as on a clean day."""
        values: dict[str, object] = {
            "server_error": 0.10,
            "timeout": 0.05,
            "rate_limit": 0.05,
            "truncated_json": 0.05,
            "login_wall": 0.05,
            "captcha": 0.05,
            "slow": 0.10,
            "hold_seconds": client_timeout + 2.0,
        }
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    def __post_init__(self) -> None:
        for name in (
            "server_error",
            "timeout",
            "rate_limit",
            "truncated_json",
            "login_wall",
            "captcha",
            "slow",
        ):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"Faults.{name} must be between 0 and 1")


_BOMB_CACHE: dict[int, bytes] = {}
_BOMB_LOCK = threading.Lock()


def gzip_bomb(inflated: int) -> bytes:
    """A gzip stream of ``inflated`` zero bytes (about 1/1000 of that on the wire)."""
    with _BOMB_LOCK:
        if inflated not in _BOMB_CACHE:
            packer = zlib.compressobj(9, zlib.DEFLATED, 31)
            chunk = bytes(1 << 20)
            parts = [packer.compress(chunk) for _ in range(inflated >> 20)]
            parts.append(packer.compress(bytes(inflated & ((1 << 20) - 1))))
            parts.append(packer.flush())
            _BOMB_CACHE[inflated] = b"".join(parts)
        return _BOMB_CACHE[inflated]


class FaultInjector:
    """The world's fault hook: ``(request, hit, app) -> (fault name or None, response) | None``."""

    def __init__(self, faults: Faults, seed: int = 0) -> None:
        self.faults = faults
        self.seed = seed

    def _chosen(self, kind: str, rate: float, request: Request) -> bool:
        if rate <= 0:
            return False
        rng = random.Random(f"{self.seed}|{kind}|{request.host}|{request.path}")
        return rng.random() < rate

    def _eligible(self, request: Request) -> bool:
        f = self.faults
        if request.path == "/robots.txt" and not f.include_robots:
            return False
        if f.hosts and request.host not in f.hosts:
            return False
        return not f.paths or request.path.startswith(f.paths)

    def __call__(self, request: Request, hit: int, app: App) -> tuple[str | None, Response] | None:
        f = self.faults
        if request.host in f.drift and request.path != "/robots.txt":
            return _drifted(app(request))
        if not self._eligible(request):
            return None
        if f.redirect_loop and request.path.startswith(f.redirect_loop):
            target = request.path if request.arg("__loop") else f"{request.path}?__loop=1"
            return "redirect_loop", redirect(f"https://{request.host}{target}", 302)
        if f.huge and request.path.startswith(f.huge):
            return "huge", Response(
                200,
                b"<!-- " + b"x" * f.huge_bytes + b" -->",
                "text/html; charset=utf-8",
                compress=False,
            )
        if f.gzip_bomb and request.path.startswith(f.gzip_bomb):
            return "gzip_bomb", Response(
                200,
                gzip_bomb(f.bomb_inflated_bytes),
                "text/html; charset=utf-8",
                raw_encoding="gzip",
            )
        first = hit <= f.repeat
        if hit <= f.burst and self._chosen("rate_limit", f.rate_limit, request):
            return "rate_limit", _too_many(request, f.retry_after)
        if first and self._chosen("server_error", f.server_error, request):
            status = random.Random(f"{self.seed}|5xx|{request.host}|{request.path}").choice(
                (500, 502, 503)
            )
            return "server_error", Response(status, f"<html><body><h1>{status}</h1></body></html>")
        if first and self._chosen("timeout", f.timeout, request):
            response = app(request)
            response.delay = f.hold_seconds
            return "timeout", response
        if (
            first
            and request.host in PAGE_LOGIN_WALLS
            and self._chosen("login_wall", f.login_wall, request)
        ):
            status, body = PAGE_LOGIN_WALLS[request.host]
            return "login_wall", Response(status, body)
        if first and request.host in PAGE_CAPTCHAS and self._chosen("captcha", f.captcha, request):
            status, body = PAGE_CAPTCHAS[request.host]
            return "captcha", Response(status, body)
        if first and f.truncated_json and self._chosen("truncated_json", f.truncated_json, request):
            response = app(request)
            if response.content_type.startswith("application/json") and response.status == 200:
                data = response.data
                response.body = data[: max(1, len(data) // 2)]
                return "truncated_json", response
            return None, response  # not JSON: no fault, but keep the answer (apps count quota)
        if first and self._chosen("slow", f.slow, request):
            response = app(request)
            response.delay = f.slow_seconds
            return "slow", response
        return None


def _drifted(response: Response) -> tuple[str | None, Response]:
    """The page in a changed format (``Faults.drift``); anything but HTML is left alone."""
    if not response.content_type.startswith("text/html"):
        return None, response
    html = response.data.decode("utf-8")
    html = html.replace('property="og:', 'property="site:').replace('"user":', '"owner":')
    html = re.sub(r"<title>.*?</title>", "<title>Welcome</title>", html, flags=re.DOTALL)
    response.body = html.encode("utf-8")
    return "drift", response


def _too_many(request: Request, retry_after: int) -> Response:
    headers = [("Retry-After", str(retry_after))]
    if request.host == "public.api.bsky.app":
        return json_response(
            {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, 429, headers
        )
    if request.host == "mastodon.social":
        return json_response(
            {"error": "Too many requests"}, 429, [*headers, ("X-RateLimit-Remaining", "0")]
        )
    if request.host == "api.search.brave.com":
        return json_response(
            {
                "type": "ErrorResponse",
                "error": {
                    "status": 429,
                    "code": "RATE_LIMITED",
                    "detail": "Request rate limit exceeded for plan.",
                    "meta": {"plan": "Free"},
                },
            },
            429,
            headers,
        )
    response = Response(429, "<html><body><h1>429 Too Many Requests</h1></body></html>")
    response.headers.extend(headers)
    return response
