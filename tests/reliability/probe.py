"""A one-spider Scrapy crawl with the project's settings, in a child process.

The reliability tests fetch a few URLs with the real download stack (handlers, TLS, proxies,
middlewares) and look at what happened: ``python -m tests.reliability.probe`` reads
``{"urls": [...], "settings": {...}}`` on stdin and prints ``{"results": {url: outcome},
"stats": {...}}`` (outcome: the HTTP status, or the exception's class name). A child
process, because a Twisted reactor runs once per process; the environment (proxies,
``SSL_CERT_FILE``) is the child's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def probe(
    urls: list[str],
    settings: Mapping[str, Any] | None = None,
    env: Mapping[str, str | None] | None = None,
    timeout: float = 120,
) -> dict[str, Any]:
    """Fetch ``urls`` in a child crawl; ``env`` entries set (or, with None, remove) variables."""
    child_env = dict(os.environ)
    for var in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "NO_PROXY",
        "http_proxy",
        "https_proxy",
        "no_proxy",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
    ):
        child_env.pop(var, None)
    for k, v in (env or {}).items():
        if v is None:
            child_env.pop(k, None)
        else:
            child_env[k] = v
    done = subprocess.run(
        [sys.executable, "-m", "tests.reliability.probe"],
        cwd=ROOT,
        env=child_env,
        input=json.dumps({"urls": urls, "settings": dict(settings or {})}),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0 or not done.stdout.strip():
        raise AssertionError(f"probe crawl failed ({done.returncode}): {done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    job = json.loads(sys.stdin.read())
    results: dict[str, str] = {}

    class Probe(scrapy.Spider):
        name = "probe"

        async def start(self) -> Any:
            for url in job["urls"]:
                yield scrapy.Request(
                    url,
                    callback=self.ok,
                    errback=self.failed,
                    dont_filter=True,
                    meta={"handle_httpstatus_all": True, "origin": url},
                )

        def ok(self, response: Any) -> None:
            results[response.meta["origin"]] = str(response.status)

        def failed(self, failure: Any) -> None:
            results[failure.request.meta["origin"]] = type(failure.value).__name__

    settings = Settings()
    settings.setmodule("crawler.discovery.settings", priority="project")
    settings.setdict(
        {
            "LOG_LEVEL": "WARNING",
            "ROBOTSTXT_OBEY": False,
            "RETRY_TIMES": 0,
            "ADDONS": {},
            "ITEM_PIPELINES": {},
            "DOWNLOAD_TIMEOUT": 20,
            **job["settings"],
        },
        priority="cmdline",
    )
    process = CrawlerProcess(settings, install_root_handler=False)
    crawler = process.create_crawler(Probe)
    process.crawl(crawler)
    process.start()
    stats = {k: v for k, v in crawler.stats.get_stats().items() if isinstance(v, (int, float, str))}
    print(json.dumps({"results": results, "stats": stats}, default=str))


if __name__ == "__main__":
    main()
