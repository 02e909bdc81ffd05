"""Search with progress, the registry, scans, the public page, the audit log and `scout users`."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

from sqlalchemy import select
from typer.testing import CliRunner

from crawler.cli import app as cli_app
from crawler.db.web import AuditEntry
from crawler.sample import REGISTRY
from tests.web.conftest import PASSWORD, csrf_of

runner = CliRunner()


def wait_done(client, job_url):
    for _ in range(100):
        state = client.get(job_url + ".json").json()
        if state["done"]:
            return state
        time.sleep(0.05)
    raise AssertionError("the search did not finish")


def test_search_runs_in_the_background_with_progress(web, reviewer, viewer):
    assert "Search" in viewer.get("/search").text
    assert viewer.get("/search?q=Liberty").status_code == 403
    r = reviewer.get("/search?q=Liberty Middle School")
    assert r.status_code == 303
    job_url = r.headers["location"]
    assert job_url.startswith("/search/jobs/")
    page = reviewer.get(job_url).text
    assert 'role="status" aria-live="polite"' in page
    assert "http-equiv" not in page.lower()  # no automatic refresh (WCAG 2.2.1)
    state = wait_done(reviewer, job_url)
    assert state["results"] == 1 and "Done" in state["message"]
    page = reviewer.get(job_url).text
    assert "libertyms.bsky.social" in page and "Check progress" not in page
    # Someone else's job is not visible.
    assert web.login("ann").get(job_url).status_code == 404
    with web.world.session() as s:
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == "search")).one().target == (
            "Liberty Middle School"
        )


def test_search_progress_page_works_without_scripts(tmp_path):
    import threading

    from tests.web.conftest import build_web

    gate = threading.Event()

    def slow(config, name, progress):
        progress({"event": "source", "source": "youtube", "requests": 2, "accounts": 0})
        gate.wait(10)
        return []

    slow_web = build_web(tmp_path, f"sqlite:///{tmp_path}/slow.sqlite3", search_runner=slow)
    c = slow_web.login("rita")
    job_url = c.get("/search?q=Horace").headers["location"]
    for _ in range(100):
        page = c.get(job_url).text
        if "Searching youtube" in page:
            break
        time.sleep(0.05)
    assert "Searching youtube, 2 requests, 0 accounts found so far." in page
    assert f'<form method="get" action="{job_url}" id="check-progress">' in page
    assert "data-poll=" in page
    gate.set()
    wait_done(c, job_url)
    assert "No accounts found." in c.get(job_url).text


def test_registry_browse_filter_export(web, viewer):
    page = viewer.get("/registry").text
    assert "registered accounts" in page and "Import a registry" not in page
    only = viewer.get("/registry?platform=youtube").text
    assert "youtube.com" in only and "instagram.com/" not in only.split("<tbody>")[1]
    csv_text = viewer.get("/registry/export.csv").text
    out = runner.invoke(cli_app, ["--database-url", web.world.url, "registry", "export"])
    assert csv_text == out.stdout


def _import(client, content: bytes, name: str = "registry.csv"):
    token = csrf_of(client.get("/registry").text)
    return client.post(
        "/registry/import",
        data={"csrf_token": token},
        files={"registry": (name, content, "text/csv")},
    )


def test_registry_import_bad_line_changes_nothing(web, admin, reviewer):
    before = admin.get("/registry/export.csv").text
    lines = REGISTRY.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace("active", "sleeping")
    r = _import(admin, ("\n".join(lines) + "\n").encode())
    assert r.status_code == 400
    assert "registry.csv line 4" in r.text and "nothing changed" in r.text
    assert admin.get("/registry/export.csv").text == before
    assert _import(admin, b"\xff\xfe bad").status_code == 400
    assert _import(reviewer, REGISTRY.read_bytes()).status_code == 403
    with web.world.session() as s:
        refused = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "registry-import-refused")
        ).all()
        assert len(refused) == 2


def test_registry_import_replaces_the_registry(web, admin):
    lines = REGISTRY.read_text(encoding="utf-8").splitlines()
    kept = [lines[0], *lines[1:-1]]  # one row fewer
    r = _import(admin, ("\n".join(kept) + "\n").encode())
    assert r.status_code == 303 and r.headers["location"] == "/registry?done=imported"
    assert "Registry imported." in admin.get(r.headers["location"]).text
    with web.world.session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "registry-import")).one()
        assert entry.after["rows"] == entry.before["rows"] - 1 and entry.after["removed"]


def test_scans_page(web, viewer):
    page = viewer.get("/scans").text
    for text in ("Sources", "Coverage gaps", "API quotas", "History", "web_search"):
        assert text in page, text
    assert viewer.get("/scans?scan=999").status_code == 404
    assert viewer.get("/scans?scan=x").status_code == 400


def test_official_page_is_public_and_cacheable(web):
    r = web.client().get("/official")
    assert r.status_code == 200
    assert r.headers["cache-control"] == "public, max-age=300"
    assert "Official social media accounts" in r.text and '<html lang="en">' in r.text
    assert "@" in r.text and "administrator" not in r.text.lower()
    assert "k12.nd.us</a>" in r.text or "k12.nd.us" in r.text
    for line in REGISTRY.read_text(encoding="utf-8").splitlines()[1:]:
        email = line.split(",")[5]
        if "@" in email:
            assert email not in r.text


def test_audit_page_and_cli(web, admin):
    from tests.web.conftest import sign_in

    sign_in(web.client(), "vic", "wrong password!")
    page = admin.get("/audit").text
    assert "login-failed" in page and "vic" in page and "testclient" in page
    out = runner.invoke(cli_app, ["--database-url", web.world.url, "audit", "--json"])
    assert out.exit_code == 0
    data = json.loads(out.stdout)
    keys = {"at", "actor", "address", "action", "target", "district", "before", "after"}
    assert keys == set(data[0])
    assert ("vic", "login-failed") in {(e["actor"], e["action"]) for e in data}
    assert ("ann", "login") in {(e["actor"], e["action"]) for e in data}


def test_users_cli(sqlite_url):
    def scout(*args, input=None):
        return runner.invoke(cli_app, ["--database-url", sqlite_url, *args], input=input)

    r = scout("users", "add", "Pat", "--role", "reviewer", input=PASSWORD + "\n")
    assert r.exit_code == 0 and "added pat (reviewer)" in r.stdout
    assert scout("users", "add", "pat", "--role", "admin", input=PASSWORD + "\n").exit_code == 1
    assert scout("users", "add", "kim", "--role", "boss", input=PASSWORD + "\n").exit_code == 1
    r = scout("users", "add", "kim", "--role", "viewer", input="short\n")
    assert r.exit_code == 1 and "at least" in r.stderr
    data = json.loads(scout("users", "list", "--json").stdout)
    assert [(u["name"], u["role"]) for u in data] == [("pat", "reviewer")]
    assert set(data[0]) == {"name", "role", "districts", "created_at", "last_login_at"}
    assert data[0]["districts"] == []  # every district
    from crawler.db import transaction
    from crawler.db.users import find_user

    with transaction(sqlite_url) as s:
        stored = find_user(s, "pat").password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert scout("users", "remove", "pat").exit_code == 0
    assert scout("users", "remove", "pat").exit_code == 1
    assert json.loads(scout("users", "list", "--json").stdout) == []


def test_serve_refuses_several_workers_without_a_key(sqlite_url, monkeypatch):
    monkeypatch.delenv("SCOUT_SECRET_KEY", raising=False)
    r = runner.invoke(cli_app, ["--database-url", sqlite_url, "serve", "--workers", "2"])
    assert r.exit_code == 1 and "SCOUT_SECRET_KEY" in r.stderr


def test_help_stays_light():
    import subprocess
    import sys

    code = (
        "import sys, crawler.cli; "
        "print(','.join(m for m in ('starlette', 'uvicorn', 'argon2', 'sqlalchemy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_admin_starts_a_scan(tmp_path):
    from tests.web.conftest import build_web

    calls = []

    def fake_scan(config, name, progress):
        calls.append(name)
        progress({"event": "stage", "stage": "matching"})
        return [{"scan_id": 7, "resumed": False, "cases": {"opened": ["X"]}, "notes": ["n"]}]

    web = build_web(tmp_path, f"sqlite:///{tmp_path}/s.sqlite3", scan_runner=fake_scan)
    reviewer, admin = web.login("rita"), web.login("ann")
    token = csrf_of(reviewer.get("/scans").text)
    assert "Start a scan now" not in reviewer.get("/scans").text
    assert reviewer.post("/scans/start", data={"csrf_token": token}).status_code == 403
    assert admin.post("/scans/start", data={}).status_code == 403  # no CSRF token
    page = admin.get("/scans").text
    assert "Start a scan now" in page
    r = admin.post("/scans/start", data={"csrf_token": csrf_of(page)})
    assert r.status_code == 303 and r.headers["location"].startswith("/scans/jobs/")
    state = wait_done(admin, r.headers["location"])
    assert state["message"] == "Done: scan #7 finished, 1 new cases." and calls == ["scan"]
    assert 'href="/scans?scan=7"' in admin.get(r.headers["location"]).text
    assert reviewer.get(r.headers["location"]).status_code == 403
    with web.world.session() as s:
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == "scan-start")).one()


def test_a_second_scan_waits_for_the_lock(tmp_path):
    """The real scan runner: with the scan lock held elsewhere, the job ends with that error."""
    from crawler.db import session_factory
    from crawler.db.locking import DbLock
    from tests.web.conftest import build_web

    web = build_web(tmp_path, f"sqlite:///{tmp_path}/l.sqlite3", scan_runner=None)
    admin = web.login("ann")
    with DbLock(session_factory(web.world.url), "scan"):
        r = admin.post("/scans/start", data={"csrf_token": csrf_of(admin.get("/scans").text)})
        state = wait_done(admin, r.headers["location"])
    assert state["error"] and "LockBusy" in state["error"]
    assert "The scan failed." in admin.get(r.headers["location"]).text


def test_scout_serve_answers_healthz(tmp_path):
    """`scout serve` itself: uvicorn with the app factory, on a free port."""
    import os
    import socket
    import subprocess
    import sys

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "SCOUT_SECRET_KEY": "k" * 32}
    env.pop("SCOUT_CONFIG", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from crawler.cli import main; main()",
            "--database-url",
            f"sqlite:///{tmp_path}/w.sqlite3",
            "serve",
            "--port",
            str(port),
            "--root-path",
            "/scout",
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert r.status == 200 and r.read() == b"ok"
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("scout serve did not answer")
        req = urllib.request.Request(f"http://127.0.0.1:{port}/cases")
        opener = urllib.request.build_opener(NoRedirect())
        try:
            opener.open(req, timeout=5)
        except urllib.error.HTTPError as exc:
            assert exc.code == 303 and exc.headers["location"].startswith("/scout/login")
    finally:
        proc.terminate()
        proc.wait(10)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_open_cases_from_a_search(tmp_path):
    from tests.web.conftest import build_web, fake_search

    calls = []

    def runner(config, name, progress, **kw):
        calls.append((name, kw))
        return fake_search(config, name, progress)

    web = build_web(tmp_path, f"sqlite:///{tmp_path}/o.sqlite3", search_runner=runner)
    c = web.login("rita")
    job = c.get("/search?q=Liberty").headers["location"]
    wait_done(c, job)
    page = c.get(job).text
    assert "Open cases from these" in page
    form_action = f"{job}/open-cases"
    assert c.post(form_action, data={}).status_code == 403  # CSRF
    r = c.post(form_action, data={"csrf_token": csrf_of(page)})
    assert r.status_code == 303 and r.headers["location"] != job
    state = wait_done(c, r.headers["location"])
    assert "Cases were opened or updated" in state["message"] and state["open_cases"]
    assert calls == [("Liberty", {}), ("Liberty", {"open_cases": True})]
    assert "Open cases from these" not in c.get(r.headers["location"]).text


def test_admin_edits_one_registry_row(web, admin, reviewer):
    page = admin.get("/registry").text
    link = page.split('href="/registry/edit?', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert reviewer.get("/registry/edit?" + link).status_code == 403
    form = admin.get("/registry/edit?" + link).text
    token = csrf_of(form)
    platform = form.split('name="platform" value="', 1)[1].split('"', 1)[0]
    url = form.split('name="url" value="', 1)[1].split('"', 1)[0]
    base = {
        "csrf_token": token,
        "platform": platform,
        "url": url,
        "entity": form.split('name="entity">', 1)[1]
        .split("selected", 1)[0]
        .rsplit('value="', 1)[1]
        .split('"')[0],
        "status": "active",
        "payments": "none",
    }
    before = admin.get("/registry/export.csv").text
    r = admin.post("/registry/edit", data={**base, "registered_on": "yesterday"})
    assert r.status_code == 400 and "Not saved" in r.text and "registered_on" in r.text
    r = admin.post("/registry/edit", data={**base, "entity": "no-such-entity"})
    assert r.status_code == 400
    assert admin.get("/registry/export.csv").text == before
    assert reviewer.post("/registry/edit", data={**base, "administrator": "X"}).status_code == 403
    r = admin.post(
        "/registry/edit", data={**base, "administrator": "Dana Diaz", "notes": "handed over"}
    )
    assert r.status_code == 303 and r.headers["location"] == "/registry?done=edited"
    after = admin.get("/registry/export.csv").text
    changed = [line for line in after.splitlines() if line not in before.splitlines()]
    assert len(changed) == 1 and "Dana Diaz" in changed[0] and url in changed[0]
    with web.world.session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "registry-edit")).one()
        assert entry.after["administrator"] == "Dana Diaz" and entry.before["url"] == url


def test_a_link_from_another_site_does_not_start_a_search(web, reviewer):
    r = reviewer.get("/search?q=Liberty", headers={"sec-fetch-site": "cross-site"})
    assert r.status_code == 200 and 'value="Liberty"' in r.text
    assert web.world and not web.app.state.settings.jobs.jobs
    assert (
        reviewer.get("/search?q=Liberty", headers={"sec-fetch-site": "same-origin"}).status_code
        == 303
    )
