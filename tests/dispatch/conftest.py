"""Fixtures for scans across machines: real Scrapyd nodes on loopback ports (``scout node``),
the sample world and a site for it (as the end-to-end tests make them)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO
from tests.e2e.conftest import KEYS, Site, make_site, sample_world  # noqa: F401 - fixture


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class NodeProcess:
    url: str
    proc: subprocess.Popen
    folder: Path

    def kill(self) -> None:
        """Kill the node and its jobs at once (a machine that dies)."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


def start_node(site: Site, folder: Path, *, max_proc: int = 2) -> NodeProcess:
    """``scout node`` for ``site`` on a free loopback port (not waiting for it to answer)."""
    port = free_port()
    env = {
        **os.environ,
        **KEYS,
        "SCOUT_DATABASE_URL": site.database_url,
        "SCOUT_CONFIG": str(site.config_path),
        "PYTHONPATH": str(REPO),
    }
    log = open(folder.parent / f"{folder.name}.log", "wb")
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "crawler", "node", "--port", str(port)),
            *("--max-proc", str(max_proc), "--dir", str(folder)),
        ],
        cwd=site.dir,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return NodeProcess(f"http://127.0.0.1:{port}", proc, folder)


def wait_until_up(node: NodeProcess) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if node.proc.poll() is not None:
            raise RuntimeError((node.folder.parent / f"{node.folder.name}.log").read_text())
        try:
            if httpx.get(f"{node.url}/daemonstatus.json", timeout=1).json()["status"] == "ok":
                return
        except (httpx.HTTPError, ValueError, KeyError):
            pass
        time.sleep(0.2)
    node.kill()
    raise RuntimeError("scrapyd did not start")


@contextmanager
def running_nodes(
    site: Site, folder: Path, n: int = 2, max_proc: int = 2
) -> Iterator[list[NodeProcess]]:
    """``n`` nodes for ``site``, their folders ``folder / "node0"``…, up and answering; all
    are killed on exit (for a module's fixture; a test takes the ``nodes`` fixture)."""
    started = [start_node(site, folder / f"node{i}", max_proc=max_proc) for i in range(n)]
    try:
        for node in started:
            wait_until_up(node)
        yield started
    finally:
        for node in started:
            node.kill()


@pytest.fixture
def nodes(tmp_path: Path) -> Iterator[Callable[..., list[NodeProcess]]]:
    """Start ``n`` nodes for a site: ``nodes(site, 2)``; all are killed after the test."""
    with ExitStack() as stack:
        made: list[int] = []

        def make(site: Site, n: int = 2, max_proc: int = 2) -> list[NodeProcess]:
            folder = tmp_path / f"nodes{len(made)}"
            folder.mkdir()
            made.append(n)
            return stack.enter_context(running_nodes(site, folder, n, max_proc))

        yield make


@pytest.fixture
def site(sample_world, tmp_path, sqlite_url, monkeypatch) -> Site:  # noqa: F811
    for k, v in KEYS.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("SCOUT_DATABASE_URL", sqlite_url)
    sample_world.reset_quota()
    return make_site(sample_world, tmp_path, sqlite_url)
