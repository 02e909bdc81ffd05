"""Shared fixtures: databases (SQLite always, PostgreSQL when SCOUT_TEST_DATABASE_URL is set),
the sample district, and a CLI runner.

Temporary files live in memory when the machine has a tmpfs at ``/dev/shm``: the test databases,
the crawl job folders and the browsers' certificate stores are written and synced thousands of
times a run, and on a disk that costs more than the tests themselves. ``--basetemp``,
``PYTEST_DEBUG_TEMPROOT`` or ``SCOUT_TEST_TMPFS=0`` keep them where you say. Each test process
points ``TMPDIR`` into its own pytest temp folder, so what the code under test leaves in the
temp folder goes away with pytest's old runs.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from crawler.sample import PROFILE, REGISTRY

PG_URL = os.environ.get("SCOUT_TEST_DATABASE_URL", "").strip()
TMPFS = Path("/dev/shm")
TMPFS_MIN_FREE = 2 << 30  # bytes; a full run writes a few hundred megabytes


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):  # an xdist worker: its --basetemp is set by the controller
        return
    if config.getoption("dist", "no") == "loadgroup":
        fd, groups = tempfile.mkstemp(prefix="scout-xdist-groups-", suffix=".json")
        os.close(fd)
        os.environ[GROUPS_ENV] = groups  # the workers write their groups there
    if (
        config.option.basetemp
        or os.environ.get("PYTEST_DEBUG_TEMPROOT")
        or os.environ.get("SCOUT_TEST_TMPFS", "1") == "0"
    ):
        return
    if TMPFS.is_dir() and os.access(TMPFS, os.W_OK) and _free(TMPFS) >= TMPFS_MIN_FREE:
        # Read by pytest when it makes the base temp folder (and inherited by xdist workers).
        os.environ["PYTEST_DEBUG_TEMPROOT"] = str(TMPFS)


# Fixtures that make something expensive once per test process (a full scan, a full crawl): the
# tests using them go to one xdist worker together (`pytest -n 2 --dist loadgroup`, the
# Makefile's `make test`), so it is made once a run. `{backend}`: the test's database backend.
SHARED_FIXTURES = {
    "scan_templates": "full-scans-{backend}",
    "full_crawl": "full-crawl",
    "west_fargo_months": "watch-west-fargo",
    "district_months": "watch-{district}",
    "resolved": "registry-ids-crawl",  # tests/discovery/test_registry_ids.py
    "hostile_packet": "hostile-packet",  # tests/reports/test_packet.py
    "fleet": "fleet-nodes",  # tests/dispatch/test_scan_all_nodes.py: nodes, districts, runs
}


GROUPS_ENV = "SCOUT_TEST_XDIST_GROUPS"


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    groups: dict[str, str] = {}
    for item in items:
        names = getattr(item, "fixturenames", ())
        for fixture, group in SHARED_FIXTURES.items():
            if fixture in names:
                params = getattr(getattr(item, "callspec", None), "params", {})
                name = group.format(
                    backend=params.get("db_url", "sqlite"), district=params.get(fixture)
                )
                item.add_marker(pytest.mark.xdist_group(name))
                groups[item.nodeid] = name
    # The slow tests first, so that the two workers do not wait for one long test at the end.
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
    path = os.environ.get(GROUPS_ENV)
    if path and hasattr(config, "workerinput"):
        fd, tmp = tempfile.mkstemp(dir=Path(path).parent, suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(groups, f)
        os.replace(tmp, path)  # every worker collects the same tests: the same file


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadgroup`` that works with pytest 9.2, where xdist's way of passing the groups
    (a suffix on the node id) is lost (pytest-dev/pytest-xdist#1386): the workers write each
    test's group to a file, this scheduler reads it when it splits the tests into work units."""
    if config.getoption("dist", "no") != "loadgroup" or not os.environ.get(GROUPS_ENV):
        return None
    from xdist.scheduler import LoadGroupScheduling

    class FileGroupScheduling(LoadGroupScheduling):
        groups: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self.groups is None:
                text = Path(os.environ[GROUPS_ENV]).read_text(encoding="utf-8")
                self.groups = json.loads(text) if text else {}
            return self.groups.get(nodeid) or super()._split_scope(nodeid)

    return FileGroupScheduling(config, log)


def pytest_unconfigure(config: pytest.Config) -> None:
    path = os.environ.get(GROUPS_ENV)
    if path and not hasattr(config, "workerinput"):
        Path(path).unlink(missing_ok=True)
        os.environ.pop(GROUPS_ENV, None)


def _free(path: Path) -> int:
    try:
        return shutil.disk_usage(path).free
    except OSError:
        return 0


@pytest.fixture(scope="session", autouse=True)
def _tmpdir_in_basetemp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """``TMPDIR`` of this process and its children: a folder in pytest's base temp folder."""
    tmp = tmp_path_factory.mktemp("tmpdir", numbered=False)
    before = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(tmp)
    tempfile.tempdir = None  # gettempdir() reads TMPDIR again
    try:
        yield tmp
    finally:
        if before is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = before
        tempfile.tempdir = None


def _backends() -> list[object]:
    params: list[object] = [pytest.param("sqlite", id="sqlite")]
    params.append(
        pytest.param(
            "postgresql",
            id="postgresql",
            marks=[
                pytest.mark.postgres,
                pytest.mark.skipif(not PG_URL, reason="SCOUT_TEST_DATABASE_URL is not set"),
            ],
        )
    )
    return params


@pytest.fixture(params=_backends())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL on each backend (PostgreSQL: a schema of its own)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'scout.sqlite3'}"
        return
    yield from _pg_schema_url()


def _pg_schema_url() -> Iterator[str]:
    from sqlalchemy import create_engine, text

    from crawler.db import engine_for

    base = PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    schema = f"scout_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    url = f"{base}{sep}options=-csearch_path%3D{schema}"
    try:
        yield url
    finally:
        engine_for.cache_clear()
        with admin.connect() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


# --------------------------------------------------------------------------- copies of databases


def backend_of(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def release(url: str) -> None:
    """Close this process's pooled connections to ``url`` (a database copied from must have none)."""
    from crawler.db import engine_for

    engine_for(url).dispose()


@contextmanager
def pg_database(template_url: str | None = None) -> Iterator[str]:
    """A new database on SCOUT_TEST_DATABASE_URL's server, dropped on exit; with
    ``template_url``, a copy of that database (``CREATE DATABASE … TEMPLATE``: milliseconds)."""
    from sqlalchemy import create_engine, make_url, text

    from crawler.db import engine_for

    base = make_url(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"scout_t_{uuid.uuid4().hex[:12]}"
    source = make_url(template_url).database if template_url else None
    if template_url:
        release(template_url)
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            if source:
                # A database is copied only while nobody is connected to it: close what this
                # process's engines (also those the engine cache forgot) still hold open.
                c.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE datname = :db AND pid <> pg_backend_pid()"
                    ),
                    {"db": source},
                )
            c.execute(
                text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{source}"' if source else ""))
            )
        try:
            yield base.set(database=name).render_as_string(hide_password=False)
        finally:
            engine_for.cache_clear()
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@contextmanager
def database_copy(template_url: str, folder: Path) -> Iterator[str]:
    """A copy of the database at ``template_url`` (SQLite: a file in ``folder``), for one test."""
    if backend_of(template_url) == "postgresql":
        with pg_database(template_url) as url:
            yield url
        return
    target = folder / "scout.sqlite3"
    source = sqlite3.connect(template_url.split("///", 1)[1])
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    yield f"sqlite:///{target}"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'scout.sqlite3'}"


@pytest.fixture(scope="session")
def sample_profile():
    from crawler.district.profile import load_profile

    return load_profile(PROFILE)


@pytest.fixture(scope="session")
def sample_registry(sample_profile):
    from crawler.district.registry import load_registry

    return load_registry(REGISTRY, sample_profile).rows


@pytest.fixture
def loaded_db(db_url: str, sample_profile, sample_registry) -> str:
    """A database with the sample district and registry imported."""
    from crawler.db import transaction
    from crawler.db.store import import_profile, import_registry

    with transaction(db_url) as s:
        import_profile(s, sample_profile, str(PROFILE))
        import_registry(s, sample_registry)
    return db_url


@pytest.fixture
def scout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Run `scout ...` in-process in a fresh working folder; returns (exit_code, stdout, stderr)."""
    from typer.testing import CliRunner

    from crawler.cli import app

    monkeypatch.chdir(tmp_path)
    for var in ("SCOUT_CONFIG", "SCOUT_DATABASE_URL", "SCOUT_SOURCES"):
        monkeypatch.delenv(var, raising=False)

    def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
        runner = CliRunner()
        result = runner.invoke(app, [str(a) for a in args], env=env, catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return run


REPO = Path(__file__).resolve().parent.parent
