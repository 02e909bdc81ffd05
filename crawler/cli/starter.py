"""`scout init`: starter configuration, profile and registry, with comments."""

from __future__ import annotations

from pathlib import Path

from crawler.errors import ScoutError

STARTER = Path(__file__).with_name("starter_files")
FILES = ("scout.toml", "profile.yaml", "registry.csv")


def write_starter(directory: Path, *, force: bool = False) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    targets = [directory / name for name in FILES]
    existing = [t for t in targets if t.exists()]
    if existing and not force:
        raise ScoutError(f"{existing[0]} already exists (use --force to overwrite)")
    for t in targets:
        t.write_text((STARTER / t.name).read_text(encoding="utf-8"), encoding="utf-8")
    return targets
