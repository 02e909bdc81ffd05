"""Per district, in one database: the case-number prefix a profile names (else the
``[cases] prefix`` of scout.toml), and the e-mail recipients a profile names (else
``SCOUT_NOTIFY_TO``); one district's scan e-mail never goes to another district's people, also
when it waits in the retry queue."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from crawler.config import Config
from crawler.db import engine_for, session_factory
from crawler.db.scope import ALL
from crawler.db.store import import_profile, import_registry
from crawler.district.profile import load_profile, profile_from_text
from crawler.district.registry import load_registry
from crawler.errors import InputErrors
from crawler.notify import notify_after_scan, pending_path
from crawler.sample import PROFILE, REGISTRY
from tests.cases.scout_world import Seen, World, run_scan

pytest.importorskip("aiosmtpd")
from tests.reports.mail_servers import PASSWORD, USER, MailServer, self_signed

VM_DIR = Path(__file__).resolve().parents[2] / "crawler/sampleworld/districts/verde-mesa"
WF_TO = ["pr@west-fargo.k12.nd.us", "comms@west-fargo.k12.nd.us"]
AGENCY_TO = "scans@agency.example.org"  # SCOUT_NOTIFY_TO: the districts without their own list
NEW_WF = [Seen("https://www.instagram.com/sheyennehoops/", entity="shs-basketball")]


def with_district_fields(path: Path, **fields: object) -> str:
    """The profile's text with extra ``district:`` fields (YAML flow values)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    at = lines.index("district:") + 1
    extra = [f"  {k}: {json.dumps(v)}" for k, v in fields.items()]
    return "\n".join([*lines[:at], *extra, *lines[at:]]) + "\n"


@pytest.fixture
def worlds(tmp_path: Path, db_url: str) -> dict[str, World]:
    engine_for(db_url)
    wf = profile_from_text(with_district_fields(PROFILE, case_prefix="WF", notify_to=WF_TO))
    vm = load_profile(VM_DIR / "profile.yaml")  # neither field: the defaults
    out = {}
    for profile, registry in ((wf, REGISTRY), (vm, VM_DIR / "registry.csv")):
        key = profile.district.key
        with session_factory(db_url, ALL).begin() as s:
            import_profile(s, profile, "profile.yaml")
        factory = session_factory(db_url, key)
        with factory.begin() as s:
            import_registry(s, load_registry(registry, profile).rows)
        config = Config(
            path=None,
            base_dir=tmp_path,
            profile=PROFILE,
            registry=REGISTRY,
            database_url=db_url,
            district=key,
            several_districts=True,
            reports_dir=tmp_path / "reports" / key,
            evidence_dir=tmp_path / "evidence",
        )
        out[key] = World(db_url, config, factory, tmp_path)
    return out


@pytest.fixture(scope="module")
def cert(tmp_path_factory):
    return self_signed(tmp_path_factory.mktemp("tls"))


def env_for(server: MailServer, **extra: str) -> dict[str, str]:
    scheme, rest = server.url.split("://")
    return {
        "SCOUT_SMTP_URL": f"{scheme}://{USER.replace('@', '%40')}@{rest}",
        "SCOUT_SMTP_PASSWORD": PASSWORD,
        "SCOUT_NOTIFY_TO": AGENCY_TO,
        "SCOUT_NOTIFY_FROM": USER,
        "SCOUT_NOTIFY_TIMEOUT": "5",
        **extra,
    }


def test_profile_fields_are_checked() -> None:
    with pytest.raises(InputErrors) as bad:
        profile_from_text(with_district_fields(PROFILE, case_prefix="9 bad", notify_to=["pr"]))
    text = str(bad.value)
    assert "district.case_prefix" in text and "district.notify_to" in text
    good = profile_from_text(with_district_fields(PROFILE, case_prefix="WF-PR"))
    assert good.district.case_prefix == "WF-PR" and good.district.notify_to == ()


def test_each_district_numbers_and_mails_its_own_cases(worlds, cert, monkeypatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(cert[0]))
    wf, vm = worlds["wfps"], worlds["vmusd"]
    wf_scan, wf_upd = run_scan(wf, NEW_WF, failed=("youtube",))
    # Verde Mesa: no new case, a coverage gap: still worth an e-mail
    vm_scan, vm_upd = run_scan(vm, [], failed=("youtube",))
    assert wf_upd.opened and all(n.startswith("WF-") for n in wf_upd.opened), wf_upd.opened
    assert not vm_upd.opened

    with MailServer(*cert) as server:
        assert notify_after_scan(wf.config, wf.factory, wf_scan, env=env_for(server)) == []
        assert notify_after_scan(vm.config, vm.factory, vm_scan, env=env_for(server)) == []
    by_subject = {r.message["Subject"]: r for r in server.received}
    assert len(by_subject) == 2
    (wf_mail,) = [r for s, r in by_subject.items() if "West Fargo" in s]
    (vm_mail,) = [r for s, r in by_subject.items() if "Verde Mesa" in s]
    assert sorted(wf_mail.rcpt_tos) == sorted(WF_TO) and wf_mail.message["To"] == ", ".join(WF_TO)
    assert vm_mail.rcpt_tos == [AGENCY_TO]
    assert wf_upd.opened[0] in wf_mail.message.get_body(("plain",)).get_content()


def test_a_waiting_message_goes_only_to_its_own_district(worlds, cert, monkeypatch) -> None:
    """West Fargo's message fails and waits; Verde Mesa's next scan does not send it (even from
    the same queue file), West Fargo's next scan sends it to West Fargo's people."""
    monkeypatch.setenv("SSL_CERT_FILE", str(cert[0]))
    wf, vm = worlds["wfps"], worlds["vmusd"]
    wf_scan, _ = run_scan(wf, NEW_WF)
    with MailServer(*cert) as server:
        wrong = env_for(server, SCOUT_SMTP_PASSWORD="not-" + PASSWORD)
        notes = notify_after_scan(wf.config, wf.factory, wf_scan, env=wrong)
        assert any("retried" in n for n in notes), notes
        waiting = json.loads(pending_path(wf.config).read_text(encoding="utf-8"))
        assert [(w["district"], w["to"]) for w in waiting] == [("wfps", WF_TO)]
        # the same queue file for both (as a one-district database's was)
        shared = dataclasses.replace(vm.config, reports_dir=wf.config.reports_dir)
        vm_scan, _ = run_scan(vm, [], failed=("youtube",))
        notify_after_scan(shared, vm.factory, vm_scan, env=env_for(server))
        assert [r.rcpt_tos for r in server.received] == [[AGENCY_TO]]
        kept = json.loads(pending_path(wf.config).read_text(encoding="utf-8"))
        assert [w["district"] for w in kept] == ["wfps"]
        # West Fargo's next scan sends it, to West Fargo's list alone, whatever the environment
        next_scan, _ = run_scan(wf, NEW_WF)
        notify_after_scan(wf.config, wf.factory, next_scan, env=env_for(server))
    assert [sorted(r.rcpt_tos) for r in server.received[1:]] == [sorted(WF_TO)]
    assert json.loads(pending_path(wf.config).read_text(encoding="utf-8")) == []
