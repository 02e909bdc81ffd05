"""Behind a reverse proxy: forwarded headers from trusted proxies only, and sign-in by a
trusted proxy's user header (ignored from any other address)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from crawler.db.web import AuditEntry
from crawler.errors import InputError
from crawler.web.app import create_app
from tests.web.conftest import PASSWORD, build_web, csrf_of, sign_in


def _app(web, **kw):
    return create_app(web.world.config, secret_key="k" * 32, **kw)


def test_forwarded_headers_only_from_trusted_proxies(tmp_path, sqlite_url):
    web = build_web(tmp_path, sqlite_url)
    app = _app(web, forwarded_allow_ips="10.0.0.1")
    headers = {"x-forwarded-for": "203.0.113.9", "x-forwarded-proto": "https"}
    via_proxy = TestClient(app, client=("10.0.0.1", 4000), follow_redirects=False)
    # HTTPS at the proxy: Secure cookies; the audit log gets the client's address.
    login = via_proxy.get("/login", headers=headers)
    login_cookie = next(h for h in login.headers.get_list("set-cookie"))
    assert login_cookie.startswith("scout_login=") and "Secure" in login_cookie
    token = csrf_of(login.text.split('/login" class="stack"', 1)[1])
    r = via_proxy.post(
        "/login",
        data={"username": "ann", "password": PASSWORD, "csrf_token": token},
        headers=headers | {"cookie": login_cookie.split(";", 1)[0]},
    )
    assert r.status_code == 303
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("scout_session="))
    assert "Secure" in cookie
    direct = TestClient(app, client=("198.51.100.7", 4000), follow_redirects=False)
    sign_in(direct, "vic", "wrong password!")  # the same headers from elsewhere: not believed
    with web.world.session() as s:
        seen = {(e.actor, e.address) for e in s.scalars(select(AuditEntry))}
    assert ("ann", "203.0.113.9") in seen and ("vic", "198.51.100.7") in seen


def test_trusted_header_signs_in_from_trusted_proxies_only(tmp_path, sqlite_url):
    web = build_web(tmp_path, sqlite_url)
    app = _app(web, trusted_header="X-Remote-User", trusted_proxies=("10.0.0.0/24",))
    proxy = TestClient(app, client=("10.0.0.5", 4000), follow_redirects=False)
    page = proxy.get("/", headers={"x-remote-user": "rita"})
    assert page.status_code == 200 and "Signed in as rita (reviewer)" in page.text
    # The session it started carries the CSRF token of the forms.
    number = web.numbers[0]
    form = proxy.get(f"/cases/{number}", headers={"x-remote-user": "rita"}).text
    r = proxy.post(
        f"/cases/{number}/note",
        data={"note": "via proxy", "csrf_token": csrf_of(form)},
        headers={"x-remote-user": "rita"},
    )
    assert r.status_code == 303
    # Unknown users and other addresses: not signed in.
    fresh = TestClient(app, client=("10.0.0.5", 4000), follow_redirects=False)
    assert fresh.get("/", headers={"x-remote-user": "nobody"}).status_code == 303
    outsider = TestClient(app, client=("192.0.2.1", 4000), follow_redirects=False)
    assert outsider.get("/", headers={"x-remote-user": "ann"}).status_code == 303
    assert outsider.get("/api/cases", headers={"x-remote-user": "ann"}).status_code == 401
    # Without the setting the header means nothing, from anywhere.
    plain = TestClient(_app(web), client=("10.0.0.5", 4000), follow_redirects=False)
    assert plain.get("/", headers={"x-remote-user": "ann"}).status_code == 303


def test_bad_trusted_proxy_is_refused(tmp_path, sqlite_url):
    web = build_web(tmp_path, sqlite_url)
    with pytest.raises(InputError, match="not an address"):
        _app(web, trusted_header="X-Remote-User", trusted_proxies=("10.0.0.0/99",))
