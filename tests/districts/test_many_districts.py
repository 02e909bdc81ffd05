"""Many districts in one database: nothing of one district appears in another's cases,
registry, reports, JSON or web pages; the district is chosen with --district / SCOUT_DISTRICT;
case numbers are per district; a one-district database upgrades in place (revision 0006)."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from crawler.db import head_revision, session_factory, transaction
from crawler.db.scope import ALL
from crawler.db.store import import_profile, import_registry
from crawler.district.profile import load_profile
from crawler.district.registry import load_registry
from tests.cases.scout_world import Seen, World, make_world, run_scan

VM = Path(__file__).resolve().parents[2] / "crawler/sampleworld/districts/verde-mesa"
WF_URL = "https://www.instagram.com/sheyennehoops/"
VM_URL = "https://www.instagram.com/rchs_eagles_fans/"
PASSWORD = "correct horse battery staple"


@dataclass
class Two:
    url: str
    wf: World
    vm: World
    wf_case: str
    vm_case: str


def two_districts(tmp_path: Path, url: str) -> Two:
    """West Fargo (wfps) and Verde Mesa (vmusd) in one database, one case each."""
    first = make_world(tmp_path, url)  # West Fargo, as the one-district tests build it
    profile = load_profile(VM / "profile.yaml")
    with transaction(url, ALL) as s:
        import_profile(s, profile, str(VM / "profile.yaml"))
    with transaction(url, "vmusd") as s:
        import_registry(s, load_registry(VM / "registry.csv", profile).rows)
    wf = World(
        url,
        replace(first.config, district="wfps"),
        session_factory(url, "wfps"),
        tmp_path,
    )
    vm = World(
        url,
        replace(
            first.config,
            district="vmusd",
            profile=VM / "profile.yaml",
            registry=VM / "registry.csv",
        ),
        session_factory(url, "vmusd"),
        tmp_path,
    )
    _, a = run_scan(wf, [Seen(WF_URL, entity="shs-basketball", display_name="Sheyenne Hoops")])
    _, b = run_scan(vm, [Seen(VM_URL, entity="rchs", display_name="RCHS Eagles Fans")])
    return Two(url, wf, vm, a.opened[0], b.opened[0])


@pytest.fixture
def two(tmp_path: Path, db_url: str) -> Two:
    return two_districts(tmp_path, db_url)


def test_case_numbers_are_per_district(two: Two) -> None:
    assert two.wf_case.endswith("-0001") and two.vm_case.endswith("-0001")
    assert two.wf_case == two.vm_case  # the same number, in two districts


def _cli(
    scout: Any, two: Two, *args: str, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    return scout("--database-url", two.url, *args, env=env)


def test_cli_acts_on_the_chosen_district_only(scout: Any, two: Two) -> None:
    code, out, err = _cli(scout, two, "--district", "vmusd", "cases", "list", "--json")
    assert code == 0, err
    urls = [
        c["account"]["url"] if isinstance(c.get("account"), dict) else c.get("url")
        for c in json.loads(out)
    ]
    assert "rchs_eagles_fans" in out and "sheyennehoops" not in out, urls
    code, out, _ = _cli(scout, two, "cases", "list", "--json", env={"SCOUT_DISTRICT": "wfps"})
    assert code == 0 and "sheyennehoops" in out and "rchs_eagles_fans" not in out
    code, out, _ = _cli(scout, two, "--district", "vmusd", "registry", "list", "--json")
    assert code == 0
    listed = {r["url"] for r in json.loads(out)}
    vm_rows = load_registry(VM / "registry.csv", load_profile(VM / "profile.yaml")).rows
    wf_rows = load_registry(two.wf.config.registry, load_profile(two.wf.config.profile)).rows
    assert listed == {r.url for r in vm_rows}
    assert not listed & {r.url for r in wf_rows}
    code, out, _ = _cli(scout, two, "--district", "wfps", "cases", "show", two.vm_case, "--json")
    assert code == 0 and "sheyennehoops" in out and "rchs_eagles_fans" not in out


def test_without_a_district_the_command_names_the_keys(scout: Any, two: Two) -> None:
    code, _, err = _cli(scout, two, "cases", "list", "--json")
    assert code == 1
    assert "several districts" in err and "vmusd" in err and "wfps" in err
    code, _, err = _cli(scout, two, "--district", "nope", "cases", "list")
    assert code == 1 and "unknown district 'nope'" in err and "vmusd" in err


def test_district_list_json(scout: Any, two: Two) -> None:
    code, out, err = _cli(scout, two, "district", "list", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert [r["key"] for r in rows] == ["vmusd", "wfps"]
    assert all(set(r) == {"key", "name", "open_cases", "last_scan"} for r in rows)
    assert all(r["open_cases"] == 1 for r in rows)
    assert rows[0]["name"] == "Verde Mesa Unified School District"


def test_reports_of_one_district_hold_nothing_of_the_other(
    scout: Any, two: Two, tmp_path: Path
) -> None:
    out_dir = tmp_path / "vm-report"
    code, _, err = _cli(scout, two, "--district", "vmusd", "report", "--out", str(out_dir))
    assert code == 0, err
    text = "\n".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in out_dir.rglob("*")
        if p.is_file() and p.suffix in {".html", ".csv", ".json", ".md", ".txt"}
    )
    assert "rchs_eagles_fans" in text
    i = text.find("sheyennehoops")
    assert i < 0, text[max(0, i - 600) : i + 100]
    assert "Sheyenne" not in text


def test_web_limits_users_to_their_districts(two: Two) -> None:
    from starlette.testclient import TestClient

    from crawler.db.users import add_user
    from crawler.db.web import Role
    from crawler.web.app import create_app
    from tests.web.conftest import sign_in

    with two.wf.session() as s:
        add_user(s, "ann", PASSWORD, Role.ADMIN)
        vera = add_user(s, "vera", PASSWORD, Role.REVIEWER)
        vera.districts = ["vmusd"]
    app = create_app(replace(two.wf.config, district=None), secret_key="k" * 32)

    vera_c = TestClient(app, follow_redirects=False)
    assert sign_in(vera_c, "vera", PASSWORD).status_code == 303
    r = vera_c.get("/api/cases")  # her only district is the default
    assert r.status_code == 200 and "rchs_eagles_fans" in r.text
    assert "sheyennehoops" not in r.text
    assert vera_c.get("/api/cases?district=wfps").status_code == 403
    page = vera_c.get("/cases")
    assert page.status_code == 200 and "sheyennehoops" not in page.text
    assert vera_c.get("/registry").status_code == 200
    assert "sheyenne" not in vera_c.get("/registry").text.lower()

    ann = TestClient(app, follow_redirects=False)
    assert sign_in(ann, "ann", PASSWORD).status_code == 303
    r = ann.get("/api/cases")
    assert r.status_code == 400 and "vmusd" in r.text and "wfps" in r.text
    r = ann.get("/api/cases?district=wfps")
    assert r.status_code == 200 and "sheyennehoops" in r.text and "rchs_eagles_fans" not in r.text
    r = ann.get("/cases")  # remembered in a cookie
    assert r.status_code == 200 and "sheyennehoops" in r.text and "rchs_eagles_fans" not in r.text
    assert ann.get("/api/cases?district=nope").status_code == 404


def test_one_district_database_upgrades_in_place(tmp_path: Path, db_url: str, scout: Any) -> None:
    """A database at revision 0004 (the current release) with cases, decisions and registry
    rows keeps them all at 0005, reachable without --district."""
    from sqlalchemy import inspect, text

    from crawler.db import current_revision, downgrade, make_engine, upgrade

    world = make_world(tmp_path, db_url)
    _, upd = run_scan(world, [Seen(WF_URL, entity="shs-basketball", display_name="Sheyenne Hoops")])
    number = upd.opened[0]
    code, _, err = scout(
        "--database-url",
        db_url,
        "cases",
        "decide",
        number,
        "--as",
        "affiliated",
        "--note",
        "booster club",
    )
    assert code == 0, err
    engine = make_engine(db_url)
    with engine.connect() as c:
        before = _counts(c)
    assert before["cases"] == 1 and before["case_events"] >= 2 and before["registered_accounts"] > 0
    # back to the current release's schema (0004), as a database made by it
    downgrade(engine, "0004")
    assert current_revision(engine) == "0004"
    assert "key_fp" not in {c["name"] for c in inspect(engine).get_columns("api_usage")}
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as c:
        after = _counts(c)
        counters = c.execute(text("SELECT district_id, prefix, last FROM case_counters")).all()
    assert after == before
    assert len(counters) == 1 and counters[0][2] == 1
    code, out, err = scout("--database-url", db_url, "cases", "show", number, "--json")
    assert code == 0, err
    assert "booster club" in out
    code, out, _ = scout("--database-url", db_url, "cases", "list", "--json")
    assert code == 0 and number in out
    # the next case continues the district's numbering
    _, upd2 = run_scan(world, [Seen("https://www.tiktok.com/@shs_mustangs_fan", entity="shs")])
    assert upd2.opened == [number[:-4] + "0002"]
    engine.dispose()


TABLES = (
    "districts",
    "entities",
    "registered_accounts",
    "scans",
    "accounts",
    "assessments",
    "cases",
    "case_events",
)


def _counts(conn: Any) -> dict[str, int]:
    from sqlalchemy import func, select, table

    return {
        t: int(conn.execute(select(func.count()).select_from(table(t))).scalar()) for t in TABLES
    }
