"""A full scan's web search spends what its further pages leave on the queries the plan cut
(``Plan.overflow``), in the plan's order, when everything planned is done (``spider_idle``);
an incremental scan has none; the budget is never passed, and a resumed crawl does not ask a
continued query twice."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy.exceptions import DontCloseSpider

from crawler.discovery.planner import plan
from crawler.district.profile import load_profile
from crawler.sample import PROFILE
from spiders.web_search import WebSearchSpider
from tests.discovery.conftest import budget, one_district, with_


def _cut_config(config):
    return with_(config, budget=budget(searxng_requests_per_scan=60, results_pages=2))


def test_the_plan_keeps_what_the_budget_cut_in_order(config):
    from crawler.discovery.planning.increment import Increment

    cfg = _cut_config(config)
    full = plan(load_profile(PROFILE), cfg, sources=["web_search"])
    kept = full.queries["web_search"]
    cut = full.overflow["web_search"]
    assert len(kept) + len(cut) > len(kept) == 57  # 60 requests, 5% kept for further pages
    assert not {q.query for q in kept} & {q.query for q in cut}
    assert [q.priority for q in cut] == sorted(q.priority for q in cut)
    assert "cut queries, in order" in full.limits["web_search"]
    # an incremental scan joins its queries instead, and leaves nothing over
    from datetime import UTC, datetime

    inc = Increment(since=datetime(2026, 11, 1, tzinfo=UTC), now=datetime(2026, 12, 1, tzinfo=UTC))
    assert (
        "web_search"
        not in plan(load_profile(PROFILE), cfg, sources=["web_search"], increment=inc).overflow
    )


def test_idle_sends_the_cut_queries_while_the_budget_lasts(config, make_spider):
    cfg = _cut_config(config)
    spider = make_spider(WebSearchSpider, cfg)
    sent: list[Any] = []
    spider.crawler.engine = SimpleNamespace(crawl=sent.append)
    cut = plan(load_profile(PROFILE), cfg, sources=["web_search"]).overflow["web_search"]
    spider.request_budget()
    spider.requests_used = 50  # the planned first pages and a few further pages
    with pytest.raises(DontCloseSpider):
        spider.go_on()
    assert len(sent) == 10 and spider.requests_used == 60
    assert [r.meta["scout_query"] for r in sent] == [q.query for q in cut[:10]]
    spider.go_on()  # the budget is used up: the spider may close
    assert len(sent) == 10
    # a query asked once is not asked again when the budget allows more
    spider.requests_used = 40
    with pytest.raises(DontCloseSpider):
        spider.go_on()
    assert [r.meta["scout_query"] for r in sent[10:]] == [q.query for q in cut[10:30]]


@pytest.mark.slow
def test_a_scan_asks_a_cut_query_with_what_is_left(tmp_path: Path, monkeypatch):
    """Shoals County's girls' soccer account (``elhsgsoccer``, "ELHS Girls Soccer") is found
    only by ``"ELHS" soccer``, which the plan's budget cut; the scan asks it with what the
    further pages left, finds the account and stays within the budget."""
    from sqlalchemy import select

    from crawler.db import transaction
    from crawler.db.models import Account, ScanQuery
    from crawler.scan import ScanOptions, run_scan

    with one_district("north-shoals", tmp_path, monkeypatch) as (world, config, profile):
        db = config.database_url
        the_plan = plan(profile, config)
        wanted = [q.query for q in the_plan.overflow["web_search"] if '"ELHS" soccer' in q.query]
        assert wanted  # cut from the plan
        world.reset_log()
        out = run_scan(config, ScanOptions(screenshots=False, reports=False))
        searches = [r for r in world.requests if r.bare_path == "/search"]
    assert 0 < len(searches) <= config.budget.searxng_requests_per_scan
    with transaction(db) as s:
        asked = dict(
            s.execute(
                select(ScanQuery.query, ScanQuery.status).where(
                    ScanQuery.scan_id == out.scan_id, ScanQuery.source == "web_search"
                )
            ).all()
        )
        assert all(asked.get(q) == "done" for q in wanted)
        assert s.scalars(select(Account).where(Account.handle == "elhsgsoccer")).one()


def test_every_school_activity_waits_in_the_overflow(config):
    """A school's activities past ``queries_per_entity`` are not dropped: the plan keeps them,
    after the cut queries of its first rounds, for what the further pages leave (Kennebec
    Highlands' ``tvrhs_ffa``, FFA being its school's twelfth activity, was asked nowhere)."""
    from crawler.discovery.planning.terms import all_terms

    profile = load_profile(PROFILE)
    full = plan(profile, config, sources=["web_search"])
    asked = {q.query for q in [*full.queries["web_search"], *full.overflow["web_search"]]}
    wanted = [term for t in all_terms(profile) for term in t.school_activities]
    assert len(wanted) > config.budget.queries_per_entity * 3  # more than the plan asks first
    missing = [term for term in wanted if not any(q.endswith(f" {term}") for q in asked)]
    assert not missing
    over = full.overflow["web_search"]
    assert [q.priority for q in over] == sorted(q.priority for q in over)
