"""A scan's crawl as Scrapyd jobs: one job per source, spread over the configured nodes.

The remote twin of :func:`crawler.discovery.runner.run_crawl`, with the same result
(:class:`~crawler.discovery.runner.CrawlResult`). :func:`plan_jobs` makes one job per source of
the crawl (a source that cannot run — no key, its period's API quota used — is skipped with its
reason, as the runner does); :func:`dispatch_crawl` runs them phase by phase (the discovery
sources side by side, then ``youtube`` and ``profiles``, which read what the others found):

* a job goes to the live node with the most free slots (``[scrapyd] slots`` per node, less its
  pending and running jobs, from ``daemonstatus.json``); the others wait here for a free slot;
* ``schedule.json`` gets the source as the spider, the scan id, the district key and the
  crawl's sources as spider arguments, ``SCOUT_RESULT_LOG`` as a setting: the job writes its
  figures to its log, read back when the job has finished;
* ``listjobs.json`` is polled every ``poll_seconds``; a job that finished without its figures
  (it failed, or was killed), that its node forgot, or whose node has not answered for
  ``node_timeout`` seconds is scheduled again, on another node where there is one, up to
  ``attempts`` times. The scan's coverage rows make the rerun resume (queries done are not
  asked again) and the store pipeline keeps one sighting per account, query and URL;
* on Ctrl-C or SIGTERM every scheduled job is cancelled (``cancel.json``) and the scan is left
  interrupted, to be resumed by the next ``scout scan``.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from crawler.config import ALL_SOURCES, Config
from crawler.discovery.progress import RESULT_MARK
from crawler.discovery.runner import CrawlResult, SourceResult
from crawler.discovery.scrapyd import Node, NodeError
from crawler.discovery.settings import SCAN_JOB_SETTING
from crawler.errors import ScoutError
from crawler.vocab import SOURCES, Source

Progress = Callable[[dict[str, Any]], None]
_SCHEDULING = threading.Lock()  # see Dispatcher._run_phase


@dataclass
class Job:
    """One source's crawl of one district's scan, and where it stands."""

    scan_id: int
    district: str
    source: str
    phase: int
    attempt: int = 0
    node: Node | None = None
    jobid: str | None = None
    state: str = "waiting"  # waiting, scheduled, done, failed
    tried: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    result: SourceResult | None = None
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:6])  # this dispatch of the scan
    waiting_since: float | None = None  # when it last began to wait for a free slot
    waited: float = 0.0  # seconds it waited for a free slot, all attempts together

    def next_jobid(self) -> str:
        """Unique on the nodes: a resumed scan's jobs never take the ids of the first run's."""
        self.attempt += 1
        return f"scan{self.scan_id}-{self.district}-{self.source}-{self.run}-{self.attempt}"


@dataclass
class JobPlan:
    """The jobs of one district's crawl, and the sources skipped before any job was made."""

    scan_id: int
    district: str
    sources: tuple[str, ...]
    jobs: list[Job]
    skipped: dict[str, str]
    args: dict[str, str]  # spider arguments of every job

    def by_node(self, nodes: Sequence[Node], free: dict[str, int]) -> dict[str, list[str]]:
        """The first placement of the jobs (``scout scan --dry-run``): each phase's jobs go to
        the node with the most free slots; a later phase starts when the slots are free again."""
        out: dict[str, list[str]] = {n.url: [] for n in nodes}
        live = [n.url for n in nodes if n.url in free]
        if not live:
            return out
        for phase in sorted({j.phase for j in self.jobs}):
            left = dict(free)
            for job in (j for j in self.jobs if j.phase == phase):
                url = max(live, key=lambda u: (left[u], -len(out[u])))
                out[url].append(job.source)
                left[url] -= 1
        return out


def plan_jobs(
    config: Config,
    *,
    scan_id: int,
    district: str,
    sources: Sequence[str],
    platforms: Sequence[str] | None = None,
    entity: str | None = None,
    name: str | None = None,
) -> JobPlan:
    from crawler.db.quota import current_usage
    from crawler.discovery.planner import skip_reason

    usage = current_usage(config)
    skipped: dict[str, str] = {}
    running: list[str] = []
    for source in (s for s in ALL_SOURCES if s in sources):
        reason = skip_reason(source, config, platforms, usage)
        if reason:
            skipped[source] = reason
        else:
            running.append(source)
    args = {"district": district, "crawl_sources": ",".join(running), "scan_id": str(scan_id)}
    for key, value in (
        ("platforms", ",".join(platforms or ())),
        ("entity", entity),
        ("search", name),
    ):
        if value:
            args[key] = value
    run = uuid.uuid4().hex[:6]
    jobs = [Job(scan_id, district, s, SOURCES[Source(s)].phase, run=run) for s in running]
    return JobPlan(scan_id, district, tuple(running), jobs, skipped, args)


def job_settings(plan: JobPlan) -> dict[str, str]:
    """Scrapy settings of each job (``setting=`` fields): its figures in its log, its
    district, which the add-on needs before the spider arguments are read, and that it is a
    scan's job (the add-on then uses the district's HTTP cache on the node, as a local scan
    does: conditional requests)."""
    return {"SCOUT_RESULT_LOG": "1", "SCOUT_DISTRICT": plan.district, SCAN_JOB_SETTING: "1"}


def node_free_slots(nodes: Sequence[Node], slots: int) -> tuple[dict[str, int], dict[str, str]]:
    """Free slots of each node that answers, and the error of each that does not."""
    free: dict[str, int] = {}
    down: dict[str, str] = {}
    for node in nodes:
        try:
            st = node.status()
        except NodeError as exc:
            down[node.url] = str(exc)
            continue
        free[node.url] = slots - int(st.get("running", 0)) - int(st.get("pending", 0))
    return free, down


def parse_result(log: str, source: str) -> SourceResult | None:
    """The source's figures from its job's log (None: the job did not finish its crawl)."""
    result: SourceResult | None = None
    skipped: str | None = None
    import json

    for line in log.splitlines():
        at = line.find(RESULT_MARK)
        if at < 0:
            continue
        try:
            event = json.loads(line[at + len(RESULT_MARK) :])
        except ValueError:
            continue
        if not isinstance(event, dict) or event.get("source") != source:
            continue
        if event.get("event") == "source_skipped":
            skipped = str(event.get("reason") or "skipped")
        elif event.get("event") == "source_finished":
            result = SourceResult.from_event(event)
    if result is not None and skipped and not result.skipped:
        result.skipped = skipped
    return result


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM (systemd stopping ``scout scan``) is handled like Ctrl-C: jobs are cancelled."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt("SIGTERM")

    before = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


class Dispatcher:
    """Runs a :class:`JobPlan` on the nodes (see the module docstring)."""

    def __init__(
        self,
        config: Config,
        nodes: Sequence[Node],
        *,
        on_progress: Progress | None = None,
        stop: threading.Event | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not nodes:
            raise ScoutError("no Scrapyd nodes are configured")
        self.config = config
        self.nodes = list(nodes)
        self.s = config.scrapyd
        self.on_progress = on_progress
        self.stop = stop or threading.Event()
        self.clock = clock
        self.last_answer: dict[str, float] = {n.url: clock() for n in nodes}
        self.dead: dict[str, str] = {}
        self.events: list[dict[str, Any]] = []

    def _emit(self, event: dict[str, Any]) -> None:
        self.events.append(event)
        if self.on_progress is not None:
            self.on_progress(event)

    def live(self) -> list[Node]:
        return [n for n in self.nodes if n.url not in self.dead]

    # ------------------------------------------------------------------ the loop

    def run(self, plan: JobPlan) -> CrawlResult:
        result = CrawlResult()
        for source, reason in plan.skipped.items():
            result.sources[source] = SourceResult(source, skipped=reason)
            self._emit({"event": "source_skipped", "source": source, "reason": reason})
        with sigterm_as_interrupt():
            try:
                for phase in sorted({j.phase for j in plan.jobs}):
                    self._run_phase(plan, [j for j in plan.jobs if j.phase == phase])
            except BaseException:
                self.cancel_all(plan)
                raise
        failed = [j for j in plan.jobs if j.state != "done"]
        for job in plan.jobs:
            if job.result is not None:
                result.sources[job.source] = job.result
        if failed:
            result.ok = False
            result.returncode = 1
            result.error = "; ".join(
                f"{j.source}: {j.errors[-1] if j.errors else 'did not finish'}" for j in failed
            )
        return result

    def _run_phase(self, plan: JobPlan, jobs: list[Job]) -> None:
        for job in jobs:
            job.waiting_since = self.clock()
        while any(j.state in ("waiting", "scheduled") for j in jobs):
            if self.stop.is_set():
                raise KeyboardInterrupt("stopped")
            # the scans of several districts (`scout scan --all`) dispatch from threads of one
            # process: one at a time reads the free slots and fills them
            with _SCHEDULING:
                listings = self._poll()
                for job in (j for j in jobs if j.state == "scheduled"):
                    self._check(job, listings)
                self._schedule_waiting(plan, jobs, listings)
            if not self.live():
                raise ScoutError(
                    "no Scrapyd node answers: "
                    + "; ".join(f"{u}: {e}" for u, e in self.dead.items())
                )
            if any(j.state in ("waiting", "scheduled") for j in jobs):
                self.stop.wait(self.s.poll_seconds)

    def _poll(self) -> dict[str, dict[str, list[dict[str, Any]]]]:
        listings: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for node in self.live():
            try:
                listings[node.url] = node.jobs()
                self.last_answer[node.url] = self.clock()
            except NodeError as exc:
                if self.clock() - self.last_answer[node.url] > self.s.node_timeout:
                    self.dead[node.url] = str(exc)
                    self._emit({"event": "node_lost", "node": node.url, "error": str(exc)})
        return listings

    def _check(self, job: Job, listings: dict[str, dict[str, list[dict[str, Any]]]]) -> None:
        assert job.node is not None and job.jobid is not None
        url = job.node.url
        if url in self.dead:
            return self._retry(job, f"node {url} stopped answering")
        listing = listings.get(url)
        if listing is None:
            return  # no answer this time; dead after node_timeout
        ids = {state: {j.get("id") for j in listing[state]} for state in listing}
        if job.jobid in ids["pending"] or job.jobid in ids["running"]:
            return
        finished = next((j for j in listing["finished"] if j.get("id") == job.jobid), None)
        if finished is None:
            return self._retry(job, f"node {url} lost the job (restarted?)")
        try:
            log = job.node.log(job.source, job.jobid, finished.get("log_url"))
        except NodeError as exc:
            return self._retry(job, f"its log could not be read: {exc}")
        res = parse_result(log, job.source)
        if res is None or res.finish_reason == "shutdown":
            return self._retry(job, f"the job on {url} ended without finishing its crawl")
        job.state, job.result = "done", res
        self._emit({"event": "source_finished", **_as_event(res), "node": url, "job": job.jobid})
        return None

    def _retry(self, job: Job, why: str) -> None:
        job.errors.append(why)
        self._emit({"event": "job_failed", "source": job.source, "job": job.jobid, "error": why})
        if job.attempt >= self.s.attempts:
            job.state = "failed"
        else:
            job.state, job.node, job.jobid = "waiting", None, None
            job.waiting_since = self.clock()

    def _schedule_waiting(
        self, plan: JobPlan, jobs: list[Job], listings: dict[str, dict[str, list[dict[str, Any]]]]
    ) -> None:
        free = {
            url: self.s.slots - len(lst["pending"]) - len(lst["running"])
            for url, lst in listings.items()
        }
        for job in (j for j in jobs if j.state == "waiting"):
            candidates = [u for u, f in free.items() if f > 0 and u not in self.dead]
            if not candidates:
                return
            # another node than the ones it failed on, where there is one
            fresh = [u for u in candidates if u not in job.tried] or candidates
            url = max(fresh, key=lambda u: free[u])
            node = next(n for n in self.nodes if n.url == url)
            jobid = job.next_jobid()
            try:
                node.schedule(job.source, jobid, settings=job_settings(plan), args=plan.args)
            except NodeError as exc:
                job.errors.append(str(exc))
                job.tried.append(url)
                free[url] = 0
                if job.attempt >= self.s.attempts:
                    job.state = "failed"
                continue
            job.state, job.node, job.jobid = "scheduled", node, jobid
            job.tried.append(url)
            free[url] -= 1
            waited = self.clock() - (job.waiting_since or self.clock())
            job.waited += waited
            self._emit(
                {
                    "event": "job_scheduled",
                    "source": job.source,
                    "node": url,
                    "job": jobid,
                    "district": plan.district,
                    "waited": round(waited, 3),  # seconds it waited for a free slot
                }
            )

    def cancel_all(self, plan: JobPlan) -> list[str]:
        """Cancel every job that is scheduled; returns their ids."""
        cancelled = []
        for job in plan.jobs:
            if job.state == "scheduled" and job.node is not None and job.jobid is not None:
                with contextlib.suppress(NodeError):
                    job.node.cancel(job.jobid)
                    cancelled.append(job.jobid)
                job.state = "waiting"
        if cancelled:
            self._emit({"event": "jobs_cancelled", "jobs": cancelled})
        return cancelled


def _as_event(res: SourceResult) -> dict[str, Any]:
    from dataclasses import asdict

    return asdict(res)


def dispatch_crawl(
    config: Config,
    *,
    scan_id: int,
    district: str,
    sources: Sequence[str],
    platforms: Sequence[str] | None = None,
    entity: str | None = None,
    name: str | None = None,
    on_progress: Progress | None = None,
    stop: threading.Event | None = None,
) -> CrawlResult:
    """Run the crawl of ``scan_id`` as Scrapyd jobs on the configured nodes (blocks)."""
    plan = plan_jobs(
        config,
        scan_id=scan_id,
        district=district,
        sources=sources,
        platforms=platforms,
        entity=entity,
        name=name,
    )
    dispatcher = Dispatcher(config, Node.all_from(config), on_progress=on_progress, stop=stop)
    return dispatcher.run(plan)


def dry_run(
    config: Config,
    *,
    district: str,
    sources: Sequence[str],
    platforms: Sequence[str] | None = None,
    entity: str | None = None,
) -> dict[str, Any]:
    """``scout scan --dry-run`` with nodes: which node gets which source's job first."""
    plan = plan_jobs(
        config, scan_id=0, district=district, sources=sources, platforms=platforms, entity=entity
    )
    nodes = Node.all_from(config)
    free, down = node_free_slots(nodes, config.scrapyd.slots)
    placed = plan.by_node(nodes, free)
    return {
        "district": district,
        "skipped": plan.skipped,
        "nodes": [
            {
                "url": n.url,
                "status": "unreachable" if n.url in down else "ok",
                "error": down.get(n.url),
                "free_slots": free.get(n.url),
                "jobs": placed.get(n.url, []),
            }
            for n in nodes
        ],
    }
