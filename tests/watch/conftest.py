"""The registry under watch: a district scanned twice, a month apart (the sample world's first
and second state), with a subset of the sources that still observes every change."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from crawler.sampleworld import SampleWorld
from tests.conftest import release

KEYS = {"SCOUT_YOUTUBE_API_KEY": "watch-youtube-key", "SCOUT_BRAVE_API_KEY": "watch-brave-key"}
# Every source that observes a registered account directly, and the search that finds
# Instagram and the returning impersonator; the district site adds nothing the watch needs.
SOURCES = ("web_search", "youtube", "bluesky", "mastodon", "profiles")
# The platforms of the changes (and of the routine ones); the others only cost time. Facebook:
# Tualatin Valley's takeover (robots.txt closes its pages: a current search result shows it).
PLATFORMS = ("instagram", "tiktok", "youtube", "bluesky", "mastodon", "facebook")


@dataclass(frozen=True)
class TwoMonths:
    district: str
    folder: Path
    database_url: str
    scans: tuple[int, int]
    month1_case_reported: str | None  # the impersonation case PR reported after month 1


def _config(world: SampleWorld, folder: Path, registry: Path, profile: Path) -> Path:
    (folder / "profile.yaml").write_text(profile.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "registry.csv").write_text(registry.read_text(encoding="utf-8"), encoding="utf-8")
    cfg = folder / "scout.toml"
    cfg.write_text(
        world.config_toml(profile="profile.yaml", registry="registry.csv"), encoding="utf-8"
    )
    return cfg


def _load(folder: Path, url: str):
    from crawler.config import load_config

    return load_config(folder / "scout.toml", env={**os.environ, **KEYS, "SCOUT_DATABASE_URL": url})


def run_two_months(district: str, folder: Path, url: str, imitated: str | None) -> TwoMonths:
    """Month 1: scan; PR reports the impersonation of ``imitated`` (a URL) to the platform and
    it is taken down. Month 2 (the world a month later, the registry PR keeps by then): scan."""
    from crawler.cases.decisions import decide
    from crawler.db import transaction
    from crawler.db.models import Case
    from crawler.db.store import import_configured
    from crawler.scan import ScanOptions, run_scan

    folder.mkdir(parents=True, exist_ok=True)
    scans = []
    reported = None
    with pytest.MonkeyPatch.context() as mp:
        for k, v in KEYS.items():
            mp.setenv(k, v)
        mp.setenv("SCOUT_DATABASE_URL", url)
        for month in (1, 2):
            with SampleWorld(districts=(district,), month=month, **_keys()) as world:
                d = world.data.district(district)
                _config(world, folder, d.registry, d.profile)
                cfg = _load(folder, url)
                import_configured(cfg, registry_only=month == 2)
                # month 2 is an incremental scan, as a monthly scan is (README, "How a monthly
                # scan saves work"): registered accounts are re-observed by their stable ids
                out = run_scan(
                    cfg,
                    ScanOptions(
                        sources=SOURCES, platforms=PLATFORMS, screenshots=False, reports=False
                    ),
                )
                scans.append(out.scan_id)
            if month == 1 and imitated:
                with transaction(url) as s:
                    from sqlalchemy import select

                    case = s.scalars(
                        select(Case).where(Case.imitates_url == imitated).order_by(Case.id)
                    ).first()
                    assert case is not None, f"month 1 opened no case imitating {imitated}"
                    reported = case.number
                    decide(s, case.id, "reported-to-platform", by="pr", note="reported to TikTok")
    return TwoMonths(district, folder, url, (scans[0], scans[1]), reported)


def _keys() -> dict[str, str]:
    return {"youtube_key": KEYS["SCOUT_YOUTUBE_API_KEY"], "brave_key": KEYS["SCOUT_BRAVE_API_KEY"]}


WEST_FARGO_IMITATED = "https://www.tiktok.com/@horacehawks"
# Every district of the sample world with a second state: the registered account whose
# impersonator PR reported after month 1 (and which returns in month 2), if any.
DISTRICTS = {
    "west-fargo": WEST_FARGO_IMITATED,
    "cibolo-valley": None,
    "dayton-riverside": None,
    "verde-mesa": "https://www.tiktok.com/@chavezcardinals",
    "tualatin-valley": None,  # no impersonator returns in its later.yaml
    "prairie-rivers": None,  # no impersonator returns in its later.yaml
    "harbor-city": None,  # no impersonator returns in its later.yaml
    "peach-county": None,  # no impersonator returns in its later.yaml
    "lake-country": None,  # no impersonator returns in its later.yaml
    "sierra-vista-ca": None,  # no impersonator returns in its later.yaml
    "bayou-parish": None,  # no impersonator returns in its later.yaml
    "conestoga-ridge": None,  # its reported impersonator is gone in month 2, not returning
}
_made: dict[str, TwoMonths] = {}  # per test process: each district is scanned once


def two_months(district: str, tmp_path_factory) -> TwoMonths:
    """``district`` scanned in month 1 and month 2 (SQLite; a template: copy before writing)."""
    if district not in _made:
        folder = tmp_path_factory.mktemp(f"watch-{district}")
        url = f"sqlite:///{folder / 'scout.sqlite3'}"
        _made[district] = run_two_months(district, folder / "site", url, DISTRICTS[district])
        release(url)
    return _made[district]


@pytest.fixture(scope="session")
def west_fargo_months(tmp_path_factory) -> Iterator[TwoMonths]:
    """West Fargo scanned in month 1 and month 2."""
    yield two_months("west-fargo", tmp_path_factory)


@pytest.fixture(scope="session", params=sorted(DISTRICTS))
def district_months(request, tmp_path_factory) -> Iterator[TwoMonths]:
    """Each district with a second state, scanned in month 1 and month 2 (shared with
    ``west_fargo_months``)."""
    yield two_months(request.param, tmp_path_factory)
