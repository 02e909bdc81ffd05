"""Crawl throughput: the full discovery crawl of the sample world next to ``scrapy bench``.

    python benchmarks/scan_bench.py [--budget-searxng 3000]

Runs, in one invocation: (1) every source against the local sample world through
:func:`crawler.discovery.runner.run_crawl` (the real middlewares, politeness settings of the sample
world's configuration: no delay, no AutoThrottle), and (2) ``scrapy bench`` (Scrapy's own
local link-following benchmark, in an empty folder so this project's settings do not apply).
Prints pages per minute for each and their ratio. Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def crawl_sample_world(searxng_budget: int) -> tuple[int, float, dict[str, int]]:
    """(responses, seconds, responses per source) of a full crawl of the sample world."""
    from crawler.discovery.runner import run_crawl
    from crawler.sampleworld import SampleWorld
    from tests.discovery.test_crawl import prepare  # the same set-up as the end-to-end tests

    os.environ.setdefault("SCOUT_YOUTUBE_API_KEY", "bench-key")
    with SampleWorld() as world, tempfile.TemporaryDirectory(prefix="scan-bench-") as tmp:
        folder = Path(tmp)
        config, scan_id = prepare(
            world, folder, f"[budget]\nsearxng_requests_per_scan = {searxng_budget}\n"
        )
        started = time.perf_counter()
        result = run_crawl(
            config, scan_id=scan_id, sources=list(config.sources), job_dir=folder / "jobs"
        )
        seconds = time.perf_counter() - started
        if not result.ok:
            raise SystemExit(f"crawl failed: {result.error}")
        per_source = {name: s.responses for name, s in result.sources.items()}
        return sum(per_source.values()), seconds, per_source


def scrapy_bench() -> tuple[int, float]:
    """(responses, seconds) of ``scrapy bench`` (10 s of crawling a local link farm)."""
    with tempfile.TemporaryDirectory(prefix="scrapy-bench-") as tmp:
        proc = subprocess.run(
            [sys.executable, "-m", "scrapy", "bench", "-s", "LOG_LEVEL=INFO"],
            cwd=tmp,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    log = proc.stderr + proc.stdout
    responses = re.search(r"'response_received_count': (\d+)", log)
    elapsed = re.search(r"'elapsed_time_seconds': ([\d.]+)", log)
    if not responses or not elapsed:
        raise SystemExit(f"could not read scrapy bench's stats:\n{log[-2000:]}")
    return int(responses.group(1)), float(elapsed.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--budget-searxng", type=int, default=3000, help="SearXNG requests for the crawl"
    )
    args = parser.parse_args()

    crawl_pages, crawl_seconds, per_source = crawl_sample_world(args.budget_searxng)
    bench_pages, bench_seconds = scrapy_bench()
    crawl_rate = crawl_pages / crawl_seconds * 60
    bench_rate = bench_pages / bench_seconds * 60
    print(f"{'run':<28}{'pages':>8}{'seconds':>10}{'pages/min':>12}")
    print(
        f"{'sample world, all sources':<28}{crawl_pages:>8}{crawl_seconds:>10.1f}{crawl_rate:>12.0f}"
    )
    print(f"{'scrapy bench':<28}{bench_pages:>8}{bench_seconds:>10.1f}{bench_rate:>12.0f}")
    print(f"ratio (sample world / scrapy bench): {crawl_rate / bench_rate:.2f}")
    print("responses per source: " + ", ".join(f"{k} {v}" for k, v in per_source.items()))
    print(
        "(the crawl time includes starting the child process, planning, robots.txt, the store pipeline's "
        "database writes and the second phase; scrapy bench only follows links)"
    )


if __name__ == "__main__":
    main()
