"""The scan lock: one scan at a time; a stale lock from a killed scan is taken over."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest

from crawler.db import session_factory
from crawler.db.locking import DbLock, LockBusy, lock_status
from crawler.db.models import Lock, utcnow


def test_second_holder_refuses_with_a_clear_message(db_url):
    factory = session_factory(db_url)
    with DbLock(factory, "scan"):
        with pytest.raises(LockBusy) as err:
            DbLock(factory, "scan").acquire()
        assert "another scan is running" in str(err.value)
    # released: can be taken again
    with DbLock(factory, "scan") as again:
        assert again.took_over is None


def test_lock_of_a_dead_process_is_taken_over(db_url):
    factory = session_factory(db_url)
    proc = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(proc.stdout)
    import socket

    with factory.begin() as s:
        s.add(
            Lock(
                name="scan",
                holder=f"x:{dead_pid}:t",
                host=socket.gethostname()[:200],
                pid=dead_pid,
                acquired_at=utcnow(),
                heartbeat_at=utcnow(),
            )
        )
    with DbLock(factory, "scan") as lock:
        assert (
            lock.took_over
            and f"pid {dead_pid}" in lock.took_over
            and "process is gone" in lock.took_over
        )
        with factory.begin() as s:
            assert lock_status(s).pid == lock.holder.pid


def test_lock_of_another_host_is_stale_only_after_its_heartbeat_expires(db_url):
    factory = session_factory(db_url)
    with factory.begin() as s:
        s.add(
            Lock(
                name="scan",
                holder="other:1:t",
                host="other-host",
                pid=1,
                acquired_at=utcnow(),
                heartbeat_at=utcnow(),
            )
        )
    with pytest.raises(LockBusy):
        DbLock(factory, "scan", stale_seconds=60).acquire()
    with factory.begin() as s:
        s.get(Lock, "scan").heartbeat_at = utcnow() - timedelta(minutes=5)
    lock = DbLock(factory, "scan", stale_seconds=60)
    lock.acquire()
    try:
        assert lock.took_over and "no heartbeat since" in lock.took_over
    finally:
        lock.release()


def test_heartbeat_refreshes(db_url):
    import time

    factory = session_factory(db_url)
    with DbLock(factory, "scan", heartbeat_seconds=0.05):
        with factory.begin() as s:
            first = lock_status(s).heartbeat_at
        time.sleep(0.4)
        with factory.begin() as s:
            assert lock_status(s).heartbeat_at > first
