"""Running a crawl: every enabled source in one Scrapy process, in a child process.

:func:`run_crawl` starts ``python -m crawler.discovery.runner`` (the configuration is handed over on
stdin), which runs all sources in one ``CrawlerProcess`` on the asyncio reactor: first the
``selfcheck`` (parser drift per platform: the later sources read its verdicts), then the
discovery sources side by side, then the second phase: ``youtube`` (it also resolves the
legacy channel URLs the others found) and ``profiles`` (it reads this scan's candidates
from the database).
Each source has its own Scrapy ``JOBDIR`` under ``job_dir``; the scan's coverage rows
(``ScanQuery``) say which queries are done, so a crawl that was killed — even with SIGKILL
— is resumed by running it again with the same scan id. A child process also means tests
can run many crawls in one pytest process (a Twisted reactor cannot be restarted).

The child writes JSON lines on stdout (``source_started``, ``progress``,
``source_skipped``, ``source_finished``, ``done``; the extension of
:mod:`crawler.discovery.progress`); :func:`run_crawl` turns them into a
:class:`CrawlResult` and passes each to ``on_progress`` (``scout search`` draws its
progress bar from them). Scrapy's log goes to ``job_dir/crawl.log``. The phase of each
source comes from the table of sources (:data:`crawler.vocab.SOURCES`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from crawler.config import ALL_SOURCES, Config, redact
from crawler.vocab import SOURCES, Source

# Phases in the order they run (sources that read what the others found run later).
PHASES = tuple(sorted({t.phase for t in SOURCES.values()}))


# --------------------------------------------------------------------------- results


@dataclass(slots=True)
class SourceResult:
    """What one source did in a crawl."""

    source: str
    requests: int = 0
    responses: int = 0
    sightings: int = 0
    new_accounts: int = 0
    errors: int = 0
    quota_used: dict[str, int] = field(default_factory=dict)
    skipped: str | None = None
    stopped: str | None = None
    finish_reason: str | None = None
    queries: dict[str, int] = field(default_factory=dict)
    coverage_gaps: list[dict[str, str | None]] = field(default_factory=list)
    refused: dict[str, int] = field(
        default_factory=dict
    )  # requests refused: robots, ssrf, hostmap, budget
    checks: list[dict[str, Any]] = field(default_factory=list)  # the selfcheck's verdicts
    hosts: dict[str, dict[str, int]] = field(default_factory=dict)  # requests, bytes, 304s

    @classmethod
    def from_event(cls, event: dict[str, Any]) -> SourceResult:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in event.items() if k in known})


@dataclass(slots=True)
class CrawlResult:
    """Per-source results of :func:`run_crawl`; ``ok`` is False when the child failed."""

    sources: dict[str, SourceResult] = field(default_factory=dict)
    ok: bool = True
    returncode: int = 0
    error: str | None = None
    log_path: Path | None = None

    @property
    def sightings(self) -> int:
        return sum(s.sightings for s in self.sources.values())

    @property
    def new_accounts(self) -> int:
        return sum(s.new_accounts for s in self.sources.values())

    @property
    def selfcheck(self) -> list[dict[str, Any]]:
        """The selfcheck's verdict per platform (empty when it did not run)."""
        entry = self.sources.get(Source.SELFCHECK)
        return list(entry.checks) if entry is not None else []

    def gaps(self) -> list[dict[str, str | None]]:
        return [g | {"source": s.source} for s in self.sources.values() for g in s.coverage_gaps]

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "returncode": self.returncode,
            "error": self.error,
            "sources": {k: asdict(v) for k, v in self.sources.items()},
        }


# --------------------------------------------------------------------------- the child


def spider_classes(settings: Any) -> dict[str, type]:
    """The spiders of ``SPIDER_MODULES``, by source name (Scrapy's spider loader: the runner
    names sources, it does not import the spiders)."""
    from scrapy.spiderloader import SpiderLoader

    loader = SpiderLoader.from_settings(settings)
    return {name: loader.load(name) for name in loader.list()}


def discard_unclean_jobdir(jobdir: Path) -> bool:
    """Remove a source's job folder left by a crawl that was killed (not stopped cleanly).

    Scrapy writes the request queue's state (``requests.queue/active.json``) only when it
    stops cleanly; after a SIGKILL the queue files cannot be trusted (a resumed crawl may
    lose requests in them) and the seen-requests file lists requests that never finished.
    The scan's coverage rows say which queries are done, so such a crawl restarts the
    source's remaining queries from a fresh folder instead.
    """
    import shutil

    if jobdir.exists() and not (jobdir / "requests.queue" / "active.json").exists():
        shutil.rmtree(jobdir, ignore_errors=True)
        return True
    return False


@dataclass(frozen=True, slots=True)
class CrawlJob:
    """What one crawl runs: the arguments of :func:`run_crawl`, handed to the child."""

    scan_id: int | None  # None: nothing is stored (``scout selfcheck`` alone)
    sources: tuple[str, ...]
    platforms: tuple[str, ...] | None = None
    entity: str | None = None
    name: str | None = None
    job_dir: Path | None = None

    def argv(self) -> list[str]:
        out = ["--sources", ",".join(self.sources)]
        if self.scan_id is not None:
            out += ["--scan-id", str(self.scan_id)]
        for flag, value in (
            ("--platforms", ",".join(self.platforms or ())),
            ("--entity", self.entity),
            ("--name", self.name),
            ("--job-dir", str(self.job_dir) if self.job_dir else None),
        ):
            if value:
                out += [flag, value]
        return out


def stopped_by_signal(crawler: Any) -> bool:
    """True when a crawl closed because the process was asked to stop (Scrapy's "shutdown")."""
    stats = getattr(crawler, "stats", None)
    return stats is not None and stats.get_value("finish_reason") == "shutdown"


def crawl_in_this_process(config: Config, job: CrawlJob) -> None:
    """Run the sources here (once per process: the reactor cannot restart). Used by the child."""
    from scrapy.settings import Settings
    from scrapy.utils.reactor import install_reactor

    from crawler.db.quota import current_usage
    from crawler.db.readers import district_profile
    from crawler.discovery.addon import scout_settings
    from crawler.discovery.planner import skip_reason
    from crawler.discovery.progress import ProgressExtension

    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
    from scrapy.crawler import CrawlerProcess
    from twisted.internet import defer, reactor

    profile = district_profile(config)
    settings = Settings()
    settings.setmodule("crawler.discovery.settings", priority="project")
    settings.setdict(
        scout_settings(
            config, district_name=profile.district.name, scan_id=job.scan_id, for_scan=True
        ),
        priority="cmdline",
    )
    settings.set("SCOUT_PROGRESS", True, priority="cmdline")
    if job.scan_id is None:  # a crawl outside a scan (the selfcheck alone) stores nothing
        settings.set("ITEM_PIPELINES", {}, priority="cmdline")
    process = CrawlerProcess(settings, install_root_handler=True)
    classes = spider_classes(settings)
    ordered = [s for s in ALL_SOURCES if s in job.sources]
    platforms = job.platforms
    kwargs = {
        "platforms": ",".join(platforms) if platforms else None,
        "entity": job.entity,
        "search": job.name,
    }
    phases: dict[int, list[Any]] = {phase: [] for phase in PHASES}
    # a source whose period quota is used up is skipped, with the reason
    usage = current_usage(config)
    running = []
    for source in ordered:
        reason = skip_reason(source, config, platforms, usage)
        if reason:
            ProgressExtension.emit({"event": "source_skipped", "source": source, "reason": reason})
        else:
            running.append(source)
    # every source knows which others crawl this scan with it (ScanContext.sources)
    settings.set("SCOUT_CRAWL_SOURCES", running, priority="cmdline")
    for source in running:
        crawler = process.create_crawler(classes[source])
        if job.job_dir is not None:
            jobdir = Path(job.job_dir) / source
            discard_unclean_jobdir(jobdir)
            crawler.settings.set("JOBDIR", str(jobdir), priority="cmdline")
        phases[SOURCES[Source(source)].phase].append(crawler)

    @defer.inlineCallbacks
    def run_phases() -> Any:
        try:
            for phase in phases.values():
                if phase:
                    yield defer.DeferredList(
                        [process.crawl(c, **kwargs) for c in phase], consumeErrors=True
                    )
                    if any(stopped_by_signal(c) for c in phase):
                        break  # SIGINT/SIGTERM: later phases wait for the resume
        finally:
            ProgressExtension.emit({"event": "done"})
            # Scrapy's own shutdown may have stopped the reactor already (ReactorNotRunning)
            with contextlib.suppress(RuntimeError):
                reactor.stop()  # type: ignore[misc]

    reactor.callWhenRunning(run_phases)
    process.start(stop_after_crawl=False)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m crawler.discovery.runner", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--config", required=True, help="scout.toml, or - to read the pickled Config on stdin"
    )
    parser.add_argument("--scan-id", type=int, default=None)
    parser.add_argument("--sources", default=",".join(ALL_SOURCES))
    parser.add_argument("--platforms", default="")
    parser.add_argument("--entity", default=None)
    parser.add_argument("--name", default=None)
    parser.add_argument("--job-dir", default=None)
    args = parser.parse_args(argv)
    if args.config == "-":
        config = pickle.loads(sys.stdin.buffer.read())  # noqa: S301 - written by our own parent process
    else:
        from crawler.config import load_config

        config = load_config(args.config)
    from crawler.discovery.progress import ProgressExtension

    # Only progress events go to stdout: anything else printed there would corrupt the stream.
    ProgressExtension.stream = sys.stdout
    sys.stdout = sys.stderr
    crawl_in_this_process(
        config,
        CrawlJob(
            scan_id=args.scan_id,
            sources=tuple(s for s in args.sources.split(",") if s),
            platforms=tuple(p for p in args.platforms.split(",") if p) or None,
            entity=args.entity,
            name=args.name,
            job_dir=Path(args.job_dir) if args.job_dir else None,
        ),
    )
    return 0


# --------------------------------------------------------------------------- the parent


def run_crawl(
    config: Config,
    *,
    scan_id: int | None,
    sources: Sequence[str],
    platforms: Sequence[str] | None = None,
    entity: str | None = None,
    name: str | None = None,
    job_dir: Path | None = None,
    on_progress: Callable[[dict[str, Any]], None] | None = None,
) -> CrawlResult:
    """Run every requested source for scan ``scan_id`` in one Scrapy child process
    (``scan_id`` None: a crawl that stores nothing, e.g. ``scout selfcheck``).

    Blocks until the crawl ends; returns per-source results. Never raises for a failed
    crawl: ``ok`` is False with the error (the end of the crawl log, secrets redacted).
    """
    job = CrawlJob(
        scan_id,
        tuple(sources),
        tuple(platforms) if platforms else None,
        entity,
        name,
        Path(job_dir) if job_dir is not None else None,
    )
    cmd = [sys.executable, "-m", "crawler.discovery.runner", "--config", "-", *job.argv()]
    if job.job_dir is not None:
        job.job_dir.mkdir(parents=True, exist_ok=True)
        log_path = job.job_dir / "crawl.log"
    else:
        fd, tmp = tempfile.mkstemp(prefix="scout-crawl-", suffix=".log")
        os.close(fd)
        log_path = Path(tmp)
    result = CrawlResult(log_path=log_path)
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(  # noqa: S603
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            cwd=str(config.base_dir),
            env=os.environ.copy(),
        )
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write(pickle.dumps(config))
            proc.stdin.close()
        except BrokenPipeError:
            pass
        if on_progress is not None:
            on_progress({"event": "started", "pid": proc.pid})
        for raw in proc.stdout:
            try:
                event = json.loads(raw)
            except ValueError:
                continue
            if not isinstance(event, dict):
                continue
            _collect(result, event)
            if on_progress is not None:
                on_progress(event)
        result.returncode = proc.wait()
    if result.returncode != 0:
        result.ok = False
        result.error = f"crawl process exited with {result.returncode}: {_tail(log_path)}"
    return result


def _collect(result: CrawlResult, event: dict[str, Any]) -> None:
    kind, source = event.get("event"), event.get("source")
    if not isinstance(source, str):
        return
    if kind == "source_skipped":
        entry = result.sources.setdefault(source, SourceResult(source))
        entry.skipped = str(event.get("reason") or "skipped")
    elif kind == "source_finished":
        entry = SourceResult.from_event(event)
        previous = result.sources.get(source)
        if previous is not None and previous.skipped and not entry.skipped:
            entry.skipped = previous.skipped
        result.sources[source] = entry


def _tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return redact("\n".join(text.splitlines()[-lines:]))


if __name__ == "__main__":
    # run the module's own copy (not __main__'s), so the extension Scrapy loads shares its stream
    from crawler.discovery.runner import main as _main

    sys.exit(_main())
