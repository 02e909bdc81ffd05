"""The report-to-platform table: where each platform takes impersonation reports, and what
it asks for (``reports/data/platform_reports.yaml``), with the district's overrides from
``scout.toml`` (``[packets.platforms.<platform>]``, any field).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from crawler.config import Config
from crawler.errors import InputError
from crawler.vocab import Platform

TABLE = Path(__file__).with_name("data") / "platform_reports.yaml"
TEXT_FIELDS = ("name", "route", "form_url", "trademark_url")
LIST_FIELDS = ("asks_for", "notes")
FIELDS = {*TEXT_FIELDS, *LIST_FIELDS, "in_app"}


@lru_cache(maxsize=1)
def bundled_table() -> dict[str, dict[str, Any]]:
    """The table shipped with the package: one entry per platform of the vocabulary."""
    data = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
    missing = [str(p) for p in Platform if p not in data]
    if missing:  # a packaging mistake, caught by the tests
        raise ValueError(f"{TABLE.name}: no entry for {', '.join(missing)}")
    for platform, fields in data.items():
        _check_override(platform, fields, str(TABLE))
    return data


def _check_override(platform: str, fields: Any, file: str) -> dict[str, Any]:
    where = f"packets.platforms.{platform}"
    if platform not in set(Platform):
        raise InputError(f"{where}: unknown platform", file=file, field=where)
    if not isinstance(fields, dict):
        raise InputError(f"{where} must be a table", file=file, field=where)
    for key, value in fields.items():
        if key not in FIELDS:
            raise InputError(
                f"{where}.{key}: unknown field (allowed: {', '.join(sorted(FIELDS))})",
                file=file,
                field=f"{where}.{key}",
            )
        ok = (
            isinstance(value, bool)
            if key == "in_app"
            else isinstance(value, list) and all(isinstance(v, str) for v in value)
            if key in LIST_FIELDS
            else isinstance(value, str)
        )
        if not ok:
            raise InputError(f"{where}.{key}: wrong type", file=file, field=f"{where}.{key}")
    return fields


def platform_table(config: Config) -> dict[str, dict[str, Any]]:
    """The bundled table with the district's overrides applied (checked: unknown platforms
    and fields are errors that name the configuration file)."""
    file = str(config.path) if config.path else "scout.toml"
    overrides = config.packets.get("platforms", {})
    if not isinstance(overrides, dict):
        raise InputError("packets.platforms must be a table", file=file, field="packets.platforms")
    table = {k: dict(v) for k, v in bundled_table().items()}
    for platform, fields in overrides.items():
        checked = _check_override(platform, fields, file)
        table[platform].update(checked)
    return table


def platform_entry(config: Config, platform: str, account_url: str) -> dict[str, Any]:
    """One platform's entry, ``{host}`` in its addresses filled with the account's server."""
    entry = platform_table(config).get(platform) or {
        "name": platform.title(),
        "route": "Use the platform's report function on the account's page.",
    }
    host = urlsplit(account_url).hostname or ""
    out = {
        "name": entry.get("name", platform.title()),
        "route": entry.get("route", ""),
        "form_url": (entry.get("form_url") or "").replace("{host}", host) or None,
        "trademark_url": entry.get("trademark_url") or None,
        "asks_for": list(entry.get("asks_for") or []),
        "notes": list(entry.get("notes") or []),
        "in_app": bool(entry.get("in_app", False)),
    }
    return out
