"""``scout scan --all`` with Scrapyd nodes runs the districts' scans side by side (their jobs
compete for the nodes' free slots); one district's failure does not stop the others; Ctrl-C
stops them all (each dispatcher is told to cancel its jobs). ``run_scan`` is replaced here: the
real scans over real nodes are in test_scan_all_nodes.py."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path
from typing import Any

import pytest

from crawler.config import Scrapyd
from crawler.errors import ScoutError
from crawler.scan import ScanOptions, ScanOutcome
from tests.districts.test_many_districts import two_districts


@pytest.fixture
def config(tmp_path: Path, sqlite_url: str) -> Any:
    two = two_districts(tmp_path, sqlite_url)
    scrapyd = Scrapyd(urls=("http://127.0.0.1:9",), slots=2)  # 2 districts at once
    return dataclasses.replace(two.wf.config, district=None, scrapyd=scrapyd)


def test_districts_run_side_by_side_and_a_failure_stops_no_other(config, monkeypatch) -> None:
    import crawler.scan as scan

    both_started = threading.Barrier(2, timeout=20)  # broken unless both run at once
    seen: list[tuple[str, bool]] = []

    def fake_run_scan(cfg: Any, options: Any, *, progress: Any = None, stop: Any = None) -> Any:
        both_started.wait()
        seen.append((cfg.district, stop is not None))
        if cfg.district == "vmusd":
            raise ScoutError("scan 2 did not finish")
        return ScanOutcome(scan_id=1, resumed=False)

    monkeypatch.setattr(scan, "run_scan", fake_run_scan)
    events: list[dict[str, Any]] = []
    with pytest.raises(ScoutError) as failed:
        scan.run_scan_all(config, ScanOptions(), progress=events.append)
    assert "district vmusd: scan 2 did not finish" in str(failed.value)
    assert "finished: wfps" in str(failed.value)
    assert sorted(seen) == [("vmusd", True), ("wfps", True)]
    assert {e["district"] for e in events if e["event"] == "district"} == {"vmusd", "wfps"}

    # one district at a time when asked (the loop of a scan without nodes)
    monkeypatch.setattr(scan, "run_scan", lambda cfg, options, **kw: ScanOutcome(7, False))
    one = dataclasses.replace(
        config, scrapyd=dataclasses.replace(config.scrapyd, districts_at_once=1)
    )
    assert sorted(k for k, _ in scan.run_scan_all(one, ScanOptions())) == ["vmusd", "wfps"]


def test_ctrl_c_stops_every_district(config, monkeypatch) -> None:
    import _thread

    import crawler.scan as scan

    running = threading.Barrier(3, timeout=20)  # both scans and the interrupter
    stopped: list[str] = []

    def fake_run_scan(cfg: Any, options: Any, *, progress: Any = None, stop: Any = None) -> Any:
        running.wait()
        assert stop.wait(20), "told to stop"
        stopped.append(cfg.district)
        raise KeyboardInterrupt("stopped")  # as a dispatcher does after cancelling its jobs

    def ctrl_c() -> None:
        running.wait()
        _thread.interrupt_main()

    monkeypatch.setattr(scan, "run_scan", fake_run_scan)
    threading.Thread(target=ctrl_c).start()
    with pytest.raises(KeyboardInterrupt):
        scan.run_scan_all(config, ScanOptions())
    assert sorted(stopped) == ["vmusd", "wfps"]
