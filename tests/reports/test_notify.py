"""Notifications after a scan, against real servers on loopback: SMTP with STARTTLS and with
implicit TLS (aiosmtpd, a self-signed certificate trusted through SSL_CERT_FILE, AUTH), a
webhook receiver, a server that refuses or never answers; retries; no password anywhere."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from crawler.db.models import Case, Scan
from crawler.notify import NotifySettings, notify_after_scan, pending_path
from crawler.sampleworld.testing import sample_world_fixture
from tests.cases.scout_world import Seen, make_world, run_scan
from tests.e2e.conftest import make_site
from tests.reports.mail_servers import (
    PASSWORD,
    USER,
    MailServer,
    WebhookReceiver,
    closed_port,
    self_signed,
    silent_port,
)

pytest.importorskip("aiosmtpd")

BASE = "https://scout.west-fargo.k12.nd.us"
TO = ["pr@west-fargo.k12.nd.us", "comms@west-fargo.k12.nd.us"]
NEW = [
    Seen(
        "https://www.instagram.com/sheyennehoops/",
        entity="shs-basketball",
        confidence=0.9,
        display_name="<script>alert(1)</script>Sheyenne Hoops",
    ),
    Seen("https://www.tiktok.com/@shsvolleyballfans", entity="shs-volleyball", confidence=0.8),
]


@pytest.fixture(scope="module")
def cert(tmp_path_factory):
    return self_signed(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def trust(cert, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(cert[0]))
    return cert


@pytest.fixture
def scanned(tmp_path):
    world = make_world(tmp_path)
    scan_id, upd = run_scan(world, NEW, failed=("youtube",))
    return world, scan_id, upd


def _env(url: str, **extra: str) -> dict[str, str]:
    return {
        "SCOUT_SMTP_URL": url,
        "SCOUT_SMTP_PASSWORD": PASSWORD,
        "SCOUT_NOTIFY_TO": ", ".join(TO),
        "SCOUT_NOTIFY_FROM": USER,
        "SCOUT_BASE_URL": BASE + "/",
        "SCOUT_NOTIFY_TIMEOUT": "5",
        **extra,
    }


def _url_with_user(server: MailServer) -> str:
    scheme, rest = server.url.split("://")
    return f"{scheme}://{USER.replace('@', '%40')}@{rest}"


def _check_message(server: MailServer, numbers: list[str]) -> None:
    (got,) = server.received
    assert got.tls, "the message travelled over TLS"
    assert got.login == USER
    assert sorted(got.rcpt_tos) == sorted(TO)
    msg = got.message
    assert msg["To"] == ", ".join(TO) and msg["From"] == USER
    assert msg["Subject"].startswith(
        "District Account Scout — West Fargo Public Schools: 2 new cases"
    )
    assert "coverage gap" in msg["Subject"]
    text = msg.get_body(preferencelist=("plain",)).get_content()
    html = msg.get_body(preferencelist=("html",)).get_content()
    for number in numbers:
        assert number in text
        assert f"{BASE}/cases/{number}" in text
        assert f'href="{BASE}/cases/{number}"' in html
    assert f"{BASE}/cases?status=open" in text
    assert "youtube: 1 query" in text
    assert "THE LAST 12 SCANS" in text and "The last 12 scans" in html
    # The hostile name is text in both parts.
    assert "<script>alert(1)</script>Sheyenne Hoops" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Sheyenne Hoops" in html
    assert "<script>" not in html


def test_email_over_starttls_with_auth(scanned, trust):
    world, scan_id, upd = scanned
    with MailServer(*trust, mode="starttls") as server:
        notes = notify_after_scan(
            world.config, world.factory, scan_id, env=_env(_url_with_user(server))
        )
    assert notes == []
    _check_message(server, upd.opened)
    assert server.logins == [(USER, PASSWORD)]
    with world.session() as s:
        stats = s.get(Scan, scan_id).stats
    assert stats["notifications_sent"] == 1 and stats["notifications_failed"] == 0


def test_email_over_implicit_tls(scanned, trust):
    world, scan_id, upd = scanned
    with MailServer(*trust, mode="tls") as server:
        # Credentials in the URL this time (the password URL-encoded).
        scheme, rest = server.url.split("://")
        url = f"{scheme}://{USER.replace('@', '%40')}:{PASSWORD.replace('@', '%40').replace('/', '%2F')}@{rest}"
        env = {k: v for k, v in _env(url).items() if k != "SCOUT_SMTP_PASSWORD"}
        notes = notify_after_scan(world.config, world.factory, scan_id, env=env)
    assert notes == []
    _check_message(server, upd.opened)


def test_untrusted_certificate_is_refused(scanned, cert, monkeypatch):
    world, scan_id, _ = scanned
    monkeypatch.setenv("SSL_CERT_FILE", "/nonexistent/ca.pem")
    with MailServer(*cert, mode="tls") as server:
        notes = notify_after_scan(
            world.config, world.factory, scan_id, env=_env(_url_with_user(server))
        )
    assert server.received == []
    assert any("CERTIFICATE_VERIFY_FAILED" in n or "SSL" in n for n in notes), notes


def test_failed_send_is_reported_kept_and_retried_without_the_password(scanned, trust, caplog):
    world, scan_id, upd = scanned
    caplog.set_level(logging.DEBUG)
    wrong = "not-" + PASSWORD
    with MailServer(*trust) as server:
        url = _url_with_user(server)
        notes = notify_after_scan(
            world.config, world.factory, scan_id, env=_env(url, SCOUT_SMTP_PASSWORD=wrong)
        )
        assert server.received == []
        assert any("535" in n for n in notes), notes
        assert any("retried after the next scan" in n for n in notes)
        pending = json.loads(pending_path(world.config).read_text())
        assert [p["kind"] for p in pending] == ["email"] and pending[0]["attempts"] == 1
        with world.session() as s:
            assert s.get(Scan, scan_id).stats["notifications_failed"] == 1
        # The next scan (nothing new in it) retries the waiting message, which now goes out.
        next_id, _ = run_scan(world, NEW)
        notes = notify_after_scan(world.config, world.factory, next_id, env=_env(url))
    assert not any("failed" in n for n in notes), notes
    assert json.loads(pending_path(world.config).read_text()) == []
    _check_message(server, upd.opened)
    everything = "\n".join(notes) + caplog.text + pending_path(world.config).read_text()
    assert wrong not in everything and PASSWORD not in everything
    assert PASSWORD not in repr(NotifySettings.from_env(_env(url)))


@pytest.mark.parametrize("kind", ["refused", "timeout"])
def test_unreachable_server_is_a_note_not_an_error(scanned, kind):
    world, scan_id, _ = scanned
    if kind == "refused":
        notes = notify_after_scan(
            world.config,
            world.factory,
            scan_id,
            env=_env(f"smtp://127.0.0.1:{closed_port()}"),
        )
        assert any("ConnectionRefusedError" in n for n in notes), notes
    else:
        with silent_port() as port:
            notes = notify_after_scan(
                world.config,
                world.factory,
                scan_id,
                env=_env(f"smtp://127.0.0.1:{port}", SCOUT_NOTIFY_TIMEOUT="1"),
            )
        assert any("timed out" in n for n in notes), notes
    assert len(json.loads(pending_path(world.config).read_text())) == 1


def test_webhook_gets_the_scan_summary(scanned):
    world, scan_id, upd = scanned
    with WebhookReceiver() as hook:
        notes = notify_after_scan(
            world.config,
            world.factory,
            scan_id,
            env={"SCOUT_WEBHOOK_URL": hook.url, "SCOUT_BASE_URL": BASE},
        )
    assert notes == []
    (body,) = hook.bodies
    assert hook.headers[0]["Content-Type"] == "application/json"
    assert body["event"] == "scan.finished"
    assert body["district"] == "West Fargo Public Schools" and body["district_key"] == "wfps"
    assert body["scan"]["id"] == scan_id
    assert sorted(c["number"] for c in body["opened"]) == sorted(upd.opened)
    assert {c["link"] for c in body["opened"]} == {f"{BASE}/cases/{n}" for n in upd.opened}
    assert body["counts"]["opened"] == 2 and body["counts"]["gaps"] == 1
    assert body["coverage_gaps"][0]["source"] == "youtube"
    assert body["digest"]["open"] == 2 and body["digest"]["opened"] == 2


def test_webhook_failure_hides_its_token(scanned):
    world, scan_id, _ = scanned
    with WebhookReceiver(status=500) as hook:
        notes = notify_after_scan(
            world.config, world.factory, scan_id, env={"SCOUT_WEBHOOK_URL": hook.url}
        )
    assert any("answered HTTP 500" in n for n in notes), notes
    assert not any("scout-token" in n for n in notes)
    assert "scout-token" not in pending_path(world.config).read_text()


def test_nothing_configured_sends_nothing(scanned):
    world, scan_id, _ = scanned
    assert notify_after_scan(world.config, world.factory, scan_id, env={}) == []
    assert not pending_path(world.config).exists()
    half = {"SCOUT_SMTP_URL": "smtp://127.0.0.1:1"}
    assert notify_after_scan(world.config, world.factory, scan_id, env=half) == [
        "no e-mail sent: SCOUT_SMTP_URL is set but neither SCOUT_NOTIFY_TO nor the "
        "district profile's notify_to names a recipient"
    ]


def test_quiet_scan_sends_no_email(tmp_path, trust):
    world = make_world(tmp_path)
    scan_id, _ = run_scan(world, [])
    with MailServer(*trust) as server:
        assert (
            notify_after_scan(
                world.config, world.factory, scan_id, env=_env(_url_with_user(server))
            )
            == []
        )
    assert server.received == []


def test_overdue_and_reopened_cases_are_listed(scanned, trust):
    from datetime import timedelta

    world, _, upd = scanned
    with world.session() as s:
        case = s.scalars(select(Case).where(Case.number == upd.opened[0])).one()
        case.due_at = case.due_at - timedelta(days=60)
    later, _ = run_scan(world, NEW)
    with MailServer(*trust) as server:
        notify_after_scan(world.config, world.factory, later, env=_env(_url_with_user(server)))
    (got,) = server.received
    assert "1 past due" in got.message["Subject"]
    text = got.message.get_body(preferencelist=("plain",)).get_content()
    assert "PAST THE DUE DATE (1)" in text and upd.opened[0] in text.split("PAST THE DUE DATE")[1]


def test_notify_test_command(world, trust, monkeypatch):
    from crawler.cli import app

    with MailServer(*trust) as server, WebhookReceiver() as hook:
        for k, v in _env(_url_with_user(server), SCOUT_WEBHOOK_URL=hook.url).items():
            monkeypatch.setenv(k, v)
        result = CliRunner().invoke(app, ["--database-url", world.url, "notify", "--test"])
    assert result.exit_code == 0, result.output
    assert "e-mail sent to pr@west-fargo.k12.nd.us, comms@west-fargo.k12.nd.us" in result.output
    assert PASSWORD not in result.output and "scout-token" not in result.output
    (got,) = server.received
    assert got.message["Subject"].endswith("West Fargo Public Schools: test message")
    assert hook.bodies[0]["event"] == "test"


def test_notify_test_command_failure(world, monkeypatch):
    from crawler.cli import app

    secret = PASSWORD.replace("@", "%40").replace("/", "%2F")
    monkeypatch.setenv("SCOUT_SMTP_URL", f"smtp://u:{secret}@127.0.0.1:{closed_port()}")
    monkeypatch.setenv("SCOUT_NOTIFY_TO", TO[0])
    result = CliRunner().invoke(app, ["--database-url", world.url, "notify", "--test"])
    assert result.exit_code == 1
    assert "e-mail to 127.0.0.1" in result.output
    assert PASSWORD not in result.output and secret not in result.output


sample_world = sample_world_fixture(scope="module")


@pytest.mark.slow
def test_scan_completes_when_the_mail_server_times_out(sample_world, tmp_path, monkeypatch):
    """A real scan (the sample world, one source): the e-mail times out, the webhook gets the
    summary, the scan completes and says what failed; the e-mail waits for the next scan."""
    from crawler.db import transaction
    from crawler.scan import ScanOptions
    from crawler.scan import run_scan as run_real_scan

    db = f"sqlite:///{tmp_path / 'scout.sqlite3'}"
    monkeypatch.setenv("SCOUT_DATABASE_URL", db)
    site = make_site(sample_world, tmp_path, db)
    with silent_port() as port, WebhookReceiver() as hook:
        for k, v in _env(
            f"smtp://127.0.0.1:{port}", SCOUT_NOTIFY_TIMEOUT="1", SCOUT_WEBHOOK_URL=hook.url
        ).items():
            monkeypatch.setenv(k, v)
        config = site.config()
        outcome = run_real_scan(config, ScanOptions(sources=("bluesky",), screenshots=False))
    assert any("timed out" in n for n in outcome.notes), outcome.notes
    assert any("retried after the next scan" in n for n in outcome.notes)
    assert not any(PASSWORD in n or "scout-token" in n for n in outcome.notes)
    (body,) = hook.bodies
    assert body["scan"]["id"] == outcome.scan_id
    assert body["counts"]["opened"] == len(outcome.cases.get("opened", []))
    with transaction(db) as s:
        scan = s.get(Scan, outcome.scan_id)
        assert scan.status == "completed"
        assert scan.stats["notifications_failed"] == 1
        assert scan.stats["notifications_sent"] == 1  # the webhook
    pending = json.loads(pending_path(config).read_text())
    assert [p["kind"] for p in pending] == ["email"]
    assert outcome.report_index is not None and outcome.report_index.exists()


def test_an_ad_hoc_search_notifies_nobody(scanned):
    from crawler.db.store import district_row

    world, _, _ = scanned
    with world.session() as s:
        search = Scan(district_id=district_row(s).id, kind="search", status="completed", stats={})
        s.add(search)
        s.flush()
        search_id = search.id
    with WebhookReceiver() as hook:
        notes = notify_after_scan(
            world.config, world.factory, search_id, env={"SCOUT_WEBHOOK_URL": hook.url}
        )
    assert notes == [] and hook.bodies == []
