"""HTTP plumbing of the sample world: one ``ThreadingHTTPServer`` per production host.

Each server knows which production host it plays (the downloader rewrites
``https://www.instagram.com/x/`` to ``http://127.0.0.1:<port>/x/``, so the Host header no
longer says). A host is served by an *app*: a function from :class:`Request` to
:class:`Response`. Every request is written to the shared :class:`RequestLog` with API keys
redacted, and may first pass through the fault injector.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

LOGGED_HEADERS = (
    "User-Agent",
    "Accept",
    "Accept-Language",
    "Accept-Encoding",
    "X-Subscription-Token",
    "x-ig-app-id",
    "Sec-Fetch-Mode",
    "Content-Type",
)
SECRET_HEADERS = frozenset({"x-subscription-token"})
SECRET_PARAMS = ("key",)
REDACTED = "[redacted]"
# Servers compress like the real ones when the client accepts it.
COMPRESS_TYPES = ("text/", "application/json", "application/xml")


@dataclass(frozen=True, slots=True)
class Request:
    host: str  # the production host this server plays
    method: str
    path: str  # without the query
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes = b""

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def args(self, name: str) -> list[str]:
        return self.query.get(name, [])

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def target(self) -> str:
        return self.path + (
            "?" + "&".join(f"{k}={v}" for k, vs in self.query.items() for v in vs)
            if self.query
            else ""
        )


@dataclass(slots=True)
class Response:
    status: int = 200
    body: bytes | str = b""
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)
    delay: float = 0.0  # seconds to wait before answering (slow responses, timeouts)
    compress: bool = True  # gzip when the client accepts it
    raw_encoding: str | None = None  # body is already encoded (Content-Encoding value)

    @property
    def data(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


def json_response(
    data: Any,
    status: int = 200,
    headers: list[tuple[str, str]] | None = None,
    indent: int | None = None,
) -> Response:
    """A JSON answer; compact like most APIs, or indented like Google's (``indent=2``)."""
    separators = (",", ":") if indent is None else (",", ": ")
    return Response(
        status,
        json.dumps(data, ensure_ascii=False, indent=indent, separators=separators),
        "application/json; charset=utf-8",
        headers or [],
    )


def text_response(
    text: str, status: int = 200, content_type: str = "text/plain; charset=utf-8"
) -> Response:
    return Response(status, text, content_type)


def redirect(location: str, status: int = 301) -> Response:
    return Response(status, "", "text/html; charset=utf-8", [("Location", location)])


App = Callable[[Request], Response]


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    """One request as the world saw it; secrets already redacted."""

    host: str
    method: str
    path: str  # path and query, ``key=`` values redacted
    status: int
    user_agent: str | None
    headers: dict[str, str]
    fault: str | None = None
    at: float = 0.0  # when it arrived (time.monotonic(): compare with each other only)

    @property
    def bare_path(self) -> str:
        return self.path.split("?", 1)[0]


def redact_target(target: str) -> str:
    """``/search?key=AIza...&q=x`` -> ``/search?key=[redacted]&q=x``."""
    for name in SECRET_PARAMS:
        target = re.sub(rf"([?&]{name}=)[^&#]*", rf"\g<1>{REDACTED}", target)
    return target


class RequestLog:
    """Thread-safe list of :class:`LoggedRequest`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[LoggedRequest] = []

    def add(self, item: LoggedRequest) -> None:
        with self._lock:
            self._items.append(item)

    def items(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


# The fault hook: (request, hit number of this host+path, app) -> (fault name or None, response),
# or None to let the app answer.
FaultHook = Callable[[Request, int, App], "tuple[str | None, Response] | None"]


class _Handler(BaseHTTPRequestHandler):
    server: _HostServer
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""

    def log_message(
        self, format: str, *args: Any
    ) -> None:  # quiet: the RequestLog records requests
        pass

    def do_GET(self) -> None:
        self._serve("GET")

    def do_HEAD(self) -> None:
        self._serve("HEAD")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        arrived = time.monotonic()
        split = urlsplit(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        length = int(headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        query = parse_qs(split.query, keep_blank_values=True)
        if method == "POST" and "application/x-www-form-urlencoded" in headers.get(
            "content-type", ""
        ):
            for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items():
                query.setdefault(k, []).extend(v)
        request = Request(self.server.host, method, split.path or "/", query, headers, body)
        world = self.server.world
        fault_name = None
        hit = world.count_hit(request)
        injected = world.fault_hook(request, hit, self.server.app) if world.fault_hook else None
        if injected is not None:
            fault_name, response = injected
        else:
            try:
                response = self.server.app(request)
            except Exception as exc:  # a bug in an app must show up as a 500, not a hung client
                response = text_response(f"sample world error: {exc!r}", 500)
        target = redact_target(self.path)
        logged = {
            h: (REDACTED if h.lower() in SECRET_HEADERS else self.headers[h])
            for h in LOGGED_HEADERS
            if self.headers.get(h) is not None
        }
        world.log.add(
            LoggedRequest(
                self.server.host,
                method,
                target,
                response.status,
                self.headers.get("User-Agent"),
                logged,
                fault_name,
                arrived,
            )
        )
        self._write(response, method, headers)

    def _write(self, response: Response, method: str, headers: dict[str, str]) -> None:
        if response.delay and self.server.world.stopping.wait(response.delay):
            self.close_connection = True
            return
        data = response.data
        encoding = response.raw_encoding
        if (
            encoding is None
            and response.compress
            and len(data) > 512
            and "gzip" in headers.get("accept-encoding", "")
            and response.content_type.startswith(COMPRESS_TYPES)
        ):
            data, encoding = gzip.compress(data, 6), "gzip"
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(data)))
            if encoding:
                self.send_header("Content-Encoding", encoding)
            for name, value in response.headers:
                self.send_header(name, value)
            self.end_headers()
            if method != "HEAD":
                self.wfile.write(data)
        except (
            BrokenPipeError,
            ConnectionResetError,
        ):  # the client gave up (timeouts, size limits)
            self.close_connection = True


class _HostServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], host: str, app: App, world: Any) -> None:
        super().__init__(address, _Handler)
        self.host = host
        self.app = app
        self.world = world


class HostServer:
    """One production host played on one loopback port."""

    def __init__(self, host: str, app: App, world: Any, port: int = 0) -> None:
        self.host = host
        self._server = _HostServer(("127.0.0.1", port), host, app, world)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"sampleworld-{host}",
            daemon=True,
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def conditional(app: App) -> App:
    """``app`` with HTTP validators as real servers give them (RFC 9110): a successful GET
    carries an ``ETag`` (a digest of the body, so a changed page has a new one) and is answered
    ``304 Not Modified`` without a body when the request's ``If-None-Match`` names it."""

    def serve(request: Request) -> Response:
        response = app(request)
        if request.method not in ("GET", "HEAD") or response.status != 200 or response.delay:
            return response
        if any(name.lower() == "etag" for name, _ in response.headers):
            etag = next(v for n, v in response.headers if n.lower() == "etag")
        else:
            etag = '"' + hashlib.sha256(response.data).hexdigest()[:32] + '"'
            response.headers.append(("ETag", etag))
        wanted = [t.strip() for t in (request.header("If-None-Match") or "").split(",")]
        if etag in wanted or etag.removeprefix("W/") in [w.removeprefix("W/") for w in wanted]:
            kept = [(n, v) for n, v in response.headers if n.lower() in NOT_MODIFIED_HEADERS]
            return Response(304, "", response.content_type, kept)
        return response

    return serve


# what a 304 repeats of the full answer (RFC 9110 15.4.5)
NOT_MODIFIED_HEADERS = {"etag", "cache-control", "expires", "vary", "content-location", "date"}
