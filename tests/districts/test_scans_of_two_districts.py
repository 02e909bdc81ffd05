"""Two districts of the sample world scanned from one database (a crawl in a child process
each, on the district_site and bluesky sources only): each scan stores, matches and opens
cases for its own district, numbered from 0001, with reports in its own folder and its own
scan lock; ``scout scan --all`` is not run here (the same code per district)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from crawler.sampleworld import SampleWorld

VM_DIR = Path(__file__).resolve().parents[2] / "crawler/sampleworld/districts/verde-mesa"
SOURCES = "district_site,bluesky"


@pytest.fixture(scope="module")
def world() -> Any:
    with SampleWorld(districts=("west-fargo", "verde-mesa")) as w:
        yield w


def test_two_districts_scan_into_one_database(
    world: Any, tmp_path: Path, db_url: str, scout: Any
) -> None:
    from crawler.sample import PROFILE, REGISTRY

    cfg = tmp_path / "scout.toml"
    cfg.write_text(
        world.config_toml(profile=str(PROFILE), registry=str(REGISTRY)), encoding="utf-8"
    )
    env = {"SCOUT_CONFIG": str(cfg), "SCOUT_DATABASE_URL": db_url}
    os.environ.pop("SCOUT_DISTRICT", None)

    def cli(*args: str) -> tuple[int, str, str]:
        return scout(*args, env=env)

    assert cli("district", "import", str(PROFILE))[0] == 0
    assert cli("registry", "import", str(REGISTRY))[0] == 0
    assert cli("district", "import", str(VM_DIR / "profile.yaml"))[0] == 0
    code, _, err = cli("registry", "import", str(VM_DIR / "registry.csv"))
    assert code == 1 and "several districts" in err
    code, _, err = cli("--district", "vmusd", "registry", "import", str(VM_DIR / "registry.csv"))
    assert code == 0, err

    outcomes = {}
    for key in ("vmusd", "wfps"):
        code, out, err = cli("--district", key, "scan", "--sources", SOURCES, "--json")
        assert code == 0, err
        outcomes[key] = json.loads(out)

    lists = {}
    for key in ("vmusd", "wfps"):
        code, out, err = cli("--district", key, "cases", "list", "--json")
        assert code == 0, err
        lists[key] = json.loads(out)
    vm_urls = {c["url"] for c in lists["vmusd"]}
    wf_urls = {c["url"] for c in lists["wfps"]}
    assert vm_urls and wf_urls and not vm_urls & wf_urls
    # no district opens cases for accounts that only the other district's world holds
    own = {
        key: {h.url for h in world.manifest_for(name) if h.classification != "unrelated"}
        for key, name in (("vmusd", "verde-mesa"), ("wfps", "west-fargo"))
    }
    assert not vm_urls & (own["wfps"] - own["vmusd"])
    assert not wf_urls & (own["vmusd"] - own["wfps"])
    for key in ("vmusd", "wfps"):
        numbers = sorted(c["case_id"] for c in lists[key])
        assert numbers[0].endswith("-0001")
    # reports in each district's own folder, holding only its own accounts
    reports = tmp_path / "scout-data" / "reports"
    for key, other in (("vmusd", wf_urls), ("wfps", vm_urls)):
        folder = reports / key / f"scan-{outcomes[key]['scan_id']}"
        assert folder.is_dir(), sorted(p.name for p in reports.rglob("*"))[:20]
        text = "\n".join(
            p.read_text(encoding="utf-8", errors="replace")
            for p in folder.rglob("*")
            if p.suffix in {".html", ".json", ".csv", ".md"}
        )
        assert not any(u in text for u in other)
    code, out, _ = cli("district", "list", "--json")
    rows = {r["key"]: r for r in json.loads(out)}
    assert rows["vmusd"]["open_cases"] == len(lists["vmusd"]) - sum(
        1 for c in lists["vmusd"] if c["status"] not in ("open", "notified")
    )
    assert rows["wfps"]["last_scan"] is not None
