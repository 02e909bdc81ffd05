"""The monthly scan end to end against the sample world: discovery → matching → cases → reports.

Both tests start from the same first scan (``scanned_in_process``: a copy of one made once).
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from crawler.db import transaction
from crawler.db.models import Account, Assessment, Case, Sighting
from crawler.demo import api_endpoints, robots_violations
from crawler.scan import ScanOptions, run_scan
from crawler.vocab import CaseStatus


def _found(database_url: str, scan_id: int) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    with transaction(database_url) as s:
        for url, source in s.execute(
            select(Account.url, Sighting.source)
            .join(Sighting, Sighting.account_id == Account.id)
            .where(Sighting.scan_id == scan_id)
        ):
            out.setdefault(url, set()).add(source)
    return out


@pytest.mark.slow
def test_full_scan_finds_what_the_world_hides_and_opens_the_right_cases(
    sample_world, scanned_in_process
):
    site, outcome = scanned_in_process.site, scanned_in_process.outcome
    requests = scanned_in_process.requests  # the world's request log of the scan
    config = site.config()
    found = _found(site.database_url, outcome.scan_id)

    missed = []
    for hidden in sample_world.manifest:
        urls = {hidden.url, *hidden.aliases}
        if hidden.hidden_by_robots:
            assert not urls & found.keys(), (
                f"{hidden.url} is only linked from a robots-disallowed page"
            )
            continue
        if hidden.sources and not urls & found.keys():
            missed.append(hidden.url)
    assert missed == [], missed

    # politeness: nothing robots.txt disallows, nothing outside the host map
    scanned = SimpleNamespace(requests=requests, hostmap=sample_world.hostmap)
    assert robots_violations(scanned, api_endpoints(config)) == []
    assert all(r.host in sample_world.hostmap for r in requests)
    never = {"www.facebook.com", "www.instagram.com", "x.com", "www.threads.com", "l.facebook.com"}
    assert not [r for r in requests if r.host in never and r.bare_path != "/robots.txt"]

    with transaction(site.database_url) as s:
        cases = {c.account.url: c for c in s.scalars(select(Case))}
        classified = {
            url: a.classification
            for url, a in s.execute(
                select(Account.url, Assessment)
                .join(Assessment)
                .where(Assessment.scan_id == outcome.scan_id)
            )
        }
        for hidden in sample_world.manifest:
            if hidden.hidden_by_robots or not hidden.sources:
                continue
            if hidden.expected_case:
                assert hidden.url in cases, f"no case for {hidden.url} ({hidden.classification})"
            if hidden.classification == "affiliated":
                assert hidden.url not in cases, f"affiliated {hidden.url} opened as a case"
            if hidden.classification == "registered":
                assert classified.get(hidden.url) == "registered", hidden.url
        assert all(c.status == CaseStatus.OPEN.value for c in cases.values())
    assert outcome.report_index is not None and outcome.report_index.exists()
    assert "ABCE-" in outcome.report_index.read_text(encoding="utf-8")


@pytest.mark.slow
def test_second_scan_keeps_decisions_and_duplicates_nothing(scanned_in_process):
    from crawler.cases.decisions import decide

    site = scanned_in_process.site
    config = site.config()
    first = scanned_in_process.outcome  # run_scan(config, ScanOptions(screenshots=False))
    with transaction(site.database_url) as s:
        opened = s.scalars(select(Case).order_by(Case.id)).all()
        assert opened
        target = opened[0].number
        decide(s, target, "not-district", by="pr.staff", note="a namesake")
        n_cases = len(opened)
        n_accounts = s.scalar(select(func.count(Account.id)))
    second = run_scan(config, ScanOptions(screenshots=False))
    assert second.scan_id != first.scan_id and not second.resumed
    with transaction(site.database_url) as s:
        assert s.scalar(select(func.count(Case.id))) == n_cases
        assert s.scalar(select(func.count(Account.id))) == n_accounts
        kept = s.scalars(select(Case).where(Case.number == target)).one()
        assert kept.status == CaseStatus.DISMISSED_NOT_DISTRICT.value
        assert [e.actor for e in kept.events if e.action == "decided"] == ["pr.staff"]
