"""Scan orchestration: discover → match → cases → evidence → reports.

Each stage reads from and writes to the database, so any stage can be re-run
alone and a scan can resume:

* a scan (``kind = scan``) holds the database lock "scan" for its whole run;
* it first looks for an unfinished scan (a previous run was killed) and resumes
  it with the same parameters: queries already covered are not asked again,
  stored sightings are kept;
* discovery runs in a child process (:func:`crawler.discovery.runner.run_crawl`) so a kill
  of the crawl cannot leave this process in a half state;
* matching, cases and the scan's completion are written in one transaction.

An ad-hoc search (``kind = search``) takes no lock and opens no cases unless
asked.
"""

from __future__ import annotations

import logging
import shutil
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.config import Config, redact
from crawler.db import session_factory
from crawler.db.models import Account, Assessment, Case, Evidence, RegisteredAccount, Scan, utcnow
from crawler.errors import ScoutError
from crawler.vocab import CaseStatus, EvidenceKind, ScanKind, ScanStatus, Source

log = logging.getLogger(__name__)

Progress = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class ScanOptions:
    kind: ScanKind = ScanKind.SCAN
    sources: tuple[str, ...] | None = None
    platforms: tuple[str, ...] | None = None
    entity: str | None = None
    name: str | None = None
    open_cases: bool = True
    screenshots: bool = True
    reports: bool = True
    out_dir: Path | None = None
    full: bool = False  # scout scan --full: every entity swept in full (no incremental scan)

    def params(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "sources": list(self.sources) if self.sources else None,
            "platforms": list(self.platforms) if self.platforms else None,
            "entity": self.entity,
            "name": self.name,
        }
        if self.full:
            out["full"] = True
        return out


@dataclass
class ScanOutcome:
    scan_id: int
    resumed: bool
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    classifications: dict[str, int] = field(default_factory=dict)
    cases: dict[str, Any] = field(default_factory=dict)
    results: list[dict[str, Any]] = field(default_factory=list)
    report_index: Path | None = None
    notes: list[str] = field(default_factory=list)
    selfcheck: list[dict[str, Any]] = field(default_factory=list)  # verdict per platform
    # what the scan cost, per source and host, and what the incremental scan deferred
    cost: dict[str, Any] = field(default_factory=dict)
    # the sources' figures of every run of the scan (a resumed scan's earlier runs too)
    cost_sources: dict[str, Any] = field(default_factory=dict)


def _enabled_sources(config: Config, options: ScanOptions) -> tuple[str, ...]:
    """``--sources`` picks among all sources; otherwise the configured ones run. A scan always
    runs the selfcheck first (parser drift per platform); an ad-hoc search never does."""
    from crawler.config import ALL_SOURCES

    wanted = set(options.sources or config.sources)
    unknown = [s for s in wanted if s not in ALL_SOURCES]
    if unknown:
        raise ScoutError(f"unknown source '{unknown[0]}' (known: {', '.join(ALL_SOURCES)})")
    if options.kind == ScanKind.SCAN:
        wanted.add(Source.SELFCHECK)
    else:
        wanted.discard(Source.SELFCHECK)
    return tuple(s for s in ALL_SOURCES if s in wanted)


def _unfinished(session: Session, district_id: int) -> list[Scan]:
    return list(
        session.scalars(
            select(Scan)
            .where(
                Scan.district_id == district_id,
                Scan.kind == ScanKind.SCAN,
                Scan.status.in_([ScanStatus.RUNNING, ScanStatus.INTERRUPTED]),
            )
            .order_by(Scan.id.desc())
        )
    )


def run_scan(
    config: Config,
    options: ScanOptions,
    *,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
) -> ScanOutcome:
    """Run a scan or a search of the config's district end to end and return its outcome.
    ``stop``: set from another thread to cancel a crawl dispatched to Scrapyd nodes (its jobs
    are cancelled and the scan is left interrupted, as on Ctrl-C)."""
    from crawler.db.scope import district_config

    config = district_config(config)
    factory = session_factory(config.database_url, config.district)
    if options.kind == ScanKind.SCAN:
        from crawler.db.locking import DbLock

        with DbLock(factory, scan_lock(config), stale_seconds=config.lock_stale_seconds) as lock:
            outcome = _run(config, options, factory, progress, stop)
            if lock.took_over:
                outcome.notes.insert(0, lock.took_over)
            return outcome
    return _run(config, options, factory, progress, stop)


def scan_lock(config: Config) -> str:
    """The scan lock's name: one scan at a time per district (``scan`` in a one-district
    database, as ever; ``scan:KEY`` when it holds several)."""
    return f"scan:{config.district}"[:64] if config.several_districts else "scan"


def run_scan_all(
    config: Config, options: ScanOptions, *, progress: Progress | None = None
) -> list[tuple[str, ScanOutcome]]:
    """``scout scan --all``: a scan of every district in the database, one after the other
    (each dispatched over the Scrapyd nodes when they are configured), with matching, cases,
    reports and notifications per district."""
    from dataclasses import replace

    from crawler.db.scope import ALL
    from crawler.db.store import district_keys

    factory = session_factory(config.database_url, ALL)
    with factory.begin() as s:
        keys = district_keys(s)
    if not keys:
        from crawler.db.store import NoDistrict

        raise NoDistrict()
    if config.scrapyd.enabled and len(keys) > 1 and config.scrapyd.parallel_districts > 1:
        return _scan_districts_at_once(config, options, keys, progress)
    out = []
    for key in keys:
        if progress:
            progress({"event": "district", "district": key})
        one = replace(config, district=key)
        # a scan that would overrun the period's quota waits for the next period, rather than
        # failing half-way through
        wait = quota_wait(config, key, options.full, options.sources, options.platforms)
        if wait is not None:
            out.append((key, ScanOutcome(0, False, notes=[f"waits for the next period: {wait}"])))
            continue
        out.append((key, run_scan(one, options, progress=progress)))
    return out


def _scan_districts_at_once(
    config: Config, options: ScanOptions, keys: list[str], progress: Progress | None
) -> list[tuple[str, ScanOutcome]]:
    """``scout scan --all`` with Scrapyd nodes: up to ``[scrapyd] districts_at_once`` district
    scans at a time (threads of this process), their jobs competing for the nodes' free slots,
    so a node never idles while a district's later phase waits. Each district still matches,
    updates cases, notifies and writes reports on its own. Ctrl-C or SIGTERM stops them all:
    every job is cancelled and each scan is left interrupted (resumed by the next run). A
    district whose scan fails does not stop the others; the failures are reported at the end."""
    from concurrent.futures import ThreadPoolExecutor, wait
    from dataclasses import replace

    from crawler.discovery.dispatch import sigterm_as_interrupt

    stop = threading.Event()
    done: dict[str, ScanOutcome] = {}
    failed: dict[str, BaseException] = {}

    def scan_one(key: str) -> None:
        if stop.is_set():
            return
        tagged = None
        if progress is not None:

            def tagged(event: dict[str, Any]) -> None:
                progress({"district": key, **event})

            tagged({"event": "district", "district": key})
        try:
            wait = quota_wait(config, key, options.full, options.sources, options.platforms)
            if wait is not None:  # as one district after another does (run_scan_all)
                done[key] = ScanOutcome(0, False, notes=[f"waits for the next period: {wait}"])
                return
            done[key] = run_scan(replace(config, district=key), options, progress=tagged, stop=stop)
        except BaseException as exc:
            failed[key] = exc

    width = min(config.scrapyd.parallel_districts, len(keys))
    pool = ThreadPoolExecutor(max_workers=width, thread_name_prefix="scan-district")
    futures = []
    try:  # a Ctrl-C while the scans are being started stops them all too
        futures += [pool.submit(scan_one, key) for key in keys]
        with sigterm_as_interrupt():
            while not all(f.done() for f in futures):
                wait(futures, timeout=0.5)
    except BaseException:
        stop.set()  # each dispatcher cancels its jobs; its scan is left interrupted
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    if failed:
        if any(isinstance(e, KeyboardInterrupt) for e in failed.values()):
            raise KeyboardInterrupt("stopped")
        finished = ", ".join(k for k in keys if k in done) or "none"
        raise ScoutError(
            "; ".join(f"district {k}: {failed[k]}" for k in keys if k in failed)
            + f" (finished: {finished})"
        )
    return [(key, done[key]) for key in keys]


def _run(  # type: ignore[no-untyped-def]
    config: Config,
    options: ScanOptions,
    factory,
    progress: Progress | None,
    stop: threading.Event | None = None,
) -> ScanOutcome:
    """The stages of one scan or search, each in its own transaction: a stage that fails leaves
    the stages before it stored, and the next run resumes."""
    from crawler.db.store import current_profile, registry_rows

    sources = _enabled_sources(config, options)
    with factory.begin() as s:
        profile = current_profile(s)
        if options.entity and options.entity not in profile.entity_keys:
            raise ScoutError(f"unknown entity key '{options.entity}'")
        scan_id, job_dir, resumed = _start_scan(s, config, options)
    outcome = ScanOutcome(scan_id=scan_id, resumed=resumed)
    if resumed:
        outcome.notes.append(f"resumed unfinished scan {scan_id}")
    increment = _increment(config, options, scan_id, profile, sources)
    with factory.begin() as s:  # the case follow-up reads which entities this scan sweeps
        row = s.get(Scan, scan_id)
        if row is not None:
            row.stats = {**(row.stats or {}), "increment": _increment_kept(increment)}

    _crawl(
        config,
        options,
        factory,
        sources,
        scan_id,
        job_dir,
        progress,
        outcome,
        profile.district.key,
        stop,
    )
    outcome.cost = scan_cost(outcome.cost_sources or outcome.sources, increment)
    _stage(progress, "matching")
    with factory.begin() as s:
        registry = registry_rows(s)  # with the stable ids the crawl resolved
        _match_and_decide(s, config, options, profile, registry, scan_id, outcome)
    if options.open_cases and options.screenshots and config.crawl.screenshots:
        _stage(progress, "evidence")
        _capture_evidence(config, factory, scan_id, outcome)
    _finish_scan(factory, scan_id, job_dir, outcome, increment)
    from crawler.notify import notify_after_scan  # after a scan (not a search); never raises

    outcome.notes.extend(notify_after_scan(config, factory, scan_id))
    if options.reports and options.kind == ScanKind.SCAN:
        _stage(progress, "reports")
        _write_reports(config, options, factory, scan_id, outcome)
    return outcome


def run_selfcheck(
    config: Config, platforms: tuple[str, ...] | None = None, *, progress: Progress | None = None
) -> list[dict[str, Any]]:
    """``scout selfcheck``: the parser-drift check of each platform on its own (the selfcheck
    source alone, in a crawl that stores nothing); the verdicts, one per platform."""
    from crawler.discovery.runner import run_crawl

    crawl = run_crawl(
        config, scan_id=None, sources=[Source.SELFCHECK], platforms=platforms, on_progress=progress
    )
    if not crawl.ok:
        raise ScoutError(f"the selfcheck did not finish: {crawl.error}")
    return crawl.selfcheck


def _stage(progress: Progress | None, stage: str) -> None:
    if progress:
        progress({"event": "stage", "stage": stage})


def _start_scan(s: Session, config: Config, options: ScanOptions) -> tuple[int, Path | None, bool]:
    """The scan row: the newest unfinished scan with the same parameters is resumed (older ones
    are superseded), else a new one. Returns its id, job folder and whether it was resumed."""
    from crawler.db.store import district_row

    district = district_row(s)
    scan = None
    if options.kind == ScanKind.SCAN:
        for old in _unfinished(s, district.id):
            if scan is None and old.params == options.params():
                scan = old
            else:
                old.status = ScanStatus.FAILED
                old.error = "superseded: a later scan ran with other parameters"
    resumed = scan is not None
    if scan is None:
        scan = Scan(
            district_id=district.id,
            kind=options.kind,
            status=ScanStatus.RUNNING,
            started_at=utcnow(),
            params=options.params(),
            stats={},
        )
        s.add(scan)
        s.flush()
        scan.job_dir = str(config.jobs_dir / f"scan-{scan.id}")
    else:
        scan.status = ScanStatus.RUNNING
    return scan.id, Path(scan.job_dir) if scan.job_dir else None, resumed


def _crawl(  # type: ignore[no-untyped-def]
    config: Config,
    options: ScanOptions,
    factory,
    sources: tuple[str, ...],
    scan_id: int,
    job_dir: Path | None,
    progress: Progress | None,
    outcome: ScanOutcome,
    district: str,
    stop: threading.Event | None = None,
) -> None:
    """Discovery, here or as jobs on the Scrapyd nodes (``[scrapyd] urls``); a crawl that did
    not finish marks the scan interrupted (resumable)."""
    try:
        if config.scrapyd.enabled:
            from crawler.discovery.dispatch import dispatch_crawl

            crawl = dispatch_crawl(
                config,
                scan_id=scan_id,
                district=district,
                sources=sources,
                platforms=options.platforms,
                entity=options.entity,
                name=options.name,
                on_progress=progress,
                stop=stop,
            )
        else:
            from crawler.discovery.runner import run_crawl

            crawl = run_crawl(
                config,
                scan_id=scan_id,
                sources=sources,
                platforms=options.platforms,
                entity=options.entity,
                name=options.name,
                job_dir=job_dir,
                on_progress=progress,
            )
        # what this run cost, kept with the scan: a resumed scan's cost covers every run
        earlier = _keep_run_cost(factory, scan_id, crawl.as_dict()["sources"])
        if not crawl.ok:
            raise ScoutError(
                f"scan {scan_id} did not finish; run `scout scan` again to resume it. {crawl.error}"
            )
        outcome.sources = crawl.as_dict()["sources"]
        outcome.cost_sources = merge_run_costs([*earlier, outcome.sources])
        outcome.selfcheck = crawl.selfcheck
        drift = [c for c in outcome.selfcheck if c.get("status") == "drift"]
        for c in drift:
            outcome.notes.append(
                f"selfcheck: {c['platform']} parser drift ({c['reason']}); "
                f"its 'not found' answers are not trusted in this scan"
            )
    except BaseException as exc:
        with factory.begin() as s:
            row = s.get(Scan, scan_id)
            if row is not None:
                row.status = ScanStatus.INTERRUPTED
                row.error = redact(f"{type(exc).__name__}: {exc}")[:2000]
        raise


RUNS = "runs"  # scans.stats: each crawl run's per-source cost, until the scan finishes


def _keep_run_cost(factory, scan_id: int, sources: dict[str, Any]) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """Keep this crawl run's per-source cost (hosts and API units) with the scan; the earlier
    runs' (a killed scan resumed)."""
    kept = {
        name: {"hosts": row.get("hosts") or {}, "quota_used": row.get("quota_used") or {}}
        for name, row in sources.items()
    }
    with factory.begin() as s:
        row = s.get(Scan, scan_id)
        if row is None:
            return []
        earlier = list((row.stats or {}).get(RUNS) or [])
        row.stats = {**(row.stats or {}), RUNS: [*earlier, kept]}
    return earlier


def merge_run_costs(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The per-source figures of several crawl runs of one scan, summed (hosts, API units)."""
    out: dict[str, Any] = {}
    for sources in runs:
        for name, row in sources.items():
            into = out.setdefault(name, {"hosts": {}, "quota_used": {}})
            for host, h in (row.get("hosts") or {}).items():
                total = into["hosts"].setdefault(
                    host, {"requests": 0, "bytes": 0, "not_modified": 0}
                )
                for k in total:
                    total[k] += int(h.get(k, 0))
            for k, v in (row.get("quota_used") or {}).items():
                into["quota_used"][k] = into["quota_used"].get(k, 0) + int(v)
    return out


def _increment(
    config: Config, options: ScanOptions, scan_id: int, profile: Any, sources: tuple[str, ...]
) -> dict[str, Any]:
    """How incremental this scan is: the window, the entities it sweeps in full (``"*"``:
    every one) and what the rotation deferred per source (README, "How a monthly scan saves
    work"). The crawl's spiders derive the same from the same history."""
    from crawler.db.increments import ALL_SWEPT
    from crawler.discovery.planner import plan
    from crawler.discovery.planning.increment import scan_increment

    if options.kind != ScanKind.SCAN or options.entity or options.name:
        return {"mode": "full", "swept": ALL_SWEPT}
    inc = scan_increment(config, scan_id, full=options.full)
    if not inc.incremental:
        return {"mode": "full", "swept": ALL_SWEPT, "index": inc.index}
    keys = [profile.district.key, *(e.key for e in profile.entities)]
    deferred = plan(
        profile, config, sources=sources, platforms=options.platforms, increment=inc
    ).deferred
    return {
        "mode": "incremental",
        "since": inc.published_after(),
        "index": inc.index,
        "swept": [k for k in keys if inc.swept(k)],
        "gaps": sorted(inc.gaps),
        "deferred": deferred,
    }


def _increment_kept(increment: dict[str, Any]) -> dict[str, Any]:
    """What ``scans.stats["increment"]`` keeps (the deferred counts are in ``cost``)."""
    return {k: v for k, v in increment.items() if k != "deferred"}


def scan_cost(sources: dict[str, Any], increment: dict[str, Any]) -> dict[str, Any]:
    """Per source and per host: requests, bytes, 304 answers, API units; what was deferred."""
    per_source: dict[str, Any] = {}
    hosts: dict[str, dict[str, int]] = {}
    for name, row in sources.items():
        figures = {"requests": 0, "bytes": 0, "not_modified": 0}
        for host, h in (row.get("hosts") or {}).items():
            total = hosts.setdefault(host, {"requests": 0, "bytes": 0, "not_modified": 0})
            for k in figures:
                figures[k] += int(h.get(k, 0))
                total[k] += int(h.get(k, 0))
        quota = dict(row.get("quota_used") or {})
        figures["api_units"] = quota  # type: ignore[assignment]
        per_source[name] = figures
    deferred = increment.get("deferred") or {}
    return {
        "mode": increment.get("mode", "full"),
        "since": increment.get("since"),
        "sources": per_source,
        "hosts": dict(sorted(hosts.items())),
        "youtube_units": youtube_units(sources),
        "deferred": {
            src: {"entities": sorted(d), "queries": sum(d.values())} for src, d in deferred.items()
        },
    }


def youtube_units(sources: dict[str, Any]) -> int:
    """YouTube Data API units of a crawl: 100 per search.list call, 1 per other call."""
    total = 0
    for row in sources.values():
        quota = row.get("quota_used") or {}
        total += 100 * int(quota.get("youtube/search_calls", 0)) + int(
            quota.get("youtube/units", 0)
        )
    return total


def _finish_scan(  # type: ignore[no-untyped-def]
    factory, scan_id: int, job_dir: Path | None, outcome: ScanOutcome, increment: dict[str, Any]
) -> None:
    from crawler.db.increments import record_probe_answers

    with factory.begin() as s:
        row = s.get(Scan, scan_id)
        assert row is not None
        if row.kind == ScanKind.SCAN:
            record_probe_answers(s, row)
        row.status = ScanStatus.COMPLETED
        row.finished_at = utcnow()
        row.stats = {
            "sources": outcome.sources,
            "classifications": outcome.classifications,
            "cases": outcome.cases,
            "notes": outcome.notes,
            "selfcheck": outcome.selfcheck,
            "increment": _increment_kept(increment),
            "cost": outcome.cost,
        }
    if job_dir is not None and job_dir.exists():
        shutil.rmtree(job_dir, ignore_errors=True)


def _write_reports(
    config: Config, options: ScanOptions, factory, scan_id: int, outcome: ScanOutcome
) -> None:  # type: ignore[no-untyped-def]
    from reports import publish_latest, write_reports

    out = options.out_dir or config.reports_dir / f"scan-{scan_id}"
    with factory.begin() as s:
        paths = write_reports(s, scan_id, out, config)
    if options.out_dir is None:
        publish_latest(out, config.reports_dir)
    outcome.report_index = Path(paths.index)


def _match_and_decide(
    s: Session,
    config: Config,
    options: ScanOptions,
    profile: Any,
    registry: Any,
    scan_id: int,
    outcome: ScanOutcome,
) -> None:
    from crawler.db.liveness import scan_liveness
    from matching import Matcher
    from matching.settings import MatchSettings
    from matching.store import match_scan

    matcher = Matcher(profile, registry, MatchSettings.from_mapping(config.matching))
    results = match_scan(s, scan_id, matcher)
    counts: Counter[str] = Counter()
    deactivation: list[int] = []
    now = utcnow()
    accounts = {
        a.id: a for a in s.scalars(select(Account).where(Account.id.in_([i for i, _ in results])))
    }
    gone = {i for i, lv in scan_liveness(s, scan_id).items() if lv.gone}
    for account_id, r in results:
        counts[r.classification] += 1
        if r.case_kind == "deactivation_incomplete":
            deactivation.append(account_id)
        if r.registered_url and account_id not in gone:  # a gone account was not seen live
            reg = s.scalars(
                select(RegisteredAccount).where(RegisteredAccount.url == r.registered_url)
            ).first()
            if reg is not None:
                reg.last_seen_at = now
        acc = accounts.get(account_id)
        if acc is not None:
            outcome.results.append(
                {
                    "platform": acc.platform,
                    "handle": acc.handle,
                    "url": acc.url,
                    "display_name": acc.display_name,
                    "classification": r.classification,
                    "entity": r.entity,
                    "confidence": round(float(r.confidence), 3),
                    "registered": r.classification == "registered",
                    "explanation": [lv.label for lv in r.explanation],
                }
            )
    if options.kind == ScanKind.SCAN:
        from crawler.db.watch import record_snapshots

        scan_row = s.get(Scan, scan_id)
        assert scan_row is not None
        outcome.notes.append(
            f"registry watch: {record_snapshots(s, scan_id, scan_row.district_id)} registered "
            "accounts observed"
        )
    outcome.classifications = dict(sorted(counts.items()))
    outcome.results.sort(key=lambda d: (-d["confidence"], d["platform"], d["url"]))
    if options.open_cases:
        from crawler.cases.lifecycle import update_cases

        upd = update_cases(s, scan_id, config, deactivation_incomplete=deactivation)
        outcome.cases = _case_update_dict(upd)


def _case_update_dict(upd: Any) -> dict[str, Any]:
    return {k: v for k, v in upd.as_dict().items() if v}


def _capture_evidence(config: Config, factory, scan_id: int, outcome: ScanOutcome) -> None:  # type: ignore[no-untyped-def]
    """Screenshot each open case's account page once (where robots.txt allows)."""
    from crawler.cases.evidence import EvidenceTarget, capture_evidence

    with factory.begin() as s:
        have = set(
            s.scalars(select(Evidence.case_id).where(Evidence.kind == EvidenceKind.SCREENSHOT))
        )
        open_cases = s.scalars(
            select(Case).where(Case.status.in_([CaseStatus.OPEN, CaseStatus.NOTIFIED]))
        ).all()
        targets = [
            EvidenceTarget(
                account_id=c.account_id,
                case_id=c.id,
                url=c.account.url,
                platform=c.account.platform,
            )
            for c in open_cases
            if c.id not in have
        ]
    if not targets:
        return
    try:
        captured = capture_evidence(config, targets, config.evidence_dir / f"scan-{scan_id}")
    except Exception as exc:
        outcome.notes.append(redact(f"evidence capture failed: {type(exc).__name__}: {exc}")[:500])
        return
    with factory.begin() as s:
        for ev in captured:
            s.add(
                Evidence(
                    account_id=ev.account_id,
                    case_id=ev.case_id,
                    scan_id=scan_id,
                    kind=ev.kind,
                    summary=ev.summary,
                    url=ev.url,
                    file_path=str(ev.file_path),
                    sha256=ev.sha256,
                    captured_at=ev.captured_at,
                )
            )
    if captured.skipped:
        reasons = Counter(sk.reason for sk in captured.skipped)
        outcome.notes.append(
            "screenshots not taken: " + "; ".join(f"{n} × {r}" for r, n in reasons.most_common())
        )


def latest_assessments(session: Session, scan_id: int) -> list[Assessment]:
    return list(session.scalars(select(Assessment).where(Assessment.scan_id == scan_id)))


def rank_search_results(name: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An ad-hoc search's accounts, most like the searched name first, then by confidence
    (``scout search`` and the web app's search list them in this order)."""
    from rapidfuzz import fuzz, utils

    def relevance(r: dict[str, Any]) -> float:
        texts = [r.get("display_name") or "", r.get("handle") or ""]
        return max(fuzz.token_set_ratio(name, t, processor=utils.default_process) for t in texts)

    return sorted(
        rows, key=lambda r: (-round(relevance(r), -1), -r["confidence"], r["platform"], r["url"])
    )


@dataclass
class PlanCost:
    """What a plan would cost at most: requests per source and YouTube units."""

    requests: dict[str, int] = field(default_factory=dict)
    youtube_units: int = 0
    fresh: int = 0  # queries that ask only for what is new (first page only)

    def as_text(self) -> str:
        lines = ["Plan cost (at most):"]
        lines += [f"  {source}: {n} requests" for source, n in self.requests.items()]
        lines.append(f"  YouTube Data API units: {self.youtube_units}")
        if self.fresh:
            lines.append(f"  {self.fresh} queries ask only for what is new (first page only)")
        return "\n".join(lines) + "\n"


def plan_cost(plan: Any, config: Config) -> PlanCost:
    """The most a plan asks: each search's pages (one for a ``fresh`` query), a handle
    probe's lookups (Bluesky 25 to a call), YouTube's 100 units per search.list call and 1
    per channels.list call (one per result page), and the profiles source's echo lookups on
    YouTube (1 unit each)."""
    from crawler.config import secret
    from crawler.discovery.planning.sources import echo_limits
    from crawler.platforms.bluesky import GET_PROFILES_MAX
    from crawler.vocab import Platform

    pages = max(config.budget.results_pages, 1)
    out = PlanCost()
    for source, rows in plan.queries.items():
        n = 0
        bluesky = 0
        searches = 0  # YouTube search.list calls
        for q in rows:
            if q.kind == "handle" and q.platform == Platform.BLUESKY:
                bluesky += 1
                continue
            asked = 1 if (q.fresh or q.kind != "search") else pages
            n += asked
            if source == Source.YOUTUBE:
                searches += asked
            elif q.platform == Platform.YOUTUBE and q.kind == "handle":
                out.youtube_units += 1
        # the youtube source stops at the day's search.list budget: it never asks more
        searches = min(searches, config.budget.youtube_search_calls_per_day)
        out.youtube_units += 100 * searches + searches  # search.list + channels.list per page
        n += -(-bluesky // GET_PROFILES_MAX)
        out.fresh += sum(1 for q in rows if q.fresh)
        out.requests[source] = n
    if Source.PROFILES in plan.queries and secret(Source.YOUTUBE):
        # the profiles source's echo lookups on YouTube: channels.list?forHandle, 1 unit each
        out.youtube_units += echo_limits(config, [Platform.YOUTUBE], {}, True)[Platform.YOUTUBE]
    return out


@dataclass
class DistrictQuota:
    """One district's share of the API quotas: what its next scan would spend at most."""

    district: str
    youtube_units: int
    brave_requests: int
    day: int = 0  # the day of the period its scan should run (1-based; 0: does not fit)


@dataclass
class QuotaSchedule:
    """``scout scan --all --dry-run``: whether the period's quotas cover every district's scan,
    and which day each should run (YouTube's units are per day, Brave's requests per month)."""

    districts: list[DistrictQuota] = field(default_factory=list)
    units_per_day: int = 0
    brave_per_month: int = 0
    days: int = 30

    @property
    def brave_total(self) -> int:
        return sum(d.brave_requests for d in self.districts)

    @property
    def covered(self) -> bool:
        return all(d.day for d in self.districts) and self.brave_total <= self.brave_per_month

    def as_text(self) -> str:
        verdict = "covers" if self.covered else "does NOT cover"
        lines = [
            f"Quota plan for {len(self.districts)} districts: the period's quota {verdict} them "
            f"all ({self.units_per_day} YouTube units a day; Brave {self.brave_total} of "
            f"{self.brave_per_month} requests this month)"
        ]
        for d in self.districts:
            if d.day:
                when = f"scan on day {d.day}"
            elif d.youtube_units > self.units_per_day:
                when = (
                    "needs more than a day's YouTube units: on a day of its own its scan stops "
                    "at the day's quota and its next scan sweeps the rest"
                )
            else:
                when = "does not fit: waits for the next period"
            lines.append(
                f"  {d.district}: at most {d.youtube_units} YouTube units, "
                f"{d.brave_requests} Brave requests; {when}"
            )
        return "\n".join(lines) + "\n"


def schedule(
    costs: list[DistrictQuota], units_per_day: int, brave: int, days: int = 30
) -> QuotaSchedule:
    """Days for the districts' scans: each day takes districts in order while the day's
    YouTube units last (a district that alone needs more than a day's units does not fit)."""
    out = QuotaSchedule(units_per_day=units_per_day, brave_per_month=brave, days=days)
    day, used, brave_used = 1, 0, 0
    for d in costs:
        if d.youtube_units > units_per_day or brave_used + d.brave_requests > brave:
            out.districts.append(d)
            continue
        if used + d.youtube_units > units_per_day:
            day, used = day + 1, 0
        if day <= days:
            d.day = day
            used += d.youtube_units
            brave_used += d.brave_requests
        out.districts.append(d)
    return out


def district_quota(
    config: Config,
    key: str,
    full: bool = False,
    sources: Sequence[str] | None = None,
    platforms: Sequence[str] | None = None,
) -> DistrictQuota:
    """What ``key``'s next scan would spend at most (its incremental plan, or a full one, of
    the scan's sources and platforms), within the budgets the crawl itself keeps (a day's
    YouTube units, a scan's Brave requests): a scan never asks more than those."""
    from dataclasses import replace

    from crawler.db.store import current_profile
    from crawler.discovery.planner import plan
    from crawler.discovery.planning.increment import scan_increment

    one = replace(config, district=key)
    factory = session_factory(one.database_url, key)
    with factory.begin() as s:
        profile = current_profile(s)
    b = one.budget
    inc = scan_increment(one, None, full=full)
    cost = plan_cost(plan(profile, one, sources=sources, platforms=platforms, increment=inc), one)
    brave = (
        0
        if one.searxng_url
        else min(cost.requests.get(Source.WEB_SEARCH, 0), b.brave_requests_per_scan)
    )
    return DistrictQuota(key, cost.youtube_units, brave)


def quota_schedule(config: Config, full: bool = False) -> QuotaSchedule:
    """The quota plan of every district in the database (``scout scan --all --dry-run``)."""
    from crawler.db.scope import ALL
    from crawler.db.store import district_keys

    with session_factory(config.database_url, ALL).begin() as s:
        keys = district_keys(s)
    b = config.budget
    costs = [district_quota(config, k, full) for k in keys]
    return schedule(costs, b.youtube_units_per_day, b.brave_requests_per_month)


def quota_wait(
    config: Config,
    key: str,
    full: bool = False,
    sources: Sequence[str] | None = None,
    platforms: Sequence[str] | None = None,
) -> str | None:
    """Why ``key``'s scan should wait for the next period (its plan needs more YouTube units
    or Brave requests than the period has left), or None: it fits."""
    from dataclasses import replace

    from crawler.db.quota import BRAVE, UNITS, current_usage

    need = district_quota(config, key, full, sources, platforms)
    usage = current_usage(replace(config, district=key))
    short = []
    # a plan bigger than a whole day's units never fits: on a day nothing was spent yet it
    # runs, stops at the day's quota and leaves a coverage gap that its next scan sweeps
    units = min(need.youtube_units, config.budget.youtube_units_per_day)
    if UNITS in usage and units > usage[UNITS].remaining:
        short.append(f"{units} YouTube units, {usage[UNITS].remaining} left today")
    if BRAVE in usage and need.brave_requests > usage[BRAVE].remaining:
        short.append(
            f"{need.brave_requests} Brave requests, {usage[BRAVE].remaining} left this month"
        )
    return "; ".join(short) or None
