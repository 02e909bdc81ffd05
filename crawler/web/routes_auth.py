"""Sign-in and sign-out, and the public official-accounts page (no sign-in)."""

from __future__ import annotations

import hmac
import secrets

from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from crawler.db.web import Role
from crawler.web.render import env, error_page, page
from crawler.web.security import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    Ctx,
    endpoint,
    safe_next,
    set_cookie,
    start_session,
)

LOGIN_FORM_SECONDS = 3600


def _login_form(
    ctx: Ctx, *, error: str = "", status: int = 200, username: str = ""
) -> HTMLResponse:
    token = secrets.token_urlsafe(32)
    response = page(
        ctx,
        "login.html",
        {
            "title": "Sign in",
            "login_csrf": token,
            "next": safe_next(ctx.request.query_params.get("next") or ctx.form.get("next")),
            "error": error,
            "username": username,
            "oidc": ctx.settings.oidc is not None,
        },
        status,
    )
    signed = ctx.settings.signer("login").sign(token).decode()
    set_cookie(ctx, response, LOGIN_COOKIE, signed, LOGIN_FORM_SECONDS)
    return response


@endpoint(None)
def login_page(ctx: Ctx) -> Response:
    # Shown to a signed-in user too: signing in again (maybe as someone else) starts a new session.
    return _login_form(ctx)


def _login_csrf_ok(ctx: Ctx) -> bool:
    from itsdangerous import BadSignature

    raw = ctx.request.cookies.get(LOGIN_COOKIE, "")
    sent = ctx.form.get("csrf_token", "")
    try:
        want = ctx.settings.signer("login").unsign(raw, max_age=LOGIN_FORM_SECONDS).decode()
    except (BadSignature, UnicodeDecodeError):
        return False
    return bool(sent) and hmac.compare_digest(sent.encode(), want.encode())


@endpoint(None)
def login(ctx: Ctx) -> Response:
    from crawler.db.users import authenticate

    if not _login_csrf_ok(ctx):
        return error_page(ctx, 403, "The sign-in form was stale or not from this site: reload it.")
    name = ctx.form.get("username", "").strip()[:200]
    result = authenticate(ctx.db, name, ctx.form.get("password", ""), ctx.address)
    if result.wait:
        ctx.audit("login-throttled", actor=name or "-", after={"wait_seconds": result.wait})
        return _login_form(
            ctx,
            error=f"Too many failed sign-ins. Try again in {result.wait} seconds.",
            status=429,
            username=name,
        )
    if result.user is None:
        ctx.audit("login-failed", actor=name or "-")
        return _login_form(ctx, error="Wrong user name or password.", status=401, username=name)
    response = start_session(ctx, result.user, safe_next(ctx.form.get("next")))
    response.delete_cookie(LOGIN_COOKIE, path=ctx.url("/") or "/")
    return response


@endpoint(Role.VIEWER)
def logout(ctx: Ctx) -> Response:
    from crawler.db.users import end_session

    raw = ctx.request.cookies.get(SESSION_COOKIE, "")
    token = ctx.settings.signer("session").unsign(raw).decode()
    end_session(ctx.db, token)
    ctx.audit("logout")
    response = ctx.redirect("/login")
    response.delete_cookie(SESSION_COOKIE, path=ctx.url("/") or "/")
    return response


@endpoint(None)
def official(ctx: Ctx) -> Response:
    """The public list of official accounts (as ``scout registry official``): no sign-in, no
    administrator details, cacheable so a district website can link it."""
    from reports.context import Context
    from reports.documents.official import build_official

    data = build_official(Context(ctx.db, ctx.config, None))
    html = env().get_template("official.html").render(url=ctx.url, **data)
    return HTMLResponse(html, headers={"cache-control": "public, max-age=300"})


ROUTES = [
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/official", official, methods=["GET"]),
]
