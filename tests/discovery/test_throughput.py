"""What keeps the crawl fast without changing what it does: the job folder's request queues
held in memory and written at a clean stop, candidate handles computed once per process, the
spiders' callbacks checked here instead of by Scrapy on every response."""

from __future__ import annotations

import inspect
from pathlib import Path

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
        name=["sheyenne"],
        full=["sheyennehighschool"],
        abbr=["shs"],
        mascot=["mustangs", "mustang"],
        acts=[["volleyball", "vball", "vb"]],
        level=["hs"],
    )
    first = candidates(parts)
    first.clear()
    again = candidates(parts)
    assert again and again == candidates(Parts(**{k: getattr(parts, k) for k in Parts.__slots__}))
    assert [c.handle for c in again][:3] == [c.handle for c in candidates(parts)][:3]
