"""Per-district details: the scan lock, quota ledgers per API key (never the key), reports and
web pages that refuse another district's scan or case, `scout users add --districts`."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.districts.test_many_districts import PASSWORD, VM_URL, WF_URL, Two, two_districts


@pytest.fixture
def two(tmp_path: Path, db_url: str) -> Two:
    return two_districts(tmp_path, db_url)


def test_scan_lock_and_reports_folder_are_per_district(two: Two) -> None:
    from crawler.db.scope import district_config
    from crawler.scan import scan_lock

    vm = district_config(replace(two.vm.config, district="vmusd"))
    wf = district_config(replace(two.wf.config, district="wfps"))
    assert (scan_lock(vm), scan_lock(wf)) == ("scan:vmusd", "scan:wfps")
    assert vm.reports_dir == two.vm.config.reports_dir / "vmusd"
    with pytest.raises(Exception, match=r"several districts.*vmusd, wfps"):
        district_config(replace(two.vm.config, district=None))


def test_one_district_keeps_its_lock_and_paths(tmp_path: Path, db_url: str) -> None:
    from crawler.db.scope import district_config
    from crawler.scan import scan_lock
    from tests.cases.scout_world import make_world

    world = make_world(tmp_path, db_url)
    cfg = district_config(world.config)
    assert cfg.district == "wfps" and scan_lock(cfg) == "scan"
    assert cfg.reports_dir == world.config.reports_dir


def test_quota_ledger_is_per_api_key_and_never_holds_the_key(
    two: Two, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crawler.db import transaction
    from crawler.db.models import ApiUsage
    from crawler.db.quota import SEARCH_CALLS, Ledger, current_usage, key_fingerprint

    monkeypatch.setenv("SCOUT_YOUTUBE_API_KEY", "first-key-0123456789")
    Ledger(two.wf.config).charge(SEARCH_CALLS)
    used_first = current_usage(two.vm.config)[SEARCH_CALLS].used
    assert used_first > 0  # the same key: one ledger, whichever district spends it
    monkeypatch.setenv("SCOUT_YOUTUBE_API_KEY", "second-key-9876543210")
    assert current_usage(two.vm.config)[SEARCH_CALLS].used == 0
    with transaction(two.url) as s:
        rows = list(s.scalars(select(ApiUsage)))
    assert {r.key_fp for r in rows} == {key_fingerprint("first-key-0123456789")}
    assert len(rows[0].key_fp) == 12
    assert all("first-key" not in json.dumps(r.__dict__, default=str) for r in rows)


def test_report_of_another_districts_scan_is_refused(scout: Any, two: Two, tmp_path: Path) -> None:
    from crawler.db.models import Scan

    with two.wf.session() as s:
        wf_scan = s.scalars(select(Scan)).one().id
    code, _, err = scout(
        "--database-url",
        two.url,
        "--district",
        "vmusd",
        "report",
        "--scan",
        str(wf_scan),
        "--out",
        str(tmp_path / "r"),
    )
    assert code == 1, err
    assert not (tmp_path / "r").exists() or "sheyennehoops" not in "".join(
        p.read_text(errors="replace") for p in (tmp_path / "r").rglob("*.html")
    )


def test_web_case_page_of_another_district_is_not_found(two: Two) -> None:
    from starlette.testclient import TestClient

    from crawler.db.models import Case
    from crawler.db.users import add_user
    from crawler.db.web import Role
    from crawler.web.app import create_app
    from tests.web.conftest import sign_in

    with two.wf.session() as s:
        add_user(s, "ann", PASSWORD, Role.ADMIN)
        wf_case_id = s.scalars(select(Case)).one().id
    app = create_app(replace(two.wf.config, district=None), secret_key="k" * 32)
    c = TestClient(app, follow_redirects=False)
    assert sign_in(c, "ann", PASSWORD).status_code == 303
    assert c.get(f"/cases/{wf_case_id}?district=wfps").status_code == 200
    r = c.get(f"/cases/{wf_case_id}?district=vmusd")
    assert r.status_code == 404 and "sheyennehoops" not in r.text
    page = c.get("/cases").text  # the selector offers both districts
    assert 'name="district"' in page and ">vmusd<" in page and ">wfps<" in page
    assert VM_URL.split("/")[-2] in page and WF_URL.split("/")[-2] not in page


def test_users_add_with_districts(two: Two) -> None:
    from typer.testing import CliRunner

    from crawler.cli import app
    from crawler.db import transaction
    from crawler.db.users import find_user

    runner = CliRunner()
    base = ["--database-url", two.url, "users", "add"]
    r = runner.invoke(
        app, [*base, "vera", "--role", "viewer", "--districts", "vmusd"], input="long enough pw\n"
    )
    assert r.exit_code == 0, r.stderr
    r = runner.invoke(
        app, [*base, "walt", "--role", "viewer", "--districts", "nope"], input="long enough pw\n"
    )
    assert r.exit_code == 1 and "unknown district 'nope'" in r.stderr
    with transaction(two.url) as s:
        user = find_user(s, "vera")
        assert user is not None and user.districts == ["vmusd"]
        assert find_user(s, "walt") is None
