"""Sign-in, roles, CSRF and security headers: the frame every endpoint runs in.

An endpoint is a plain function ``fn(ctx) -> Response`` wrapped by :func:`endpoint`, which
reads the form, then in a worker thread opens one database transaction, finds the session
from its cookie and checks, in this order: signed in (pages: 303 to ``/login``; ``/api/``:
401), the role (403), and for a POST the CSRF token (403, before anything is changed).

Sessions live in the database (``web_sessions``); the cookie holds a random token, signed with
``SCOUT_SECRET_KEY`` (itsdangerous), HttpOnly, SameSite=Lax, Secure over HTTPS. A session ends
after ``idle`` without a request or ``absolute`` after sign-in, whichever comes first.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crawler.db.web import Role, WebSession, WebUser

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from crawler.config import Config

SESSION_COOKIE = "scout_session"
DISTRICT_COOKIE = "scout_district"
LOGIN_COOKIE = "scout_login"
MAX_UPLOAD = 5 * 1024 * 1024  # a registry CSV; anything bigger is refused

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


@dataclass
class Settings:
    """What the app was built with (see :func:`crawler.web.app.create_app`)."""

    config: Config
    factory: sessionmaker[Session]
    secret_key: str
    idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=12)
    jobs: Any = None  # crawler.web.jobs.Jobs
    trusted_header: str = ""  # sign-in by a trusted proxy's header (crawler.web.proxy)
    trusted_proxies: tuple[Any, ...] = ()  # ip_network objects
    oidc: Any = None  # crawler.web.oidc.OidcClient when [auth] oidc_issuer is set

    def signer(self, salt: str):  # type: ignore[no-untyped-def]
        from itsdangerous import TimestampSigner

        return TimestampSigner(self.secret_key, salt=salt)


class SecurityHeaders:
    """Adds the Content-Security-Policy and friends to every response; pages that set no
    Cache-Control get ``no-store`` (they show case data)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in HEADERS if k not in names]
                if b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                if scope.get("scheme") == "https":
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


@dataclass
class Ctx:
    """One request as an endpoint sees it: the request, the database session (one
    transaction), the signed-in user and the posted form."""

    request: Request
    settings: Settings
    db: Session
    user: WebUser | None = None
    web_session: WebSession | None = None
    form: dict[str, str] = field(default_factory=dict)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # name: (filename, bytes)
    new_token: str | None = None  # a session started by this request (trusted proxy header)
    district: str | None = None  # the district chosen (None: the database's only one)
    district_cookie: str | None = None  # a district chosen by ?district=KEY, remembered
    districts: list[str] = field(default_factory=list)  # the keys the user may see

    @property
    def config(self) -> Config:
        return self.settings.config

    @property
    def address(self) -> str:
        return self.request.client.host if self.request.client else ""

    @property
    def role(self) -> Role | None:
        return self.user.role if self.user else None

    def can(self, needed: Role) -> bool:
        return self.role is not None and self.role.allows(needed)

    @property
    def route_path(self) -> str:
        """The path inside the app, without the root path (uvicorn puts the root path in front
        of ``path``; other servers and the test client do not)."""
        return route_path(self.request)

    def url(self, path: str) -> str:
        """``path`` under the app's root path (``--root-path`` behind a reverse proxy)."""
        return str(self.request.scope.get("root_path", "")).rstrip("/") + path

    def redirect(self, path: str) -> RedirectResponse:
        return RedirectResponse(self.url(path), status_code=303)

    def audit(
        self,
        action: str,
        target: str = "",
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        *,
        actor: str | None = None,
    ) -> None:
        from crawler.db.users import audit

        audit(
            self.db,
            actor or (self.user.name if self.user else "-"),
            action,
            target=target,
            address=self.address,
            before=before,
            after=after,
            district=self.district,
        )


Handler = Callable[[Ctx], Response]


def endpoint(role: Role | None, *, csrf: bool = True) -> Callable[[Handler], Any]:
    """Wrap ``fn(ctx)`` as a Starlette endpoint that needs ``role`` (None: public)."""

    def deco(fn: Handler) -> Any:
        async def handler(request: Request) -> Response:
            form: dict[str, str] = {}
            files: dict[str, tuple[str, bytes]] = {}
            if request.method == "POST":
                async with request.form(max_files=2, max_fields=200) as data:
                    for key, value in data.multi_items():
                        if isinstance(value, UploadFile):
                            files[key] = (value.filename or "", await value.read(MAX_UPLOAD + 1))
                        else:
                            form.setdefault(key, value)
            return await run_in_threadpool(_run, request, fn, role, form, files, csrf)

        handler.__name__ = fn.__name__
        handler.__doc__ = fn.__doc__
        return handler

    return deco


def _run(
    request: Request,
    fn: Handler,
    role: Role | None,
    form: dict[str, str],
    files: dict[str, tuple[str, bytes]],
    check_csrf: bool,
) -> Response:
    settings: Settings = request.app.state.settings
    if any(len(data) > MAX_UPLOAD for _, data in files.values()):
        return Response("upload too large", status_code=413, media_type="text/plain")
    with settings.factory.begin() as db:
        ctx = Ctx(request, settings, db, form=form, files=files)
        _load_user(ctx)
        response = _guarded(ctx, fn, role, check_csrf)
        if ctx.district_cookie:
            set_cookie(
                ctx,
                response,
                DISTRICT_COOKIE,
                ctx.district_cookie,
                int(settings.absolute.total_seconds()),
            )
        if ctx.new_token:
            signed = settings.signer("session").sign(ctx.new_token).decode()
            set_cookie(
                ctx, response, SESSION_COOKIE, signed, int(settings.absolute.total_seconds())
            )
        return response


def _guarded(ctx: Ctx, fn: Handler, role: Role | None, check_csrf: bool) -> Response:
    """Signed in, the role, the CSRF token of a POST: then the endpoint."""
    from urllib.parse import quote

    from crawler.db.scope import UnknownDistrict
    from crawler.db.store import NoDistrict
    from crawler.web.render import error_page

    request = ctx.request
    api = ctx.route_path.startswith("/api/")
    if role is not None and ctx.user is None:
        if api:
            return JSONResponse({"error": "not signed in"}, status_code=401)
        target = ctx.route_path + (f"?{request.url.query}" if request.url.query else "")
        return ctx.redirect("/login?next=" + quote(target, safe=""))
    if role is not None and not ctx.can(role):
        if api:
            return JSONResponse({"error": f"needs the {role} role"}, status_code=403)
        return error_page(ctx, 403, f"This needs the {role} role.")
    if role is not None and request.method == "POST" and check_csrf and not csrf_ok(ctx):
        return error_page(ctx, 403, "The form was stale or not from this site: reload it.")
    refused = choose_district(ctx)
    if refused is not None:
        if api:
            return JSONResponse({"error": refused[1]}, status_code=refused[0])
        return error_page(ctx, *refused)
    try:
        return fn(ctx)
    except NoDistrict as exc:
        return error_page(ctx, 503, str(exc))
    except UnknownDistrict:  # several districts and none chosen
        message = "Choose a district: add ?district=KEY to the address, one of: " + ", ".join(
            ctx.districts
        )
        if api:
            return JSONResponse({"error": message, "districts": ctx.districts}, status_code=400)
        return error_page(ctx, 400, message)


def choose_district(ctx: Ctx) -> tuple[int, str] | None:
    """Limit the request's session to one district: ``?district=KEY`` (then remembered in a
    cookie), else the remembered one, else ``scout serve``'s ``--district``, else the only one
    the user may see. A user with a list of districts sees only those (403 for another);
    without a choice where several are visible, the first query of a district's data answers
    400 with the keys. Returns (status, message) when the request is refused."""
    from crawler.db.scope import set_scope
    from crawler.db.store import district_keys

    keys = district_keys(ctx.db)
    allowed = list(ctx.user.districts or []) if ctx.user is not None else []
    visible = [k for k in keys if not allowed or k in allowed]
    asked = ctx.request.query_params.get("district", "").strip()
    key: str | None = None
    if asked:
        if asked not in keys:
            return 404, f"No district '{asked}' here."
        if asked not in visible:
            return 403, f"You may not see district '{asked}'."
        key = asked
        ctx.district_cookie = asked
    else:
        remembered = ctx.request.cookies.get(DISTRICT_COOKIE, "")
        if remembered in visible:
            key = remembered
        elif ctx.config.district in visible:
            key = ctx.config.district
        elif len(visible) == 1:
            key = visible[0]
        elif keys and not visible:
            return 403, "You may not see any district of this database."
    ctx.district, ctx.districts = key, visible
    set_scope(ctx.db, key)
    return None


def _load_user(ctx: Ctx) -> None:
    from itsdangerous import BadSignature

    from crawler.db.users import create_session, load_session, purge_sessions
    from crawler.web.proxy import header_user

    raw = ctx.request.cookies.get(SESSION_COOKIE)
    if raw:
        try:
            token = ctx.settings.signer("session").unsign(raw).decode()
        except (BadSignature, UnicodeDecodeError):
            token = ""
        found = token and load_session(
            ctx.db, token, idle=ctx.settings.idle, absolute=ctx.settings.absolute
        )
        if found:
            ctx.web_session, ctx.user = found
    proxied = header_user(ctx)
    if proxied is not None and (ctx.user is None or ctx.user.id != proxied.id):
        # The trusted proxy signed this person in: a session of their own (for the forms' CSRF
        # token), as a sign-in would start one.
        purge_sessions(ctx.db, absolute=ctx.settings.absolute)
        ctx.new_token, ctx.web_session = create_session(ctx.db, proxied, ctx.address)
        ctx.user = proxied
        ctx.audit("login", after={"role": proxied.role, "via": ctx.settings.trusted_header})


def start_session(ctx: Ctx, user: WebUser, next_path: str, *, via: str = "") -> Response:
    """Sign ``user`` in: whatever session this browser had ends, a new token and CSRF token
    begin (rotated at every sign-in); audited; then on to ``next_path``."""
    from itsdangerous import BadSignature

    from crawler.db.users import create_session, end_session, purge_sessions

    old = ctx.request.cookies.get(SESSION_COOKIE)
    if old:
        try:
            end_session(ctx.db, ctx.settings.signer("session").unsign(old).decode())
        except (BadSignature, UnicodeDecodeError):
            pass
    purge_sessions(ctx.db, absolute=ctx.settings.absolute)  # forget long-expired sessions
    token, _ = create_session(ctx.db, user, ctx.address)
    after: dict[str, Any] = {"role": user.role}
    if via:
        after["via"] = via
    ctx.audit("login", actor=user.name, after=after)
    response = RedirectResponse(ctx.url(next_path), status_code=303)
    signed = ctx.settings.signer("session").sign(token).decode()
    set_cookie(ctx, response, SESSION_COOKIE, signed, int(ctx.settings.absolute.total_seconds()))
    return response


def csrf_ok(ctx: Ctx) -> bool:
    sent = ctx.form.get("csrf_token", "")
    want = ctx.web_session.csrf if ctx.web_session else ""
    return bool(sent and want) and hmac.compare_digest(sent.encode(), want.encode())


def set_cookie(ctx: Ctx, response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=ctx.url("/") or "/",
        httponly=True,
        samesite="lax",
        secure=ctx.request.url.scheme == "https",
    )


def route_path(request: Request) -> str:
    path = str(request.scope.get("path", ""))
    root = str(request.scope.get("root_path", "")).rstrip("/")
    if root and (path == root or path.startswith(root + "/")):
        return path[len(root) :] or "/"
    return path


def safe_next(value: str | None) -> str:
    """A local path to return to after sign-in; anything else (``//evil``, ``https:``) is ``/``."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return "/"
    if any(c in value for c in "\r\n\\"):
        return "/"
    return value
