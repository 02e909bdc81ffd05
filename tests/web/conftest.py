"""Fixtures of the web app tests: the sample district with cases (one of them hostile), three
users (admin, reviewer, viewer), and Starlette's in-process test client."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.cases.scout_world import Seen, World, add_screenshot, make_world, run_scan

PASSWORD = "correct horse battery"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
HOOPS = Seen(
    "https://www.instagram.com/sheyennehoops/",
    entity="shs-basketball",
    confidence=0.9,
    display_name="Sheyenne Hoops",
    sources=("web_search", "district_site"),
)
EVIL = Seen(
    "https://www.tiktok.com/@shs_mustangs_official",
    entity="shs",
    confidence=0.7,
    display_name=f"Sheyenne {HOSTILE}",
    bio=f"Official! {HOSTILE} click javascript:alert(2)",
    links=["javascript:alert(3)", 'https://evil.example/"><script>alert(4)</script>'],
    title=f"Title {HOSTILE}",
    snippet=f"Snippet {HOSTILE}",
    explanation=[{"code": "name_entity", "label": f"label {HOSTILE}", "weight": 0.5}],
)
VOLLEY = Seen(
    "https://www.facebook.com/shsvolleyballfans",
    entity="shs-volleyball",
    confidence=0.6,
    display_name="SHS Volleyball",
)


@dataclass
class Web:
    """A world with cases and users, and a way to make signed-in clients."""

    world: World
    app: Any
    numbers: list[str]

    def client(self, *, base_url: str = "http://testserver", **kw: Any) -> TestClient:
        return TestClient(self.app, base_url=base_url, follow_redirects=False, **kw)

    def login(self, name: str | None, password: str = PASSWORD, **kw: Any) -> TestClient:
        c = self.client(**kw)
        if name is not None:
            r = sign_in(c, name, password)
            assert r.status_code == 303, r.text
        return c


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]*)"', html)
    assert m, "no CSRF token in the page"
    return m.group(1)


def sign_in(client: TestClient, name: str, password: str = PASSWORD, nxt: str = "/") -> Any:
    page = client.get("/login").text
    token = csrf_of(page.split('/login" class="stack"', 1)[1])  # the sign-in form's own token
    return client.post(
        "/login",
        data={"username": name, "password": password, "csrf_token": token, "next": nxt},
    )


def fake_search(config: Any, name: str, progress: Any) -> list[dict[str, Any]]:
    progress({"event": "source", "source": "bluesky", "requests": 3, "accounts": 1})
    return [
        {
            "platform": "bluesky",
            "handle": "libertyms.bsky.social",
            "url": "https://bsky.app/profile/libertyms.bsky.social",
            "display_name": f"Liberty {HOSTILE}",
            "classification": "unregistered",
            "entity": "liberty",
            "confidence": 0.7,
            "registered": False,
            "explanation": ["name matches the entity"],
        }
    ]


def fake_scan(config: Any, name: str, progress: Any) -> list[dict[str, Any]]:
    progress({"event": "stage", "stage": "matching"})
    return [{"scan_id": 1, "resumed": False, "cases": {"opened": []}, "notes": []}]


def build_web(tmp_path: Any, db_url: str, **app_kw: Any) -> Web:
    from crawler.db.users import add_user
    from crawler.db.web import Role
    from crawler.web.app import create_app

    world = make_world(tmp_path, db_url)
    _, upd = run_scan(world, [HOOPS, EVIL, VOLLEY])
    add_screenshot(world, HOOPS.url, PNG)
    with world.session() as s:
        add_user(s, "ann", PASSWORD, Role.ADMIN)
        add_user(s, "rita", PASSWORD, Role.REVIEWER)
        add_user(s, "vic", PASSWORD, Role.VIEWER)
    app_kw.setdefault("search_runner", fake_search)
    app_kw.setdefault("scan_runner", fake_scan)  # never a real crawl from these tests
    app = create_app(world.config, secret_key="test-secret-key", **app_kw)
    return Web(world, app, sorted(upd.opened))


@pytest.fixture
def web(tmp_path, db_url) -> Web:
    return build_web(tmp_path, db_url)


@pytest.fixture
def admin(web: Web) -> TestClient:
    return web.login("ann")


@pytest.fixture
def reviewer(web: Web) -> TestClient:
    return web.login("rita")


@pytest.fixture
def viewer(web: Web) -> TestClient:
    return web.login("vic")


def case_number(web: Web, url: str) -> str:
    from sqlalchemy import select

    from crawler import platforms
    from crawler.db.models import Account, Case

    ref = platforms.classify(url).account
    assert ref is not None
    with web.world.session() as s:
        acc = s.scalars(select(Account).where(Account.url == ref.url)).one()
        return s.scalars(select(Case.number).where(Case.account_id == acc.id)).one()
