"""Scrapyd nodes: the configuration of a node for this project, and a client of its JSON API.

A node is Scrapyd (``scrapyd`` on PyPI) with a ``scrapyd.conf`` written by :func:`write_node_config`:
the project is deployed without an egg, as a ``[settings]`` entry naming the installed package's
settings module (``district_account_scout = crawler.discovery.settings``), so every job runs
``scrapy crawl <source>`` with the code installed on the node. Scrapyd lists the spiders with
``scrapy list``, which finds the settings module through a ``scrapy.cfg`` in its working folder
with the same ``[settings]`` entry, so the node's folder has one too. ``scout node`` writes both
files and runs Scrapyd there (:func:`node_command`).

:class:`Node` speaks the JSON API the dispatcher uses: ``daemonstatus.json``, ``schedule.json``
(``project``, ``spider``, ``jobid``, ``setting=NAME=VALUE`` and spider arguments as further
fields), ``listjobs.json``, ``cancel.json``, and the job's log under ``/logs/``. Basic-auth
credentials come only from ``SCOUT_SCRAPYD_USERNAME``/``SCOUT_SCRAPYD_PASSWORD`` and never
appear in an error message. Every failure to reach a node, or a node answering
``"status": "error"``, is a :class:`NodeError`.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.config import Config, redact
from crawler.errors import ScoutError

SETTINGS_MODULE = "crawler.discovery.settings"


class NodeError(ScoutError):
    """A node did not answer, or answered with an error."""


def credentials(env: dict[str, str] | None = None) -> tuple[str, str] | None:
    """Basic auth for the nodes, from the environment only."""
    env = dict(os.environ) if env is None else env
    user = env.get("SCOUT_SCRAPYD_USERNAME", "").strip()
    password = env.get("SCOUT_SCRAPYD_PASSWORD", "")
    return (user, password) if user and password else None


@dataclass
class Node:
    """One Scrapyd node's JSON API for this project."""

    url: str
    project: str
    timeout: float = 10.0
    auth: tuple[str, str] | None = None

    @classmethod
    def all_from(cls, config: Config) -> list[Node]:
        auth = credentials()
        s = config.scrapyd
        return [cls(u.rstrip("/"), s.project, s.http_timeout, auth) for u in s.urls]

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        import httpx

        try:
            r = httpx.request(
                method,
                f"{self.url}/{path}",
                auth=self.auth,
                timeout=self.timeout,
                follow_redirects=False,
                **kwargs,
            )
        except httpx.HTTPError as exc:
            raise NodeError(redact(f"{self.url}: {type(exc).__name__}: {exc}")) from None
        if r.status_code != 200:
            raise NodeError(f"{self.url}/{path}: HTTP {r.status_code}")
        if not path.endswith(".json"):
            return r.text
        try:
            data = r.json()
        except ValueError:
            raise NodeError(f"{self.url}/{path}: not JSON") from None
        if not isinstance(data, dict) or data.get("status") != "ok":
            message = data.get("message") if isinstance(data, dict) else None
            raise NodeError(redact(f"{self.url}/{path}: {message or 'error'}"))
        return data

    def status(self) -> dict[str, Any]:
        """``daemonstatus.json``: pending, running and finished jobs (all projects)."""
        return dict(self._call("GET", "daemonstatus.json"))

    def schedule(
        self, spider: str, jobid: str, *, settings: dict[str, str], args: dict[str, str]
    ) -> str:
        data: list[tuple[str, str]] = [
            ("project", self.project),
            ("spider", spider),
            ("jobid", jobid),
        ]
        data += [("setting", f"{k}={v}") for k, v in settings.items()]
        data += [(k, v) for k, v in args.items()]
        return str(self._call("POST", "schedule.json", **_form(data))["jobid"])

    def jobs(self) -> dict[str, list[dict[str, Any]]]:
        """``listjobs.json`` of the project: ``pending``, ``running``, ``finished``."""
        data = self._call("GET", "listjobs.json", params={"project": self.project})
        return {k: list(data.get(k) or []) for k in ("pending", "running", "finished")}

    def cancel(self, jobid: str) -> str | None:
        """Cancel a pending or running job (a running one gets SIGINT: Scrapy stops cleanly)."""
        data = self._call(
            "POST", "cancel.json", **_form([("project", self.project), ("job", jobid)])
        )
        return data.get("prevstate")

    def log(self, spider: str, jobid: str, log_url: str | None = None) -> str:
        path = (log_url or f"/logs/{self.project}/{spider}/{jobid}.log").lstrip("/")
        return str(self._call("GET", path))


def _form(fields: list[tuple[str, str]]) -> dict[str, Any]:
    """A form body with repeated fields (``setting=…`` several times)."""
    from urllib.parse import urlencode

    return {
        "content": urlencode(fields).encode(),
        "headers": {"Content-Type": "application/x-www-form-urlencoded"},
    }


# --------------------------------------------------------------------------- a node


def node_config_text(
    folder: Path, *, host: str, port: int, max_proc: int, project: str, poll_interval: float = 1.0
) -> str:
    """``scrapyd.conf`` for a node of this project (eggless: a ``[settings]`` entry)."""
    return "\n".join(
        [
            "# written by `scout node`: a Scrapyd node for District Account Scout",
            "[scrapyd]",
            f"bind_address = {host}",
            f"http_port = {port}",
            f"max_proc = {max_proc}",
            f"poll_interval = {poll_interval}",
            f"logs_dir = {folder / 'logs'}",
            f"eggs_dir = {folder / 'eggs'}",
            f"dbs_dir = {folder / 'dbs'}",
            "items_dir =",
            "jobs_dir =",
            "jobs_to_keep = 50",
            "finished_to_keep = 500",
            "# basic auth: SCRAPYD_USERNAME/SCRAPYD_PASSWORD in the environment (scout node sets",
            "# them from SCOUT_SCRAPYD_USERNAME/SCOUT_SCRAPYD_PASSWORD)",
            "",
            "[settings]",
            f"{project} = {SETTINGS_MODULE}",
            "",
        ]
    )


def write_node_config(
    folder: Path, *, host: str, port: int, max_proc: int, project: str, poll_interval: float = 1.0
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    # Scrapyd lists a project's spiders with `scrapy list` and SCRAPY_PROJECT only (not the
    # scrapyd.conf entry): Scrapy finds the settings module in the closest scrapy.cfg
    (folder / "scrapy.cfg").write_text(
        f"# written by `scout node`\n[settings]\n{project} = {SETTINGS_MODULE}\n",
        encoding="utf-8",
    )
    path = folder / "scrapyd.conf"
    path.write_text(
        node_config_text(
            folder,
            host=host,
            port=port,
            max_proc=max_proc,
            project=project,
            poll_interval=poll_interval,
        ),
        encoding="utf-8",
    )
    return path


def node_command(folder: Path) -> list[str]:
    """Scrapyd on the ``scrapyd.conf`` in ``folder`` (run with ``folder`` as working directory),
    in the foreground, logging to stderr."""
    return [
        sys.executable,
        "-m",
        "scrapyd",
        "--pidfile",
        str(folder / "scrapyd.pid"),
        "--logfile",
        "-",
    ]


def node_environment(config: Config, env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a node: its jobs find this configuration (``SCOUT_CONFIG``) and the
    database; the nodes' credentials become Scrapyd's own (``SCRAPYD_USERNAME``/``_PASSWORD``)."""
    out = dict(os.environ) if env is None else dict(env)
    if config.path is not None:
        out["SCOUT_CONFIG"] = str(Path(config.path).resolve())
    out["SCOUT_DATABASE_URL"] = config.database_url
    auth = credentials(out)
    if auth:
        out["SCRAPYD_USERNAME"], out["SCRAPYD_PASSWORD"] = auth
    return out


# --------------------------------------------------------------------------- the nodes' state


def nodes_report(config: Config) -> list[dict[str, Any]]:
    """``scout nodes``: each configured node's status and this project's running and pending jobs."""
    out: list[dict[str, Any]] = []
    for node in Node.all_from(config):
        entry: dict[str, Any] = {
            "url": node.url,
            "status": "ok",
            "error": None,
            "running": [],
            "pending": [],
            "finished": 0,
        }
        try:
            jobs = node.jobs()
        except NodeError as exc:
            entry.update(status="unreachable", error=str(exc))
            out.append(entry)
            continue
        for state in ("running", "pending"):
            entry[state] = [
                {
                    "id": j.get("id"),
                    "spider": j.get("spider"),
                    "start_time": j.get("start_time"),
                }
                for j in jobs[state]
            ]
        entry["finished"] = len(jobs["finished"])
        out.append(entry)
    return out
