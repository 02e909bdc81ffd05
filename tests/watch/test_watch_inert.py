"""Hostile names, bios and links in snapshots stay inert in every report format (HTML,
Markdown, CSV, JSON) and in the terminal."""

from __future__ import annotations

import csv
import io
import json
import os

from sqlalchemy import select

from tests.conftest import database_copy
from tests.watch.conftest import KEYS

NAME = '<script>alert("name")</script>=HYPERLINK("http://evil.example")'
BIO = "Bitcoin giveaway! DM to claim <img src=x onerror=alert(1)> [click](javascript:alert(2)) \x1b[31mred"
LINK = "javascript:alert(3)"
LINK2 = "https://evil.example/<b>x</b>"


def test_hostile_snapshot_stays_inert(west_fargo_months, tmp_path, scout):
    from crawler.config import load_config
    from crawler.db import transaction
    from crawler.db.models import RegistrySnapshot
    from crawler.db.watch import digest
    from reports import write_reports
    from reports.documents.notification import render_notification

    with database_copy(west_fargo_months.database_url, tmp_path) as url:
        with transaction(url) as s:
            cur = s.scalars(
                select(RegistrySnapshot)
                .where(RegistrySnapshot.platform == "bluesky")
                .order_by(RegistrySnapshot.id.desc())
            ).first()
            cur.display_name, cur.bio, cur.links = NAME, BIO, [LINK, LINK2]
            cur.digest = digest(
                {"handle": cur.handle, "display_name": NAME, "bio": BIO, "links": [LINK, LINK2]}
            )
        cfg = load_config(
            west_fargo_months.folder / "scout.toml",
            env={**os.environ, **KEYS, "SCOUT_DATABASE_URL": url},
        )
        out = tmp_path / "reports"
        with transaction(url) as s:
            write_reports(s, None, out, cfg)
            email = render_notification(s, cfg, None, "https://scout.example")
        env = {
            "SCOUT_CONFIG": str(west_fargo_months.folder / "scout.toml"),
            "SCOUT_DATABASE_URL": url,
        }
        code, text, err = scout("registry", "audit", env=env)
        assert code == 0, err
        code, history, err = scout(
            "registry", "history", "https://bsky.app/profile/westfargoschools.bsky.social", env=env
        )
        assert code == 0, err

    html = (out / "summary.html").read_text(encoding="utf-8")
    assert "takeover-suspected" in html
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>x</b>" not in html
    assert "&lt;script&gt;alert" in html
    assert 'href="javascript:' not in html

    md = (out / "summary.md").read_text(encoding="utf-8")
    assert "takeover-suspected" in md
    assert "<script>" not in md and "<img" not in md and "](javascript:" not in md

    rows = list(
        csv.DictReader(io.StringIO((out / "registry-watch.csv").read_text(encoding="utf-8")))
    )
    takeover = [r for r in rows if r["code"] == "takeover-suspected" and r["platform"] == "bluesky"]
    assert len(takeover) == 1
    for value in takeover[0].values():
        assert not value.startswith(("=", "+", "-", "@")), value

    items = json.loads((out / "registry-watch.json").read_text(encoding="utf-8"))
    after = next(
        i for i in items if i["code"] == "takeover-suspected" and i["platform"] == "bluesky"
    )["after"]
    assert after["display_name"] == NAME and after["links"] == [LINK, LINK2]  # data, kept as data

    assert "REGISTERED ACCOUNTS UNDER WATCH" in email.text and "takeover-suspected" in email.text
    assert "\x1b" not in email.text
    assert "takeover-suspected" in email.html
    assert "<script>alert" not in email.html and "&lt;script&gt;" in email.html

    for shown in (text, history):
        assert "\x1b" not in shown
        assert "<script>" in shown or "script" in shown  # shown as text, not interpreted
