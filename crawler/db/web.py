"""Database models of the review web app (``scout serve``): users, sessions, sign-in throttling,
the audit log, case assignment and takedown outcomes.

They share :class:`crawler.db.models.Base` (one metadata, one migration history: revision 0003).
Cases themselves, their decisions and notes stay in ``cases`` and ``case_events``: a decision
made in the web app is the same row a ``scout cases decide`` writes.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crawler.db.models import utcnow
from crawler.db.types import Base, Stamp, UTCDateTime, intpk, str_enum
from crawler.vocab import Platform


class Role(StrEnum):
    """What a web user may do; each role includes the ones before it."""

    VIEWER = "viewer"  # reads cases, the registry, scans
    REVIEWER = "reviewer"  # also decides cases, writes notes, assigns, runs searches
    ADMIN = "admin"  # also manages the registry, starts scans, reads the audit log

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


class TakedownAnswer(StrEnum):
    """The platform's answer to a report."""

    NONE = "none"  # no answer yet
    REMOVED = "removed"
    REFUSED = "refused"


class WebUser(Base):
    __tablename__ = "web_users"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(200), unique=True, comment="sign-in name")
    password_hash: Mapped[str] = mapped_column(String(300), comment="argon2id, PHC string")
    role: Mapped[Role] = mapped_column(str_enum(Role, 16), comment="viewer | reviewer | admin")
    districts: Mapped[list[Any]] = mapped_column(
        JSON, default=list, comment="keys of the districts the user may see; empty: all"
    )
    created_at: Mapped[Stamp] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WebSession(Base):
    """A signed-in browser. The cookie carries a random token; only its SHA-256 is stored."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, comment="SHA-256 of the token")
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id", ondelete="CASCADE"))
    csrf: Mapped[str] = mapped_column(String(64), comment="the CSRF token of this session's forms")
    created_at: Mapped[Stamp] = mapped_column(default=utcnow)
    seen_at: Mapped[Stamp] = mapped_column(default=utcnow, comment="last request (idle expiry)")
    address: Mapped[str] = mapped_column(String(64), default="")


class LoginThrottle(Base):
    """Failed sign-ins per user name and per address: each one past a few waits longer."""

    __tablename__ = "web_login_throttle"

    key: Mapped[str] = mapped_column(String(300), primary_key=True, comment="user:NAME or addr:IP")
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[Stamp] = mapped_column(default=utcnow, onupdate=utcnow)


class AuditEntry(Base):
    """Who did what, when, from where: sign-ins, decisions, notes, assignments, registry changes,
    searches and scans."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_district", "district"),
    )

    id: Mapped[intpk]
    at: Mapped[Stamp] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(200), comment="user name (as typed, for failures)")
    address: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(64), comment="login, login-failed, decide, note…")
    target: Mapped[str] = mapped_column(String(300), default="", comment="case number, file…")
    # a key, not a foreign key: the log outlives a removed district (revision 0008)
    district: Mapped[str | None] = mapped_column(
        String(64), comment="key of the district the action concerned; empty: none"
    )
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class CaseAssignment(Base):
    __tablename__ = "case_assignments"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    assignee: Mapped[str] = mapped_column(String(200), comment="web user name")
    assigned_by: Mapped[str] = mapped_column(String(200))
    assigned_at: Mapped[Stamp] = mapped_column(default=utcnow)


class Takedown(Base):
    """A case reported to the platform: where and when, and the platform's answer."""

    __tablename__ = "takedowns"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    platform: Mapped[Platform]
    route: Mapped[str] = mapped_column(
        String(300), default="", comment="where it was reported: form, e-mail, partner channel"
    )
    reference: Mapped[str] = mapped_column(String(200), default="", comment="platform's number")
    reported_on: Mapped[date] = mapped_column(Date)
    answer: Mapped[TakedownAnswer] = mapped_column(
        str_enum(TakedownAnswer, 16), default=TakedownAnswer.NONE, comment="none|removed|refused"
    )
    answer_by: Mapped[date | None] = mapped_column(Date, comment="PR expects an answer by then")
    answered_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[Stamp] = mapped_column(default=utcnow, onupdate=utcnow)
