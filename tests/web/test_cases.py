"""The queue, the case page and what a reviewer does there; the JSON API against the CLI."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from crawler.cli import app as cli_app
from crawler.db.models import Case, Evidence
from crawler.db.store import find_registered
from crawler.db.web import AuditEntry
from tests.web.conftest import EVIL, HOOPS, VOLLEY, case_number, csrf_of

runner = CliRunner()


def scout(web, *args):
    r = runner.invoke(cli_app, ["--database-url", web.world.url, *args])
    assert r.exit_code == 0, r.output
    return r.stdout


def decide(client, number, decision, **extra):
    token = csrf_of(client.get(f"/cases/{number}").text)
    data = {"decision": decision, "csrf_token": token, **extra}
    return client.post(f"/cases/{number}/decision", data=data)


def audit_actions(web):
    with web.world.session() as s:
        return [(e.actor, e.action, e.target) for e in s.scalars(select(AuditEntry))]


def test_queue_lists_cases_with_counts_and_filters(web, viewer):
    page = viewer.get("/").text
    for n in web.numbers:
        assert n in page
    assert "Sheyenne Hoops" in page and "name matches the entity" in page
    assert '<div class="n">3</div><div class="l">open</div>' in page
    only = viewer.get("/cases?platform=facebook").text
    assert case_number(web, VOLLEY.url) in only and case_number(web, HOOPS.url) not in only
    only = viewer.get("/cases?kind=impersonation").text
    assert "No cases match." in only
    assert viewer.get("/cases?status=bogus").status_code == 400
    assert "No cases match." in viewer.get("/cases?status=dismissed-affiliated").text
    assert "No cases match." in viewer.get("/cases?assignee=me").text


def test_queue_school_filter(web, viewer):
    page = viewer.get("/cases?school=shs").text
    assert case_number(web, HOOPS.url) in page


def test_case_page_shows_the_evidence(web, viewer):
    number = case_number(web, HOOPS.url)
    page = viewer.get(f"/cases/{number}").text
    for text in (
        "The account",
        "Why this is a case",
        "name matches the entity",
        "Where it was found",
        "Nearest registered accounts",
        "ABCE-AR1 steps",
        "History",
        "ab" * 32,  # the page HTML hash
    ):
        assert text in page, text
    assert f'src="/cases/{number}/evidence/' in page
    assert viewer.get("/cases/ABCE-1999-9999").status_code == 404


def test_decision_is_what_the_cli_sees(web, reviewer):
    number = case_number(web, HOOPS.url)
    r = decide(reviewer, number, "notified", note="told the coach")
    assert r.status_code == 303 and r.headers["location"] == f"/cases/{number}?done=decided"
    shown = json.loads(scout(web, "cases", "show", number, "--json"))
    assert shown["status"] == "notified"
    last = shown["history"][-1]
    assert (last["actor"], last["action"], last["to_status"], last["note"]) == (
        "rita",
        "decided",
        "notified",
        "told the coach",
    )
    assert ("rita", "decide", number) in audit_actions(web)
    with web.world.session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "decide")).one()
        assert entry.before == {"status": "open"} and entry.after["status"] == "notified"
        assert entry.address


def test_bad_decision_changes_nothing(web, reviewer):
    number = case_number(web, HOOPS.url)
    r = decide(reviewer, number, "maybe")
    assert r.status_code == 400 and "unknown decision" in r.text
    r = decide(reviewer, number, "registered", administrator_email="not-an-email")
    assert r.status_code == 400 and "not an e-mail address" in r.text
    with web.world.session() as s:
        case = s.scalars(select(Case).where(Case.number == number)).one()
        assert case.status == "open" and len(case.events) == 1
        assert find_registered(s, "instagram", case.account.url, None) is None


def test_registered_decision_fills_the_registry_row(web, reviewer):
    number = case_number(web, HOOPS.url)
    r = decide(
        reviewer,
        number,
        "registered",
        administrator="Coach Lee",
        administrator_email="lee@west-fargo.k12.nd.us",
        pr_coadmin="yes",
        payments="none",
    )
    assert r.status_code == 303
    rows = json.loads(scout(web, "registry", "list", "--json"))
    row = next(x for x in rows if "sheyennehoops" in x["url"])
    assert row["administrator"] == "Coach Lee" and row["pr_coadmin"] == "yes"
    assert json.loads(scout(web, "cases", "show", number, "--json"))["status"] == (
        "resolved-registered"
    )


def test_note_assign_and_undo(web, reviewer):
    number = case_number(web, HOOPS.url)
    token = csrf_of(reviewer.get(f"/cases/{number}").text)
    assert (
        reviewer.post(
            f"/cases/{number}/note", data={"note": "called the school", "csrf_token": token}
        ).status_code
        == 303
    )
    assert (
        reviewer.post(f"/cases/{number}/note", data={"note": " ", "csrf_token": token}).status_code
        == 400
    )
    r = reviewer.post(f"/cases/{number}/assign", data={"assignee": "rita", "csrf_token": token})
    assert r.status_code == 303
    assert (
        reviewer.post(
            f"/cases/{number}/assign", data={"assignee": "nobody", "csrf_token": token}
        ).status_code
        == 400
    )
    assert number in reviewer.get("/cases?assignee=me").text
    decide(reviewer, number, "not-district", note="a fan page")
    page = reviewer.get(f"/cases/{number}").text
    event = page.split('name="event" value="', 1)[1].split('"', 1)[0]
    r = reviewer.post(f"/cases/{number}/undo", data={"event": event, "csrf_token": token})
    assert r.status_code == 303
    # A second click on the same (stale) undo does nothing.
    assert (
        reviewer.post(
            f"/cases/{number}/undo", data={"event": event, "csrf_token": token}
        ).status_code
        == 400
    )
    shown = json.loads(scout(web, "cases", "show", number, "--json"))
    assert shown["status"] == "open"
    actions = [(h["action"], h["to_status"]) for h in shown["history"]]
    assert ("note", None) in actions and actions[-2:] == [
        ("decided", "dismissed-not-district"),
        ("reopened", "open"),
    ]
    assert {a for _, a, _ in audit_actions(web)} >= {"note", "assign", "decide", "undo"}


def test_takedown_outcome_and_time_to_removal(web, reviewer, viewer, tmp_path):
    number = case_number(web, EVIL.url)
    reported = date.today() - timedelta(days=10)
    r = decide(
        reviewer,
        number,
        "reported",
        route="TikTok impersonation form",
        reference="TT-123",
        reported_on=reported.isoformat(),
        answer_by=(date.today() - timedelta(days=1)).isoformat(),
    )
    assert r.status_code == 303
    assert "platform answer overdue" in viewer.get("/").text
    token = csrf_of(reviewer.get(f"/cases/{number}").text)
    bad = {"reported_on": reported.isoformat(), "answer": "maybe", "csrf_token": token}
    assert reviewer.post(f"/cases/{number}/takedown", data=bad).status_code == 400
    r = reviewer.post(
        f"/cases/{number}/takedown",
        data={
            "route": "TikTok impersonation form",
            "reference": "TT-123",
            "reported_on": reported.isoformat(),
            "answer": "removed",
            "answered_on": (reported + timedelta(days=4)).isoformat(),
            "csrf_token": token,
        },
    )
    assert r.status_code == 303
    page = viewer.get(f"/cases/{number}").text
    assert "TT-123" in page and "removed" in page
    scans = viewer.get("/scans").text
    assert "Platform reports and takedowns" in scans
    row = scans.split("<td>TikTok</td>", 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">4.0</td>' in row  # median days from report to removal
    with web.world.session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "takedown")).one()
        assert entry.before["answer"] == "none" and entry.after["answer"] == "removed"
    # The static scan summary shows the same figures (the same function computes them).
    from reports.write import write_reports

    with web.world.session() as s:
        paths = write_reports(s, None, tmp_path / "reports", web.world.config)
    summary = paths.summary.read_text().split("Platform reports and takedowns", 1)[1]
    row = summary.split("<td>TikTok</td>", 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">1</td>' in row and '<td class="num">4.0</td>' in row
    assert "| TikTok | 1 | 1 | 0 | 0 | 0 | 4.0 | 4 |" in paths.summary_md.read_text()


def test_api_cases_is_the_cli_json(web, viewer):
    decide(web.login("rita"), web.numbers[0], "notified")
    r = viewer.get("/api/cases")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert r.json() == json.loads(scout(web, "cases", "list", "--json"))
    assert r.text == scout(web, "cases", "list", "--json")
    r = viewer.get("/api/cases?status=notified")
    assert [c["case_id"] for c in r.json()] == [web.numbers[0]]
    assert viewer.get("/api/cases?status=bogus").status_code == 400
    one = viewer.get(f"/api/cases/{web.numbers[0]}")
    assert one.json() == json.loads(scout(web, "cases", "show", web.numbers[0], "--json"))
    assert viewer.get("/api/cases/ABCE-1999-0001").status_code == 404


def test_screenshot_only_from_the_evidence_store(web, viewer, tmp_path):
    number = case_number(web, HOOPS.url)
    page = viewer.get(f"/cases/{number}").text
    src = page.split(f'src="/cases/{number}/evidence/', 1)[1].split('"', 1)[0]
    r = viewer.get(f"/cases/{number}/evidence/{src}")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    assert r.content.startswith(b"\x89PNG")
    # Another case's URL for the same file: refused.
    other = case_number(web, VOLLEY.url)
    assert viewer.get(f"/cases/{other}/evidence/{src}").status_code == 404
    # Rows whose file lies outside the store (a tampered or restored database): refused.
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG secret")
    with web.world.session() as s:
        acc_id = s.scalars(select(Case.account_id).where(Case.number == number)).one()
        ids = []
        for path in ("../secret.png", str(secret), "/etc/passwd", "shot-1.png/../../secret.png"):
            ev = Evidence(account_id=acc_id, kind="screenshot", file_path=path, summary="x")
            s.add(ev)
            s.flush()
            ids.append(ev.id)
    for i in ids:
        r = viewer.get(f"/cases/{number}/evidence/{i}")
        assert r.status_code == 404 and b"secret" not in r.content
    for bad in ("..%2F..%2Fetc%2Fpasswd", "1.png", "-1", "%2e%2e"):
        assert viewer.get(f"/cases/{number}/evidence/{bad}").status_code == 404


def test_the_next_scan_keeps_a_web_decision(web, reviewer):
    from tests.cases.scout_world import run_scan

    number = case_number(web, VOLLEY.url)
    assert decide(reviewer, number, "not-district", note="a fan page").status_code == 303
    run_scan(web.world, [HOOPS, EVIL, VOLLEY])
    shown = json.loads(scout(web, "cases", "show", number, "--json"))
    assert shown["status"] == "dismissed-not-district"


def test_queue_order_and_pages(web, viewer, monkeypatch):
    from crawler.web import routes_cases

    overdue, hoops = case_number(web, VOLLEY.url), case_number(web, HOOPS.url)
    with web.world.session() as s:
        case = s.scalars(select(Case).where(Case.number == overdue)).one()
        case.due_at = date.today() - timedelta(days=3)
        closed = s.scalars(select(Case).where(Case.number == hoops)).one()
        closed.status = "dismissed-not-district"
    page = viewer.get("/").text
    order = [n for n in page.split('data-case href="/cases/')[1:]]
    numbers = [o.split('"', 1)[0] for o in order]
    assert numbers[0] == overdue and numbers[-1] == hoops
    assert "(overdue)" in page and '<div class="n">1</div><div class="l">overdue</div>' in page
    monkeypatch.setattr(routes_cases, "QUEUE_LIMIT", 1)
    first = viewer.get("/cases?kind=unregistered").text
    assert "page 1 of 3" in first and 'href="/cases?kind=unregistered&amp;page=2"' in first
    second = viewer.get("/cases?kind=unregistered&page=2").text
    assert 'rel="prev"' in second and numbers[1] in second and numbers[0] not in second
    assert viewer.get("/cases?page=abc").status_code == 200


def test_a_reported_account_gone_from_the_scans_is_flagged(web, reviewer):
    from tests.cases.scout_world import run_scan

    number = case_number(web, EVIL.url)
    r = decide(reviewer, number, "reported", route="TikTok form", reference="T-1")
    assert r.status_code == 303
    run_scan(web.world, [HOOPS, VOLLEY])  # every source ran; the reported account is gone
    page = reviewer.get(f"/cases/{number}").text
    assert "The account has not been seen since" in page
    assert "gone from the scans: removed?" in reviewer.get("/").text


@pytest.mark.browser
def test_packet_zip_is_the_cli_packet_and_needs_sign_in(web, viewer):
    import io
    import zipfile

    number = web.numbers[0]
    r = web.client().get(f"/cases/{number}/packet.zip")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    page = viewer.get(f"/cases/{number}").text
    assert f"/cases/{number}/packet.zip" in page
    r = viewer.get(f"/cases/{number}/packet.zip")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/zip"
    assert f'filename="{number}-packet.zip"' in r.headers["content-disposition"]
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    assert "manifest.json" in names and "case.pdf" in names and "report-to-platform.txt" in names
    from reports.documents.packet import build_packet

    with web.world.session() as s:  # what `scout cases packet` writes, with the same config
        assert build_packet(s, web.world.config, number) == r.content
    assert viewer.get("/cases/ABCE-1999-0001/packet.zip").status_code == 404


@pytest.mark.browser
def test_step_letters_from_the_case_page(web, viewer):
    number = web.numbers[0]
    page = viewer.get(f"/cases/{number}").text
    assert f"/cases/{number}/letters/step-1.pdf" in page
    pdf = viewer.get(f"/cases/{number}/letters/step-1.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    md = viewer.get(f"/cases/{number}/letters/step-1.md")
    assert md.status_code == 200 and number in md.text
    assert viewer.get(f"/cases/{number}/letters/step-99.pdf").status_code == 404
    assert viewer.get(f"/cases/{number}/letters/step-1.exe").status_code == 404
