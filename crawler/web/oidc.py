"""Sign-in with OpenID Connect (Google Workspace, Microsoft 365 or any provider): the
authorization code flow with PKCE, with Authlib.

``GET /login/oidc`` sends the browser to the provider with a fresh ``state``, ``nonce`` and
PKCE ``code_verifier`` (S256), which a signed, HttpOnly cookie keeps for ten minutes.
``GET /login/oidc/callback`` checks the state against the cookie, exchanges the code (with the
verifier) at the token endpoint, verifies the ID token's RS256 signature against the provider's
JWKS and its claims (issuer, audience, expiry, nonce), and lets in a verified e-mail address
of an allowed domain (``[auth] allowed_domains``; by default the district's domains). Someone
signing in the first time becomes a web user with ``[auth] default_role``. Every sign-in and
every refusal goes to the audit log.
"""

from __future__ import annotations

import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from crawler.errors import InputError
from crawler.web.render import error_page
from crawler.web.security import Ctx, endpoint, safe_next, set_cookie, start_session

if TYPE_CHECKING:
    from crawler.db.web import WebUser

FLOW_COOKIE = "scout_oidc"
FLOW_SECONDS = 600
SCOPE = "openid email profile"
TIMEOUT = 10.0
LEEWAY = 60  # seconds of clock skew allowed on exp/iat


class SignInRefused(Exception):
    """The provider's answer does not let this person in (the message says why)."""


@dataclass
class OidcClient:
    """An OpenID Connect relying party for one issuer."""

    issuer: str
    client_id: str
    client_secret: str
    allowed_domains: tuple[str, ...] = ()  # empty: the district's domains
    default_role: str = "viewer"
    _metadata: dict[str, Any] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def metadata(self) -> dict[str, Any]:
        """The provider's discovery document (fetched once; its issuer must be ours)."""
        with self._lock:
            if not self._metadata:
                data = _get_json(f"{self.issuer}/.well-known/openid-configuration")
                if str(data.get("issuer", "")).rstrip("/") != self.issuer:
                    raise SignInRefused("the provider's discovery document names another issuer")
                self._metadata.update(data)
            return self._metadata

    def authorization_url(self, redirect_uri: str) -> tuple[str, dict[str, str]]:
        """Where to send the browser, and the flow's secrets to keep until the callback."""
        from authlib.common.security import generate_token
        from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
        from authlib.oauth2.rfc7636 import create_s256_code_challenge

        flow = {
            "state": generate_token(32),
            "nonce": generate_token(32),
            "verifier": generate_token(64),
        }
        url = prepare_grant_uri(
            self.metadata()["authorization_endpoint"],
            client_id=self.client_id,
            response_type="code",
            redirect_uri=redirect_uri,
            scope=SCOPE,
            state=flow["state"],
            nonce=flow["nonce"],
            code_challenge=create_s256_code_challenge(flow["verifier"]),
            code_challenge_method="S256",
        )
        return str(url), flow

    def claims(self, code: str, flow: dict[str, str], redirect_uri: str) -> dict[str, Any]:
        """Exchange the code and return the verified ID token's claims."""
        import httpx
        from authlib.oidc.core import CodeIDToken
        from joserfc import jwt
        from joserfc.errors import JoseError
        from joserfc.jwk import KeySet

        meta = self.metadata()
        r = httpx.post(
            meta["token_endpoint"],
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": flow["verifier"],
            },
            auth=(self.client_id, self.client_secret),
            headers={"accept": "application/json"},
            timeout=TIMEOUT,
        )
        if r.status_code != 200:
            raise SignInRefused(f"the provider refused the code (HTTP {r.status_code})")
        tokens = r.json()
        if not isinstance(tokens, dict) or not tokens.get("id_token"):
            raise SignInRefused("the provider sent no ID token")
        try:
            keys = KeySet.import_key_set(_get_json(meta["jwks_uri"]))  # type: ignore[arg-type]
            token = jwt.decode(tokens["id_token"], keys, algorithms=["RS256"])
            claims = CodeIDToken(
                token.claims,
                token.header,  # type: ignore[arg-type]
                options={
                    "iss": {"essential": True, "value": self.issuer},
                    "aud": {"essential": True, "value": self.client_id},
                },
                params={
                    "nonce": flow["nonce"],
                    "client_id": self.client_id,
                    "access_token": tokens.get("access_token"),
                },
            )
            claims.validate(now=int(time.time()), leeway=LEEWAY)
        except (JoseError, ValueError, KeyError) as exc:
            raise SignInRefused(f"the ID token did not verify ({exc})") from None
        return dict(claims)


def _get_json(url: str) -> dict[str, Any]:
    import httpx

    try:
        r = httpx.get(url, timeout=TIMEOUT, headers={"accept": "application/json"})
        r.raise_for_status()
        data = r.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise SignInRefused(f"the provider did not answer ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise SignInRefused("the provider answered something else than JSON")
    return data


def email_allowed(email: str, domains: tuple[str, ...] | list[str]) -> bool:
    """Whether ``email`` belongs to one of ``domains`` (or one of their subdomains)."""
    _, at, domain = email.strip().lower().rpartition("@")
    return bool(at and domain) and any(domain == d or domain.endswith("." + d) for d in domains)


def _redirect_uri(ctx: Ctx) -> str:
    return str(ctx.request.url_for("oidc_callback"))


def _flow(ctx: Ctx) -> dict[str, str] | None:
    from itsdangerous import BadSignature

    raw = ctx.request.cookies.get(FLOW_COOKIE, "")
    try:
        data = json.loads(ctx.settings.signer("oidc").unsign(raw, max_age=FLOW_SECONDS))
    except (BadSignature, ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


@endpoint(None)
def oidc_start(ctx: Ctx) -> Response:
    client = ctx.settings.oidc
    if client is None:
        return error_page(ctx, 404, "Sign-in with the district's accounts is not set up.")
    try:
        url, flow = client.authorization_url(_redirect_uri(ctx))
    except SignInRefused as exc:
        return error_page(ctx, 502, f"The sign-in provider is not available: {exc}.")
    flow["next"] = safe_next(ctx.request.query_params.get("next"))
    response = RedirectResponse(url, status_code=303)
    signed = ctx.settings.signer("oidc").sign(json.dumps(flow)).decode()
    set_cookie(ctx, response, FLOW_COOKIE, signed, FLOW_SECONDS)
    return response


def _user_for(ctx: Ctx, claims: dict[str, Any]) -> WebUser:
    """The web user of a verified e-mail address of an allowed domain (created the first time)."""
    from crawler.db.store import district_domains
    from crawler.db.users import add_user, find_user
    from crawler.db.web import Role

    client = ctx.settings.oidc
    assert client is not None
    email = str(claims.get("email") or "").strip().lower()
    if not email:
        raise SignInRefused("the provider gave no e-mail address")
    if claims.get("email_verified") is False:
        raise SignInRefused(f"the provider has not verified {email}")
    by_district = district_domains(ctx.db)
    domains = client.allowed_domains or tuple(
        dict.fromkeys(d for ds in by_district.values() for d in ds)
    )
    if not email_allowed(email, domains):
        raise SignInRefused(f"{email} is not an address of {', '.join(domains)}")
    user = find_user(ctx.db, email)
    if user is None:
        try:
            user = add_user(ctx.db, email, secrets.token_urlsafe(32), Role(client.default_role))
            if len(by_district) > 1 and not client.allowed_domains:
                # several districts: a new user sees the districts of their address's domain
                user.districts = [k for k, ds in by_district.items() if email_allowed(email, ds)]
        except InputError as exc:
            raise SignInRefused(str(exc)) from None
        ctx.audit("user-added", email, None, {"role": user.role, "via": "oidc"}, actor=email)
    return user


@endpoint(None)
def oidc_callback(ctx: Ctx) -> Response:
    client = ctx.settings.oidc
    if client is None:
        return error_page(ctx, 404, "Sign-in with the district's accounts is not set up.")
    q = ctx.request.query_params
    flow = _flow(ctx)
    state = q.get("state", "")
    if flow is None or not state or not hmac.compare_digest(state, flow.get("state", "")):
        ctx.audit("login-failed", actor="-", after={"via": "oidc", "why": "state"})
        return error_page(ctx, 403, "The sign-in was stale or not started here: try again.")
    try:
        if q.get("error"):
            raise SignInRefused(f"the provider said {q.get('error', '')[:100]}")
        claims = client.claims(q.get("code", ""), flow, _redirect_uri(ctx))
        user = _user_for(ctx, claims)
    except SignInRefused as exc:
        ctx.audit("login-failed", actor="-", after={"via": "oidc", "why": str(exc)[:300]})
        return error_page(ctx, 403, f"Sign-in refused: {exc}.")
    response = start_session(ctx, user, safe_next(flow.get("next")), via="oidc")
    response.delete_cookie(FLOW_COOKIE, path=ctx.url("/") or "/")
    return response


ROUTES = [
    Route("/login/oidc", oidc_start, methods=["GET"]),
    Route("/login/oidc/callback", oidc_callback, methods=["GET"], name="oidc_callback"),
]
