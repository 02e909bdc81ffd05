"""Background work of the web app: ad-hoc searches and scans run in a thread while the
browser polls.

A job keeps its progress as one human sentence (for the ARIA live region and the "check
progress" button) and, when done, a search's ranked results in the ``scout search --json``
shape, or a scan's summary. A scan runs as ``scout scan`` does, under the database's scan
lock, so it never runs twice at once, whichever process or machine started it.
Jobs live in the memory of the worker process that started them; with ``--workers`` above 1
the reverse proxy must keep a user on one worker (sticky sessions) to follow one.
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
Runner = Callable[..., list[dict[str, Any]]]  # (config, name, progress[, open_cases=True])
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


def run_search(
    config: Config, name: str, progress: Progress, *, open_cases: bool = False
) -> list[dict[str, Any]]:
    """An ad-hoc search as ``scout search NAME [--open-cases]`` runs it, ranked alike."""
    from crawler.db.models import ScanKind
    from crawler.scan import ScanOptions, rank_search_results, run_scan

    options = ScanOptions(
        kind=ScanKind.SEARCH,
        sources=tuple(s for s in config.sources if s != "district_site"),
        name=name,
        open_cases=open_cases,
        screenshots=False,
        reports=False,
    )
    outcome = run_scan(config, options, progress=progress)
    return rank_search_results(name, outcome.results)


def run_full_scan(config: Config, name: str, progress: Progress) -> list[dict[str, Any]]:
    """The monthly scan, as ``scout scan`` runs it (with the lock, cases and reports)."""
    from crawler.db.models import ScanKind
    from crawler.scan import ScanOptions, run_scan

    outcome = run_scan(config, ScanOptions(kind=ScanKind.SCAN), progress=progress)
    return [
        {
            "scan_id": outcome.scan_id,
            "resumed": outcome.resumed,
            "cases": outcome.cases,
            "classifications": outcome.classifications,
            "notes": outcome.notes,
        }
    ]


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
    kind: str = "search"  # or "scan"
    open_cases: bool = False  # a search that also opens or updates cases
    district: str | None = None  # the district it searches or scans (None: the only one)
    started: float = field(default_factory=time.time)
    message: str = "Starting the search."
    done: bool = False
    error: str | None = None
    results: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "open_cases": self.open_cases,
            "name": self.name,
            "message": self.message,
            "done": self.done,
            "error": self.error,
            "results": len(self.results),
            "seconds": round(time.time() - self.started),
        }


class Jobs:
    """The searches and scans of this process."""

    def __init__(
        self, config: Config, runner: Runner | None = None, scan_runner: Runner | None = None
    ) -> None:
        self.config = config
        self.runners: dict[str, Runner] = {
            "search": runner or run_search,
            "scan": scan_runner or run_full_scan,
        }
        self.lock = threading.Lock()
        self.jobs: dict[str, Job] = {}

    def start(
        self,
        owner: str,
        name: str,
        *,
        kind: str = "search",
        open_cases: bool = False,
        district: str | None = None,
    ) -> Job:
        with self.lock:
            self._forget_old()
            for job in self.jobs.values():
                # The same search by the same user, or any scan of this process: follow it.
                same = kind == "scan" or (job.owner, job.name, job.open_cases) == (
                    owner,
                    name,
                    open_cases,
                )
                if job.kind == kind and same and job.district == district and not job.done:
                    return job
            job = Job(
                id=secrets.token_urlsafe(12),
                owner=owner,
                name=name,
                kind=kind,
                open_cases=open_cases,
                district=district,
            )
            self.jobs[job.id] = job
        thread = threading.Thread(target=self._run, args=(job,), name=f"{kind}-{job.id}")
        thread.daemon = True
        thread.start()
        return job

    def get(
        self, job_id: str, owner: str | None, *, kind: str = "search", district: str | None = None
    ) -> Job | None:
        """A job of ``kind`` of ``district``; a search only for the user who started it
        (``owner``)."""
        job = self.jobs.get(job_id)
        if job is None or job.kind != kind or (owner is not None and job.owner != owner):
            return None
        if job.district != district:
            return None
        return job

    def _run(self, job: Job) -> None:
        def progress(event: dict[str, Any]) -> None:
            job.message = describe(event, job.message)

        try:
            extra = {"open_cases": True} if job.open_cases else {}
            config = self.config
            if job.district:
                from dataclasses import replace

                config = replace(config, district=job.district)
            rows = self.runners[job.kind](config, job.name, progress, **extra)
            if job.kind == "scan":
                job.results = rows
                first = rows[0] if rows else {}
                new = len((first.get("cases") or {}).get("opened", []))
                job.message = f"Done: scan #{first.get('scan_id', '?')} finished, {new} new cases."
            else:
                job.results = [
                    {k: r.get(k) for k in SEARCH_KEYS} | {"explanation": r.get("explanation", [])}
                    for r in rows
                ]
                job.message = f"Done: {len(job.results)} accounts found." + (
                    " Cases were opened or updated for them: see the queue."
                    if job.open_cases
                    else ""
                )
        except Exception as exc:  # shown to the user, who can try again
            job.error = redact(f"{type(exc).__name__}: {exc}")
            job.message = f"The {job.kind} failed."
        finally:
            job.done = True

    def _forget_old(self) -> None:
        now = time.time()
        for key in [k for k, j in self.jobs.items() if j.done and now - j.started > KEEP_SECONDS]:
            del self.jobs[key]
