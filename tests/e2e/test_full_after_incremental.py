"""A full sweep after several incremental scans finds nothing the incremental scans missed
(issue 20; README, "How a monthly scan saves work"): one district of the sample world scanned
in full in its first month, incrementally twice in its second month (two rotation months),
then with ``--full``. Sources and platforms are restricted to what finds the district's new
accounts (web search and the handle probe on TikTok and Instagram), so the test stays short."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.db import transaction
from crawler.db.models import Account, Assessment, Case
from crawler.sampleworld import SampleWorld
from crawler.vocab import CaseStatus, Classification

DISTRICT = "verde-mesa"  # ten entities, new TikTok accounts in month 2 (one only a probe finds)
SOURCES = ("web_search", "handle_probe", "profiles")
PLATFORMS = ("tiktok", "instagram")
KEYS = {"SCOUT_YOUTUBE_API_KEY": "full-after-yt", "SCOUT_BRAVE_API_KEY": "full-after-brave"}
FOUND = (Classification.UNREGISTERED, Classification.IMPERSONATION, Classification.AFFILIATED)


def _scan(world: SampleWorld, folder: Path, url: str, *, month: int, full: bool):
    from crawler.config import load_config
    from crawler.db.store import import_configured
    from crawler.scan import ScanOptions, run_scan

    d = world.data.district(DISTRICT)
    for src, name in ((d.profile, "profile.yaml"), (d.registry, "registry.csv")):
        (folder / name).write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "scout.toml").write_text(
        world.config_toml(profile="profile.yaml", registry="registry.csv", district=DISTRICT),
        encoding="utf-8",
    )
    cfg = load_config(folder / "scout.toml", env={**os.environ, **KEYS, "SCOUT_DATABASE_URL": url})
    import_configured(cfg, registry_only=month != 1)
    options = ScanOptions(
        sources=SOURCES, platforms=PLATFORMS, screenshots=False, reports=False, full=full
    )
    return run_scan(cfg, options)


def _state(url: str) -> tuple[set[tuple[str, str]], set[str]]:
    """(open cases as (kind, account URL), accounts assessed as the district's or a look-alike)."""
    with transaction(url) as s:
        cases = {
            (str(c.kind), c.account.url)
            for c in s.scalars(
                select(Case).where(Case.status.in_([CaseStatus.OPEN, CaseStatus.NOTIFIED]))
            )
        }
        found = set(
            s.scalars(
                select(Account.url)
                .join(Assessment, Assessment.account_id == Account.id)
                .where(Assessment.classification.in_(FOUND))
            )
        )
    return cases, found


@pytest.mark.slow
def test_a_full_sweep_after_incremental_scans_finds_nothing_they_missed(tmp_path, monkeypatch):
    for k, v in KEYS.items():
        monkeypatch.setenv(k, v)
    folder = tmp_path / "site"
    folder.mkdir()
    url = f"sqlite:///{tmp_path / 'scout.sqlite3'}"
    keys = {"youtube_key": KEYS["SCOUT_YOUTUBE_API_KEY"], "brave_key": KEYS["SCOUT_BRAVE_API_KEY"]}
    with SampleWorld(districts=(DISTRICT,), month=1, **keys) as world:
        first = _scan(world, folder, url, month=1, full=False)
    assert first.cost["mode"] == "full"
    with SampleWorld(districts=(DISTRICT,), month=2, **keys) as world:
        # two incremental scans: two months of the rotation, each sweeping other entities
        modes = [_scan(world, folder, url, month=2, full=False).cost["mode"] for _ in range(2)]
        assert modes == ["incremental", "incremental"]
        cases, found = _state(url)
        new = {
            u
            for h in world.manifest_for(DISTRICT)
            if getattr(world.data.by_key.get(h.key), "added", False)
            for u in (h.url, *h.aliases)
        }
        assert new & found, "the incremental scans found none of the accounts new in month 2"
        full = _scan(world, folder, url, month=2, full=True)
    assert full.cost["mode"] == "full"
    cases_after, found_after = _state(url)
    assert not full.cases.get("opened") and not full.cases.get("reopened"), full.cases
    assert cases_after <= cases, sorted(cases_after - cases)
    assert found_after <= found, sorted(found_after - found)
