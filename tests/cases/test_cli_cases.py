"""`scout cases list|show|decide` and `scout report` through the real CLI app."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from crawler.cli import app
from crawler.db.store import find_registered
from tests.cases.scout_world import Seen, run_scan

runner = CliRunner()
HOOPS = Seen(
    "https://www.instagram.com/sheyennehoops/",
    entity="shs-basketball",
    confidence=0.9,
    display_name="Sheyenne Hoops",
    sources=("web_search", "district_site"),
)


def scout(world, *args):
    return runner.invoke(app, ["--database-url", world.url, *args])


def test_list_show_decide_json(world):
    _, upd = run_scan(world, [HOOPS])
    (number,) = upd.opened
    r = scout(world, "cases", "list", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert list(data[0]) == [
        "case_id",
        "kind",
        "status",
        "platform",
        "handle",
        "url",
        "display_name",
        "entity",
        "confidence",
        "imitates",
        "opened_at",
        "last_seen",
        "evidence",
        "related_cases",
    ]
    kinds = {e["kind"] for e in data[0]["evidence"]}
    assert {"district_link", "search_result", "explanation"} <= kinds
    assert all(set(e) == {"kind", "summary", "url"} for e in data[0]["evidence"])

    r = scout(
        world,
        "cases",
        "decide",
        number.lower(),
        "--as",
        "notified",
        "--note",
        "emailed",
        "--by",
        "pat",
    )
    assert r.exit_code == 0, r.output
    r = scout(world, "cases", "show", number, "--json")
    shown = json.loads(r.stdout)
    assert shown["status"] == "notified"
    assert shown["history"][-1]["actor"] == "pat" and shown["history"][-1]["note"] == "emailed"
    assert json.loads(scout(world, "cases", "list", "--status", "open", "--json").stdout) == []
    assert "notified" in scout(world, "cases", "show", "1").stdout


def test_bad_id_and_bad_decision_exit_1(world):
    run_scan(world, [HOOPS])
    r = scout(world, "cases", "show", "ABCE-1999-0001")
    assert r.exit_code == 1 and "no case" in r.stderr
    r = scout(world, "cases", "decide", "1", "--as", "maybe")
    assert r.exit_code == 1 and "unknown decision" in r.stderr


def test_decide_registered_adds_to_registry(world):
    _, upd = run_scan(world, [HOOPS])
    (number,) = upd.opened
    r = scout(world, "cases", "decide", number, "--as", "registered", "--entity", "nope")
    assert r.exit_code == 1 and "not a key" in r.stderr
    r = scout(
        world,
        "cases",
        "decide",
        number,
        "--as",
        "registered",
        "--administrator",
        "Coach K",
        "--administrator-email",
        "coach@gmail.com",
        "--pr-coadmin",
        "yes",
        "--retention-plan",
        "no",
    )
    assert r.exit_code == 0, r.output
    assert "not a district address" in r.stderr
    with world.session() as s:
        reg = find_registered(s, "instagram", "https://www.instagram.com/sheyennehoops/")
        assert reg is not None and reg.entity_key == "shs-basketball" and reg.pr_coadmin is True
    shown = json.loads(scout(world, "cases", "show", number, "--json").stdout)
    assert shown["status"] == "resolved-registered"
    assert "added to the registry" in shown["history"][-1]["note"]


def test_report_command_writes_files_and_latest(world, monkeypatch):
    monkeypatch.chdir(world.tmp)  # no scout.toml: the default reports folder is ./reports
    monkeypatch.delenv("SCOUT_CONFIG", raising=False)
    run_scan(world, [HOOPS])
    r = scout(world, "report")
    assert r.exit_code == 0, r.output
    index = r.stdout.strip()
    assert index.endswith("index.html")
    p = Path(index)
    assert p.resolve().is_relative_to(world.tmp.resolve())
    assert p.is_file() and (p.parent / "cases.json").is_file()
    assert (p.parent.parent / "latest" / "index.html").is_file()
    out = world.tmp / "rep"
    assert scout(world, "report", "--out", str(out), "--scan", "1").exit_code == 0
    assert (out / "summary.html").is_file()
    assert scout(world, "report", "--scan", "99").exit_code == 1


def test_registry_audit_and_official(world, tmp_path):
    roster = tmp_path / "staff.csv"
    roster.write_text(
        "name,email,status\nA. Principal,principal.shs@west-fargo.k12.nd.us,active\n"
        "E. Coach,e.coach@west-fargo.k12.nd.us,left\n",
        encoding="utf-8",
    )
    r = scout(world, "registry", "audit", "--roster", str(roster), "--json")
    assert r.exit_code == 0, r.output
    codes = {(f["handle"], f["code"]) for f in json.loads(r.stdout)}
    assert ("wfpackerfb", "admin-email-not-district") in codes
    assert ("horacehawks", "pr-not-coadmin") in codes
    assert ("shsmustangband", "payments-unapproved") in codes
    assert ("shsmustangband", "no-retention-plan") in codes
    assert ("shsmustangsvb", "administrator-left") in codes
    assert ("sheyenne_mustangs", "administrator-left") not in codes
    bad = tmp_path / "bad.csv"
    bad.write_text("name,email\nX,not-an-email\n", encoding="utf-8")
    r = scout(world, "registry", "audit", "--roster", str(bad))
    assert r.exit_code == 1 and "line 2" in r.stderr
    out = tmp_path / "official.html"
    assert scout(world, "registry", "official", "--out", str(out)).exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert (
        "sheyenne_mustangs" in html and "wfjrotc" not in html
    )  # deactivated accounts are not listed
    assert "@west-fargo.k12.nd.us" not in html and "Principal" not in html
