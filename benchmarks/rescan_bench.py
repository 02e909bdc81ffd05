"""Re-scan cost: a district scanned in its first month, then again a month later.

    python benchmarks/rescan_bench.py [--district KEY ...] [--no-compare]

For each invented district of the sample world (every folder of its districts: west-fargo,
cibolo-valley, dayton-riverside, tualatin-valley, verde-mesa), in a fresh folder with its own SQLite database: the first month's world
(``SampleWorld(districts=(key,), month=1)``), ``district import``, ``registry import``, a full
``scout scan``; then the world a month later (``month=2``: new accounts, changed registered
accounts, the registry PR keeps by then), ``registry import`` of that registry and the
incremental ``scout scan``. Printed side by side per district: requests, bytes, 304 answers,
YouTube units and web-search requests of both scans, the ratio, and recall on the accounts new
in month 2 (those of ``later.yaml``'s ``add`` that some source can find and that expect a case).

With comparison (the default) the month-1 folder is copied and month 2 is also scanned with
``--full``: the incremental scan should raise the same registry-watch findings (registered
accounts whose snapshot changed) and leave the same open cases. Figures only: nothing is
asserted. ``--steady`` also scans the month-2 world twice more and prints the fourth scan's
requests and bytes: a sweep whose entities' answers are due again (the steady state; the
sweeps of months 2 and 3 leave what the first scan asked). Targets (issue 20): month-2 requests and bytes <= 30% of month 1, YouTube <= 1,000
units, recall on new accounts >= 0.95, same findings, same open cases.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

KEYS = {
    "SCOUT_YOUTUBE_API_KEY": "rescan-youtube-key",
    "SCOUT_BRAVE_API_KEY": "rescan-brave-key",
}


def _districts() -> tuple[str, ...]:
    from crawler.sampleworld.data import district_keys

    return tuple(district_keys())


DISTRICTS = _districts()  # every district folder of the sample world


@dataclass
class Month:
    requests: int = 0
    bytes: int = 0
    not_modified: int = 0
    youtube_units: int = 0
    web_search: int = 0
    seconds: float = 0.0
    scan_id: int = 0


@dataclass
class Result:
    district: str
    first: Month
    second: Month
    new_expected: int = 0
    new_hit: int = 0
    misses: list[str] = field(default_factory=list)
    steady: Month | None = None  # --steady: the fourth scan (a sweep whose answers are due)
    same_findings: bool | None = None
    same_cases: bool | None = None
    diff: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.new_hit / self.new_expected if self.new_expected else 1.0


def _write(world: Any, key: str, folder: Path) -> Path:
    d = world.data.district(key)
    for src in (d.profile, d.registry):
        shutil.copyfile(src, folder / src.name)
    cfg = folder / "scout.toml"
    cfg.write_text(
        world.config_toml(
            profile=d.profile.name,
            registry=d.registry.name,
            database_url=f"sqlite:///{folder / 'scout.sqlite3'}",
            district=key,
        ),
        encoding="utf-8",
    )
    return cfg


def _import(cfg_path: Path, env: dict[str, str], registry_only: bool) -> Any:
    from crawler.config import load_config
    from crawler.db.store import import_configured

    cfg = load_config(cfg_path, env=env)
    import_configured(cfg, registry_only=registry_only)
    return cfg


def _scan(world: Any, key: str, folder: Path, env: dict[str, str], month: int, full: bool) -> Month:
    from crawler.scan import ScanOptions, run_scan

    cfg_path = _write(world, key, folder)
    cfg = _import(cfg_path, env, registry_only=month == 2)
    world.reset_log()
    world.reset_quota()
    started = time.perf_counter()
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        outcome = run_scan(cfg, ScanOptions(screenshots=False, reports=False, full=full))
    finally:
        os.chdir(cwd)
    m = Month(seconds=time.perf_counter() - started, scan_id=outcome.scan_id)
    for h in outcome.cost.get("hosts", {}).values():
        m.requests += h["requests"]
        m.bytes += h["bytes"]
        m.not_modified += h["not_modified"]
    m.youtube_units = 100 * world.youtube.search_calls + world.youtube.unit_calls
    m.web_search = sum(
        1 for r in world.requests if r.bare_path in ("/search", "/res/v1/web/search")
    )
    return m


def _state(folder: Path, scan_id: int) -> tuple[set[str], set[str]]:
    """(registry-watch findings of the scan, open cases) of the database in ``folder``."""
    from sqlalchemy import select

    from crawler.db import transaction
    from crawler.db.models import Case, RegisteredAccount, RegistrySnapshot
    from crawler.vocab import CaseStatus

    with transaction(f"sqlite:///{folder / 'scout.sqlite3'}") as s:
        findings = {
            f"{url} changed"
            for (url,) in s.execute(
                select(RegisteredAccount.url)
                .join(RegistrySnapshot, RegistrySnapshot.registered_id == RegisteredAccount.id)
                .where(RegistrySnapshot.scan_id == scan_id, RegistrySnapshot.changed.is_(True))
            )
        }
        cases = {
            f"{c.kind} {c.account.url}"
            for c in s.scalars(
                select(Case).where(Case.status.in_([CaseStatus.OPEN, CaseStatus.NOTIFIED]))
            )
        }
    return findings, cases


def _recall(world: Any, key: str, folder: Path, result: Result) -> None:
    from sqlalchemy import select

    from crawler.db import transaction
    from crawler.db.models import Account, Case

    with transaction(f"sqlite:///{folder / 'scout.sqlite3'}") as s:
        cased = {
            (url, str(kind))
            for url, kind in s.execute(select(Account.url, Case.kind).join(Case.account))
        }
    for h in world.manifest_for(key):
        account = world.data.by_key.get(h.key)
        if account is None or not account.added:
            continue
        if not (h.expected_case and h.sources and not h.hidden_by_robots):
            continue
        result.new_expected += 1
        urls = {h.url, *h.aliases}
        if any((u, h.expected_case) in cased for u in urls):
            result.new_hit += 1
        else:
            result.misses.append(f"{h.key} ({h.platform} {h.handle})")


def run_district(key: str, compare: bool, keep: bool, steady: bool = False) -> Result:
    from crawler.sampleworld import SampleWorld

    env = {k: v for k, v in os.environ.items() if k not in ("SCOUT_DATABASE_URL", "SCOUT_SOURCES")}
    env |= KEYS
    os.environ.update(KEYS)
    root = Path(tempfile.mkdtemp(prefix=f"rescan-{key}-"))
    inc, full = root / "incremental", root / "full"
    inc.mkdir()
    keys = {"youtube_key": KEYS["SCOUT_YOUTUBE_API_KEY"], "brave_key": KEYS["SCOUT_BRAVE_API_KEY"]}
    try:
        with SampleWorld(districts=(key,), month=1, **keys) as world:
            first = _scan(world, key, inc, env, 1, full=False)
        if compare:
            from crawler.db import engine_for

            # a SQLite file in WAL mode is copied with no pooled connection to it
            engine_for(f"sqlite:///{inc / 'scout.sqlite3'}").dispose()
            shutil.copytree(inc, full)
        with SampleWorld(districts=(key,), month=2, **keys) as world:
            second = _scan(world, key, inc, env, 2, full=False)
            result = Result(key, first, second)
            _recall(world, key, inc, result)
            if compare:
                again = _scan(world, key, full, env, 2, full=True)
            if steady:
                # months 3 and 4 of an unchanged world: the fourth scan's sweep asks again the
                # candidates the first scan answered (full_sweep_months old by then)
                _scan(world, key, inc, env, 2, full=False)
                result.steady = _scan(world, key, inc, env, 2, full=False)
        if compare:
            f_inc, c_inc = _state(inc, second.scan_id)
            f_full, c_full = _state(full, again.scan_id)
            result.same_findings = f_inc == f_full
            result.same_cases = c_inc == c_full
            result.diff += [
                f"only with --full: {x}" for x in sorted((f_full - f_inc) | (c_full - c_inc))
            ]
            result.diff += [
                f"only incremental: {x}" for x in sorted((f_inc - f_full) | (c_inc - c_full))
            ]
        return result
    finally:
        if not keep:
            shutil.rmtree(root, ignore_errors=True)


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.0f}%" if b else "-"


def table(results: list[Result]) -> str:
    head = (
        f"{'district':<18} {'requests 1→2':>15} {'ratio':>6} {'bytes 1→2':>21} {'ratio':>6} "
        f"{'304s':>9} {'YouTube units':>15} {'web search':>11} {'new recall':>11} "
        f"{'findings':>9} {'cases':>6}"
    )
    if any(r.steady for r in results):
        head += f" {'month 4 requests':>17} {'bytes':>6}"
    lines = [head, "-" * len(head)]
    for r in results:
        a, b = r.first, r.second
        same = {None: "-", True: "same", False: "DIFF"}
        lines.append(
            f"{r.district:<18} {a.requests:>7}→{b.requests:<7} {_pct(b.requests, a.requests):>6} "
            f"{a.bytes:>10}→{b.bytes:<10} {_pct(b.bytes, a.bytes):>6} "
            f"{a.not_modified:>4}→{b.not_modified:<4} {a.youtube_units:>7}→{b.youtube_units:<7} "
            f"{a.web_search:>5}→{b.web_search:<5} "
            f"{r.new_hit:>4}/{r.new_expected:<2} {r.recall:>4.2f} "
            f"{same[r.same_findings]:>9} {same[r.same_cases]:>6}"
        )
        if r.steady:
            c = r.steady
            lines[-1] += (
                f" {c.requests:>9} {_pct(c.requests, a.requests):>7} {_pct(c.bytes, a.bytes):>6}"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--district", action="append", choices=DISTRICTS)
    parser.add_argument("--no-compare", action="store_true", help="skip the --full month 2")
    parser.add_argument("--keep", action="store_true", help="keep the folders")
    parser.add_argument(
        "--steady",
        action="store_true",
        help="scan months 3 and 4 too (the month-2 world) and print month 4's cost",
    )
    args = parser.parse_args()
    results = []
    for key in args.district or DISTRICTS:
        r = run_district(key, compare=not args.no_compare, keep=args.keep, steady=args.steady)
        results.append(r)
        print(
            f"{key}: month 1 {r.first.seconds:.0f} s, month 2 {r.second.seconds:.0f} s",
            file=sys.stderr,
        )
    print(table(results))
    for r in results:
        for m in r.misses:
            print(f"  {r.district}: new account missed: {m}")
        for d in r.diff:
            print(f"  {r.district}: {d}")


if __name__ == "__main__":
    main()
