"""An incremental re-scan of the sample world (README, "How a monthly scan saves work"):
asks for less, opens and closes nothing in an unchanged world, and resumes without
repeating its requests."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crawler.db import transaction
from crawler.db.models import Case, Scan
from crawler.scan import ScanOptions, run_scan
from crawler.vocab import ScanStatus

SEARCH_PATHS = ("/search", "/res/v1/web/search", "/youtube/v3/search")


def _searches(requests) -> list[str]:
    return [r.path for r in requests if r.bare_path in SEARCH_PATHS]


@pytest.mark.slow
def test_incremental_rescan_asks_less_changes_nothing_and_resumes(
    scanned_in_process, sample_world, monkeypatch
):
    site = scanned_in_process.site
    config = site.config()
    first = scanned_in_process.outcome
    before = len(scanned_in_process.requests)
    with transaction(site.database_url) as s:
        cases = {(c.number, c.status) for c in s.scalars(select(Case))}

    # a re-scan killed after its crawl (here: matching fails) ...
    import crawler.scan as scan_module

    def killed(*args, **kwargs):
        raise KeyboardInterrupt("killed after the crawl")

    sample_world.reset_log()
    with monkeypatch.context() as mp:
        mp.setattr(scan_module, "_match_and_decide", killed)
        with pytest.raises(KeyboardInterrupt):
            run_scan(config, ScanOptions(screenshots=False))
    crawled = sample_world.requests
    assert 0 < len(crawled) < before * 0.6  # incremental: far fewer requests than the first
    with transaction(site.database_url) as s:
        row = s.scalars(select(Scan).order_by(Scan.id.desc())).first()
        assert row is not None and row.status == ScanStatus.RUNNING

    # ... resumes: the same scan, none of its searches asked again
    sample_world.reset_log()
    second = run_scan(config, ScanOptions(screenshots=False))
    assert second.resumed and second.scan_id != first.scan_id
    assert not set(_searches(sample_world.requests)) & set(_searches(crawled))
    assert second.cost["mode"] == "incremental"
    # its cost covers both runs: the killed one's requests too
    spent = sum(h["requests"] for h in second.cost["hosts"].values())
    assert spent >= len(crawled) + len(sample_world.requests) * 0.5, (spent, len(crawled))
    # an unchanged world: nothing opened, re-opened, resolved or left unseen; the same gone
    for what in ("opened", "reopened", "resolved", "not_seen"):
        assert not second.cases.get(what), (what, second.cases)
    assert set(second.cases.get("gone", [])) <= set(first.cases.get("gone", []))
    with transaction(site.database_url) as s:
        assert {(c.number, c.status) for c in s.scalars(select(Case))} == cases
