"""``scout scan --all`` over two real Scrapyd nodes, three districts in one database (PostgreSQL
when SCOUT_TEST_DATABASE_URL is set, else SQLite): each district gets its own cases and reports,
and nothing of one district appears in another's. Two small sources (the district's own site
and Bluesky) keep it short; the equivalence with a local scan is tested in test_scan_nodes.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from crawler.sampleworld import SampleWorld
from tests.conftest import PG_URL, pg_database
from tests.e2e.conftest import Site, scout_cli

WORLD = {"wfps": "west-fargo", "vmusd": "verde-mesa", "cvisd": "cibolo-valley"}
SOURCES = "district_site,bluesky"
DISTRICTS_DIR = Path(__file__).resolve().parents[2] / "crawler/sampleworld/districts"


@pytest.fixture(scope="module")
def world() -> Iterator[Any]:
    with SampleWorld(districts=tuple(WORLD.values())) as w:
        yield w


@pytest.fixture
def database(tmp_path: Path) -> Iterator[str]:
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'scout.sqlite3'}"
        return
    with ExitStack() as stack:
        yield stack.enter_context(pg_database())


def three_district_site(world: Any, folder: Path, database_url: str) -> Site:
    from crawler.db import transaction
    from crawler.db.scope import ALL
    from crawler.db.store import import_profile, import_registry
    from crawler.district.profile import load_profile
    from crawler.district.registry import load_registry
    from crawler.sample import PROFILE, REGISTRY

    folder.mkdir()
    files = {"wfps": (PROFILE, REGISTRY)}
    for key, name in WORLD.items():
        folder_of = DISTRICTS_DIR / name
        files.setdefault(key, (folder_of / "profile.yaml", folder_of / "registry.csv"))
    text = world.config_toml(profile=str(PROFILE), registry=str(REGISTRY))
    # no Chromium in this test: the evidence screenshots are not what it is about
    text = text.replace("[crawl]\n", "[crawl]\nscreenshots = false\n", 1)
    (folder / "scout.toml").write_text(text, encoding="utf-8")
    for key, (profile_path, registry_path) in files.items():
        profile = load_profile(profile_path)
        assert profile.district.key == key
        with transaction(database_url, ALL) as s:
            import_profile(s, profile, str(profile_path))
        with transaction(database_url, key) as s:
            import_registry(s, load_registry(registry_path, profile).rows)
    return Site(folder, folder / "scout.toml", database_url)


def cli(site: Site, *args: str) -> str:
    proc = scout_cli(site, *args)
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err[-3000:]
    return out


@pytest.mark.slow
def test_scan_all_over_two_nodes_keeps_three_districts_apart(world, database, nodes, tmp_path):
    site = three_district_site(world, tmp_path / "site", database)
    a, b = nodes(site, 2, max_proc=2)
    with site.config_path.open("a", encoding="utf-8") as f:
        f.write(f'\n[scrapyd]\nurls = ["{a.url}", "{b.url}"]\nslots = 2\npoll_seconds = 0.3\n')

    rows = json.loads(cli(site, "scan", "--all", "--sources", SOURCES, "--json"))
    assert sorted(r["district"] for r in rows) == sorted(WORLD)

    cases = {
        key: json.loads(cli(site, "--district", key, "cases", "list", "--json")) for key in WORLD
    }
    urls = {key: {c["url"] for c in found} for key, found in cases.items()}
    # the accounts each district's own world holds (not the other districts' namesakes)
    own = {
        key: {h.url for h in world.manifest_for(name) if h.classification != "unrelated"}
        for key, name in WORLD.items()
    }
    for key in WORLD:
        assert urls[key], f"district {key} has cases"
        assert sorted(c["case_id"] for c in cases[key])[0].endswith("-0001")
        for other in WORLD:
            if other == key:
                continue
            assert not urls[key] & urls[other], (key, other)
            assert not urls[key] & (own[other] - own[key]), (key, other)

    # each district's reports in its own folder, naming none of another district's cases
    by_key = {r["district"]: r for r in rows}
    for key in WORLD:
        report = by_key[key]["report"]
        assert report, by_key[key]
        folder = Path(report).parent
        assert folder.parent.name == key, folder
        text = "\n".join(
            p.read_text(encoding="utf-8", errors="replace")
            for p in folder.rglob("*")
            if p.suffix in {".html", ".json", ".csv", ".md"}
        )
        for c in cases[key]:
            assert c["url"] in text
        for other in WORLD:
            if other != key:
                assert not any(u in text for u in urls[other]), (key, other)

    # the crawl jobs ran on both nodes
    finished = {node.url: node.folder / "logs" for node in (a, b)}
    assert all(any(logs.rglob("*.log")) for logs in finished.values()), finished
