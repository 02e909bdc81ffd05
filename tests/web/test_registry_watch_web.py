"""The registry page lists the registry watch's findings; reviewers acknowledge them (CSRF,
roles, audit log), and hostile snapshot text stays inert."""

from __future__ import annotations

from datetime import timedelta

from crawler.db.models import utcnow
from tests.watch.test_watch_store import PROFILE, _observe
from tests.web.conftest import csrf_of


def _watched(web) -> None:
    t0 = utcnow() - timedelta(days=40)
    _observe(web.world, PROFILE, t0)
    hostile = '<script>alert("x")</script>'
    _observe(
        web.world,
        {**PROFILE, "display_name": f"Free {hostile}", "bio": f"Bitcoin giveaway {hostile}"},
        t0 + timedelta(days=30),
    )


def test_registry_page_lists_and_acknowledges(web):
    _watched(web)
    reviewer = web.login("rita")
    page = reviewer.get("/registry")
    assert page.status_code == 200
    assert "takeover-suspected" in page.text and "Rests on ABDB-AP" in page.text
    assert "<script>alert" not in page.text and "&lt;script&gt;" in page.text
    viewer = web.login("vic")
    denied = viewer.post(
        "/registry/acknowledge",
        data={
            "csrf_token": csrf_of(viewer.get("/registry").text),
            "registered_id": "1",
            "code": "dormant",
        },
    )
    assert denied.status_code == 403
    rid = page.text.split('name="registered_id" value="', 1)[1].split('"', 1)[0]
    no_token = reviewer.post(
        "/registry/acknowledge", data={"registered_id": rid, "code": "takeover-suspected"}
    )
    assert no_token.status_code == 403
    done = reviewer.post(
        "/registry/acknowledge",
        data={
            "csrf_token": csrf_of(page.text),
            "registered_id": rid,
            "code": "takeover-suspected",
            "note": "secured; PR changed the password",
        },
    )
    assert done.status_code == 303, done.text
    assert "takeover-suspected" not in reviewer.get("/registry").text
