"""The audit log names the district of each entry (revision 0008): the web app's audit page shows
it and an admin limited to some districts sees only theirs; ``scout audit --json`` has it and
``--district`` picks one; ``scout users list --json`` gives each user's districts; a database
made before 0008 upgrades in place, its entries given its only district."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import text

from crawler.db.users import add_user, audit
from crawler.db.web import Role
from tests.districts.test_many_districts import PASSWORD, two_districts
from tests.web.conftest import csrf_of, sign_in


def rows(page: str) -> set[tuple[str, str, str, str]]:
    """(who, district, action, target) of each row of the audit page."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    out = set()
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<td>(.*?)</td>", row, re.S)
        out.add((cells[1], cells[3], cells[4], cells[5]))
    return out


def decide(client: Any, number: str, district: str) -> None:
    page = client.get(f"/cases/{number}?district={district}")
    assert page.status_code == 200, page.text[:300]
    token = csrf_of(page.text)
    r = client.post(
        f"/cases/{number}/decision",
        data={"decision": "not-district", "note": "checked", "csrf_token": token},
    )
    assert r.status_code == 303, r.text[:300]


def test_audit_entries_carry_their_district(tmp_path: Path, db_url: str, scout: Any) -> None:
    from starlette.testclient import TestClient

    from crawler.web.app import create_app

    two = two_districts(tmp_path, db_url)
    with two.wf.session() as s:
        add_user(s, "ann", PASSWORD, Role.ADMIN)
        vlad = add_user(s, "vlad", PASSWORD, Role.ADMIN)
        vlad.districts = ["vmusd"]
    app = create_app(replace(two.wf.config, district=None), secret_key="k" * 32)
    ann, vlad_c = (TestClient(app, follow_redirects=False) for _ in range(2))
    assert sign_in(ann, "ann", PASSWORD).status_code == 303
    assert sign_in(vlad_c, "vlad", PASSWORD).status_code == 303
    decide(ann, two.wf_case, "wfps")
    decide(vlad_c, two.vm_case, "vmusd")

    # ann sees every district's entries, with the district named
    assert rows(ann.get("/audit").text) >= {
        ("ann", "wfps", "decide", two.wf_case),
        ("vlad", "vmusd", "decide", two.vm_case),
    }
    assert {r[1] for r in rows(ann.get("/audit?of_district=vmusd").text)} == {"vmusd"}
    # vlad (Verde Mesa alone) sees Verde Mesa's entries and his own sign-in, nothing of West Fargo
    seen = rows(vlad_c.get("/audit").text)
    assert ("vlad", "vmusd", "decide", two.vm_case) in seen
    assert {r[1] for r in seen} <= {"vmusd", ""} and {r[0] for r in seen} == {"vlad"}
    assert any(r[2] == "login" for r in seen)

    code, out, err = scout("--database-url", db_url, "audit", "--json")
    assert code == 0, err
    decided = {(e["target"], e["district"]) for e in json.loads(out) if e["action"] == "decide"}
    assert decided == {(two.wf_case, "wfps"), (two.vm_case, "vmusd")}
    code, out, err = scout("--database-url", db_url, "--district", "wfps", "audit", "--json")
    assert code == 0, err
    assert {e["district"] for e in json.loads(out)} == {"wfps"}

    code, out, err = scout("--database-url", db_url, "users", "list", "--json")
    assert code == 0, err
    assert {u["name"]: u["districts"] for u in json.loads(out)} == {"ann": [], "vlad": ["vmusd"]}


def test_audit_log_upgrades_in_place(tmp_path: Path, db_url: str) -> None:
    from crawler.db import current_revision, downgrade, head_revision, make_engine, upgrade
    from tests.cases.scout_world import make_world

    world = make_world(tmp_path, db_url)  # West Fargo alone
    engine = make_engine(db_url)
    downgrade(engine, "0007")
    with engine.begin() as c:  # an entry written by the release before 0008
        c.execute(
            text(
                "INSERT INTO audit_log (at, actor, address, action, target) "
                "VALUES (CURRENT_TIMESTAMP, 'pat', '127.0.0.1', 'decide', 'ABCE-2026-0001')"
            )
        )
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as c:
        rows = c.execute(text("SELECT actor, target, district FROM audit_log")).all()
    assert [tuple(r) for r in rows] == [("pat", "ABCE-2026-0001", "wfps")]
    with world.session() as s:  # and the new column is written
        audit(s, "kim", "note", target="x", district="wfps")
    engine.dispose()
