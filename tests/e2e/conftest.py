"""End-to-end fixtures: the sample world, a scout.toml for it, a database with the sample district,
and finished scans to start from.

A full scan of the sample world is what these tests spend their time on (a crawl in a child
process: 10 to 40 seconds on two cores). The tests that start from a finished scan, or only read
what it wrote, take a copy of one made once per test process and backend (:class:`ScanTemplates`):
its database (SQLite: a file copy; PostgreSQL: ``CREATE DATABASE … TEMPLATE``), its site folder
(configuration, reports, evidence) and the world's YouTube quota counters as the scan left them.
The root conftest puts the tests that use these scans in one xdist group per backend, so each
scan is made once a run.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from crawler.sampleworld import LoggedRequest, SampleWorld
from crawler.sampleworld.testing import sample_world_fixture
from tests.conftest import backend_of, database_copy, pg_database, release

sample_world = sample_world_fixture(
    youtube_key="e2e-youtube-key-4f1c9d", brave_key="e2e-brave-key-7a2b3c"
)

KEYS = {
    "SCOUT_YOUTUBE_API_KEY": "e2e-youtube-key-4f1c9d",
    "SCOUT_BRAVE_API_KEY": "e2e-brave-key-7a2b3c",
}


@dataclass
class Site:
    dir: Path
    config_path: Path
    database_url: str

    def config(self):
        from crawler.config import load_config

        return load_config(
            self.config_path, env={**os.environ, **KEYS, "SCOUT_DATABASE_URL": self.database_url}
        )


def make_site(world, tmp_path: Path, database_url: str) -> Site:
    from crawler.db import transaction
    from crawler.db.store import import_profile, import_registry
    from crawler.district.profile import load_profile
    from crawler.district.registry import load_registry
    from crawler.sample import PROFILE, REGISTRY

    d = tmp_path / "site"
    d.mkdir(exist_ok=True)
    for src in (PROFILE, REGISTRY):
        (d / src.name).write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    cfg = d / "scout.toml"
    cfg.write_text(
        world.config_toml(profile="profile.yaml", registry="registry.csv"), encoding="utf-8"
    )
    profile = load_profile(d / "profile.yaml")
    with transaction(database_url) as s:
        import_profile(s, profile, str(d / "profile.yaml"))
        import_registry(s, load_registry(d / "registry.csv", profile).rows)
    return Site(d, cfg, database_url)


def scout_cli(site: Site, *args: str, **kw: Any) -> subprocess.Popen:
    """``scout <args>`` in a child process, in the site's folder, on its database."""
    env = {
        **os.environ,
        **KEYS,
        "SCOUT_DATABASE_URL": site.database_url,
        "SCOUT_CONFIG": str(site.config_path),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "crawler", *args],
        cwd=site.dir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        **kw,
    )


@pytest.fixture
def site(sample_world, tmp_path, db_url, monkeypatch):
    for k, v in KEYS.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("SCOUT_DATABASE_URL", db_url)
    sample_world.reset_quota()  # a new day for the YouTube quota: each test is a scan of its own
    return make_site(sample_world, tmp_path, db_url)


# --------------------------------------------------------------------------- finished scans


@dataclass(frozen=True)
class Scanned:
    """A site after one full scan: ``outcome`` is the :class:`~crawler.scan.ScanOutcome` of an
    in-process scan or the standard output of ``scout scan``; ``requests`` is the world's
    request log of the scan; ``youtube_calls`` the world's (search, unit) counters after it."""

    site: Site
    outcome: Any
    requests: list[LoggedRequest]
    youtube_calls: tuple[int, int]


def _scan_in_process(site: Site) -> Any:
    from crawler.scan import ScanOptions, run_scan

    return run_scan(site.config(), ScanOptions(screenshots=False))


def _scan_by_command(site: Site) -> str:
    proc = scout_cli(site, "scan")
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    return out


SCANS: dict[str, Callable[[Site], Any]] = {
    "in_process": _scan_in_process,  # run_scan(config, ScanOptions(screenshots=False))
    "command": _scan_by_command,  # `scout scan`: evidence screenshots too
}


def make_scan(world: SampleWorld, folder: Path, database_url: str, how: str) -> Scanned:
    """A site in ``folder`` on an empty ``database_url`` (as the ``site`` fixture makes it for a
    test), then one full scan of it ``how`` the tests run it."""
    with pytest.MonkeyPatch.context() as mp:
        for k, v in KEYS.items():
            mp.setenv(k, v)
        mp.setenv("SCOUT_DATABASE_URL", database_url)
        world.reset_quota()
        made = make_site(world, folder, database_url)
        world.reset_log()
        outcome = SCANS[how](made)
        calls = (world.youtube.search_calls, world.youtube.unit_calls)
        return Scanned(made, outcome, world.requests, calls)


class ScanTemplates:
    """One full scan per (how, backend), made on first use in this test process."""

    def __init__(self, world: SampleWorld, tmp: pytest.TempPathFactory, stack: ExitStack) -> None:
        self.world = world
        self._tmp = tmp
        self._stack = stack
        self._made: dict[tuple[str, str], Scanned] = {}

    def get(self, how: str, backend: str) -> Scanned:
        """The template itself: read it, never write to it."""
        if (how, backend) not in self._made:
            folder = self._tmp.mktemp(f"scan-{how}-{backend}")
            if backend == "sqlite":
                url = f"sqlite:///{folder / 'scout.sqlite3'}"
            else:
                url = self._stack.enter_context(pg_database())
            self._made[how, backend] = make_scan(self.world, folder, url, how)
            release(url)
        return self._made[how, backend]

    @contextmanager
    def copy(self, how: str, backend: str, folder: Path) -> Iterator[Scanned]:
        """A copy of the template for one test: the site in ``folder / "site"``, its database
        (SQLite: ``folder / "scout.sqlite3"``), the world's quota counters as after the scan."""
        template = self.get(how, backend)
        with database_copy(template.site.database_url, folder) as url:
            site_dir = folder / "site"
            shutil.copytree(template.site.dir, site_dir, symlinks=True)
            site = Site(site_dir, site_dir / "scout.toml", url)
            outcome = template.outcome
            if dataclasses.is_dataclass(outcome) and getattr(outcome, "report_index", None):
                relative = outcome.report_index.relative_to(template.site.dir)
                outcome = dataclasses.replace(outcome, report_index=site_dir / relative)
            self.world.reset_quota()
            self.world.youtube.search_calls, self.world.youtube.unit_calls = template.youtube_calls
            yield dataclasses.replace(template, site=site, outcome=outcome)


@pytest.fixture(scope="session")
def scan_templates(sample_world, tmp_path_factory) -> Iterator[ScanTemplates]:
    with ExitStack() as stack:
        yield ScanTemplates(sample_world, tmp_path_factory, stack)


def _scanned(how: str, scan_templates, tmp_path, db_url, monkeypatch) -> Iterator[Scanned]:
    with scan_templates.copy(how, backend_of(db_url), tmp_path) as scanned:
        for k, v in KEYS.items():
            monkeypatch.setenv(k, v)
        monkeypatch.setenv("SCOUT_DATABASE_URL", scanned.site.database_url)
        yield scanned


@pytest.fixture
def scanned_in_process(scan_templates, tmp_path, db_url, monkeypatch) -> Iterator[Scanned]:
    """The ``site`` after ``run_scan(config, ScanOptions(screenshots=False))`` (a copy)."""
    yield from _scanned("in_process", scan_templates, tmp_path, db_url, monkeypatch)


@pytest.fixture
def scanned_by_command(scan_templates, tmp_path, db_url, monkeypatch) -> Iterator[Scanned]:
    """The ``site`` after ``scout scan`` exited 0 (a copy)."""
    yield from _scanned("command", scan_templates, tmp_path, db_url, monkeypatch)
