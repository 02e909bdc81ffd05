"""The web app's store: users (argon2id hashes), sessions, sign-in throttling and the audit log
(case assignments and takedowns: :mod:`crawler.db.casework`). Functions take the session; the caller owns the
transaction. ``scout users`` and ``scout serve`` both use them.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from crawler.db.models import utcnow
from crawler.db.web import (
    AuditEntry,
    LoginThrottle,
    Role,
    WebSession,
    WebUser,
)
from crawler.errors import InputError

MIN_PASSWORD = 10
FREE_FAILURES = 3  # failed sign-ins before the waits begin
MAX_WAIT = 900  # seconds: the longest wait after many failures
NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._@-")


# --------------------------------------------------------------------------- passwords


def _hasher():  # type: ignore[no-untyped-def]
    from argon2 import PasswordHasher

    return PasswordHasher()  # argon2id with the library's (RFC 9106 low-memory) parameters


def hash_password(password: str) -> str:
    return str(_hasher().hash(password))


def verify_password(stored: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    try:
        return bool(_hasher().verify(stored, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# A hash to verify against when the user does not exist, so a wrong name costs as much time as
# a wrong password and does not reveal which names exist.
_DUMMY: list[str] = []


def _dummy_hash() -> str:
    if not _DUMMY:
        _DUMMY.append(hash_password(secrets.token_urlsafe(16)))
    return _DUMMY[0]


# --------------------------------------------------------------------------- users


def parse_role(text: str) -> Role:
    try:
        return Role(text.strip().lower())
    except ValueError:
        raise InputError(
            f"unknown role '{text}' (one of: {', '.join(Role)})", field="--role"
        ) from None


def check_name(name: str) -> str:
    n = name.strip().lower()
    if not n or len(n) > 200 or not set(n) <= NAME_CHARS:
        raise InputError(
            f"user name '{name}' must be 1 to 200 characters: letters, digits, . _ @ -",
            field="NAME",
        )
    return n


def add_user(session: Session, name: str, password: str, role: Role) -> WebUser:
    n = check_name(name)
    if len(password) < MIN_PASSWORD:
        raise InputError(f"the password must have at least {MIN_PASSWORD} characters")
    if find_user(session, n) is not None:
        raise InputError(f"user '{n}' exists already (remove it first to change it)")
    user = WebUser(name=n, password_hash=hash_password(password), role=role)
    session.add(user)
    session.flush()
    return user


def find_user(session: Session, name: str) -> WebUser | None:
    return session.scalars(select(WebUser).where(WebUser.name == name.strip().lower())).first()


def list_users(session: Session) -> list[WebUser]:
    return list(session.scalars(select(WebUser).order_by(WebUser.name)))


def remove_user(session: Session, name: str) -> bool:
    user = find_user(session, name)
    if user is None:
        return False
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    session.delete(user)
    session.flush()
    return True


def user_json(user: WebUser) -> dict[str, Any]:
    return {
        "name": user.name,
        "role": user.role,
        "districts": list(user.districts or []),  # empty: every district
        "created_at": user.created_at.isoformat(),
        "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
    }


# --------------------------------------------------------------------------- sign-in


@dataclass(frozen=True)
class SignIn:
    """The outcome of :func:`authenticate`: the user, or how many seconds to wait first."""

    user: WebUser | None
    wait: int = 0


def _throttle_wait(session: Session, keys: list[str], now: datetime) -> int:
    wait = 0
    for row in session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(keys))):
        if row.locked_until is not None and row.locked_until > now:
            wait = max(wait, int((row.locked_until - now).total_seconds()) + 1)
    return wait


def _fail(session: Session, keys: list[str], now: datetime) -> None:
    for key in keys:
        row = session.get(LoginThrottle, key)
        if row is None:
            row = LoginThrottle(key=key, failures=0)
            session.add(row)
        row.failures += 1
        if row.failures > FREE_FAILURES:
            row.locked_until = now + timedelta(
                seconds=min(MAX_WAIT, 2 ** (row.failures - FREE_FAILURES))
            )
    session.flush()


def authenticate(
    session: Session, name: str, password: str, address: str, *, now: datetime | None = None
) -> SignIn:
    """Check a sign-in. Past :data:`FREE_FAILURES` failures for the name or the address, each
    further failure doubles the wait (up to :data:`MAX_WAIT`); during a wait no password is
    checked at all."""
    now = now or utcnow()
    n = name.strip().lower()[:200]
    keys = [f"user:{n}", f"addr:{address}"]
    wait = _throttle_wait(session, keys, now)
    if wait:
        return SignIn(None, wait)
    user = find_user(session, n) if n else None
    ok = verify_password(user.password_hash if user else _dummy_hash(), password)
    if user is None or not ok:
        _fail(session, keys, now)
        return SignIn(None, 0)
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == keys[0]))
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    return SignIn(user, 0)


# --------------------------------------------------------------------------- sessions


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_session(session: Session, user: WebUser, address: str) -> tuple[str, WebSession]:
    """A new session (a new token and CSRF token: sign-in rotates both). Returns the token."""
    token = secrets.token_urlsafe(32)
    row = WebSession(
        id=_digest(token),
        user_id=user.id,
        csrf=secrets.token_urlsafe(32),
        address=address[:64],
        created_at=utcnow(),
        seen_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return token, row


def load_session(
    session: Session,
    token: str,
    *,
    idle: timedelta,
    absolute: timedelta,
    now: datetime | None = None,
) -> tuple[WebSession, WebUser] | None:
    """The live session of ``token`` and its user; an expired session is deleted."""
    now = now or utcnow()
    row = session.get(WebSession, _digest(token))
    if row is None:
        return None
    if now - row.seen_at > idle or now - row.created_at > absolute:
        session.delete(row)
        return None
    user = session.get(WebUser, row.user_id)
    if user is None:
        return None
    if now - row.seen_at > timedelta(seconds=30):  # keep writes rare
        row.seen_at = now
    return row, user


def end_session(session: Session, token: str) -> None:
    session.execute(delete(WebSession).where(WebSession.id == _digest(token)))


def purge_sessions(session: Session, *, absolute: timedelta, now: datetime | None = None) -> int:
    now = now or utcnow()
    result = session.execute(delete(WebSession).where(WebSession.created_at < now - absolute))
    return int(getattr(result, "rowcount", 0) or 0)


# --------------------------------------------------------------------------- audit log


def audit(
    session: Session,
    actor: str,
    action: str,
    *,
    target: str = "",
    address: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    district: str | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        at=utcnow(),
        actor=actor[:200],
        action=action,
        target=target[:300],
        district=district,
        address=address[:64],
        before=before,
        after=after,
    )
    session.add(entry)
    session.flush()
    return entry


def audit_entries(
    session: Session,
    *,
    limit: int = 500,
    action: str | None = None,
    district: str | None = None,
    districts: list[str] | None = None,
    actor: str | None = None,
) -> list[AuditEntry]:
    """The newest entries: of one ``action``, of one ``district``; ``districts``: only those
    districts' entries (a user limited to some districts), and the entries of no district
    that are ``actor``'s own (their sign-ins)."""
    from sqlalchemy import and_, or_

    q = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if action:
        q = q.where(AuditEntry.action == action)
    if district:
        q = q.where(AuditEntry.district == district)
    if districts:
        q = q.where(
            or_(
                AuditEntry.district.in_(districts),
                and_(AuditEntry.district.is_(None), AuditEntry.actor == (actor or "")),
            )
        )
    return list(session.scalars(q))


def audit_json(e: AuditEntry) -> dict[str, Any]:
    return {
        "at": e.at.isoformat(),
        "actor": e.actor,
        "address": e.address,
        "action": e.action,
        "target": e.target,
        "district": e.district,
        "before": e.before,
        "after": e.after,
    }
