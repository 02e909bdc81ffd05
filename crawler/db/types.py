"""The models' declarative base and shared column types: UTC timestamps, enums, the account block.

Enum columns are ``StrEnum`` types stored as ``VARCHAR`` of a fixed length (``native_enum=False``,
no CHECK constraint), so the schema is the same short strings as before and SQLite and
PostgreSQL agree; reading a row gives the enum member, and writing an unknown string is an
error. :data:`ENUM_TYPES` maps each enum to its column type (``Base.type_annotation_map``),
so a model writes ``Mapped[CaseStatus]``. The ``source`` columns stay plain strings: the quota
ledger names API backends (``brave``) and test crawls name sources of their own.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum as PyEnum
from typing import Annotated, Any, ClassVar

from sqlalchemy import (
    JSON,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from crawler.district.profile import AffiliatedKind, EntityKind, Level
from crawler.district.registry import Payments, Status
from crawler.platforms.base import PageState
from crawler.vocab import (
    CaseKind,
    CaseStatus,
    Classification,
    EvidenceKind,
    Platform,
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


def _values(enum: type[PyEnum]) -> list[str]:
    return [str(m.value) for m in enum]


def str_enum(enum: type[PyEnum], length: int) -> Enum:
    """A ``VARCHAR(length)`` column holding ``enum``'s values (no database enum type)."""
    return Enum(
        enum,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=_values,
        validate_strings=True,
    )


# The enum of each enum column, with the VARCHAR length the schema has always had.
ENUM_TYPES: dict[Any, Any] = {
    enum: str_enum(enum, length)
    for enum, length in (
        (Platform, 32),
        (ScanKind, 16),
        (ScanStatus, 16),
        (Classification, 16),
        (CaseKind, 32),
        (CaseStatus, 32),
        (EvidenceKind, 32),
        (EntityKind, 16),
        (Level, 16),
        (AffiliatedKind, 16),
        (Status, 16),
        (Payments, 16),
    )
}


class PageStateColumn(TypeDecorator[PageState]):
    """The page-state column: ``VARCHAR(16)`` like the enum columns, but a value stored under an
    earlier name reads as today's state (``rate_limited`` is ``blocked``), so no migration is
    needed for the rename."""

    impl = String(16)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else PageState(value).value

    def process_result_value(self, value: Any, dialect: Any) -> PageState | None:
        return None if value is None else PageState(value)


ENUM_TYPES[PageState] = PageStateColumn()  # type: ignore[assignment]

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
DistrictFK = Annotated[int, mapped_column(ForeignKey("districts.id", ondelete="CASCADE"))]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {
        dict[str, Any]: JSON,
        list[Any]: JSON,
        datetime: UTCDateTime(),
        **ENUM_TYPES,
    }


class AccountColumns:
    """The columns of an account, registered or discovered: one row per platform and canonical
    URL in a district, with its handle and the platform's stable id; each table names its
    constraints with ``_constraint_prefix``."""

    _constraint_prefix: ClassVar[str]

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        p = cls._constraint_prefix
        return (
            UniqueConstraint(
                "district_id", "platform", "url", name=f"uq_{p}_district_platform_url"
            ),
            Index(f"ix_{p}_platform_id", "platform", "platform_id"),
        )

    # sort_order: these columns come first in the table, as they always have
    id: Mapped[intpk] = mapped_column(sort_order=-1)
    district_id: Mapped[DistrictFK] = mapped_column(sort_order=-1)
    platform: Mapped[Platform] = mapped_column(sort_order=-1)
    url: Mapped[Url] = mapped_column(comment="canonical URL", sort_order=-1)
    handle: Mapped[str] = mapped_column(String(300), sort_order=-1)
    platform_id: Mapped[str | None] = mapped_column(String(128), sort_order=-1)
