"""Shared fixtures: databases (SQLite always, PostgreSQL when SCOUT_TEST_DATABASE_URL is set),
the sample district, and a CLI runner."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.sample import PROFILE, REGISTRY

PG_URL = os.environ.get("SCOUT_TEST_DATABASE_URL", "").strip()


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
