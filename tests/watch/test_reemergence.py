"""Re-emergence without a crawl: a reported case whose account was gone and is live again
re-opens; a new copy of a taken-down impersonator names the earlier case."""

from __future__ import annotations

from crawler.cases.decisions import decide
from crawler.cases.records import find_case
from crawler.cases.views import case_json
from tests.cases.scout_world import Seen, make_world, run_scan

COPY = Seen(
    "https://www.instagram.com/westfargoschools_/",
    classification="impersonation",
    entity="wfps",
    imitates="https://www.instagram.com/westfargoschools/",
    display_name="West Fargo Public Schools",
    confidence=0.95,
    sources=("web_search", "profiles"),
)
AGAIN = Seen(
    "https://www.instagram.com/westfargo.schools/",
    classification="impersonation",
    entity="wfps",
    imitates="https://www.instagram.com/westfargoschools/",
    display_name="West Fargo Public Schools",
    confidence=0.95,
)
HOOPS = Seen(
    "https://www.instagram.com/sheyennehoops/",
    entity="shs-basketball",
    display_name="Sheyenne Hoops",
)


def _case(world, number):
    with world.session() as s:
        case = find_case(s, number)
        return case_json(case) | {"events": [e.action for e in case.events]}


def test_reported_case_reopens_when_live_again_and_a_copy_names_it(tmp_path, db_url):
    world = make_world(tmp_path, db_url)
    _, first = run_scan(world, [COPY, HOOPS])
    number = next(n for n in first.opened if _case(world, n)["handle"] == "westfargoschools_")
    with world.session() as s:
        decide(s, number, "reported-to-platform", by="pr", note="reported to Instagram")
    # still there the next month: a reported case stays reported
    _, second = run_scan(world, [COPY, HOOPS])
    assert (
        number not in second.reopened and _case(world, number)["status"] == "reported-to-platform"
    )
    # taken down: not seen; a copy under a new handle appears, naming the earlier case
    _, third = run_scan(world, [AGAIN, HOOPS])
    assert number in third.not_seen
    (new,) = third.opened
    again = _case(world, new)
    assert again["handle"] == "westfargo.schools" and again["related_cases"] == [number]
    assert _case(world, number)["related_cases"] == []
    # the old account comes back: the reported case re-opens with its history
    _, fourth = run_scan(world, [COPY, AGAIN, HOOPS])
    assert number in fourth.reopened
    c = _case(world, number)
    assert c["status"] == "open" and c["events"][-1] == "reopened"
