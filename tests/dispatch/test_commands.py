"""`scout nodes --json`, `scout scan --dry-run` with nodes, and SIGTERM of a dispatched
`scout scan`: its jobs are cancelled and the scan is left to resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import select

from crawler.db import transaction
from crawler.db.models import Scan
from crawler.discovery.dispatch import parse_result
from crawler.discovery.scrapyd import Node
from crawler.vocab import ScanStatus
from tests.conftest import REPO
from tests.dispatch.conftest import free_port
from tests.e2e.conftest import KEYS


def scout(site, urls, *args):
    env = {
        **os.environ,
        **KEYS,
        "SCOUT_DATABASE_URL": site.database_url,
        "SCOUT_CONFIG": str(site.config_path),
        "SCOUT_SCRAPYD_URLS": ",".join(urls),
        "PYTHONPATH": str(REPO),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "crawler", *args],
        cwd=site.dir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def crawling(folder) -> bool:
    logs = list((folder / "logs").rglob("*.log"))
    return bool(logs) and "Spider opened" in logs[0].read_text(encoding="utf-8", errors="replace")


@pytest.mark.slow
def test_nodes_dry_run_and_sigterm_cancels_the_jobs(site, nodes):
    (a,) = nodes(site, 1)
    gone = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    out, err = scout(site, [a.url, gone], "nodes", "--json").communicate(timeout=60)
    report = json.loads(out)
    assert [n["url"] for n in report] == [a.url, gone]
    up, down = report
    assert up["status"] == "ok" and up["error"] is None
    assert up["running"] == [] and up["pending"] == [] and isinstance(up["finished"], int)
    assert down["status"] == "unreachable" and down["error"]

    proc = scout(site, [a.url, gone], "scan", "--dry-run", "--sources", "bluesky,mastodon")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    plan = out[out.index("Scrapyd jobs") :]
    assert f"{a.url}: 4 free slots; jobs: bluesky, mastodon" in plan
    assert f"{gone}: unreachable" in plan

    # a dispatched scan (of every district) stopped by SIGTERM cancels its job on the node
    proc = scout(site, [a.url], "scan", "--all", "--sources", "bluesky", "--json")
    node = Node(a.url, "district_account_scout")
    deadline = time.monotonic() + 60
    while not crawling(a.folder) and time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.2)
    assert node.jobs()["running"], "the job is crawling"
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=60)
    assert proc.returncode != 0
    deadline = time.monotonic() + 30
    while (node.jobs()["running"] or node.jobs()["pending"]) and time.monotonic() < deadline:
        time.sleep(0.2)
    jobs = node.jobs()
    assert jobs["running"] == [] and jobs["pending"] == []
    (done,) = jobs["finished"]  # the job running when the signal came (the selfcheck runs first)
    spider = done["spider"]
    result = parse_result(node.log(spider, done["id"], done["log_url"]), spider)
    assert result is not None and result.finish_reason == "shutdown"  # cancelled, not finished
    with transaction(site.database_url) as s:
        scan = s.scalars(select(Scan)).one()
        assert scan.status == ScanStatus.INTERRUPTED
