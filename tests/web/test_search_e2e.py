"""The web app's search against the sample world: the real `scout search` path, in the
background, ranked like the CLI."""

from __future__ import annotations

import time

import pytest

from tests.e2e.conftest import KEYS, make_site, sample_world  # noqa: F401  (the fixture)
from tests.web.conftest import PASSWORD, sign_in


@pytest.mark.slow
def test_search_against_the_sample_world(sample_world, tmp_path, sqlite_url, monkeypatch):  # noqa: F811
    from starlette.testclient import TestClient

    from crawler.db import transaction
    from crawler.db.users import add_user
    from crawler.db.web import Role
    from crawler.web.app import create_app

    for k, v in KEYS.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("SCOUT_DATABASE_URL", sqlite_url)
    sample_world.reset_quota()
    site = make_site(sample_world, tmp_path, sqlite_url)
    with transaction(sqlite_url) as s:
        add_user(s, "rita", PASSWORD, Role.REVIEWER)
    client = TestClient(create_app(site.config(), secret_key="k"), follow_redirects=False)
    assert sign_in(client, "rita").status_code == 303
    job = client.get("/search?q=Liberty Middle School").headers["location"]
    messages = set()
    for _ in range(1200):
        state = client.get(job + ".json").json()
        messages.add(state["message"])
        if state["done"]:
            break
        time.sleep(0.25)
    assert state["done"] and not state["error"], state
    assert state["results"] > 0 and len(messages) > 1  # progress moved while it ran
    page = client.get(job).text
    assert "libertymsorlando" in page and "libertymiddleschoolpto" in page
    assert "registered (registered)" in page  # the school's own page, from the registry
    first_row = page.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    assert "liberty" in first_row.lower()  # most relevant first, as `scout search` ranks
