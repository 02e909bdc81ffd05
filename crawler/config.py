"""Configuration: ``scout.toml`` plus environment overrides.

Found at ``--config PATH``, else ``$SCOUT_CONFIG``, else ``./scout.toml``. Every
setting has a default, so a missing file is fine for commands that do not need
the profile. Environment variables override the file (see README). Secrets (API
keys) come only from the environment: they are read on demand by
:func:`secret` and never stored on the config object, so they cannot leak into
a repr, a log line or the database.
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from crawler.errors import InputError
from crawler.vocab import ALL_SOURCES

BRAVE_URL = "https://api.search.brave.com/res/v1/web/search"
YOUTUBE_API_URL = "https://www.googleapis.com/youtube/v3"
BLUESKY_API_URL = "https://public.api.bsky.app"
PROCEDURE_TITLE = "Noncompliant Social Media Accounts"
PACKET_KEYS = {"role_mailbox", "signature", "report_template", "platforms"}
SECRET_ENV = {"youtube": "SCOUT_YOUTUBE_API_KEY", "brave": "SCOUT_BRAVE_API_KEY"}

DEFAULT_STEPS: tuple[dict[str, Any], ...] = (
    {
        "step": "Contact the account's creator: ask them to register the account with the Public Relations "
        "department and to share administrator rights with PR.",
        "days": 10,
        "letter": "register",
    },
    {
        "step": "Send a letter with a deadline: hand administrator rights to PR, or deactivate the account.",
        "days": 20,
        "letter": "deadline",
    },
    {
        "step": "Escalate: letter from the superintendent or the board chair; employees who run an unregistered "
        "account are referred to their supervisor.",
        "days": 30,
        "letter": "escalate",
    },
    {
        "step": "Report the account to the platform (impersonation or trademark form) and keep the evidence "
        "packet.",
        "days": 45,
        "letter": "reported",
    },
)


def secret(name: str) -> str | None:
    """An API key from the environment (``youtube`` or ``brave``), or None."""
    value = os.environ.get(SECRET_ENV[name], "").strip()
    return value or None


def secret_values() -> list[str]:
    """Every configured secret, for redaction."""
    return [v for k in SECRET_ENV if (v := secret(k))]


@dataclass(frozen=True, slots=True)
class CaseStep:
    step: str
    days: int
    # A letter to the account's administrator: a bundled letter's name (register, deadline,
    # escalate, reported) or a Markdown template file, relative to scout.toml.
    letter: str | None = None


@dataclass(frozen=True, slots=True)
class Budget:
    youtube_search_calls_per_day: int = 100
    youtube_units_per_day: int = 10_000
    brave_requests_per_month: int = 2_000
    brave_requests_per_scan: int = 200
    searxng_requests_per_scan: int = 300
    requests_per_host: int = 400
    queries_per_entity: int = 12
    results_pages: int = 2


@dataclass(frozen=True, slots=True)
class Crawl:
    contact: str = ""
    user_agent: str = ""
    obey_robots: bool = True
    download_delay: float = 1.0
    concurrent_requests: int = 8
    concurrent_per_domain: int = 2
    autothrottle: bool = True
    http_cache: bool = False
    download_timeout: int = 30
    max_download_bytes: int = 5_000_000
    max_field_chars: int = 4_000
    parse_seconds: float = 5.0
    retry_times: int = 3
    browser_executable: str = "/usr/bin/chromium"
    robots_exceptions: tuple[str, ...] = ()
    screenshots: bool = True
    tls_verify: bool = True  # false only for development against a test server


@dataclass(frozen=True, slots=True)
class Config:
    path: Path | None
    base_dir: Path
    profile: Path
    registry: Path
    database_url: str
    sources: tuple[str, ...] = ALL_SOURCES
    searxng_url: str | None = None
    brave_url: str = BRAVE_URL
    youtube_api_url: str = YOUTUBE_API_URL
    bluesky_api_url: str = BLUESKY_API_URL
    mastodon_instances: tuple[str, ...] = ()
    allow_networks: tuple[str, ...] = ()
    hostmap: dict[str, str] = field(default_factory=dict)
    hostmap_strict: bool = False
    budget: Budget = field(default_factory=Budget)
    crawl: Crawl = field(default_factory=Crawl)
    case_prefix: str = "ABCE"
    procedure: str = "ABCE-AR1"
    procedure_title: str = PROCEDURE_TITLE
    steps: tuple[CaseStep, ...] = tuple(CaseStep(**s) for s in DEFAULT_STEPS)
    matching: dict[str, Any] = field(default_factory=dict)
    reports_dir: Path = Path("scout-data/reports")
    evidence_dir: Path = Path("scout-data/evidence")
    jobs_dir: Path = Path("scout-data/jobs")
    not_seen_months: int = 6
    lock_stale_seconds: int = 900
    # [packets]: role_mailbox, signature, report_template, platforms.<name> overrides of the
    # bundled report-to-platform table (checked by reports.documents.platform_report).
    packets: dict[str, Any] = field(default_factory=dict)

    @property
    def due_days(self) -> int:
        """Days from opening a case to its due date: the first ABCE-AR1 step's deadline."""
        return self.steps[0].days if self.steps else 30

    def user_agent(self, district_name: str) -> str:
        if self.crawl.user_agent:
            return self.crawl.user_agent
        from crawler import __version__

        contact = self.crawl.contact or "the district's Public Relations department"
        return (
            f"DistrictAccountScout/{__version__} (+https://github.com/district-account-scout; "
            f"social media compliance scan for {district_name}; contact: {contact})"
        )

    def source_enabled(self, name: str) -> bool:
        return name in self.sources


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


def load_config(
    explicit: str | os.PathLike[str] | None = None, *, env: dict[str, str] | None = None
) -> Config:
    """Read the configuration file (if any) and apply environment overrides."""
    env = dict(os.environ) if env is None else env
    path = find_config_path(explicit)
    data: dict[str, Any] = {}
    text = ""
    file = str(path) if path else "scout.toml"
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
    base = path.parent.resolve() if path is not None else Path.cwd()
    for k in data:
        if k not in _TOP:
            raise InputError(
                f"unknown section [{k}] (allowed: {', '.join(sorted(_TOP))})",
                file=file,
                line=_line_of(text, k),
                field=k,
            )

    def section(name: str, allowed: set[str]) -> dict[str, Any]:
        t = data.get(name, {})
        _check_keys(text, file, name, t, allowed)
        return t

    district = section("district", {"profile", "registry"})
    database = section("database", {"url"})
    sources = section(
        "sources",
        {
            "enabled",
            "searxng_url",
            "brave_url",
            "youtube_api_url",
            "bluesky_api_url",
            "mastodon_instances",
            "allow_networks",
        },
    )
    cases = section("cases", {"prefix", "procedure", "procedure_title", "steps", "not_seen_months"})
    reports = section("reports", {"out", "evidence", "jobs"})
    hostmap_t = data.get("hostmap", {})
    _check_keys(
        text, file, "hostmap", hostmap_t, set(hostmap_t) if isinstance(hostmap_t, dict) else set()
    )

    def str_of(t: dict[str, Any], k: str, sect: str, default: str | None = None) -> str | None:
        v = t.get(k, default)
        if v is not None and not isinstance(v, str):
            raise InputError(
                f"{sect}.{k}: expected a string",
                file=file,
                line=_line_of(text, k),
                field=f"{sect}.{k}",
            )
        return v

    def list_of(t: dict[str, Any], k: str, sect: str) -> tuple[str, ...] | None:
        v = t.get(k)
        if v is None:
            return None
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise InputError(
                f"{sect}.{k}: expected a list of strings",
                file=file,
                line=_line_of(text, k),
                field=f"{sect}.{k}",
            )
        return tuple(v)

    def rel(p: str) -> Path:
        q = Path(p).expanduser()
        return q if q.is_absolute() else base / q

    db_url = env.get("SCOUT_DATABASE_URL") or str_of(database, "url", "database") or ""
    if not db_url:
        db_url = f"sqlite:///{base / 'scout.sqlite3'}"
    elif db_url.startswith("sqlite:///") and not db_url.startswith("sqlite:////"):
        tail = db_url[len("sqlite:///") :]
        if tail and tail != ":memory:":
            db_url = f"sqlite:///{rel(tail)}"
    if db_url.startswith("postgresql://"):
        db_url = "postgresql+psycopg://" + db_url[len("postgresql://") :]

    enabled = list_of(sources, "enabled", "sources") or ALL_SOURCES
    if env.get("SCOUT_SOURCES"):
        enabled = tuple(s.strip() for s in env["SCOUT_SOURCES"].split(",") if s.strip())
    for s in enabled:
        if s not in ALL_SOURCES:
            raise InputError(
                f"sources: unknown source '{s}' (known: {', '.join(ALL_SOURCES)})",
                file=file,
                line=_line_of(text, "enabled"),
                field="sources.enabled",
            )
    instances = list_of(sources, "mastodon_instances", "sources") or ()
    if env.get("SCOUT_MASTODON_INSTANCES"):
        instances = tuple(s.strip() for s in env["SCOUT_MASTODON_INSTANCES"].split(","))
    instances = tuple(i.lower() for i in instances if i)
    for inst in instances:
        if not re.fullmatch(r"[a-z0-9.-]+(:\d+)?", inst):
            raise InputError(
                f"mastodon_instances: '{inst}' is not a host name",
                file=file,
                line=_line_of(text, "mastodon_instances"),
                field="sources.mastodon_instances",
            )
    allow = list_of(sources, "allow_networks", "sources") or ()
    if "SCOUT_ALLOW_NETWORKS" in env:
        allow = tuple(s.strip() for s in env["SCOUT_ALLOW_NETWORKS"].split(",") if s.strip())
    for net in allow:
        try:
            ipaddress.ip_network(net, strict=False)
        except ValueError:
            raise InputError(
                f"allow_networks: '{net}' is not a CIDR network",
                file=file,
                line=_line_of(text, "allow_networks"),
                field="sources.allow_networks",
            ) from None
    searxng = env.get("SCOUT_SEARXNG_URL") or str_of(sources, "searxng_url", "sources") or None

    hostmap: dict[str, str] = {}
    for host, target in (hostmap_t or {}).items():
        if not isinstance(target, str) or not re.match(r"^https?://", target):
            raise InputError(
                f"hostmap.{host}: expected a base URL such as http://127.0.0.1:8080",
                file=file,
                line=_line_of(text, host),
                field=f"hostmap.{host}",
            )
        hostmap[host.lower()] = target.rstrip("/")

    steps = DEFAULT_STEPS
    if "steps" in cases:
        raw = cases["steps"]
        if not isinstance(raw, list) or not raw:
            raise InputError(
                "cases.steps: expected a list of {step, days} tables",
                file=file,
                line=_line_of(text, "steps"),
                field="cases.steps",
            )
        for i, s in enumerate(raw):
            if not (
                isinstance(s, dict)
                and {"step", "days"} <= set(s) <= {"step", "days", "letter"}
                and isinstance(s.get("letter", ""), str)
                and isinstance(s["step"], str)
                and isinstance(s["days"], int)
                and s["days"] >= 0
            ):
                raise InputError(
                    f'cases.steps[{i}]: expected {{step = "…", days = N, letter = "…" (optional)}}',
                    file=file,
                    line=_line_of(text, "steps"),
                    field=f"cases.steps[{i}]",
                )
        steps = tuple(raw)
    prefix = str_of(cases, "prefix", "cases", "ABCE") or "ABCE"
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9-]{0,15}", prefix):
        raise InputError(
            f"cases.prefix: '{prefix}' must be letters, digits or '-'",
            file=file,
            line=_line_of(text, "prefix"),
            field="cases.prefix",
        )
    not_seen = cases.get("not_seen_months", 6)
    if not isinstance(not_seen, int) or isinstance(not_seen, bool) or not_seen < 1:
        raise InputError(
            "cases.not_seen_months: expected a whole number of months",
            file=file,
            line=_line_of(text, "not_seen_months"),
            field="cases.not_seen_months",
        )
    packets = data.get("packets", {})
    _check_keys(text, file, "packets", packets, PACKET_KEYS)
    matching = data.get("matching", {})
    if not isinstance(matching, dict):
        raise InputError(
            "[matching] must be a table",
            file=file,
            line=_line_of(text, "matching"),
            field="matching",
        )

    return Config(
        path=path,
        base_dir=base,
        profile=rel(str_of(district, "profile", "district", "profile.yaml") or "profile.yaml"),
        registry=rel(str_of(district, "registry", "district", "registry.csv") or "registry.csv"),
        database_url=db_url,
        sources=enabled,
        searxng_url=searxng.rstrip("/") if searxng else None,
        brave_url=str_of(sources, "brave_url", "sources", BRAVE_URL) or BRAVE_URL,
        youtube_api_url=(str_of(sources, "youtube_api_url", "sources") or YOUTUBE_API_URL).rstrip(
            "/"
        ),
        bluesky_api_url=(str_of(sources, "bluesky_api_url", "sources") or BLUESKY_API_URL).rstrip(
            "/"
        ),
        mastodon_instances=instances,
        allow_networks=allow,
        hostmap=hostmap,
        hostmap_strict=bool(hostmap),
        budget=_typed(Budget, data.get("budget", {}), text, file, "budget"),
        crawl=_typed(Crawl, data.get("crawl", {}), text, file, "crawl"),
        case_prefix=prefix,
        procedure=str_of(cases, "procedure", "cases", "ABCE-AR1") or "ABCE-AR1",
        procedure_title=str_of(cases, "procedure_title", "cases") or PROCEDURE_TITLE,
        steps=tuple(
            CaseStep(step=s["step"], days=s["days"], letter=s.get("letter") or None) for s in steps
        ),
        matching=matching,
        reports_dir=rel(str_of(reports, "out", "reports") or "scout-data/reports"),
        evidence_dir=rel(str_of(reports, "evidence", "reports") or "scout-data/evidence"),
        jobs_dir=rel(str_of(reports, "jobs", "reports") or "scout-data/jobs"),
        not_seen_months=not_seen,
        packets=packets,
    )


def redact(text: str) -> str:
    """Replace every configured secret in ``text`` (for logs, errors and reports)."""
    for value in secret_values():
        text = text.replace(value, "[redacted]")
    return text
