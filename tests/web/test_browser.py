"""The web app in headless Chromium (the system package, through Playwright): sign in, triage
cases from the keyboard and with the forms, watch a search's progress, import a registry with
a bad line, sign out. Screenshots of the queue and a case page are kept (``SCOUT_TEST_ARTIFACTS``
or the test's temporary folder)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.db.models import Case
from crawler.sample import REGISTRY
from tests.web.conftest import PASSWORD, build_web, fake_search

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no system Chromium"),
]


def _serve(app):  # type: ignore[no-untyped-def]
    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def _status(web, number):
    with web.world.session() as s:
        return s.scalars(select(Case.status).where(Case.number == number)).one()


def test_triage_search_import_in_chromium(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    def slow_search(config, name, progress):
        for i in range(3):
            progress({"event": "source", "source": "bluesky", "requests": i + 1, "accounts": i})
            time.sleep(0.8)
        return fake_search(config, name, progress)

    web = build_web(tmp_path, f"sqlite:///{tmp_path}/b.sqlite3", search_runner=slow_search)
    artefacts = Path(os.environ.get("SCOUT_TEST_ARTIFACTS") or tmp_path / "artefacts")
    artefacts.mkdir(parents=True, exist_ok=True)
    server, thread, base = _serve(web.app)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

            # Sign in from the keyboard.
            page.goto(base + "/")
            assert page.url.startswith(base + "/login")
            page.keyboard.press("Tab")  # the skip link comes first
            assert page.evaluate("document.activeElement.className") == "skip"
            page.fill("#username", "rita")
            page.fill("#password", PASSWORD)
            page.keyboard.press("Enter")
            page.wait_for_url(base + "/")
            page.screenshot(path=str(artefacts / "queue.png"), full_page=True)

            # Keyboard triage: j/k through the queue, Enter opens, a key picks the decision.
            page.keyboard.press("j")
            page.keyboard.press("j")
            page.keyboard.press("k")
            first = page.evaluate("document.activeElement.textContent")
            assert first in web.numbers
            page.keyboard.press("Enter")
            page.wait_for_url(f"{base}/cases/{first}")
            page.screenshot(path=str(artefacts / "case.png"), full_page=True)
            page.keyboard.press("x")  # not the district
            assert page.evaluate("document.activeElement.id") == "note"
            page.keyboard.type("a fan page, keyboard only")
            for _ in range(3):  # the two optional sections, then the button
                page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.textContent") == "Record the decision"
            page.keyboard.press("Enter")
            page.wait_for_url(f"{base}/cases/{first}?done=decided")
            expect(page.locator(".flash")).to_have_text("Decision recorded.")
            assert _status(web, first) == "dismissed-not-district"

            # The second and third with the forms.
            others = [n for n in web.numbers if n != first]
            page.goto(f"{base}/cases/{others[0]}")
            page.select_option("#decision", "notified")
            page.fill("#note", "told the coach")
            page.click("text=Record the decision")
            page.wait_for_url(f"{base}/cases/{others[0]}?done=decided")
            page.goto(f"{base}/cases/{others[1]}")
            page.keyboard.press("n")
            page.keyboard.press("Tab")
            page.keyboard.press("Tab")
            page.keyboard.press("Tab")
            page.keyboard.press("Enter")
            page.wait_for_url(f"{base}/cases/{others[1]}?done=decided")
            assert [_status(web, n) for n in others] == ["notified", "notified"]

            # A search: progress in the live region, then the results without a reload by hand.
            page.goto(base + "/search")
            page.fill("#q", "Liberty Middle School")
            page.keyboard.press("Enter")
            live = page.locator("#progress-text")
            expect(live).to_have_attribute("aria-live", "polite")
            expect(page.locator("#check-progress")).to_be_hidden()  # scripts poll instead
            expect(live).to_contain_text("Searching bluesky", timeout=10000)
            expect(page.locator("text=libertyms.bsky.social")).to_be_visible(timeout=15000)

            # An admin imports a registry with a bad line and sees the error.
            page.click("text=Sign out")
            page.wait_for_url(base + "/login")
            page.fill("#username", "ann")
            page.fill("#password", PASSWORD)
            page.click("button:has-text('Sign in')")
            page.wait_for_url(base + "/")
            page.goto(base + "/registry")
            bad = tmp_path / "bad.csv"
            lines = REGISTRY.read_text(encoding="utf-8").splitlines()
            lines[2] = lines[2].replace("active", "sleeping")
            bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
            page.set_input_files("#registry-file", str(bad))
            page.click("button:has-text('Import')")
            expect(page.locator("#import-errors")).to_contain_text("bad.csv line 3")

            page.click("text=Sign out")
            page.wait_for_url(base + "/login")
            # No script errors and no Content-Security-Policy violations (the one failed load
            # is the refused import's 400 page).
            assert [e for e in errors if "status of 400" not in e] == [], errors
            browser.close()
    finally:
        server.should_exit = True
        thread.join(10)
    assert (artefacts / "queue.png").stat().st_size > 10000
    assert (artefacts / "case.png").stat().st_size > 10000
