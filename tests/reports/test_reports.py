"""Reports rendered from fixture scans, parsed and checked; hostile content stays inert."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser

import pytest
from parsel import Selector

from crawler.cases.decisions import decide
from reports import write_reports
from reports.render import csv_cell, md_escape, md_link, safe_url
from tests.cases.scout_world import Seen, add_screenshot, run_scan

EVIL_NAME = '<script>alert("x")</script>=HYPERLINK("http://evil.example","click")'
EVIL_BIO = 'Official SHS hoops! [click](javascript:alert(1)) <a href="javascript:alert(2)">x</a> Donate today'
HOSTILE = Seen(
    "https://www.instagram.com/sheyennehoops/",
    entity="shs-basketball",
    confidence=0.9,
    display_name=EVIL_NAME,
    bio=EVIL_BIO,
    links=["javascript:alert(3)", "https://example.org/store"],
    title="=cmd|' /C calc'!A0",
    snippet="<img src=x onerror=alert(4)>",
    followers=321,
    sources=("web_search", "district_site", "profiles"),
)
COPY = Seen(
    "https://www.instagram.com/westfargoschools_/",
    classification="impersonation",
    entity="wfps",
    imitates="https://www.instagram.com/westfargoschools/",
    display_name="West Fargo Public Schools",
    confidence=0.95,
)
LMS = Seen(
    "https://www.tiktok.com/@lmsmustangs",
    entity="lms",
    confidence=0.55,
    display_name="LMS Mustangs",
)
REVIEW = Seen(
    "https://www.facebook.com/wf.fans",
    classification="review",
    entity="wfhs",
    confidence=0.4,
    display_name="WF fans",
)
BOOST = Seen(
    "https://www.facebook.com/mustangboosters",
    classification="affiliated",
    entity="shs",
    display_name="Mustang Boosters",
)
REG = Seen(
    "https://www.instagram.com/sheyenne_mustangs/",
    classification="registered",
    entity="shs",
    display_name="Sheyenne High School",
    sources=("profiles",),
)


class Scripts(HTMLParser):
    """Collects what could run: script elements, on* attributes, non-http(s) links."""

    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "link"):
            self.bad.append(tag)
        for k, v in attrs:
            if k.startswith("on"):
                self.bad.append(f"{tag}@{k}")
            if (
                k in ("href", "src")
                and v
                and not re.match(r"^(https?://|\.\./|cases/|[\w.-]+\.(html|csv|json)$)", v)
            ):
                self.bad.append(f"{tag}@{k}={v}")


def _report(world, tmp_path):
    with world.session() as s:
        return write_reports(s, None, tmp_path / "out", world.config)


@pytest.fixture
def two_scans(world, tmp_path):
    _, first = run_scan(world, [HOSTILE, COPY, LMS, REVIEW, BOOST, REG])
    hoops, copy, lms = first.opened
    with world.session() as s:
        decide(s, hoops, "notified", by="pr", note="emailed the coach <b>bold</b>")
        decide(s, lms, "not-district", by="pr")
    new = Seen(
        "https://www.youtube.com/channel/UCnewchannel0000000000aa",
        entity="hhs",
        confidence=0.7,
        display_name="Horace Hawks Sports",
        sources=("youtube",),
    )
    _, second = run_scan(world, [HOSTILE, COPY, LMS, REVIEW, BOOST, REG, new])
    add_screenshot(world, HOSTILE.url, _png())
    return {
        "hoops": hoops,
        "copy": copy,
        "lms": lms,
        "new": second.opened[0],
        "world": world,
        "tmp": tmp_path,
    }


def _png() -> bytes:
    import struct
    import zlib

    w, h = 4, 4
    raw = b"".join(b"\x00" + bytes([200, 30, 30] * w) for _ in range(h))

    def chunk(t: bytes, d: bytes) -> bytes:
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def test_second_scan_report_keeps_decisions_and_adds_new_case(two_scans):
    world, tmp = two_scans["world"], two_scans["tmp"]
    paths = _report(world, tmp)
    cases = json.loads(paths.cases_json.read_text(encoding="utf-8"))
    numbers = [c["case_id"] for c in cases]
    assert len(numbers) == len(set(numbers)) == 4
    by = {c["case_id"]: c for c in cases}
    assert by[two_scans["hoops"]]["status"] == "notified"
    assert by[two_scans["lms"]]["status"] == "dismissed-not-district"
    assert by[two_scans["new"]]["status"] == "open"
    index = Selector(text=paths.index.read_text(encoding="utf-8"))
    open_rows = index.xpath("//h2[.='Open cases']/following-sibling::table[1]//tbody/tr")
    open_numbers = [r.xpath("./td[1]/a/text()").get() for r in open_rows]
    # Open cases first by confidence (impersonation 0.95, new channel 0.7), then the notified one.
    assert open_numbers == [two_scans["copy"], two_scans["new"], two_scans["hoops"]]
    assert two_scans["lms"] not in open_numbers
    decided = index.xpath(
        "//h2[.='Decided cases']/following-sibling::table[1]//tbody/tr/td[1]/a/text()"
    ).getall()
    assert decided == [two_scans["lms"]]
    assert (
        index.xpath("//h2[.='Accounts to review']/following-sibling::table[1]//td/a/text()").get()
        == "@wf.fans"
    )
    assert (
        "@sheyenne_mustangs"
        in index.xpath(
            "//h2[.='Registered accounts seen in this scan']/following-sibling::table[1]"
        ).get()
    )
    assert len(paths.cases) == 4 and all(p.is_file() for p in paths.cases.values())
    summary = Selector(text=paths.summary.read_text(encoding="utf-8"))
    new_cases = summary.xpath(
        "//h2[.='New cases']/following-sibling::table[1]//tbody/tr/td[1]/a/text()"
    ).getall()
    assert new_cases == [two_scans["new"]]
    assert summary.xpath("//svg[@class='chart']")
    assert summary.xpath(
        "//table[@class='matrix']//tr[td[1]='West Fargo Sheyenne High School']/td[@class='yes']"
    )


def test_hostile_content_is_inert_in_html(two_scans):
    paths = _report(two_scans["world"], two_scans["tmp"])
    for page in [paths.index, paths.summary, *paths.cases.values(), paths.official]:
        text = page.read_text(encoding="utf-8")
        parser = Scripts()
        parser.feed(text)
        assert parser.bad == [], (page.name, parser.bad)
        assert "javascript:alert" not in re.sub(
            r"&[a-z]+;|&#\d+;", "", "".join(Selector(text=text).xpath("//@href | //@src").getall())
        )
    page = paths.cases[two_scans["hoops"]].read_text(encoding="utf-8")
    sel = Selector(text=page)
    assert EVIL_NAME in sel.xpath("string(//dl[@class='facts'])").get()  # shown as text
    assert sel.xpath("//div[@class='bio']/text()").get() == EVIL_BIO
    assert "https://example.org/store" in sel.xpath("//a/@href").getall()
    assert "&lt;b&gt;bold&lt;/b&gt;" in page
    # The policy quotes that apply: payments (Donate, store link) and learner information (a team on Instagram).
    quotes = sel.xpath("//h2[.='Policy basis']/following-sibling::h3/text()").getall()
    assert any("Approved accounts" in q for q in quotes) and any(
        "Business Manager" in q for q in quotes
    )
    assert any("Learner information" in q for q in quotes)
    steps = sel.xpath("//ol[@class='steps']/li").getall()
    assert len(steps) == len(two_scans["world"].config.steps)
    assert sel.xpath("//img/@src").get().startswith("../evidence/")
    assert (paths.out_dir / "evidence").is_dir()
    assert "ab" * 32 in page


def test_hostile_content_is_inert_in_markdown(two_scans):
    paths = _report(two_scans["world"], two_scans["tmp"])
    md = paths.index_md.read_text(encoding="utf-8")
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "](javascript:" not in md
    assert "[@sheyennehoops](<https://www.instagram.com/sheyennehoops/>)" in md
    for line in md.splitlines():
        if line.startswith("| ") and "sheyennehoops" in line:
            assert line.count(" | ") == 9  # the name's "|" and links did not add columns
    assert "<" not in md_escape("<img src=x onerror=alert(1)>")
    assert md_link("x", "javascript:alert(1)") == "x"


def test_csv_is_spreadsheet_safe(two_scans):
    paths = _report(two_scans["world"], two_scans["tmp"])
    rows = list(csv.DictReader(io.StringIO(paths.cases_csv.read_text(encoding="utf-8"))))
    assert len(rows) == 4
    hoops = next(r for r in rows if r["case_id"] == two_scans["hoops"])
    assert hoops["display_name"].startswith("'<script>") or not hoops["display_name"].startswith(
        "="
    )
    for r in rows:
        for v in r.values():
            assert v[:1] not in ("=", "+", "-", "@", "\t", "\r")
    assert csv_cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert (
        csv_cell("@SUM(A1)") == "'@SUM(A1)"
        and csv_cell("\tx") == "'\tx"
        and csv_cell("  =1") == "'  =1"
    )
    assert csv_cell("Sheyenne") == "Sheyenne"


def test_formula_in_name_is_neutralised_in_csv(world, tmp_path):
    run_scan(
        world,
        [
            Seen(
                "https://www.tiktok.com/@wfhsfans",
                entity="wfhs",
                display_name='=HYPERLINK("http://e")',
            )
        ],
    )
    paths = _report(world, tmp_path)
    row = next(csv.DictReader(io.StringIO(paths.cases_csv.read_text(encoding="utf-8"))))
    assert row["display_name"] == '\'=HYPERLINK("http://e")'


def test_json_matches_cases_list(two_scans):
    from typer.testing import CliRunner

    from crawler.cli import app

    world = two_scans["world"]
    paths = _report(world, two_scans["tmp"])
    listed = json.loads(
        CliRunner().invoke(app, ["--database-url", world.url, "cases", "list", "--json"]).stdout
    )
    assert json.loads(paths.cases_json.read_text(encoding="utf-8")) == listed


def test_official_page_lists_active_accounts_without_administrators(two_scans):
    paths = _report(two_scans["world"], two_scans["tmp"])
    html = paths.official.read_text(encoding="utf-8")
    sel = Selector(text=html)
    groups = sel.xpath("//h2/text()").getall()
    assert groups[0] == "West Fargo Public Schools" and "West Fargo Sheyenne High School" in groups
    assert "wfjrotc" not in html and "cheneymiddleschool" in html  # deactivated out, transferred in
    assert "k12.nd.us" not in html.replace("www.west-fargo.k12.nd.us/", "")
    assert "<link" not in html and "<script" not in html
    md = paths.official_md.read_text(encoding="utf-8")
    assert "## West Fargo Sheyenne High School" in md


def test_report_without_scans(world, tmp_path):
    paths = _report(world, tmp_path)
    assert "No open cases." in paths.index.read_text(encoding="utf-8")
    assert json.loads(paths.cases_json.read_text(encoding="utf-8")) == []


def test_safe_url():
    assert safe_url("https://x.com/a") == "https://x.com/a"
    for bad in (
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:text/html,x",
        "//evil",
        "http://",
        None,
        3,
        "https://x.com/a b",
    ):
        assert safe_url(bad) is None
