"""`scout search`, `scout scan --dry-run` and `scout cases list --json` against the sample world."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from crawler.db import transaction
from crawler.db.models import Case, Scan
from tests.e2e.conftest import scout_cli


@pytest.mark.slow
def test_search_json_contract_and_no_cases(site):
    proc = scout_cli(site, "search", "Liberty Middle School", "--json")
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    rows = json.loads(out)
    assert rows
    keys = {
        "platform",
        "handle",
        "url",
        "display_name",
        "classification",
        "entity",
        "confidence",
        "registered",
    }
    for r in rows:
        assert set(r) == keys
        assert 0.0 <= r["confidence"] <= 1.0
        assert r["classification"] in {
            "registered",
            "unregistered",
            "impersonation",
            "affiliated",
            "unrelated",
            "review",
        }
        assert not r["handle"].startswith("@")
    by_handle = {r["handle"]: r for r in rows}
    # the registered school page, its PTO listed apart, and the Florida namesake ruled out
    assert by_handle["100064123456789"]["classification"] == "registered"
    assert (
        by_handle["100064123456789"]["registered"]
        and by_handle["100064123456789"]["entity"] == "lms"
    )
    assert by_handle["libertymiddleschoolpto"]["classification"] == "affiliated"
    assert by_handle["libertymsorlando"]["classification"] == "unrelated"
    # most relevant first
    assert "liberty" in (rows[0]["display_name"] or rows[0]["handle"]).lower()
    with transaction(site.database_url) as s:
        assert s.scalar(select(func.count(Case.id))) == 0
        assert s.scalars(select(Scan.kind)).all() == ["search"]


def test_scan_dry_run_prints_the_plan_and_sends_nothing(site, sample_world):
    sample_world.reset_log()
    proc = scout_cli(site, "scan", "--dry-run", "--entity", "shs")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "Query plan" in out and "Sheyenne" in out
    assert sample_world.requests == []
    with transaction(site.database_url) as s:
        assert s.scalar(select(func.count(Scan.id))) == 0


@pytest.mark.slow
@pytest.mark.browser
def test_cases_list_json_after_a_scan(scanned_by_command):
    site = scanned_by_command.site  # `scout scan` exited 0 on it
    proc = scout_cli(site, "cases", "list", "--json")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    cases = json.loads(out)
    assert cases
    for c in cases:
        assert set(c) == {
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
        }
        assert c["case_id"].startswith("ABCE-")
        assert c["related_cases"] == []
        for ev in c["evidence"]:
            assert set(ev) == {"kind", "summary", "url"}
            assert ev["kind"] in {
                "district_link",
                "search_result",
                "api_profile",
                "profile_page",
                "screenshot",
                "html_sha256",
                "explanation",
            }
    imps = [c for c in cases if c["kind"] == "impersonation"]
    assert imps and all(c["imitates"] for c in imps)


def test_unknown_entity_or_source_is_refused_before_anything_starts(site):
    for args, message in (
        (("--entity", "nope"), "unknown entity key 'nope'"),
        (("--sources", "myspace"), "unknown source 'myspace'"),
        (("--platforms", "orkut"), "unknown platform 'orkut'"),
    ):
        proc = scout_cli(site, "scan", *args)
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 1 and message in err
    with transaction(site.database_url) as s:
        assert s.scalar(select(func.count(Scan.id))) == 0


@pytest.mark.slow
def test_an_unfinished_scan_with_other_parameters_is_superseded(site):
    from crawler.db.store import district_row
    from crawler.scan import ScanOptions, run_scan
    from crawler.vocab import ScanStatus

    with transaction(site.database_url) as s:
        s.add(
            Scan(
                district_id=district_row(s).id,
                kind="scan",
                status="running",
                params={"entity": "shs"},
            )
        )
    outcome = run_scan(
        site.config(), ScanOptions(sources=("bluesky",), screenshots=False, reports=False)
    )
    assert not outcome.resumed
    with transaction(site.database_url) as s:
        statuses = dict(s.execute(select(Scan.id, Scan.status)).all())
    assert statuses[outcome.scan_id] == ScanStatus.COMPLETED.value
    assert sorted(statuses.values()) == [ScanStatus.COMPLETED.value, ScanStatus.FAILED.value]
