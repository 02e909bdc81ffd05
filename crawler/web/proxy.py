"""Behind a reverse proxy: forwarded headers, and sign-in by a trusted proxy's user header.

:class:`ForwardedHeaders` wraps the app: it keeps the address of the connection itself (the
proxy) in the scope as ``scout.peer``, then lets uvicorn's ``ProxyHeadersMiddleware`` take the
client address and scheme from ``X-Forwarded-For``/``-Proto`` when the peer is one of
``FORWARDED_ALLOW_IPS``. ``scout serve`` turns uvicorn's own handling off so it runs once.

With ``SCOUT_TRUSTED_HEADER`` (e.g. ``X-Remote-User``) and ``SCOUT_TRUSTED_PROXIES`` (CIDRs), a
request whose connection comes from one of those proxies and carries that header is signed
in as the named user (who must exist: ``scout users add``); from any other address the
header is ignored. The proxy must remove the header from what clients send.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import TYPE_CHECKING

from starlette.types import ASGIApp, Receive, Scope, Send

if TYPE_CHECKING:
    from crawler.db.web import WebUser
    from crawler.web.security import Ctx


class ForwardedHeaders:
    def __init__(self, app: ASGIApp, trusted_hosts: str | list[str] = "127.0.0.1") -> None:
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        self.inner = ProxyHeadersMiddleware(app, trusted_hosts=trusted_hosts)  # type: ignore[arg-type]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            client = scope.get("client")
            scope["scout.peer"] = client[0] if client else ""
        await self.inner(scope, receive, send)  # type: ignore[arg-type]


def networks(cidrs: Sequence[str]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Parse ``SCOUT_TRUSTED_PROXIES``; a bad entry is an error at start-up, not a silent miss."""
    from crawler.errors import InputError

    out = []
    for c in cidrs:
        try:
            out.append(ipaddress.ip_network(c.strip(), strict=False))
        except ValueError:
            raise InputError(f"SCOUT_TRUSTED_PROXIES: '{c}' is not an address or CIDR") from None
    return tuple(out)


def _trusted_peer(ctx: Ctx) -> bool:
    peer = str(ctx.request.scope.get("scout.peer", ""))
    try:
        addr = ipaddress.ip_address(peer)
    except ValueError:
        return False
    return any(addr in net for net in ctx.settings.trusted_proxies)


def header_user(ctx: Ctx) -> WebUser | None:
    """The user a trusted proxy names in the trusted header, or None."""
    from crawler.db.users import find_user

    name = ctx.settings.trusted_header
    if not name or not _trusted_peer(ctx):
        return None
    value = ctx.request.headers.get(name, "").strip()
    return find_user(ctx.db, value) if value else None
