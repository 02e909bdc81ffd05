"""The `[scrapyd]` configuration and the job plan, without nodes."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.config import load_config
from crawler.discovery.dispatch import Job, JobPlan, parse_result
from crawler.discovery.progress import RESULT_MARK
from crawler.discovery.scrapyd import Node, credentials, node_config_text
from crawler.errors import InputError


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "scout.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_nodes_come_from_the_file_or_the_environment(tmp_path: Path) -> None:
    path = write(tmp_path, '[scrapyd]\nurls = ["http://a:6800/", "http://b:6800"]\nslots = 3\n')
    c = load_config(path, env={})
    assert c.scrapyd.urls == ("http://a:6800", "http://b:6800") and c.scrapyd.slots == 3
    c = load_config(path, env={"SCOUT_SCRAPYD_URLS": "http://c:6800, http://d:6800"})
    assert c.scrapyd.urls == ("http://c:6800", "http://d:6800")
    assert not load_config(write(tmp_path, ""), env={}).scrapyd.enabled


@pytest.mark.parametrize(
    "text",
    [
        '[scrapyd]\nurls = ["http://user:pw@a:6800"]\n',
        '[scrapyd]\nurls = ["ftp://a"]\n',
        "[scrapyd]\nslots = 0\n",
        "[scrapyd]\nnodes = 1\n",
    ],
)
def test_bad_scrapyd_settings_are_errors(tmp_path: Path, text: str) -> None:
    with pytest.raises(InputError) as err:
        load_config(write(tmp_path, text), env={})
    assert "scrapyd." in str(err.value)


def test_credentials_only_from_the_environment_and_never_in_errors(monkeypatch) -> None:
    assert credentials({"SCOUT_SCRAPYD_USERNAME": "u"}) is None
    monkeypatch.setenv("SCOUT_SCRAPYD_USERNAME", "scout")
    monkeypatch.setenv("SCOUT_SCRAPYD_PASSWORD", "s3cret-node-pass")
    assert credentials() == ("scout", "s3cret-node-pass")
    from crawler.config import redact

    assert "s3cret" not in redact("http://scout:s3cret-node-pass@x")


def test_node_configuration_is_eggless() -> None:
    text = node_config_text(Path("/srv/node"), host="10.0.0.5", port=6801, max_proc=3, project="p")
    assert "[settings]\np = crawler.discovery.settings" in text
    assert "http_port = 6801" in text and "max_proc = 3" in text
    assert "password" not in text.split("#")[0]


def plan_of(*sources: tuple[str, int]) -> JobPlan:
    jobs = [Job(7, "wfps", s, phase) for s, phase in sources]
    return JobPlan(7, "wfps", tuple(s for s, _ in sources), jobs, {}, {})


def test_jobs_go_where_slots_are_free_phase_by_phase() -> None:
    a, b = Node("http://a", "p"), Node("http://b", "p")
    plan = plan_of(("district_site", 1), ("web_search", 1), ("bluesky", 1), ("youtube", 2))
    placed = plan.by_node([a, b], {"http://a": 1, "http://b": 2})
    # phase 1 fills the free slots, the most free first; phase 2 starts on free slots again
    assert placed == {
        "http://a": ["web_search"],
        "http://b": ["district_site", "bluesky", "youtube"],
    }
    # an unreachable node gets nothing
    assert plan.by_node([a, b], {"http://b": 1})["http://a"] == []


def test_a_jobs_id_names_scan_district_source_run_and_attempt() -> None:
    job = Job(12, "wfps", "bluesky", 1, run="a1b2c3")
    assert job.next_jobid() == "scan12-wfps-bluesky-a1b2c3-1"
    assert job.next_jobid() == "scan12-wfps-bluesky-a1b2c3-2"
    assert Job(12, "wfps", "bluesky", 1).next_jobid() != Job(12, "wfps", "bluesky", 1).next_jobid()


def test_results_are_read_from_the_job_log() -> None:
    log = "\n".join(
        [
            "2026-01-01 [scrapy.core.engine] INFO: Spider opened",
            f'2026-01-01 [crawler.discovery.progress] INFO: {RESULT_MARK}{{"event": "source_finished",'
            ' "source": "bluesky", "sightings": 4, "finish_reason": "finished"}',
            f'x {RESULT_MARK}{{"event": "source_finished", "source": "mastodon", "sightings": 9}}',
        ]
    )
    r = parse_result(log, "bluesky")
    assert r is not None and r.sightings == 4 and r.finish_reason == "finished"
    assert parse_result("killed before the end", "bluesky") is None
