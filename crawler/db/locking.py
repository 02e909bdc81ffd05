"""A named lock in the database, so two scans never run at once.

The lock lives in the ``locks`` table, so it works for scans started on
different machines against one PostgreSQL database, and for SQLite alike. A
holder refreshes its heartbeat; a lock whose holder is dead (same host, process
gone) or whose heartbeat is older than ``stale_seconds`` is taken over, and the
takeover is reported.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from crawler.db.models import Lock, utcnow
from crawler.errors import ScoutError


class LockBusy(ScoutError):
    """Another live process holds the lock."""


@dataclass(frozen=True)
class Holder:
    host: str
    pid: int
    token: str

    @property
    def name(self) -> str:
        return f"{self.host}:{self.pid}:{self.token}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (killed, not yet reaped by its parent) is dead for our purposes.
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().split(") ", 1)[1][:1] != "Z"
    except (OSError, IndexError):
        return True


class DbLock:
    """``with DbLock(factory, "scan"):`` — raises :class:`LockBusy` when a live holder has it."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        name: str = "scan",
        *,
        stale_seconds: int = 900,
        heartbeat_seconds: float = 30.0,
    ) -> None:
        self.factory = factory
        self.name = name
        self.stale = timedelta(seconds=stale_seconds)
        self.heartbeat_seconds = heartbeat_seconds
        self.holder = Holder(socket.gethostname()[:200], os.getpid(), uuid.uuid4().hex[:12])
        self.took_over: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def acquire(self) -> None:
        now = utcnow()
        with self.factory.begin() as s:
            row = s.get(Lock, self.name, with_for_update=True)
            if row is not None:
                stale_by_time = now - row.heartbeat_at > self.stale
                dead = row.host == self.holder.host and not _pid_alive(row.pid)
                if not (stale_by_time or dead):
                    raise LockBusy(
                        f"another scan is running (host {row.host}, pid {row.pid}, since "
                        f"{row.acquired_at:%Y-%m-%d %H:%M UTC}); try again when it ends"
                    )
                why = (
                    "its process is gone"
                    if dead
                    else f"no heartbeat since {row.heartbeat_at:%Y-%m-%d %H:%M UTC}"
                )
                self.took_over = f"took over a stale lock of host {row.host}, pid {row.pid} ({why})"
                s.delete(row)
                s.flush()
            s.add(
                Lock(
                    name=self.name,
                    holder=self.holder.name,
                    host=self.holder.host,
                    pid=self.holder.pid,
                    acquired_at=now,
                    heartbeat_at=now,
                )
            )
        self._thread = threading.Thread(target=self._beat, name=f"lock-{self.name}", daemon=True)
        self._thread.start()

    def _beat(self) -> None:
        while not self._stop.wait(self.heartbeat_seconds):
            try:
                with self.factory.begin() as s:
                    row = s.get(Lock, self.name)
                    if row is None or row.holder != self.holder.name:
                        return
                    row.heartbeat_at = utcnow()
            except Exception:  # noqa: S112 - a missed heartbeat is retried next time
                continue

    def release(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        with self.factory.begin() as s:
            s.execute(delete(Lock).where(Lock.name == self.name, Lock.holder == self.holder.name))

    def __enter__(self) -> DbLock:
        try:
            self.acquire()
        except IntegrityError:
            # Two processes raced for a free lock; the loser sees the winner now.
            raise LockBusy(
                "another scan is starting at this moment; try again when it ends"
            ) from None
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def lock_status(session: Session, name: str = "scan") -> Lock | None:
    return session.scalars(select(Lock).where(Lock.name == name)).first()
