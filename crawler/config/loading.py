"""Reading ``scout.toml`` into a :class:`~crawler.config.model.Config`, with environment overrides.

Found at ``--config PATH``, else ``$SCOUT_CONFIG``, else ``./scout.toml``. Every setting is
checked with the file name, line and setting named in the error (:class:`InputError`).
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from crawler.config.auth import read_auth
from crawler.config.model import (
    BLUESKY_API_URL,
    BRAVE_URL,
    CASE_PREFIX_RE,
    DEFAULT_STEPS,
    PACKET_KEYS,
    PROCEDURE_TITLE,
    YOUTUBE_API_URL,
    Budget,
    CaseStep,
    Config,
    Crawl,
    Scrapyd,
)
from crawler.errors import InputError
from crawler.vocab import ALL_SOURCES, Platform

_TOP = {
    "district",
    "database",
    "sources",
    "budget",
    "crawl",
    "hostmap",
    "cases",
    "matching",
    "reports",
    "packets",
    "auth",
    "scrapyd",
    "selfcheck",
}


def _line_of(text: str, key: str) -> int | None:
    for i, line in enumerate(text.splitlines(), 1):
        if re.match(rf"\s*\"?{re.escape(key)}\"?\s*=", line) or line.strip() == f"[{key}]":
            return i
    return None


def _check_keys(text: str, file: str, section: str, table: Any, allowed: set[str]) -> None:
    if not isinstance(table, dict):
        raise InputError(
            f"[{section}] must be a table", file=file, line=_line_of(text, section), field=section
        )
    for k in table:
        if k not in allowed:
            raise InputError(
                f"{section}.{k}: unknown setting (allowed: {', '.join(sorted(allowed))})",
                file=file,
                line=_line_of(text, k),
                field=f"{section}.{k}",
            )


def _typed(cls: type, values: dict[str, Any], text: str, file: str, section: str) -> Any:
    allowed = {f.name for f in fields(cls)}
    _check_keys(text, file, section, values, allowed)
    defaults = cls()
    out: dict[str, Any] = {}
    for k, v in values.items():
        want = type(getattr(defaults, k))
        if want is tuple and isinstance(v, list) and all(isinstance(x, str) for x in v):
            v = tuple(v)
        elif want is float and isinstance(v, int) and not isinstance(v, bool):
            v = float(v)
        if not isinstance(v, want) or (want is int and isinstance(v, bool)):
            raise InputError(
                f"{section}.{k}: expected {want.__name__}, got {type(v).__name__}",
                file=file,
                line=_line_of(text, k),
                field=f"{section}.{k}",
            )
        if want in (int, float) and v < 0:
            raise InputError(
                f"{section}.{k}: must not be negative",
                file=file,
                line=_line_of(text, k),
                field=f"{section}.{k}",
            )
        out[k] = v
    return cls(**out)


def find_config_path(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    if explicit:
        return Path(explicit)
    env = os.environ.get("SCOUT_CONFIG")
    if env:
        return Path(env)
    p = Path("scout.toml")
    return p if p.exists() else None


@dataclass(frozen=True, slots=True)
class _Doc:
    """The configuration file as read: its tables, its text (for line numbers) and its folder."""

    data: dict[str, Any]
    text: str
    file: str
    base: Path

    def error(self, message: str, key: str, field: str) -> InputError:
        return InputError(message, file=self.file, line=_line_of(self.text, key), field=field)

    def section(self, name: str, allowed: set[str]) -> dict[str, Any]:
        t = self.data.get(name, {})
        _check_keys(self.text, self.file, name, t, allowed)
        return t

    def str_of(
        self, t: dict[str, Any], k: str, sect: str, default: str | None = None
    ) -> str | None:
        v = t.get(k, default)
        if v is not None and not isinstance(v, str):
            raise self.error(f"{sect}.{k}: expected a string", k, f"{sect}.{k}")
        return v

    def list_of(self, t: dict[str, Any], k: str, sect: str) -> tuple[str, ...] | None:
        v = t.get(k)
        if v is None:
            return None
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise self.error(f"{sect}.{k}: expected a list of strings", k, f"{sect}.{k}")
        return tuple(v)

    def rel(self, p: str) -> Path:
        q = Path(p).expanduser()
        return q if q.is_absolute() else self.base / q


def _read(path: Path | None) -> _Doc:
    """The file's text and TOML tables (empty without a file); unknown sections are errors."""
    file = str(path) if path else "scout.toml"
    text, data = "", {}
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot read the configuration: {exc.strerror}", file=file) from None
        except UnicodeDecodeError:
            raise InputError("the configuration is not UTF-8 text", file=file) from None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            m = re.search(r"line (\d+)", str(exc))
            raise InputError(
                f"TOML syntax error: {exc}", file=file, line=int(m.group(1)) if m else None
            ) from None
    doc = _Doc(data, text, file, path.parent.resolve() if path is not None else Path.cwd())
    for k in data:
        if k not in _TOP:
            raise doc.error(f"unknown section [{k}] (allowed: {', '.join(sorted(_TOP))})", k, k)
    return doc


def _env_list(env: dict[str, str], name: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in env[name].split(",") if s.strip())


def _database_url(doc: _Doc, database: dict[str, Any], env: dict[str, str]) -> str:
    """The database URL: SQLite paths relative to the file's folder, psycopg for PostgreSQL."""
    db_url = env.get("SCOUT_DATABASE_URL") or doc.str_of(database, "url", "database") or ""
    if not db_url:
        db_url = f"sqlite:///{doc.base / 'scout.sqlite3'}"
    elif db_url.startswith("sqlite:///") and not db_url.startswith("sqlite:////"):
        tail = db_url[len("sqlite:///") :]
        if tail and tail != ":memory:":
            db_url = f"sqlite:///{doc.rel(tail)}"
    if db_url.startswith("postgresql://"):
        db_url = "postgresql+psycopg://" + db_url[len("postgresql://") :]
    return db_url


def _enabled_sources(doc: _Doc, sources: dict[str, Any], env: dict[str, str]) -> tuple[str, ...]:
    enabled = doc.list_of(sources, "enabled", "sources") or ALL_SOURCES
    if env.get("SCOUT_SOURCES"):
        enabled = _env_list(env, "SCOUT_SOURCES")
    for s in enabled:
        if s not in ALL_SOURCES:
            raise doc.error(
                f"sources: unknown source '{s}' (known: {', '.join(ALL_SOURCES)})",
                "enabled",
                "sources.enabled",
            )
    return enabled


def _mastodon_instances(doc: _Doc, sources: dict[str, Any], env: dict[str, str]) -> tuple[str, ...]:
    instances = doc.list_of(sources, "mastodon_instances", "sources") or ()
    if env.get("SCOUT_MASTODON_INSTANCES"):
        instances = tuple(s.strip() for s in env["SCOUT_MASTODON_INSTANCES"].split(","))
    instances = tuple(i.lower() for i in instances if i)
    for inst in instances:
        if not re.fullmatch(r"[a-z0-9.-]+(:\d+)?", inst):
            raise doc.error(
                f"mastodon_instances: '{inst}' is not a host name",
                "mastodon_instances",
                "sources.mastodon_instances",
            )
    return instances


def _allow_networks(doc: _Doc, sources: dict[str, Any], env: dict[str, str]) -> tuple[str, ...]:
    allow = doc.list_of(sources, "allow_networks", "sources") or ()
    if "SCOUT_ALLOW_NETWORKS" in env:
        allow = _env_list(env, "SCOUT_ALLOW_NETWORKS")
    for net in allow:
        try:
            ipaddress.ip_network(net, strict=False)
        except ValueError:
            raise doc.error(
                f"allow_networks: '{net}' is not a CIDR network",
                "allow_networks",
                "sources.allow_networks",
            ) from None
    return allow


def _hostmap_table(doc: _Doc) -> Any:
    hostmap_t = doc.data.get("hostmap", {})
    allowed = set(hostmap_t) if isinstance(hostmap_t, dict) else set()
    _check_keys(doc.text, doc.file, "hostmap", hostmap_t, allowed)
    return hostmap_t


def _hostmap(doc: _Doc, hostmap_t: dict[str, Any]) -> dict[str, str]:
    hostmap: dict[str, str] = {}
    for host, target in (hostmap_t or {}).items():
        if not isinstance(target, str) or not re.match(r"^https?://", target):
            raise doc.error(
                f"hostmap.{host}: expected a base URL such as http://127.0.0.1:8080",
                host,
                f"hostmap.{host}",
            )
        hostmap[host.lower()] = target.rstrip("/")
    return hostmap


def _is_step(s: Any) -> bool:
    return (
        isinstance(s, dict)
        and {"step", "days"} <= set(s) <= {"step", "days", "letter"}
        and isinstance(s.get("letter", ""), str)
        and isinstance(s["step"], str)
        and isinstance(s["days"], int)
        and s["days"] >= 0
    )


def _steps(doc: _Doc, cases: dict[str, Any]) -> tuple[CaseStep, ...]:
    steps = DEFAULT_STEPS
    if "steps" in cases:
        raw = cases["steps"]
        if not isinstance(raw, list) or not raw:
            raise doc.error(
                "cases.steps: expected a list of {step, days} tables", "steps", "cases.steps"
            )
        for i, s in enumerate(raw):
            if not _is_step(s):
                raise doc.error(
                    f'cases.steps[{i}]: expected {{step = "…", days = N, letter = "…" (optional)}}',
                    "steps",
                    f"cases.steps[{i}]",
                )
        steps = tuple(raw)
    return tuple(
        CaseStep(step=s["step"], days=s["days"], letter=s.get("letter") or None) for s in steps
    )


def _case_prefix(doc: _Doc, cases: dict[str, Any]) -> str:
    prefix = doc.str_of(cases, "prefix", "cases", "ABCE") or "ABCE"
    if not CASE_PREFIX_RE.fullmatch(prefix):
        raise doc.error(
            f"cases.prefix: '{prefix}' must be letters, digits or '-'", "prefix", "cases.prefix"
        )
    return prefix


def _not_seen_months(
    doc: _Doc, cases: dict[str, Any], key: str = "not_seen_months", default: int = 6
) -> int:
    not_seen = cases.get(key, default)
    if not isinstance(not_seen, int) or isinstance(not_seen, bool) or not_seen < 1:
        raise doc.error(
            f"cases.{key}: expected a whole number of months",
            key,
            f"cases.{key}",
        )
    return not_seen


def _matching(doc: _Doc) -> dict[str, Any]:
    matching = doc.data.get("matching", {})
    if not isinstance(matching, dict):
        raise doc.error("[matching] must be a table", "matching", "matching")
    return matching


def _selfcheck_known(doc: _Doc) -> dict[str, str]:
    """``[selfcheck] known = {youtube = "https://www.youtube.com/@…"}``: one URL per platform."""
    known = doc.section("selfcheck", {"known"}).get("known", {})
    if not isinstance(known, dict):
        raise doc.error(
            "selfcheck.known: expected a table of platform = URL", "known", "selfcheck.known"
        )
    out: dict[str, str] = {}
    for platform, url in known.items():
        if platform not in set(Platform):
            raise doc.error(
                f"selfcheck.known: unknown platform '{platform}' (known: {', '.join(Platform)})",
                platform,
                f"selfcheck.known.{platform}",
            )
        if not isinstance(url, str) or not url.strip():
            raise doc.error(
                f"selfcheck.known.{platform}: expected the URL of a live account",
                platform,
                f"selfcheck.known.{platform}",
            )
        out[platform] = url.strip()
    return out


_SOURCE_KEYS = {
    "enabled",
    "searxng_url",
    "brave_url",
    "youtube_api_url",
    "bluesky_api_url",
    "mastodon_instances",
    "allow_networks",
}
_CASE_KEYS = {
    "prefix",
    "procedure",
    "procedure_title",
    "steps",
    "not_seen_months",
    "dormant_months",
}


def load_config(
    explicit: str | os.PathLike[str] | None = None, *, env: dict[str, str] | None = None
) -> Config:
    """Read the configuration file (if any) and apply environment overrides.

    Settings are checked in the order they are listed here, so the first error reported is
    the same one as ever when a file has several.
    """
    env = dict(os.environ) if env is None else env
    path = find_config_path(explicit)
    doc = _read(path)
    district = doc.section("district", {"profile", "registry"})
    database = doc.section("database", {"url"})
    sources = doc.section("sources", _SOURCE_KEYS)
    cases = doc.section("cases", _CASE_KEYS)
    reports = doc.section("reports", {"out", "evidence", "jobs"})
    packets = doc.section("packets", PACKET_KEYS)
    hostmap_t = _hostmap_table(doc)
    db_url = _database_url(doc, database, env)
    enabled = _enabled_sources(doc, sources, env)
    instances = _mastodon_instances(doc, sources, env)
    allow = _allow_networks(doc, sources, env)
    searxng = env.get("SCOUT_SEARXNG_URL") or doc.str_of(sources, "searxng_url", "sources")
    hostmap = _hostmap(doc, hostmap_t)
    steps = _steps(doc, cases)
    prefix = _case_prefix(doc, cases)
    not_seen = _not_seen_months(doc, cases)
    dormant = _not_seen_months(doc, cases, "dormant_months", 12)
    matching = _matching(doc)
    known = _selfcheck_known(doc)
    auth = read_auth(doc, env)
    scrapyd = _scrapyd(doc, env)
    return Config(
        path=path,
        base_dir=doc.base,
        profile=doc.rel(
            doc.str_of(district, "profile", "district", "profile.yaml") or "profile.yaml"
        ),
        registry=doc.rel(
            doc.str_of(district, "registry", "district", "registry.csv") or "registry.csv"
        ),
        database_url=db_url,
        district=(env.get("SCOUT_DISTRICT") or "").strip() or None,
        sources=enabled,
        searxng_url=searxng.rstrip("/") if searxng else None,
        brave_url=doc.str_of(sources, "brave_url", "sources", BRAVE_URL) or BRAVE_URL,
        youtube_api_url=_url(doc.str_of(sources, "youtube_api_url", "sources"), YOUTUBE_API_URL),
        bluesky_api_url=_url(doc.str_of(sources, "bluesky_api_url", "sources"), BLUESKY_API_URL),
        mastodon_instances=instances,
        allow_networks=allow,
        hostmap=hostmap,
        hostmap_strict=bool(hostmap),
        budget=_typed(Budget, doc.data.get("budget", {}), doc.text, doc.file, "budget"),
        crawl=_typed(Crawl, doc.data.get("crawl", {}), doc.text, doc.file, "crawl"),
        auth=auth,
        scrapyd=scrapyd,
        case_prefix=prefix,
        procedure=doc.str_of(cases, "procedure", "cases", "ABCE-AR1") or "ABCE-AR1",
        procedure_title=doc.str_of(cases, "procedure_title", "cases") or PROCEDURE_TITLE,
        steps=steps,
        matching=matching,
        reports_dir=doc.rel(doc.str_of(reports, "out", "reports") or "scout-data/reports"),
        evidence_dir=doc.rel(doc.str_of(reports, "evidence", "reports") or "scout-data/evidence"),
        jobs_dir=doc.rel(doc.str_of(reports, "jobs", "reports") or "scout-data/jobs"),
        not_seen_months=not_seen,
        dormant_months=dormant,
        packets=packets,
        selfcheck_known=known,
    )


def _scrapyd(doc: _Doc, env: dict[str, str]) -> Scrapyd:
    """``[scrapyd]``, with ``SCOUT_SCRAPYD_URLS`` over its ``urls``; each URL must be http(s)."""
    values = dict(doc.data.get("scrapyd", {}))
    if env.get("SCOUT_SCRAPYD_URLS"):
        values["urls"] = list(_env_list(env, "SCOUT_SCRAPYD_URLS"))
    scrapyd = _typed(Scrapyd, values, doc.text, doc.file, "scrapyd")
    for url in scrapyd.urls:
        if not re.match(r"^https?://[^/@\s]+(/.*)?$", url):
            raise doc.error(
                f"scrapyd.urls: '{url}' is not an http(s) URL without credentials "
                "(credentials come from SCOUT_SCRAPYD_USERNAME/SCOUT_SCRAPYD_PASSWORD)",
                "urls",
                "scrapyd.urls",
            )
    for name in ("attempts", "slots"):
        if getattr(scrapyd, name) < 1:
            raise doc.error(f"scrapyd.{name}: must be at least 1", name, f"scrapyd.{name}")
    if scrapyd.districts_at_once < 0:
        raise doc.error(
            "scrapyd.districts_at_once: must be 0 (the nodes' slots) or more",
            "districts_at_once",
            "scrapyd.districts_at_once",
        )
    return Scrapyd(**{**_fields(scrapyd), "urls": tuple(u.rstrip("/") for u in scrapyd.urls)})


def _fields(obj: Any) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in fields(obj)}


def _url(value: str | None, default: str) -> str:
    return (value or default).rstrip("/")
