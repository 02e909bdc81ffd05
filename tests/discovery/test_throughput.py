"""What keeps the crawl fast without changing what it does: the job folder's request queues
held in memory and written at a clean stop, candidate handles computed once per process, the
spiders' callbacks checked here instead of by Scrapy on every response."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import JsonRequest
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.misc import is_generator_with_return_value
from scrapy.utils.test import get_crawler

from crawler.discovery.planning.handles import Parts, candidates
from crawler.discovery.queues import HeldFifoQueue, HeldLifoQueue
from spiders.base import ScoutSpider


class QueueSpider(ScoutSpider):
    name = "queue_test"

    def parse_page(self, response):  # pragma: no cover - never called
        yield None


def queue_crawler():
    crawler = get_crawler(QueueSpider)
    crawler.spider = QueueSpider(name="queue_test")
    return crawler


def requests(spider: QueueSpider) -> list[Request]:
    return [
        Request(
            f"https://example.org/{i}",
            callback=spider.parse_page,
            errback=spider.request_failed,
            meta={"scout_query": f"q{i}"},
            priority=-1,
            dont_filter=True,
        )
        for i in range(3)
    ] + [JsonRequest("https://api.example.org/x", data={"a": 1}, callback=spider.parse_page)]


def test_held_queues_are_written_at_a_clean_stop_and_read_back_in_order(tmp_path: Path):
    crawler = queue_crawler()
    spider = crawler.spider
    for cls, order in ((HeldLifoQueue, [3, 2, 1, 0]), (HeldFifoQueue, [0, 1, 2, 3])):
        key = str(tmp_path / cls.__name__ / "slot" / "1")
        q = cls.from_crawler(crawler, key)
        sent = requests(spider)
        for r in sent:
            q.push(r)
        assert len(q) == 4 and not Path(key).exists()  # nothing is written while crawling
        assert q.peek() is sent[order[0]]
        q.close()  # a clean stop (Scrapy then writes active.json)
        assert Path(key).is_file()
        again = cls.from_crawler(crawler, key)  # the resumed crawl
        assert not Path(key).exists() and len(again) == 4
        got = [again.pop() for _ in range(4)]
        assert again.pop() is None and len(again) == 0
        for r, i in zip(got, order, strict=True):
            want = sent[i]
            assert (type(r), r.url, r.body, r.meta, r.priority) == (
                type(want),
                want.url,
                want.body,
                want.meta,
                want.priority,
            )
            assert r.callback == spider.parse_page
            assert r.errback == (spider.request_failed if i < 3 else None)
        again.close()  # empty: nothing written
        assert not Path(key).exists()


def test_a_request_that_cannot_be_stored_is_left_out_at_the_stop(tmp_path: Path):
    crawler = queue_crawler()
    q = HeldFifoQueue.from_crawler(crawler, str(tmp_path / "q"))
    q.push(Request("https://example.org/a", callback=lambda r: None))  # not a spider method
    q.push(Request("https://example.org/b", callback=crawler.spider.parse_page))
    q.close()
    again = HeldFifoQueue.from_crawler(crawler, str(tmp_path / "q"))
    assert [again.pop().url, again.pop()] == ["https://example.org/b", None]


def test_the_crawl_uses_the_held_queues():
    from crawler.discovery import settings

    assert settings.SCHEDULER_DISK_QUEUE.endswith("HeldLifoQueue")
    assert settings.SCHEDULER_START_DISK_QUEUE.endswith("HeldFifoQueue")


def test_no_spider_callback_is_a_generator_returning_a_value():
    """What Scrapy's WARN_ON_GENERATOR_RETURN_VALUE checked on every response (off in the
    settings): a generator callback's ``return value`` would be lost silently."""
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("crawler.discovery.settings")
    assert settings.getbool("WARN_ON_GENERATOR_RETURN_VALUE") is False
    loader = SpiderLoader.from_settings(settings)
    checked = []
    for name in loader.list():
        cls = loader.load(name)
        for attr, func in inspect.getmembers(cls, inspect.isfunction):
            if inspect.isgeneratorfunction(func):
                checked.append(f"{name}.{attr}")
                assert not is_generator_with_return_value(func), f"{name}.{attr}"
    assert len(checked) > 10


def test_candidates_are_computed_once_and_handed_out_as_copies():
    parts = Parts(
        name=("sheyenne",),
        full=("sheyennehighschool",),
        abbr=("shs",),
        mascot=("mustangs", "mustang"),
        acts=(("volleyball", "vball", "vb"),),
        level=("hs",),
    )
    first = candidates(parts)
    first.clear()
    again = candidates(parts)
    assert again and again == candidates(Parts(**{k: getattr(parts, k) for k in Parts.__slots__}))
    assert [c.handle for c in again][:3] == [c.handle for c in candidates(parts)][:3]


BROWSER_CRAWL = r"""
import http.server, json, sys, threading

from scrapy import Request, Spider
from scrapy.crawler import CrawlerProcess

from crawler.discovery.network import browser_launch_options
from crawler.discovery.settings import CHROMIUM_ARGS, playwright_settings


class Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"<html><head><title>hello</title></head><body>x</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
threading.Thread(target=server.serve_forever, daemon=True).start()
url = f"http://127.0.0.1:{server.server_address[1]}/"
seen = []


def started(spider):
    handler = spider.crawler.engine.downloader.handlers._handlers["http"]
    return getattr(handler, "browser_provider", None) is not None


class Probe(Spider):
    name = "probe"

    async def start(self):
        yield Request(url, callback=self.plain)

    def plain(self, response):
        seen.append(("plain", started(self), "playwright" in response.flags))
        yield Request(url + "js", callback=self.browser, meta={"playwright": True})

    def browser(self, response):
        seen.append(("browser", started(self), response.css("title::text").get()))


settings = playwright_settings()
settings["PLAYWRIGHT_LAUNCH_OPTIONS"] |= browser_launch_options("/usr/bin/chromium", CHROMIUM_ARGS)
settings["DOWNLOAD_HANDLERS"] = {
    "http": "crawler.discovery.handlers.ScoutPlaywrightDownloadHandler",
    "https": "crawler.discovery.handlers.ScoutPlaywrightDownloadHandler",
}
process = CrawlerProcess(
    {**settings, "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
     "LOG_LEVEL": "INFO", "TELNETCONSOLE_ENABLED": False}
)
process.crawl(Probe)
process.start()
print(json.dumps(seen))
"""


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="no system Chromium")
def test_playwright_starts_with_the_first_request_that_needs_the_browser(tmp_path: Path):
    import json
    import os
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[2]
    script = tmp_path / "browser_crawl.py"
    script.write_text(BROWSER_CRAWL)
    proc = subprocess.run(
        [sys.executable, str(script)],
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(repo), os.environ.get("PYTHONPATH")])),
        },
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    # the plain page went out before Playwright started; the browser page started it
    assert seen == [["plain", False, False], ["browser", True, "hello"]], proc.stderr[-3000:]


@pytest.mark.slow
def test_a_crawl_stopped_cleanly_resumes_from_its_held_queues(sample_world, tmp_path: Path):
    """SIGINT (Scrapyd's cancel, Ctrl-C): Scrapy stops cleanly, the queues write what they
    hold into the job folder, and the next run takes it from there: every query done once.
    district_site too: the pages it follows from a seed (held in the queues) name the seed,
    which the first run finished; their sightings must not reopen it as a gap."""
    import os
    import signal
    from typing import Any

    from sqlalchemy import func, select

    from crawler.db import transaction
    from crawler.db.models import Account, ScanQuery, Sighting
    from crawler.discovery.runner import run_crawl
    from tests.discovery.test_crawl import prepare

    config, scan_id = prepare(sample_world, tmp_path)
    sources = ["bluesky", "mastodon", "district_site"]
    state: dict[str, Any] = {}

    def interrupt(event: dict[str, Any]) -> None:
        if event["event"] == "started":
            state["pid"] = event["pid"]
        elif event["event"] == "progress" and "sent" not in state:
            state["sent"] = True
            os.kill(state["pid"], signal.SIGINT)

    jobs = tmp_path / "jobs"
    first = run_crawl(config, scan_id=scan_id, sources=sources, job_dir=jobs, on_progress=interrupt)
    assert first.ok, first.error  # a clean stop
    assert first.log_path is not None
    assert "ReactorNotRunning" not in first.log_path.read_text()  # one stop, not two
    # what Scrapy writes at a clean stop; the requests the queues held then (how many depends
    # on the moment) are in files beside it
    assert all((jobs / source / "requests.queue" / "active.json").exists() for source in sources)
    second = run_crawl(config, scan_id=scan_id, sources=sources, job_dir=jobs)
    assert second.ok, second.error
    with transaction(config.database_url) as s:
        dupes = s.execute(
            select(Sighting.account_id, Sighting.source, Sighting.query, Sighting.source_url)
            .group_by(Sighting.account_id, Sighting.source, Sighting.query, Sighting.source_url)
            .having(func.count() > 1)
        ).all()
        left = [
            (q.source, q.query, q.status, q.error)
            for q in s.scalars(
                select(ScanQuery).where(ScanQuery.scan_id == scan_id, ScanQuery.status != "done")
            )
        ]
        urls = set(s.scalars(select(Account.url)))
    assert left == [] and dupes == []
    findable = [h for h in sample_world.manifest if set(h.sources) & set(sources)]
    assert findable and all(h.url in urls or set(h.aliases) & urls for h in findable)
