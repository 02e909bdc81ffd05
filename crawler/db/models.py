"""Database models (SQLAlchemy 2.x, typed declarative).

One schema for SQLite (the embedded default) and PostgreSQL. Fixed value sets are
``StrEnum`` columns stored as short strings (portable, and migrations stay simple; see
:mod:`crawler.db.types`). Every timestamp is timezone-aware UTC. Migrations live in
``crawler/db/migrations`` (Alembic) and run on first use.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crawler.db.types import (
    AccountColumns,
    Base,
    DistrictFK,
    Key,
    Name,
    Stamp,
    intpk,
    utcnow,
)
from crawler.district.profile import AffiliatedKind, EntityKind, Level
from crawler.district.registry import Payments, Status
from crawler.platforms.base import PageState
from crawler.vocab import (
    CaseKind,
    CaseStatus,
    Classification,
    EvidenceKind,
    ScanKind,
    ScanStatus,
)


class District(Base):
    __tablename__ = "districts"

    id: Mapped[intpk]
    key: Mapped[Key] = mapped_column(unique=True)
    name: Mapped[Name]
    aliases: Mapped[list[Any]] = mapped_column(default=list)
    domains: Mapped[list[Any]] = mapped_column(default=list, comment="web and e-mail domains")
    city: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(2))
    nearby: Mapped[list[Any]] = mapped_column(default=list)
    website: Mapped[str | None] = mapped_column(String(2048))
    profile: Mapped[dict[str, Any]] = mapped_column(
        default=dict, comment="the whole validated profile, as imported (YAML shape)"
    )
    profile_path: Mapped[str | None] = mapped_column(String(2048))
    imported_at: Mapped[Stamp] = mapped_column(default=utcnow)

    entities: Mapped[list[EntityRow]] = relationship(
        back_populates="district", cascade="all, delete-orphan", order_by="EntityRow.id"
    )


class EntityRow(Base):
    __tablename__ = "entities"
    __table_args__ = (UniqueConstraint("district_id", "key", name="uq_entities_district_key"),)

    id: Mapped[intpk]
    district_id: Mapped[DistrictFK]
    key: Mapped[Key]
    kind: Mapped[EntityKind] = mapped_column(comment="school | program | team | department")
    name: Mapped[Name]
    aliases: Mapped[list[Any]] = mapped_column(default=list)
    level: Mapped[Level | None]
    mascot: Mapped[str | None] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(2048))
    activities: Mapped[list[Any]] = mapped_column(default=list)
    parent_key: Mapped[str | None] = mapped_column(String(64))
    city: Mapped[str | None] = mapped_column(String(200))

    district: Mapped[District] = relationship(back_populates="entities")


class AffiliatedOrg(Base):
    __tablename__ = "affiliated_orgs"
    __table_args__ = (UniqueConstraint("district_id", "key", name="uq_affiliated_district_key"),)

    id: Mapped[intpk]
    district_id: Mapped[DistrictFK]
    key: Mapped[Key]
    name: Mapped[Name]
    kind: Mapped[AffiliatedKind]
    entity_key: Mapped[str | None] = mapped_column(String(64))
    aliases: Mapped[list[Any]] = mapped_column(default=list)
    website: Mapped[str | None] = mapped_column(String(2048))


class NotDistrictRow(Base):
    __tablename__ = "not_district"

    id: Mapped[intpk]
    district_id: Mapped[DistrictFK]
    name: Mapped[Name]
    location: Mapped[str | None] = mapped_column(String(200))
    aliases: Mapped[list[Any]] = mapped_column(default=list)
    url: Mapped[str | None] = mapped_column(String(2048))


class RegisteredAccount(AccountColumns, Base):
    __tablename__ = "registered_accounts"
    _constraint_prefix = "registered"

    platform_id: Mapped[str | None] = mapped_column(
        String(128), comment="stable id: YouTube UC…, FB page id, Bluesky DID"
    )
    entity_key: Mapped[Key]
    display_name: Mapped[str] = mapped_column(String(500), default="")
    administrator: Mapped[str] = mapped_column(String(300), default="")
    administrator_email: Mapped[str] = mapped_column(String(320), default="")
    backup_administrator: Mapped[str] = mapped_column(String(300), default="")
    pr_coadmin: Mapped[bool | None] = mapped_column(Boolean)
    district_email_used: Mapped[bool | None] = mapped_column(Boolean)
    registered_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[Status] = mapped_column(comment="active | deactivated | transferred")
    retention_plan: Mapped[bool | None] = mapped_column(Boolean)
    payments: Mapped[Payments] = mapped_column(
        default=Payments.NONE, comment="none | approved | unapproved"
    )
    notes: Mapped[str] = mapped_column(Text, default="")
    input_url: Mapped[str] = mapped_column(
        String(2048), default="", comment="the URL as written in the registry file"
    )
    last_seen_at: Mapped[datetime | None] = mapped_column(
        comment="last scan that saw the account live"
    )
    resolved_at: Mapped[datetime | None] = mapped_column(
        comment="when platform_id was last confirmed (import from the URL, or a scan)"
    )
    resolved_via: Mapped[str | None] = mapped_column(
        String(1000), comment="how platform_id was found: 'url', or the source and its request"
    )
    resolve_error: Mapped[str | None] = mapped_column(
        String(1000), comment="a scan tried to resolve the URL and could not: what it asked"
    )
    updated_at: Mapped[Stamp] = mapped_column(default=utcnow, onupdate=utcnow)


# --------------------------------------------------------------------------- scans and discovery


class Scan(Base):
    __tablename__ = "scans"

    id: Mapped[intpk]
    district_id: Mapped[DistrictFK]
    kind: Mapped[ScanKind] = mapped_column(default=ScanKind.SCAN)
    status: Mapped[ScanStatus] = mapped_column(default=ScanStatus.RUNNING)
    started_at: Mapped[Stamp] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    params: Mapped[dict[str, Any]] = mapped_column(
        default=dict, comment="sources, platforms, entity, query"
    )
    stats: Mapped[dict[str, Any]] = mapped_column(
        default=dict, comment="per-source summary and crawl stats"
    )
    job_dir: Mapped[str | None] = mapped_column(String(2048), comment="resumable Scrapy job folder")
    error: Mapped[str | None] = mapped_column(Text)


class ScanQuery(Base):
    """What each source was asked in a scan, and whether it was covered (coverage gaps)."""

    __tablename__ = "scan_queries"
    __table_args__ = (
        UniqueConstraint("scan_id", "source", "query", name="uq_scan_queries_scan_source_query"),
    )

    id: Mapped[intpk]
    scan_id: Mapped[int] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(32))
    query: Mapped[str] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(16), comment="done | failed | skipped")
    error: Mapped[str | None] = mapped_column(String(1000))
    results: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[Stamp] = mapped_column(default=utcnow, onupdate=utcnow)


class ProbeAnswer(Base):
    """A handle probe's definitive answer (found or not found) for a candidate handle, kept so
    an incremental scan does not ask it again until the entity's next full sweep."""

    __tablename__ = "probe_answers"
    __table_args__ = (
        UniqueConstraint("district_id", "platform", "handle", name="uq_probe_answers_handle"),
    )

    id: Mapped[intpk]
    district_id: Mapped[DistrictFK]
    platform: Mapped[str] = mapped_column(String(32))
    handle: Mapped[str] = mapped_column(String(300), comment="lower-cased candidate handle")
    found: Mapped[bool] = mapped_column(default=False)
    scan_id: Mapped[int | None] = mapped_column(ForeignKey("scans.id", ondelete="SET NULL"))
    answered_at: Mapped[Stamp] = mapped_column(default=utcnow)


class Account(AccountColumns, Base):
    """A discovered account, one row per canonical URL (kept across scans)."""

    __tablename__ = "accounts"
    _constraint_prefix = "accounts"

    display_name: Mapped[str | None] = mapped_column(String(500))
    bio: Mapped[str | None] = mapped_column(Text)
    links: Mapped[list[Any]] = mapped_column(default=list)
    followers: Mapped[int | None]
    verified: Mapped[bool | None]
    private: Mapped[bool | None]
    location: Mapped[str | None] = mapped_column(String(300))
    page_state: Mapped[PageState | None] = mapped_column(
        comment="last known page state: ok, not_found, login_wall…"
    )
    previous_handles: Mapped[list[Any]] = mapped_column(default=list)
    first_seen_at: Mapped[Stamp] = mapped_column(default=utcnow)
    last_seen_at: Mapped[Stamp] = mapped_column(default=utcnow)
    first_scan_id: Mapped[int | None] = mapped_column(ForeignKey("scans.id", ondelete="SET NULL"))
    last_scan_id: Mapped[int | None] = mapped_column(ForeignKey("scans.id", ondelete="SET NULL"))

    sightings: Mapped[list[Sighting]] = relationship(
        back_populates="account", cascade="all, delete-orphan", order_by="Sighting.id"
    )


class Sighting(Base):
    """One place an account was seen, with its provenance."""

    __tablename__ = "sightings"
    __table_args__ = (Index("ix_sightings_scan_account", "scan_id", "account_id"),)

    id: Mapped[intpk]
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    scan_id: Mapped[int] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(32))
    query: Mapped[str | None] = mapped_column(String(1000))
    source_url: Mapped[str | None] = mapped_column(
        String(2048), comment="page or API URL it came from (no secrets)"
    )
    rank: Mapped[int | None]
    title: Mapped[str | None] = mapped_column(String(1000))
    snippet: Mapped[str | None] = mapped_column(Text)
    raw_url: Mapped[str | None] = mapped_column(String(2048), comment="the account URL as found")
    fetched_at: Mapped[Stamp] = mapped_column(default=utcnow)
    profile: Mapped[dict[str, Any] | None] = mapped_column(
        comment="profile facts of this sighting (name, bio, links, counts, state): the registry watch"
    )

    account: Mapped[Account] = relationship(back_populates="sightings")


class Assessment(Base):
    __tablename__ = "assessments"
    __table_args__ = (
        UniqueConstraint("account_id", "scan_id", name="uq_assessments_account_scan"),
    )

    id: Mapped[intpk]
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    scan_id: Mapped[int] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"))
    classification: Mapped[Classification]
    entity_key: Mapped[str | None] = mapped_column(String(64))
    confidence: Mapped[float] = mapped_column(Float)
    explanation: Mapped[list[Any]] = mapped_column(
        default=list, comment="comparison levels that fired: [{code, label, weight}]"
    )
    imitates_url: Mapped[str | None] = mapped_column(String(2048))
    registered_id: Mapped[int | None] = mapped_column(
        ForeignKey("registered_accounts.id", ondelete="SET NULL")
    )
    created_at: Mapped[Stamp] = mapped_column(default=utcnow)


class ApiUsage(Base):
    """Calls charged to an API quota in one quota period, kept across scans and searches.

    One row per (source, API key, bucket, period): ``youtube``/``search_calls`` and
    ``youtube``/``units`` per day in Pacific time (YouTube's quotas reset at midnight Pacific),
    ``brave``/``requests`` per calendar month (UTC). A quota belongs to an API key, not to a
    district: districts that share a key share its ledger, each key has its own. The key is
    stored as a fingerprint only. See :mod:`crawler.db.quota`.
    """

    __tablename__ = "api_usage"
    __table_args__ = (
        UniqueConstraint(
            "source", "key_fp", "bucket", "period", name="uq_api_usage_source_key_bucket_period"
        ),
    )

    id: Mapped[intpk]
    source: Mapped[str] = mapped_column(String(32), comment="youtube | brave")
    key_fp: Mapped[str] = mapped_column(
        String(16),
        default="",
        server_default="",
        comment="first 12 hex digits of the API key's SHA-256 (never the key); '' for no key",
    )
    bucket: Mapped[str] = mapped_column(String(32), comment="search_calls | units | requests")
    period: Mapped[str] = mapped_column(
        String(16), comment="YYYY-MM-DD (Pacific day) or YYYY-MM (UTC month)"
    )
    used: Mapped[int] = mapped_column(default=0)
    exhausted: Mapped[bool] = mapped_column(
        default=False, comment="the API answered that the quota is used up"
    )
    updated_at: Mapped[Stamp] = mapped_column(default=utcnow, onupdate=utcnow)


# --------------------------------------------------------------------------- cases


class CaseCounter(Base):
    """The last case number given per district and prefix (numbers are per district)."""

    __tablename__ = "case_counters"

    district_id: Mapped[int] = mapped_column(
        ForeignKey("districts.id", ondelete="CASCADE"), primary_key=True
    )
    prefix: Mapped[str] = mapped_column(String(32), primary_key=True, comment="e.g. ABCE-2026")
    last: Mapped[int] = mapped_column(default=0)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("account_id", "kind", name="uq_cases_account_kind"),
        UniqueConstraint("district_id", "number", name="uq_cases_district_number"),
    )

    id: Mapped[intpk]
    number: Mapped[str] = mapped_column(String(64), comment="ABCE-YYYY-NNNN, unique per district")
    district_id: Mapped[DistrictFK]
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    kind: Mapped[CaseKind]
    status: Mapped[CaseStatus] = mapped_column(default=CaseStatus.OPEN)
    entity_key: Mapped[str | None] = mapped_column(String(64))
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    imitates_url: Mapped[str | None] = mapped_column(String(2048))
    opened_at: Mapped[Stamp] = mapped_column(default=utcnow)
    opened_scan_id: Mapped[int | None] = mapped_column(ForeignKey("scans.id", ondelete="SET NULL"))
    due_at: Mapped[date | None] = mapped_column(Date)
    last_seen_at: Mapped[datetime | None]
    last_scan_id: Mapped[int | None] = mapped_column(ForeignKey("scans.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None]
    fingerprint: Mapped[str | None] = mapped_column(
        String(64), comment="hash of name and bio when last decided: a material change may re-open"
    )
    decided_score: Mapped[float | None] = mapped_column(
        Float, comment="entity match score when dismissed"
    )
    related_cases: Mapped[list[Any] | None] = mapped_column(
        comment="ids of earlier cases this account re-emerges from (a taken-down account's copy)"
    )

    account: Mapped[Account] = relationship()
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseEvent.id"
    )


class CaseEvent(Base):
    __tablename__ = "case_events"

    id: Mapped[intpk]
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    at: Mapped[Stamp] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(200), comment="user name, or 'scout' for scans")
    action: Mapped[str] = mapped_column(
        String(64), comment="opened, seen, decided, reopened, not-seen…"
    )
    from_status: Mapped[CaseStatus | None]
    to_status: Mapped[CaseStatus | None]
    note: Mapped[str | None] = mapped_column(Text)
    scan_id: Mapped[int | None] = mapped_column(ForeignKey("scans.id", ondelete="SET NULL"))

    case: Mapped[Case] = relationship(back_populates="events")


class Evidence(Base):
    __tablename__ = "evidence"
    __table_args__ = (Index("ix_evidence_account", "account_id"),)

    id: Mapped[intpk]
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    scan_id: Mapped[int | None] = mapped_column(ForeignKey("scans.id", ondelete="SET NULL"))
    kind: Mapped[EvidenceKind]
    summary: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(2048))
    file_path: Mapped[str | None] = mapped_column(String(2048))
    sha256: Mapped[str | None] = mapped_column(String(64))
    captured_at: Mapped[Stamp] = mapped_column(default=utcnow)


class Lock(Base):
    """Named locks (e.g. the scan lock), held by one process at a time; stale ones are taken over."""

    __tablename__ = "locks"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(300), comment="host:pid:token")
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int]
    acquired_at: Mapped[Stamp] = mapped_column(default=utcnow)
    heartbeat_at: Mapped[Stamp] = mapped_column(default=utcnow)


# --------------------------------------------------------------------------- the registry watch


class RegistrySnapshot(Base):
    """How a registered account looked in one scan (DESIGN.md, "The registry under watch")."""

    __tablename__ = "registry_snapshots"
    __table_args__ = (Index("ix_registry_snapshots_registered", "registered_id", "id"),)

    id: Mapped[intpk]
    registered_id: Mapped[int] = mapped_column(
        ForeignKey("registered_accounts.id", ondelete="CASCADE")
    )
    scan_id: Mapped[int | None] = mapped_column(ForeignKey("scans.id", ondelete="SET NULL"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    platform: Mapped[str] = mapped_column(String(32))
    handle: Mapped[str | None] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(String(2048))
    platform_id: Mapped[str | None] = mapped_column(String(128))
    display_name: Mapped[str | None] = mapped_column(String(500))
    bio: Mapped[str | None] = mapped_column(Text)
    links: Mapped[list[Any]] = mapped_column(default=list)
    avatar_hash: Mapped[str | None] = mapped_column(String(64))
    followers: Mapped[int | None]
    posts: Mapped[int | None]
    last_post_at: Mapped[datetime | None]
    private: Mapped[bool | None]
    page_state: Mapped[str | None] = mapped_column(String(16))
    source: Mapped[str | None] = mapped_column(String(32))
    observed_at: Mapped[Stamp] = mapped_column(default=utcnow)
    digest: Mapped[str] = mapped_column(
        String(64), comment="hash of handle, name, bio, links, state: a change is a new digest"
    )
    changed: Mapped[bool] = mapped_column(
        default=False, comment="differs from the account's previous snapshot"
    )


class RegistryAcknowledgement(Base):
    """PR acknowledged a registry-watch finding: quiet until the account changes again."""

    __tablename__ = "registry_acknowledgements"

    id: Mapped[intpk]
    registered_id: Mapped[int] = mapped_column(
        ForeignKey("registered_accounts.id", ondelete="CASCADE")
    )
    code: Mapped[str] = mapped_column(String(32))
    digest: Mapped[str | None] = mapped_column(
        String(64), comment="the snapshot digest acknowledged (None: no snapshot)"
    )
    actor: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[Stamp] = mapped_column(default=utcnow)
