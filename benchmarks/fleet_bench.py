"""Scans across machines: the same districts scanned on one Scrapyd node and on two.

    python benchmarks/fleet_bench.py [--districts west-fargo,verde-mesa,cibolo-valley]
        [--sources S,...] [--slots 2] [--database-url postgresql+psycopg://…]

For each run: a fresh database holding every district of the sample world (West Fargo, Verde
Mesa, Cibolo Valley and Dayton Riverside by default), ``N`` real Scrapyd processes on loopback
started with ``scout node --max-proc SLOTS`` (each with its own folder), then ``scout scan --all``
in-process (:func:`crawler.scan.run_scan_all`) with ``[scrapyd] urls`` naming them: the crawl
jobs of every district spread over the nodes' free slots, then matching, cases and reports per
district. The sample world's configuration has no politeness delay and no AutoThrottle.

Prints, side by side for one node and two: the wall time, districts and responses per minute,
and the time a district waits for a free slot (until its first job runs on a node, and all its
jobs' waits together, mean and largest over the districts), then the
throughput ratio (the issue's aim: at least 1.7x with two nodes on a 2-core machine; the nodes,
the sample world and this process share the cores, so the ratio is a figure, not a promise).
Nothing is asserted. The database is SQLite in a temporary folder unless ``--database-url``
(or ``SCOUT_BENCH_DATABASE_URL``) names an empty PostgreSQL database, which is emptied first.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

DISTRICTS = ("west-fargo", "verde-mesa", "cibolo-valley", "dayton-riverside")
KEYS = {"SCOUT_YOUTUBE_API_KEY": "fleet-bench-youtube", "SCOUT_BRAVE_API_KEY": "fleet-bench-brave"}


@dataclass
class Run:
    nodes: int
    seconds: float
    districts: int
    responses: int
    waits: dict[str, float]  # district -> seconds its jobs waited for a free slot, together
    first: dict[str, float]  # district -> seconds from the start to its first job on a node
    placed: dict[str, int]  # node -> jobs scheduled there

    @property
    def per_minute(self) -> float:
        return self.districts / self.seconds * 60

    @property
    def responses_per_minute(self) -> float:
        return self.responses / self.seconds * 60


def district_files(name: str) -> tuple[Path, Path]:
    from crawler.sample import PROFILE, REGISTRY

    if name == "west-fargo":
        return PROFILE, REGISTRY
    folder = REPO / "crawler/sampleworld/districts" / name
    return folder / "profile.yaml", folder / "registry.csv"


def empty_database(url: str | None, folder: Path) -> str:
    if not url:
        return f"sqlite:///{folder / 'scout.sqlite3'}"
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as c:
        c.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    return url


def make_site(world: Any, folder: Path, database_url: str, names: tuple[str, ...]) -> Any:
    from crawler.db import transaction
    from crawler.db.scope import ALL
    from crawler.db.store import import_profile, import_registry
    from crawler.district.profile import load_profile
    from crawler.district.registry import load_registry
    from tests.e2e.conftest import Site

    folder.mkdir(parents=True)
    first_profile, first_registry = district_files(names[0])
    text = world.config_toml(profile=str(first_profile), registry=str(first_registry))
    text = text.replace("[crawl]\n", "[crawl]\nscreenshots = false\n", 1)  # no Chromium
    (folder / "scout.toml").write_text(text, encoding="utf-8")
    for name in names:
        profile_path, registry_path = district_files(name)
        profile = load_profile(profile_path)
        with transaction(database_url, ALL) as s:
            import_profile(s, profile, str(profile_path))
        with transaction(database_url, profile.district.key) as s:
            import_registry(s, load_registry(registry_path, profile).rows)
    return Site(folder, folder / "scout.toml", database_url)


def one_run(
    world: Any,
    names: tuple[str, ...],
    n_nodes: int,
    slots: int,
    sources: tuple[str, ...] | None,
    database_url: str | None,
    tmp: Path,
) -> Run:
    from crawler.config import Scrapyd
    from crawler.scan import ScanOptions, run_scan_all
    from tests.dispatch.conftest import start_node, wait_until_up

    folder = tmp / f"{n_nodes}-node"
    folder.mkdir()
    url = empty_database(database_url, folder)
    site = make_site(world, folder / "site", url, names)
    nodes = [start_node(site, folder / f"node{i}", max_proc=slots) for i in range(n_nodes)]
    try:
        for node in nodes:
            wait_until_up(node)
        config = site.config()
        config = replace(
            config,
            scrapyd=Scrapyd(urls=tuple(n.url for n in nodes), slots=slots, poll_seconds=0.3),
        )
        world.reset_quota()
        events: list[tuple[float, dict[str, Any]]] = []
        options = ScanOptions(sources=sources, screenshots=False)
        started = time.perf_counter()
        outcomes = run_scan_all(
            config, options, progress=lambda e: events.append((time.perf_counter(), e))
        )
        seconds = time.perf_counter() - started
    finally:
        for node in nodes:
            node.kill()
    waits: dict[str, float] = defaultdict(float)
    first: dict[str, float] = {}
    placed: dict[str, int] = defaultdict(int)
    for at, e in events:
        if e.get("event") == "job_scheduled":
            waits[e["district"]] += float(e.get("waited") or 0.0)
            first.setdefault(e["district"], at - started)
            placed[e["node"]] += 1
    responses = sum(int(r.get("responses") or 0) for _, o in outcomes for r in o.sources.values())
    return Run(n_nodes, seconds, len(outcomes), responses, dict(waits), first, dict(placed))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--districts", default=",".join(DISTRICTS), help="sample world folders")
    parser.add_argument("--sources", default="", help="comma-separated (default: all configured)")
    parser.add_argument("--slots", type=int, default=2, help="jobs one node runs at once")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("SCOUT_BENCH_DATABASE_URL", ""),
        help="an empty PostgreSQL database (emptied first); default SQLite",
    )
    args = parser.parse_args()
    names = tuple(n.strip() for n in args.districts.split(",") if n.strip())
    sources = tuple(s.strip() for s in args.sources.split(",") if s.strip()) or None
    os.environ.update(KEYS)
    from crawler.sampleworld import SampleWorld

    with (
        SampleWorld(districts=names, youtube_search_quota=1_000_000) as world,
        tempfile.TemporaryDirectory(prefix="fleet-bench-") as tmp,
    ):
        runs = [
            one_run(world, names, n, args.slots, sources, args.database_url, Path(tmp))
            for n in (1, 2)
        ]
    print(
        f"{len(names)} districts ({', '.join(names)}), {args.slots} slots per node, "
        f"sources: {', '.join(sources) if sources else 'all configured'}"
    )
    print(f"{'':<34}{'1 node':>12}{'2 nodes':>12}")
    rows = [
        ("wall time (s)", [f"{r.seconds:.1f}" for r in runs]),
        ("districts per minute", [f"{r.per_minute:.2f}" for r in runs]),
        ("responses", [str(r.responses) for r in runs]),
        ("responses per minute", [f"{r.responses_per_minute:.0f}" for r in runs]),
        (
            "first job on a node, mean (s)",
            [f"{statistics.mean(r.first.values()) if r.first else 0:.1f}" for r in runs],
        ),
        (
            "first job on a node, last (s)",
            [f"{max(r.first.values(), default=0):.1f}" for r in runs],
        ),
        (
            "jobs' slot waits, mean/district (s)",
            [f"{statistics.mean(r.waits.values()) if r.waits else 0:.1f}" for r in runs],
        ),
        (
            "jobs' slot waits, largest (s)",
            [f"{max(r.waits.values(), default=0):.1f}" for r in runs],
        ),
        ("jobs per node", [" / ".join(str(v) for v in r.placed.values()) for r in runs]),
    ]
    for label, values in rows:
        print(f"{label:<34}{values[0]:>12}{values[1]:>12}")
    print(
        f"throughput ratio (2 nodes / 1 node): {runs[1].per_minute / runs[0].per_minute:.2f}x "
        "(aim: 1.7x)"
    )


if __name__ == "__main__":
    main()
