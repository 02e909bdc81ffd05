"""Sign-in, sessions, roles, CSRF and headers (README, "The review web app")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from crawler.db.models import Case, utcnow
from crawler.db.web import AuditEntry, WebSession
from tests.web.conftest import PASSWORD, build_web, csrf_of, sign_in

PAGES = ["/", "/cases", "/cases?status=open", "/search", "/registry", "/scans", "/audit"]


def test_healthz_needs_no_sign_in(web):
    r = web.client().get("/healthz")
    assert r.status_code == 200 and r.text == "ok"


@pytest.mark.parametrize("path", PAGES)
def test_pages_redirect_to_login(web, path):
    r = web.client().get(path)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize("path", ["/api/cases", "/api/cases/1"])
def test_api_answers_401(web, path):
    r = web.client().get(path)
    assert r.status_code == 401
    assert r.json() == {"error": "not signed in"}


def test_sign_in_sets_a_safe_cookie_and_rotates_it(web):
    c = web.client()
    r = sign_in(c, "ann", nxt="/registry")
    assert r.status_code == 303 and r.headers["location"] == "/registry"
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("scout_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    first = c.cookies.get("scout_session")
    assert c.get("/").status_code == 200
    # Signing in again rotates the session: a new cookie, and the old one no longer works.
    sign_in(c, "ann")
    second = c.cookies.get("scout_session")
    assert second != first
    stale = web.client(cookies={"scout_session": first})
    assert stale.get("/").status_code == 303


def test_cookie_is_secure_over_https(web):
    c = web.client(base_url="https://testserver")
    r = sign_in(c, "ann")
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("scout_session="))
    assert "Secure" in cookie and "HttpOnly" in cookie
    assert "max-age=" in c.get("/").headers["strict-transport-security"]


def test_forged_cookie_is_ignored(web):
    c = web.client(cookies={"scout_session": "abc.def.ghi"})
    assert c.get("/").status_code == 303


def test_wrong_password_is_refused_and_logged(web):
    c = web.client()
    r = sign_in(c, "ann", "wrong password!")
    assert r.status_code == 401 and "Wrong user name or password" in r.text
    r = sign_in(c, "nobody", "wrong password!")
    assert r.status_code == 401
    with web.world.session() as s:
        actions = [(e.actor, e.action) for e in s.scalars(select(AuditEntry))]
    assert ("ann", "login-failed") in actions and ("nobody", "login-failed") in actions


def test_failed_sign_ins_are_slowed_per_user_and_address(web):
    c = web.client()
    for _ in range(4):
        assert sign_in(c, "rita", "wrong password!").status_code == 401
    # Now even the right password waits: no password is checked during the wait.
    r = sign_in(c, "rita", PASSWORD)
    assert r.status_code == 429 and "Try again in" in r.text
    # The same address trying another name waits too.
    assert sign_in(c, "vic", PASSWORD).status_code == 429
    with web.world.session() as s:
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == "login-throttled")).first()


def test_login_form_needs_its_csrf_token(web):
    c = web.client()
    c.get("/login")
    r = c.post("/login", data={"username": "ann", "password": PASSWORD, "csrf_token": "x"})
    assert r.status_code == 403
    r = web.client().post("/login", data={"username": "ann", "password": PASSWORD})
    assert r.status_code == 403


@pytest.mark.parametrize("nxt", ["//evil.example/", "https://evil.example/", "/\\evil"])
def test_no_open_redirect_after_sign_in(web, nxt):
    r = sign_in(web.client(), "ann", nxt=nxt)
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_logout_needs_csrf_and_ends_the_session(web):
    c = web.login("ann")
    assert c.post("/logout", data={}).status_code == 403
    assert c.post("/logout", data={"csrf_token": "wrong"}).status_code == 403
    old = c.cookies.get("scout_session")
    r = c.post("/logout", data={"csrf_token": csrf_of(c.get("/").text)})
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert web.client(cookies={"scout_session": old}).get("/").status_code == 303


def test_idle_and_absolute_expiry(web):
    c = web.login("ann")
    assert c.get("/").status_code == 200
    with web.world.session() as s:
        s.execute(update(WebSession).values(seen_at=utcnow() - timedelta(minutes=31)))
    assert c.get("/").status_code == 303
    c = web.login("ann")
    with web.world.session() as s:
        s.execute(update(WebSession).values(created_at=utcnow() - timedelta(hours=13)))
    assert c.get("/").status_code == 303


def test_removed_user_is_signed_out(web):
    from crawler.db.users import remove_user

    c = web.login("vic")
    assert c.get("/").status_code == 200
    with web.world.session() as s:
        remove_user(s, "vic")
    assert c.get("/").status_code == 303


def test_roles(web, admin, reviewer, viewer):
    assert viewer.get("/audit").status_code == 403
    assert reviewer.get("/audit").status_code == 403
    assert admin.get("/audit").status_code == 200
    for c in (admin, reviewer, viewer):
        for path in PAGES[:-1]:
            assert c.get(path).status_code == 200, path


def test_viewer_cannot_decide_and_nothing_changes(web, viewer):
    number = web.numbers[0]
    page = viewer.get(f"/cases/{number}").text
    assert 'action="/cases/' + number + '/decision"' not in page
    token = csrf_of(page)  # the sign-out form's token
    r = viewer.post(
        f"/cases/{number}/decision",
        data={"decision": "not-district", "note": "x", "csrf_token": token},
    )
    assert r.status_code == 403
    with web.world.session() as s:
        assert s.scalars(select(Case.status).where(Case.number == number)).one() == "open"


@pytest.mark.parametrize("token", [None, "", "wrong-token"])
def test_post_without_valid_csrf_is_403_and_changes_nothing(web, reviewer, token):
    number = web.numbers[0]
    data = {"decision": "not-district", "note": "forged"}
    if token is not None:
        data["csrf_token"] = token
    for action in ("decision", "note", "assign", "undo", "takedown"):
        r = reviewer.post(f"/cases/{number}/{action}", data=data)
        assert r.status_code == 403, action
    with web.world.session() as s:
        case = s.scalars(select(Case).where(Case.number == number)).one()
        assert case.status == "open"
        assert [e.action for e in case.events] == ["opened"]


def test_security_headers(web, admin):
    for path in ("/login", "/", f"/cases/{web.numbers[0]}", "/official"):
        r = (admin if path != "/login" else web.client()).get(path)
        csp = r.headers["content-security-policy"]
        assert "unsafe-inline" not in csp and "script-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"
    assert admin.get("/").headers["cache-control"] == "no-store"


def test_root_path(tmp_path, sqlite_url):
    """Behind a proxy under /scout (``--root-path /scout``; uvicorn puts the root path in
    front of the path): links, redirects, cookies and the API's 401 all keep the prefix."""
    web = build_web(tmp_path, sqlite_url)
    c = web.client(root_path="/scout", base_url="http://testserver/scout")
    r = c.get("/cases?status=open")
    assert r.status_code == 303
    assert r.headers["location"] == "/scout/login?next=%2Fcases%3Fstatus%3Dopen"
    assert c.get("/api/cases").status_code == 401
    page = c.get("/login?next=%2Fcases%3Fstatus%3Dopen").text
    assert 'action="/scout/login"' in page and 'href="/scout/static/report.css"' in page
    token = csrf_of(page.split('/login" class="stack"', 1)[1])
    data = {"username": "ann", "password": PASSWORD, "csrf_token": token}
    r = c.post("/login", data=data | {"next": "/cases?status=open"})
    assert r.status_code == 303 and r.headers["location"] == "/scout/cases?status=open"
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("scout_session="))
    assert "Path=/scout/" in cookie
    page = c.get(f"/cases/{web.numbers[0]}").text
    assert f'action="/scout/cases/{web.numbers[0]}/decision"' in page
    assert 'href="/scout/" aria-current="page"' in page
