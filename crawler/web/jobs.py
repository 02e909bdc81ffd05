"""Background work of the web app: ad-hoc searches run in a thread while the browser polls.

A job keeps its progress as one human sentence (for the ARIA live region and the "check
progress" button) and, when done, the ranked results in the ``scout search --json`` shape.
Jobs live in the memory of the worker process that started them; with ``--workers`` above 1
the reverse proxy must keep a user on one worker (sticky sessions) to follow a search.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from crawler.config import Config, redact

Progress = Callable[[dict[str, Any]], None]
Runner = Callable[[Config, str, Progress], list[dict[str, Any]]]
KEEP_SECONDS = 3600
SEARCH_KEYS = (
    "platform",
    "handle",
    "url",
    "display_name",
    "classification",
    "entity",
    "confidence",
    "registered",
)


def run_search(config: Config, name: str, progress: Progress) -> list[dict[str, Any]]:
    """An ad-hoc search as ``scout search NAME`` runs it (no cases opened), ranked alike."""
    from crawler.db.models import ScanKind
    from crawler.scan import ScanOptions, rank_search_results, run_scan

    options = ScanOptions(
        kind=ScanKind.SEARCH,
        sources=tuple(s for s in config.sources if s != "district_site"),
        name=name,
        open_cases=False,
        screenshots=False,
        reports=False,
    )
    outcome = run_scan(config, options, progress=progress)
    return rank_search_results(name, outcome.results)


def describe(event: dict[str, Any], before: str) -> str:
    """One sentence for a progress event of the scan (the same events ``scout search`` shows)."""
    kind = event.get("event")
    if kind == "stage":
        return f"Now: {event.get('stage')}."
    if kind in ("progress", "source"):
        parts = []
        if event.get("source"):
            parts.append(f"searching {event['source']}")
        if "requests" in event:
            parts.append(f"{int(event['requests'])} requests")
        found = event.get("accounts", event.get("sightings"))
        if found is not None:
            parts.append(f"{int(found)} accounts found so far")
        return (", ".join(parts) or "working").capitalize() + "."
    return before


@dataclass
class Job:
    id: str
    owner: str
    name: str
    started: float = field(default_factory=time.time)
    message: str = "Starting the search."
    done: bool = False
    error: str | None = None
    results: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "message": self.message,
            "done": self.done,
            "error": self.error,
            "results": len(self.results),
            "seconds": round(time.time() - self.started),
        }


class Jobs:
    """The searches of this process."""

    def __init__(self, config: Config, runner: Runner | None = None) -> None:
        self.config = config
        self.runner: Runner = runner or run_search
        self.lock = threading.Lock()
        self.jobs: dict[str, Job] = {}

    def start(self, owner: str, name: str) -> Job:
        with self.lock:
            self._forget_old()
            for job in self.jobs.values():  # the same search by the same user: follow it
                if job.owner == owner and job.name == name and not job.done:
                    return job
            job = Job(id=secrets.token_urlsafe(12), owner=owner, name=name)
            self.jobs[job.id] = job
        threading.Thread(
            target=self._run, args=(job,), name=f"search-{job.id}", daemon=True
        ).start()
        return job

    def get(self, job_id: str, owner: str) -> Job | None:
        job = self.jobs.get(job_id)
        return job if job is not None and job.owner == owner else None

    def _run(self, job: Job) -> None:
        def progress(event: dict[str, Any]) -> None:
            job.message = describe(event, job.message)

        try:
            job.results = [
                {k: r.get(k) for k in SEARCH_KEYS} | {"explanation": r.get("explanation", [])}
                for r in self.runner(self.config, job.name, progress)
            ]
            job.message = f"Done: {len(job.results)} accounts found."
        except Exception as exc:  # shown to the user, who can try again
            job.error = redact(f"{type(exc).__name__}: {exc}")
            job.message = "The search failed."
        finally:
            job.done = True

    def _forget_old(self) -> None:
        now = time.time()
        for key in [k for k, j in self.jobs.items() if j.done and now - j.started > KEEP_SECONDS]:
            del self.jobs[key]
