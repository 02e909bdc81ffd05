"""The unattended scan: killed and resumed, run twice at once, decisions during a scan, secrets."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crawler.db import transaction
from crawler.db.models import Account, Assessment, Case, Lock, Scan, Sighting
from tests.conftest import backend_of
from tests.e2e.conftest import KEYS, scout_cli


def _wait_for(predicate, timeout: float = 120.0, step: float = 0.2) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(step)
    raise AssertionError("timed out waiting")


def _count(url: str, model) -> int:
    with transaction(url) as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def _result(url: str) -> dict[str, object]:
    """What a scan decided: accounts, their latest classification and entity, and the cases."""
    with transaction(url) as s:
        last = s.scalar(select(func.max(Scan.id)))
        rows = s.execute(
            select(Account.url, Assessment.classification, Assessment.entity_key)
            .join(Assessment)
            .where(Assessment.scan_id == last)
        ).all()
        cases = s.execute(select(Account.url, Case.kind, Case.status).join(Case.account)).all()
    return {"assessed": sorted(rows), "cases": sorted(cases)}


@pytest.mark.slow
@pytest.mark.browser
def test_killed_scan_resumes_to_the_same_result(scan_templates, site):
    # the undisturbed reference, in a database of its own: the shared `scout scan` of the
    # sample district (read only; its command exited 0)
    reference = scan_templates.get("command", backend_of(site.database_url)).site

    proc = scout_cli(site, "scan")
    _wait_for(lambda: _count(site.database_url, Sighting) >= 10)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    with transaction(site.database_url) as s:
        assert s.scalars(select(Scan)).one().status == "running"
        assert s.get(Lock, "scan") is not None  # left behind by the killed scan

    again = scout_cli(site, "scan", "--json")
    out, err = again.communicate(timeout=600)
    assert again.returncode == 0, err
    assert '"resumed": true' in out
    assert "took over a stale lock" in out
    with transaction(site.database_url) as s:
        assert s.scalar(select(func.count(Scan.id))) == 1
    assert _result(site.database_url) == _result(reference.database_url)


@pytest.mark.slow
@pytest.mark.browser
def test_second_scan_refuses_while_one_runs(site):
    # the first scan needs only to hold the lock while the second starts: a few sources do
    first = scout_cli(site, "scan", "--sources", "district_site,web_search,bluesky")
    try:
        _wait_for(lambda: _count(site.database_url, Lock) == 1)
        second = scout_cli(site, "scan")
        _out, err = second.communicate(timeout=120)
        assert second.returncode == 1
        assert "another scan is running" in err
    finally:
        _out, err = first.communicate(timeout=600)
    assert first.returncode == 0, err


@pytest.mark.slow
@pytest.mark.browser
def test_decision_during_a_scan_is_not_lost(scanned_by_command):
    site = scanned_by_command.site  # a first `scout scan` exited 0 on it
    with transaction(site.database_url) as s:
        number = s.scalars(select(Case.number).order_by(Case.id)).first()
    assert number
    # a scan of a few sources: it decides, opens and updates cases as a full one does
    scan = scout_cli(site, "scan", "--sources", "district_site,web_search")
    try:
        _wait_for(lambda: _count(site.database_url, Scan) == 2)
        decided = scout_cli(
            site, "cases", "decide", number, "--as", "notified", "--note", "letter sent"
        )
        _, err = decided.communicate(timeout=120)
        assert decided.returncode == 0, err
    finally:
        _, err = scan.communicate(timeout=600)
    assert scan.returncode == 0, err
    with transaction(site.database_url) as s:
        case = s.scalars(select(Case).where(Case.number == number)).one()
        assert case.status == "notified"
        assert any(e.note == "letter sent" for e in case.events)


def _all_text(root: Path) -> str:
    chunks = []
    for p in root.rglob("*"):
        if p.is_file():
            try:
                chunks.append(p.read_bytes().decode("utf-8", "replace"))
            except OSError:
                continue
    return "\n".join(chunks)


def _database_text(url: str) -> str:
    from sqlalchemy import MetaData, create_engine

    engine = create_engine(url)
    meta = MetaData()
    meta.reflect(engine)
    out = []
    with engine.connect() as c:
        for table in meta.sorted_tables:
            for row in c.execute(table.select()):
                out.append(repr(tuple(row)))
    engine.dispose()
    return "\n".join(out)


@pytest.mark.slow
@pytest.mark.browser
def test_api_keys_never_leak(site):
    # with the development HTTP cache on, too: the cache must not keep the keys either
    text = site.config_path.read_text(encoding="utf-8")
    assert "http_cache = false" in text
    site.config_path.write_text(
        text.replace("http_cache = false", "http_cache = true"), encoding="utf-8"
    )
    # the sources that send the keys (YouTube's API, Brave's), and the stages after them
    proc = scout_cli(site, "scan", "--sources", "youtube,web_search")
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    report = scout_cli(site, "report")
    rout, rerr = report.communicate(timeout=120)
    assert report.returncode == 0, rerr
    haystacks = {
        "stdout/stderr": out + err + rout + rerr,
        "files": _all_text(site.dir),
        "database": _database_text(site.database_url),
    }
    for key in KEYS.values():
        for where, text in haystacks.items():
            assert key not in text, f"API key found in {where}"
    # and the keys were really used: the APIs were asked
    with transaction(site.database_url) as s:
        sources = set(s.scalars(select(Sighting.source).distinct()))
    assert {"youtube", "web_search"} <= sources
