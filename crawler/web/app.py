"""The ASGI application: routes of the contract (README, "The review web app").

``create_app(config, secret_key=...)`` builds it (tests, and :func:`from_env` for uvicorn, which
``scout serve`` starts by import string so ``--workers`` works).
"""

from __future__ import annotations

import logging
import os
import secrets
from datetime import timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from crawler.config import Config
from crawler.web import (
    oidc,
    routes_auth,
    routes_cases,
    routes_decide,
    routes_more,
    routes_registry,
    routes_watch,
)
from crawler.web.jobs import Jobs
from crawler.web.proxy import ForwardedHeaders, networks
from crawler.web.render import STATIC
from crawler.web.security import SecurityHeaders, Settings

log = logging.getLogger(__name__)


async def healthz(request: Request) -> Response:
    return PlainTextResponse("ok")


async def report_css(request: Request) -> Response:
    from reports.render import STATIC as REPORT_STATIC

    return FileResponse(
        REPORT_STATIC / "report.css",
        media_type="text/css",
        headers={"cache-control": "public, max-age=3600"},
    )


async def favicon(request: Request) -> Response:
    return Response(status_code=204, headers={"cache-control": "public, max-age=86400"})


def routes() -> list[Any]:
    return [
        Route("/healthz", healthz),
        Route("/favicon.ico", favicon),
        Route("/static/report.css", report_css),
        Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
        *routes_auth.ROUTES,
        *oidc.ROUTES,
        *routes_cases.ROUTES,
        *routes_decide.ROUTES,
        *routes_more.ROUTES,
        *routes_registry.ROUTES,
        *routes_watch.ROUTES,
    ]


def create_app(
    config: Config,
    *,
    secret_key: str,
    idle: timedelta = timedelta(minutes=30),
    absolute: timedelta = timedelta(hours=12),
    search_runner: Any = None,
    scan_runner: Any = None,
    forwarded_allow_ips: str = "127.0.0.1",
    trusted_header: str | None = None,
    trusted_proxies: tuple[str, ...] | None = None,
    oidc_client: tuple[str, str] | None = None,
) -> Starlette:
    """The web app for ``config``'s database. ``search_runner(config, name, progress)`` runs an
    ad-hoc search (default: :func:`crawler.web.jobs.run_search`, as ``scout search`` does);
    ``scan_runner`` the scan an admin starts (default: :func:`crawler.web.jobs.run_full_scan`).
    Behind a proxy: ``forwarded_allow_ips`` (whose X-Forwarded-* headers are believed),
    ``trusted_header`` and ``trusted_proxies`` (sign-in by the proxy: :mod:`crawler.web.proxy`;
    default: ``config.auth``). With ``[auth] oidc_issuer``, OpenID Connect sign-in
    (:mod:`crawler.web.oidc`) with ``oidc_client`` (id, secret), by default from
    ``SCOUT_OIDC_CLIENT_ID`` and ``SCOUT_OIDC_CLIENT_SECRET``."""
    from crawler.db import engine_for, session_factory

    engine_for(config.database_url)  # migrate before the first request
    settings = Settings(
        config=config,
        factory=session_factory(config.database_url),
        secret_key=secret_key,
        idle=idle,
        absolute=absolute,
        trusted_header=(
            config.auth.trusted_header if trusted_header is None else trusted_header
        ).strip(),
        trusted_proxies=networks(
            config.auth.trusted_proxies if trusted_proxies is None else trusted_proxies
        ),
        oidc=_oidc(config, oidc_client),
    )
    settings.jobs = Jobs(config, runner=search_runner, scan_runner=scan_runner)
    app = Starlette(
        routes=routes(),
        middleware=[
            Middleware(ForwardedHeaders, trusted_hosts=forwarded_allow_ips),
            Middleware(SecurityHeaders),
        ],
    )
    app.state.settings = settings
    return app


def _oidc(config: Config, client: tuple[str, str] | None) -> oidc.OidcClient | None:
    from crawler.config import secret
    from crawler.errors import InputError

    if not config.auth.oidc:
        return None
    client_id, client_secret = client or (
        os.environ.get("SCOUT_OIDC_CLIENT_ID", "").strip(),
        secret("oidc") or "",
    )
    if not client_id or not client_secret:
        raise InputError(
            "[auth] oidc_issuer is set: SCOUT_OIDC_CLIENT_ID and SCOUT_OIDC_CLIENT_SECRET are needed"
        )
    return oidc.OidcClient(
        issuer=config.auth.oidc_issuer,
        client_id=client_id,
        client_secret=client_secret,
        allowed_domains=config.auth.allowed_domains,
        default_role=config.auth.default_role,
    )


def from_env() -> Starlette:
    """The app as ``scout serve`` starts it: configuration from ``SCOUT_CONFIG`` and
    ``SCOUT_DATABASE_URL``, the cookie key from ``SCOUT_SECRET_KEY``, the proxies from
    ``FORWARDED_ALLOW_IPS`` and ``[auth]`` (``SCOUT_TRUSTED_HEADER``, ``SCOUT_TRUSTED_PROXIES``
    and the other ``[auth]`` variables override it: :mod:`crawler.config.auth`)."""
    from crawler.config import load_config

    key = os.environ.get("SCOUT_SECRET_KEY", "")
    if not key:
        log.warning(
            "SCOUT_SECRET_KEY is not set: using a random key for this process; "
            "everyone must sign in again after a restart"
        )
        key = secrets.token_urlsafe(32)
    idle = int(os.environ.get("SCOUT_SESSION_IDLE_MINUTES", "30"))
    absolute = int(os.environ.get("SCOUT_SESSION_HOURS", "12"))
    return create_app(
        load_config(os.environ.get("SCOUT_CONFIG") or None),
        secret_key=key,
        idle=timedelta(minutes=idle),
        absolute=timedelta(hours=absolute),
        forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
    )
