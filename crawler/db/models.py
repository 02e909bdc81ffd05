"""Database models (SQLAlchemy 2.x, typed declarative).

One schema for SQLite (the embedded default) and PostgreSQL. Fixed value sets
are ``StrEnum`` values stored as short strings (portable, and migrations stay
simple). Every timestamp is timezone-aware UTC. Migrations live in
``crawler/db/migrations`` (Alembic) and run on first use.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from crawler.vocab import (  # noqa: F401  (re-exported: the enums of the columns)
    CaseKind,
    CaseStatus,
    Classification,
    EvidenceKind,
    ScanKind,
    ScanStatus,
)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

intpk = Annotated[int, mapped_column(Integer, primary_key=True, autoincrement=True)]
Key = Annotated[str, mapped_column(String(64))]
Name = Annotated[str, mapped_column(String(500))]
Url = Annotated[str, mapped_column(String(2048))]
Stamp = Annotated[datetime, mapped_column(UTCDateTime())]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON, datetime: UTCDateTime()}


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
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id", ondelete="CASCADE"))
    key: Mapped[Key]
    kind: Mapped[str] = mapped_column(String(16), comment="school | program | team | department")
    name: Mapped[Name]
    aliases: Mapped[list[Any]] = mapped_column(default=list)
    level: Mapped[str | None] = mapped_column(String(16))
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
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id", ondelete="CASCADE"))
    key: Mapped[Key]
    name: Mapped[Name]
    kind: Mapped[str] = mapped_column(String(16))
    entity_key: Mapped[str | None] = mapped_column(String(64))
    aliases: Mapped[list[Any]] = mapped_column(default=list)
    website: Mapped[str | None] = mapped_column(String(2048))


class NotDistrictRow(Base):
    __tablename__ = "not_district"

    id: Mapped[intpk]
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id", ondelete="CASCADE"))
    name: Mapped[Name]
    location: Mapped[str | None] = mapped_column(String(200))
    aliases: Mapped[list[Any]] = mapped_column(default=list)
    url: Mapped[str | None] = mapped_column(String(2048))


class RegisteredAccount(Base):
    __tablename__ = "registered_accounts"
    __table_args__ = (
        UniqueConstraint(
            "district_id", "platform", "url", name="uq_registered_district_platform_url"
        ),
        Index("ix_registered_platform_id", "platform", "platform_id"),
    )

    id: Mapped[intpk]
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(32))
    url: Mapped[Url] = mapped_column(comment="canonical URL")
    handle: Mapped[str] = mapped_column(String(300))
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
    status: Mapped[str] = mapped_column(String(16), comment="active | deactivated | transferred")
    retention_plan: Mapped[bool | None] = mapped_column(Boolean)
    payments: Mapped[str] = mapped_column(
        String(16), default="none", comment="none | approved | unapproved"
    )
    notes: Mapped[str] = mapped_column(Text, default="")
    input_url: Mapped[str] = mapped_column(
        String(2048), default="", comment="the URL as written in the registry file"
    )
    last_seen_at: Mapped[datetime | None] = mapped_column(
        comment="last scan that saw the account live"
    )
    updated_at: Mapped[Stamp] = mapped_column(default=utcnow, onupdate=utcnow)


# --------------------------------------------------------------------------- scans and discovery


class Scan(Base):
    __tablename__ = "scans"

    id: Mapped[intpk]
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16), default=ScanKind.SCAN.value)
    status: Mapped[str] = mapped_column(String(16), default=ScanStatus.RUNNING.value)
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


class Account(Base):
    """A discovered account, one row per canonical URL (kept across scans)."""

    __tablename__ = "accounts"
    __table_args__ = (
        UniqueConstraint(
            "district_id", "platform", "url", name="uq_accounts_district_platform_url"
        ),
        Index("ix_accounts_platform_id", "platform", "platform_id"),
    )

    id: Mapped[intpk]
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(32))
    url: Mapped[Url] = mapped_column(comment="canonical URL")
    handle: Mapped[str] = mapped_column(String(300))
    platform_id: Mapped[str | None] = mapped_column(String(128))
    display_name: Mapped[str | None] = mapped_column(String(500))
    bio: Mapped[str | None] = mapped_column(Text)
    links: Mapped[list[Any]] = mapped_column(default=list)
    followers: Mapped[int | None]
    verified: Mapped[bool | None]
    private: Mapped[bool | None]
    location: Mapped[str | None] = mapped_column(String(300))
    page_state: Mapped[str | None] = mapped_column(
        String(16), comment="last known page state: ok, not_found, login_wall…"
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

    account: Mapped[Account] = relationship(back_populates="sightings")


class Assessment(Base):
    __tablename__ = "assessments"
    __table_args__ = (
        UniqueConstraint("account_id", "scan_id", name="uq_assessments_account_scan"),
    )

    id: Mapped[intpk]
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    scan_id: Mapped[int] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"))
    classification: Mapped[str] = mapped_column(String(16))
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

    One row per (source, bucket, period): ``youtube``/``search_calls`` and ``youtube``/``units``
    per day in Pacific time (YouTube's quotas reset at midnight Pacific), ``brave``/``requests``
    per calendar month (UTC). See :mod:`crawler.db.quota`.
    """

    __tablename__ = "api_usage"
    __table_args__ = (
        UniqueConstraint("source", "bucket", "period", name="uq_api_usage_source_bucket_period"),
    )

    id: Mapped[intpk]
    source: Mapped[str] = mapped_column(String(32), comment="youtube | brave")
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
    __tablename__ = "case_counters"

    prefix: Mapped[str] = mapped_column(String(32), primary_key=True, comment="e.g. ABCE-2026")
    last: Mapped[int] = mapped_column(default=0)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("account_id", "kind", name="uq_cases_account_kind"),)

    id: Mapped[intpk]
    number: Mapped[str] = mapped_column(String(64), unique=True, comment="ABCE-YYYY-NNNN")
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32), default=CaseStatus.OPEN.value)
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
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str | None] = mapped_column(String(32))
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
    kind: Mapped[str] = mapped_column(String(32))
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
