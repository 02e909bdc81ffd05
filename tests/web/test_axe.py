"""axe-core (bundled by axe-playwright-python) in headless system Chromium on every kind of page:
the web app's queue, a case page, search, registry, scans, audit, sign-in and the public
official-accounts page, and the static reports (index, a case, the scan summary, the official
list). The WCAG 2.0 and 2.1 A and AA rules must find nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import HOOPS, PASSWORD, build_web, case_number
from tests.web.test_browser import CHROMIUM, _serve

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no system Chromium"),
]

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations", "incomplete"]}
RULES_RUN: set[int] = set()


def _violations(axe: Any, page: Any, where: str) -> list[str]:
    response = axe.run(page, options=OPTIONS).response
    assert response["testEngine"]["name"] == "axe-core" and len(response["passes"]) >= 5, where
    RULES_RUN.add(len(response["passes"]) + len(response["violations"]))
    found = response["violations"] + [
        # Colour contrast axe could not decide is left to a person: fail on it too, but for
        # text in SVG charts, whose colours test_contrast checks in the stylesheet.
        {**v, "nodes": nodes}
        for v in response.get("incomplete", [])
        if v["id"] == "color-contrast"
        and (nodes := [n for n in v["nodes"] if "svg > text" not in str(n["target"])])
    ]
    return [
        f"{where}: {v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(n["target"]) for n in v["nodes"][:5])
        for v in found
    ]


def _static_reports(web: Any, out: Path) -> list[tuple[str, Path]]:
    from reports.write import write_reports

    with web.world.session() as s:
        paths = write_reports(s, None, out, web.world.config)
    case = next(iter(paths.cases.values()))
    return [
        ("static index", paths.index),
        ("static case", case),
        ("static summary", paths.summary),
        ("static official", paths.official),
    ]


def test_axe_finds_no_wcag_violations(tmp_path):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect, sync_playwright

    web = build_web(tmp_path, f"sqlite:///{tmp_path}/a.sqlite3")
    number = case_number(web, HOOPS.url)
    reports = _static_reports(web, tmp_path / "reports")
    server, thread, base = _serve(web.app)
    axe = Axe()
    problems: list[str] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            for where, path in [("sign-in", "/login"), ("official", "/official")]:
                page.goto(base + path)
                problems += _violations(axe, page, where)
            page.goto(base + "/login")
            page.fill("#username", "ann")
            page.fill("#password", PASSWORD)
            page.keyboard.press("Enter")
            page.wait_for_url(base + "/")
            for where, path in [
                ("queue", "/"),
                ("filtered queue", "/cases?status=open&platform=instagram"),
                ("case", f"/cases/{number}"),
                ("search form", "/search"),
                ("registry", "/registry"),
                ("scans", "/scans"),
                ("audit", "/audit"),
            ]:
                page.goto(base + path)
                problems += _violations(axe, page, where)
            page.goto(base + "/search")
            page.fill("#q", "Liberty Middle School")
            page.keyboard.press("Enter")
            expect(page.locator("text=libertyms.bsky.social")).to_be_visible(timeout=15000)
            problems += _violations(axe, page, "search results")
            for where, file in reports:
                page.goto(file.as_uri())
                problems += _violations(axe, page, where)
            browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    print("axe rules run per page:", sorted(RULES_RUN))
    assert not problems, "\n".join(problems)
