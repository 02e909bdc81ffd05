"""The configuration's settings: :class:`Config` and its parts, with their defaults.

Every setting has a default, so a missing file is fine for commands that do not need the
profile. Secrets (API keys) come only from the environment: they are read on demand by
:func:`secret` and never stored on the config object, so they cannot leak into a repr, a
log line or the database.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.vocab import ALL_SOURCES, SOURCES, Source

BRAVE_URL = "https://api.search.brave.com/res/v1/web/search"
YOUTUBE_API_URL = "https://www.googleapis.com/youtube/v3"
BLUESKY_API_URL = "https://public.api.bsky.app"
# a case number's prefix (`[cases] prefix`, a district profile's `case_prefix`)
CASE_PREFIX_RE = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,15}")
PROCEDURE_TITLE = "Noncompliant Social Media Accounts"
PACKET_KEYS = {"role_mailbox", "signature", "report_template", "platforms"}
# API keys by name: each source's ``key_env`` (Brave is the web search's keyed backend).
SECRET_ENV: dict[str, str] = {
    Source.YOUTUBE: SOURCES[Source.YOUTUBE].key_env or "",
    "brave": SOURCES[Source.WEB_SEARCH].key_env or "",
    "oidc": "SCOUT_OIDC_CLIENT_SECRET",  # the web app's OpenID Connect client secret
    "scrapyd": "SCOUT_SCRAPYD_PASSWORD",  # basic auth of the Scrapyd nodes
    "redis": "SCOUT_REDIS_URL",  # the shared rate limit's Redis (its URL may hold a password)
}
ROLES = ("viewer", "reviewer", "admin")  # the web app's roles, lowest first

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
    # incremental scans (README, "How a monthly scan saves work"): every entity gets a full
    # sweep at least every full_sweep_months scans; freshness windows get this margin
    full_sweep_months: int = 3
    freshness_margin_days: int = 2
    http_cache_mb: int = 200  # the per-district HTTP cache (validators, 304 answers)


@dataclass(frozen=True, slots=True)
class Crawl:
    contact: str = ""
    user_agent: str = ""
    obey_robots: bool = True
    download_delay: float = 1.0
    # requests per second to one host, all crawls and Scrapyd nodes together (0: one per
    # download_delay); shared through Redis (SCOUT_REDIS_URL) or PostgreSQL, not SQLite
    host_rate: float = 0.0
    host_burst: int = 1
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
class Auth:
    """``[auth]``: how people sign in to the web app besides its own accounts. The OpenID Connect
    client id and secret come from ``SCOUT_OIDC_CLIENT_ID``/``SCOUT_OIDC_CLIENT_SECRET``."""

    trusted_header: str = ""  # a reverse proxy's user header, e.g. X-Remote-User
    trusted_proxies: tuple[str, ...] = ()  # CIDRs the header is believed from
    oidc_issuer: str = ""  # e.g. https://accounts.google.com; empty: no OpenID Connect
    allowed_domains: tuple[str, ...] = ()  # e-mail domains let in; empty: the district's
    default_role: str = "viewer"  # the role of someone signing in the first time

    @property
    def oidc(self) -> bool:
        return bool(self.oidc_issuer)


@dataclass(frozen=True, slots=True)
class Scrapyd:
    """``[scrapyd]``: the Scrapyd nodes ``scout scan`` dispatches its crawl jobs to (none: the
    crawl runs locally). ``SCOUT_SCRAPYD_URLS`` (comma-separated) overrides ``urls``; the basic-auth
    credentials come only from ``SCOUT_SCRAPYD_USERNAME``/``SCOUT_SCRAPYD_PASSWORD``."""

    urls: tuple[str, ...] = ()
    project: str = "district_account_scout"  # the project's name on the nodes
    slots: int = 4  # jobs one node runs at once: its max_proc (`scout node --max-proc`)
    poll_seconds: float = 2.0  # how often listjobs.json is asked
    node_timeout: float = 30.0  # a node silent this long is dead: its jobs move to another
    attempts: int = 3  # tries of one job (on different nodes where there are several)
    http_timeout: float = 10.0
    # `scout scan --all`: districts whose scans run at the same time, their jobs competing
    # for the nodes' free slots (0: the nodes' slots together, len(urls) * slots)
    districts_at_once: int = 0

    @property
    def parallel_districts(self) -> int:
        return self.districts_at_once or max(len(self.urls) * self.slots, 1)

    @property
    def enabled(self) -> bool:
        return bool(self.urls)


@dataclass(frozen=True, slots=True)
class Config:
    path: Path | None
    base_dir: Path
    profile: Path
    registry: Path
    database_url: str
    sources: tuple[str, ...] = ALL_SOURCES
    # the district every command acts on (`--district KEY` / SCOUT_DISTRICT); None: the
    # database's only district (several and none chosen is an error naming them)
    district: str | None = None
    several_districts: bool = False  # set with the district's own reports folder (db.scope)
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
    auth: Auth = field(default_factory=Auth)
    scrapyd: Scrapyd = field(default_factory=Scrapyd)
    case_prefix: str = "ABCE"
    procedure: str = "ABCE-AR1"
    procedure_title: str = PROCEDURE_TITLE
    steps: tuple[CaseStep, ...] = tuple(CaseStep(**s) for s in DEFAULT_STEPS)
    matching: dict[str, Any] = field(default_factory=dict)
    reports_dir: Path = Path("scout-data/reports")
    evidence_dir: Path = Path("scout-data/evidence")
    jobs_dir: Path = Path("scout-data/jobs")
    not_seen_months: int = 6
    dormant_months: int = 12  # registry watch: no public post for this long is `dormant`
    lock_stale_seconds: int = 900
    # [packets]: role_mailbox, signature, report_template, platforms.<name> overrides of the
    # bundled report-to-platform table (checked by reports.documents.platform_report).
    packets: dict[str, Any] = field(default_factory=dict)
    # [selfcheck] known: platform -> URL of a live account the parser-drift check looks up
    # where the registry has none it can fetch (``scout selfcheck``)
    selfcheck_known: dict[str, str] = field(default_factory=dict)

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


def redact(text: str) -> str:
    """Replace every configured secret in ``text`` (for logs, errors and reports)."""
    for value in secret_values():
        text = text.replace(value, "[redacted]")
    return text
