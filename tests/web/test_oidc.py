"""OpenID Connect sign-in end to end against a small OpenID provider started on loopback by the
test (discovery document, JWKS, authorize and token endpoints; ID tokens signed RS256): the
code flow with PKCE, the state and the nonce checked, a wrong e-mail domain refused; and the
``[auth]`` settings of ``scout.toml``."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from crawler.config import Auth, load_config
from crawler.errors import InputError
from tests.web.conftest import Web, build_web

CLIENT_ID = "scout-test-client"
CLIENT_SECRET = "scout-test-secret-0123456789"


class Provider:
    """A minimal OpenID provider: what a district's Google or Microsoft tenant does for us."""

    def __init__(self) -> None:
        from joserfc.jwk import RSAKey

        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig"})
        self.email = "pat@west-fargo.k12.nd.us"
        self.nonce_override: str | None = None
        self.requests: list[dict[str, str]] = []  # the authorization requests seen
        self.codes: dict[str, dict[str, str]] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        op = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, body: Any = None, headers: dict[str, str] | None = None):
                data = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                for k, v in (headers or {"content-type": "application/json"}).items():
                    self.send_header(k, v)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                if url.path == "/.well-known/openid-configuration":
                    self._send(200, op.discovery())
                elif url.path == "/jwks":
                    self._send(200, {"keys": [op.key.as_dict(private=False)]})
                elif url.path == "/authorize":
                    q = {k: v[0] for k, v in parse_qs(url.query).items()}
                    status, location = op.authorize(q)
                    self._send(status, None, {"location": location})
                else:
                    self._send(404, {"error": "not_found"})

            def do_POST(self) -> None:
                n = int(self.headers.get("content-length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(n).decode()).items()}
                status, body = op.token(form, self.headers.get("authorization", ""))
                self._send(status, body)

        return Handler

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    def authorize(self, q: dict[str, str]) -> tuple[int, str]:
        """The user agrees at once: back to the client with a code (and the state)."""
        self.requests.append(q)
        assert q["response_type"] == "code" and q["client_id"] == CLIENT_ID
        assert "openid" in q["scope"].split()
        code = secrets.token_urlsafe(16)
        self.codes[code] = q
        return 302, f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q['state']})}"

    def token(self, form: dict[str, str], authorization: str) -> tuple[int, dict[str, Any]]:
        from joserfc import jwt

        want = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if authorization != f"Basic {want}":
            return 401, {"error": "invalid_client"}
        req = self.codes.pop(form.get("code", ""), None)
        if req is None or form.get("redirect_uri") != req["redirect_uri"]:
            return 400, {"error": "invalid_grant"}
        # PKCE (RFC 7636, S256): the verifier must hash to the challenge sent before.
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != req["code_challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": "user-1",
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": self.nonce_override or req["nonce"],
            "email": self.email,
            "email_verified": True,
        }
        id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, self.key)
        return 200, {"access_token": "at-1", "token_type": "Bearer", "id_token": id_token}


@pytest.fixture
def provider() -> Iterator[Provider]:
    op = Provider()
    op.thread.start()
    try:
        yield op
    finally:
        op.server.shutdown()
        op.server.server_close()


def _web(tmp_path: Any, sqlite_url: str, op: Provider, **auth: Any) -> Web:
    web = build_web(tmp_path, sqlite_url)
    config = dataclasses.replace(web.world.config, auth=Auth(oidc_issuer=op.issuer, **auth))
    from crawler.web.app import create_app

    web.app = create_app(
        config, secret_key="test-secret-key", oidc_client=(CLIENT_ID, CLIENT_SECRET)
    )
    return web


def _sign_in(client: Any, nxt: str = "/cases") -> tuple[Any, str]:
    """Start the flow, let the provider answer, return the callback's response and URL."""
    start = client.get(f"/login/oidc?next={nxt}")
    assert start.status_code == 303
    back = httpx.get(start.headers["location"], follow_redirects=False)
    assert back.status_code == 302
    callback = urlsplit(back.headers["location"])
    assert callback.path == "/login/oidc/callback"
    return client.get(f"{callback.path}?{callback.query}"), f"{callback.path}?{callback.query}"


def _audit(web: Web) -> list[tuple[str, str, Any]]:
    from crawler.db.users import audit_entries

    with web.world.session() as s:
        return [(e.action, e.actor, e.after) for e in audit_entries(s)]


def test_code_flow_with_pkce_signs_in_a_district_address(tmp_path, sqlite_url, provider):
    web = _web(tmp_path, sqlite_url, provider, default_role="reviewer")
    client = web.client()
    assert "Sign in with your district account" in client.get("/login").text
    r, _ = _sign_in(client)
    assert r.status_code == 303 and r.headers["location"] == "/cases"
    cookie = r.headers["set-cookie"]
    assert "scout_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    req = provider.requests[-1]
    assert req["code_challenge_method"] == "S256" and len(req["code_challenge"]) == 43
    assert req["state"] and req["nonce"] and req["state"] != req["nonce"]
    page = client.get("/")
    assert page.status_code == 200 and "pat@west-fargo.k12.nd.us (reviewer)" in page.text
    from crawler.db.users import find_user

    with web.world.session() as s:
        user = find_user(s, "pat@west-fargo.k12.nd.us")
        assert user is not None and user.role == "reviewer"
    log = _audit(web)
    assert ("login", "pat@west-fargo.k12.nd.us", {"role": "reviewer", "via": "oidc"}) in log
    # Signing in again finds the same user (not a second one), with a new session.
    again = web.client()
    r2, _ = _sign_in(again)
    assert r2.status_code == 303
    assert r2.headers["set-cookie"].split(";")[0] != cookie.split(";")[0]


def test_wrong_domain_is_refused(tmp_path, sqlite_url, provider):
    web = _web(tmp_path, sqlite_url, provider)
    provider.email = "eve@gmail.com"
    client = web.client()
    r, _ = _sign_in(client)
    assert r.status_code == 403 and "not an address of west-fargo.k12.nd.us" in r.text
    assert "scout_session=" not in r.headers.get("set-cookie", "")
    assert client.get("/").status_code == 303  # still not signed in
    from crawler.db.users import find_user

    with web.world.session() as s:
        assert find_user(s, "eve@gmail.com") is None
    assert any(a == "login-failed" and "gmail.com" in str(after) for a, _, after in _audit(web))


def test_allowed_domains_setting_replaces_the_districts(tmp_path, sqlite_url, provider):
    web = _web(tmp_path, sqlite_url, provider, allowed_domains=("example.org",))
    provider.email = "pat@staff.example.org"  # a subdomain of an allowed domain
    r, _ = _sign_in(web.client())
    assert r.status_code == 303
    provider.email = "pat@west-fargo.k12.nd.us"  # the district's, but not in the list
    r, _ = _sign_in(web.client())
    assert r.status_code == 403


def test_state_is_checked(tmp_path, sqlite_url, provider):
    web = _web(tmp_path, sqlite_url, provider)
    client = web.client()
    start = client.get("/login/oidc")
    back = urlsplit(httpx.get(start.headers["location"]).headers["location"])
    q = parse_qs(back.query)
    forged = f"{back.path}?{urlencode({'code': q['code'][0], 'state': 'forged'})}"
    assert client.get(forged).status_code == 403
    # The right state but from another browser (no flow cookie): refused too.
    assert web.client().get(f"{back.path}?{back.query}").status_code == 403
    assert client.get("/").status_code == 303


def test_nonce_is_checked(tmp_path, sqlite_url, provider):
    web = _web(tmp_path, sqlite_url, provider)
    provider.nonce_override = "a-replayed-token"
    client = web.client()
    r, _ = _sign_in(client)
    assert r.status_code == 403 and "did not verify" in r.text
    assert client.get("/").status_code == 303


def test_a_code_is_used_once(tmp_path, sqlite_url, provider):
    web = _web(tmp_path, sqlite_url, provider)
    client = web.client()
    r, callback = _sign_in(client)
    assert r.status_code == 303
    replay = web.client()
    replay.cookies.update(client.cookies)
    assert replay.get(callback).status_code == 403  # the provider refuses the spent code


def test_auth_settings(tmp_path):
    toml = tmp_path / "scout.toml"
    toml.write_text(
        "[auth]\n"
        'trusted_header = "X-Remote-User"\n'
        'trusted_proxies = ["10.0.0.0/8"]\n'
        'oidc_issuer = "https://accounts.google.com"\n'
        'allowed_domains = ["WEST-FARGO.k12.nd.us"]\n'
        'default_role = "reviewer"\n'
    )
    auth = load_config(toml, env={}).auth
    assert auth == Auth(
        trusted_header="X-Remote-User",
        trusted_proxies=("10.0.0.0/8",),
        oidc_issuer="https://accounts.google.com",
        allowed_domains=("west-fargo.k12.nd.us",),
        default_role="reviewer",
    )
    env = {
        "SCOUT_TRUSTED_HEADER": "X-User",
        "SCOUT_TRUSTED_PROXIES": "127.0.0.1, ::1",
        "SCOUT_OIDC_ISSUER": "https://login.microsoftonline.com/t/v2.0",
        "SCOUT_OIDC_DEFAULT_ROLE": "viewer",
    }
    auth = load_config(toml, env=env).auth
    assert auth.trusted_header == "X-User" and auth.trusted_proxies == ("127.0.0.1", "::1")
    assert auth.oidc_issuer.startswith("https://login.microsoftonline.com")
    assert auth.default_role == "viewer"
    assert load_config(None, env={}).auth == Auth()
    for bad, field in [
        ('oidc_issuer = "http://accounts.example.com"', "auth.oidc_issuer"),
        ('default_role = "root"', "auth.default_role"),
        ('trusted_proxies = ["not a network"]', "auth.trusted_proxies"),
        ('allowed_domains = ["@"]', "auth.allowed_domains"),
        ('client_secret = "x"', "auth.client_secret"),
    ]:
        toml.write_text(f"[auth]\n{bad}\n")
        with pytest.raises(InputError) as exc:
            load_config(toml, env={})
        assert exc.value.field == field and exc.value.line == 2


def test_oidc_needs_the_client_credentials(tmp_path, sqlite_url, provider, monkeypatch):
    from crawler.web.app import create_app

    web = build_web(tmp_path, sqlite_url)
    config = dataclasses.replace(web.world.config, auth=Auth(oidc_issuer=provider.issuer))
    monkeypatch.delenv("SCOUT_OIDC_CLIENT_ID", raising=False)
    monkeypatch.delenv("SCOUT_OIDC_CLIENT_SECRET", raising=False)
    with pytest.raises(InputError):
        create_app(config, secret_key="k")
    monkeypatch.setenv("SCOUT_OIDC_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("SCOUT_OIDC_CLIENT_SECRET", CLIENT_SECRET)
    app = create_app(config, secret_key="k")
    assert app.state.settings.oidc.client_id == CLIENT_ID
