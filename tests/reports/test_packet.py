"""Case packets: contents and hashes, reproducibility, hostile content inert, the
report-to-platform text of every platform, the district's overrides."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from dataclasses import replace

import pytest
from sqlalchemy import select

from crawler.cases.views import case_json
from crawler.db.models import Case
from crawler.errors import InputError
from crawler.vocab import Platform
from reports.context import Context
from reports.documents.packet import build_packet, packet_files, report_text
from reports.pdf import fix_node_ids, fix_pdf_dates
from reports.platform_table import bundled_table, platform_table
from tests.cases.scout_world import Seen, make_world, run_scan
from tests.reports.packet_world import (
    CAPTURED_AT,
    HOSTILE,
    PLATFORM_URLS,
    add_capture,
    distinct_rows,
    mastodon_known,
    needs_chromium,
    needs_poppler,
    pdf_pages_png,
    pdf_text,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def hostile_packet(tmp_path_factory):
    """One case with hostile content and captured evidence, packed twice."""
    tmp = tmp_path_factory.mktemp("packet")
    world = make_world(tmp)
    _, upd = run_scan(world, [HOSTILE])
    (number,) = upd.opened
    add_capture(world, HOSTILE.url, html="<html><script>alert(1)</script>captured page</html>")
    with world.session() as s:
        first = build_packet(s, world.config, number)
        case = s.scalars(select(Case).where(Case.number == number)).one()
        expected_json = case_json(case)
    with world.session() as s:
        second = build_packet(s, world.config, number)
    return {"world": world, "number": number, "zip": first, "again": second, "json": expected_json}


def _read(data: bytes) -> dict[str, bytes]:
    zf = zipfile.ZipFile(io.BytesIO(data))
    return {n: zf.read(n) for n in zf.namelist()}


@pytest.mark.browser
@needs_chromium
def test_packet_contents_and_hashes(hostile_packet):
    files = _read(hostile_packet["zip"])
    number = hostile_packet["number"]
    shot = f"evidence/{number}-1-screenshot.png"
    page = f"evidence/{number}-2-html_sha256.html"
    assert list(files) == ["manifest.json", "case.pdf", "report-to-platform.txt", shot, page]
    manifest = json.loads(files["manifest.json"])
    assert manifest["case"] == hostile_packet["json"]
    assert manifest["case"]["case_id"] == number
    assert manifest["packet"]["case_id"] == number
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) == set(files) - {"manifest.json"}
    for name, entry in listed.items():
        assert entry["sha256"] == hashlib.sha256(files[name]).hexdigest()
        assert entry["size"] == len(files[name])
        assert entry["captured_at"]
    # Evidence files are the captured bytes, with the capture time and the recorded hash.
    evidence = hostile_packet["world"].config.evidence_dir / "scan-1"
    assert files[shot] == (evidence / "shot.png").read_bytes()
    assert files[page] == (evidence / "page.html").read_bytes()
    assert listed[shot]["captured_at"] == CAPTURED_AT.isoformat()
    assert listed[shot]["matches_record"] is True and listed[page]["matches_record"] is True
    pdf = files["case.pdf"]
    assert pdf.startswith(b"%PDF-")
    # Accessible: tagged, with language, title and an outline (the page's headings).
    assert b"/StructTreeRoot" in pdf and b"/Lang (en)" in pdf and b"/Outlines" in pdf
    assert f"/Title (Case {number}".encode() in pdf
    # The packet is dated by its data, not the clock.
    assert manifest["packet"]["as_of"] >= CAPTURED_AT.isoformat()


@pytest.mark.browser
@needs_chromium
def test_packet_is_reproducible(hostile_packet):
    assert hostile_packet["zip"] == hostile_packet["again"]
    first, again = _read(hostile_packet["zip"]), _read(hostile_packet["again"])
    assert first["manifest.json"] == again["manifest.json"]
    infos = zipfile.ZipFile(io.BytesIO(hostile_packet["zip"])).infolist()
    assert len({i.date_time for i in infos}) == 1


def test_pdf_normalisation_keeps_offsets():
    pdf = (
        b"%PDF-1.4\n1 0 obj\n<</CreationDate (D:20261206111658+00'00')\n"
        b"/ModDate (D:20261206111658+00'00')>>\nendobj\n"
        b"2 0 obj\n<</A [<</Headers [(node00000081)]>>]>>\nendobj\n"
        b"3 0 obj\n<</Limits [(node00000047) (node00000081)]\n"
        b"/Names [(node00000047) 117 0 R (node00000081) 115 0 R]>>\nendobj\n"
    )
    from datetime import UTC, datetime

    out = fix_node_ids(fix_pdf_dates(pdf, datetime(2026, 3, 2, 14, 30, tzinfo=UTC)))
    assert len(out) == len(pdf)
    assert b"/CreationDate (D:20260302143000+00'00')" in out
    # Ids renumbered by first appearance; the id tree stays sorted with its references.
    assert b"/Headers [(node00000001)]" in out
    assert b"/Limits [(node00000001) (node00000002)]" in out
    assert b"/Names [(node00000001) 115 0 R (node00000002) 117 0 R]" in out


@pytest.mark.browser
@needs_chromium
@needs_poppler
def test_hostile_content_inert_in_pdf(hostile_packet, tmp_path):
    pdf = _read(hostile_packet["zip"])["case.pdf"]
    text = pdf_text(pdf)
    # Shown as text, never run: the markup is literal and no link leads to a script.
    assert "<script>window.__pwned=1</script>Sheyenne Hoops" in text
    assert "javascript:alert(3)" in text
    assert b"/JavaScript" not in pdf and b"/JS " not in pdf
    assert b"javascript:" not in pdf.lower().replace(b"javascript:alert(3)", b"")
    uris = re.findall(rb"/URI \(([^)]*)\)", pdf)
    assert all(u.startswith((b"http://", b"https://")) for u in uris), uris
    # Rendered and looked at: every page has content.
    pages = pdf_pages_png(pdf, tmp_path / "case")
    assert len(pages) >= 2
    assert all(distinct_rows(p.read_bytes()) > 5 for p in pages)


@pytest.mark.browser
@needs_chromium
def test_hostile_content_inert_in_report_text(hostile_packet):
    text = _read(hostile_packet["zip"])["report-to-platform.txt"].decode("utf-8")
    # No control characters, escapes or direction overrides: nothing re-draws or reorders.
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]", text)
    # A value stays on its own line: the injected "REPORT RESULT" cannot start a line.
    assert not any(line.startswith("REPORT RESULT") for line in text.splitlines())
    assert "Sheyenne Hoops REPORT RESULT: dismiss" in text
    assert text.startswith("REPORT TO INSTAGRAM: case ")


def _case_per_platform(tmp_path, monkeypatch):
    world = make_world(tmp_path)
    with mastodon_known(monkeypatch):
        _, upd = run_scan(
            world,
            [
                Seen(url, entity="shs", confidence=0.9, display_name="Sheyenne Mustangs")
                for url in PLATFORM_URLS.values()
            ],
        )
    assert len(upd.opened) == len(PLATFORM_URLS)
    return world


def test_report_text_for_every_platform(tmp_path, monkeypatch):
    world = _case_per_platform(tmp_path, monkeypatch)
    table = bundled_table()
    assert set(table) == {str(p) for p in Platform}
    seen = set()
    with world.session() as s:
        ctx = Context(s, world.config, None)
        for case in s.scalars(select(Case)):
            platform = case.account.platform
            text = report_text(ctx, case)
            entry = table[platform]
            assert text.startswith(f"REPORT TO {entry['name'].upper()}: case {case.number}")
            form = entry["form_url"].replace("{host}", "mastodon.example")
            assert f"Form or help page: {form}" in text
            assert case.account.url in text
            assert f"@{case.account.handle}" in text
            assert "West Fargo Public Schools" in text
            assert "ABDB-AP" in text
            for asked in entry["asks_for"]:
                assert asked.split()[0] in text
            seen.add(platform)
    assert seen == set(PLATFORM_URLS)


def test_report_text_names_official_accounts_and_copies(tmp_path):
    world = make_world(tmp_path)
    copy = Seen(
        "https://www.instagram.com/sheyenne_mustangs_/",
        classification="impersonation",
        entity="shs",
        confidence=0.95,
        display_name="Sheyenne High School",
        imitates="https://www.instagram.com/sheyenne_mustangs/",
        explanation=[
            {"code": "impersonation_handle", "label": "handle copies @sheyenne_mustangs"},
            {"code": "name_exact", "label": "display name = 'Sheyenne High School'"},
        ],
    )
    run_scan(world, [copy])
    with world.session() as s:
        case = s.scalars(select(Case)).one()
        text = report_text(Context(s, world.config, None), case)
    assert "It imitates our official account https://www.instagram.com/sheyenne_mustangs/." in text
    assert "It copies these elements of our identity: name, handle." in text
    assert (
        "Our official Instagram account is: https://www.instagram.com/sheyenne_mustangs/." in text
    )
    official = text.split("THE DISTRICT'S OFFICIAL ACCOUNTS ON INSTAGRAM")[1].split("PRE-FILLED")[0]
    assert "https://www.instagram.com/westfargoschools/" in official


def test_district_overrides_table_and_template(tmp_path):
    world = make_world(tmp_path)
    run_scan(world, [Seen("https://www.facebook.com/sheyennehoopsfb", entity="shs")])
    own = tmp_path / "report.txt"
    own.write_text("To {{ platform.name }} via {{ platform.form_url }} from {{ role_mailbox }}\n")
    config = replace(
        world.config,
        packets={
            "role_mailbox": "communications@west-fargo.k12.nd.us",
            "platforms": {"facebook": {"form_url": "https://example.org/fb-form"}},
        },
    )
    with world.session() as s:
        case = s.scalars(select(Case)).one()
        text = report_text(Context(s, config, None), case)
        assert "Form or help page: https://example.org/fb-form" in text
        assert "File under communications@west-fargo.k12.nd.us" in text
        own_config = replace(config, packets={**config.packets, "report_template": str(own)})
        assert report_text(Context(s, own_config, None), case) == (
            "To Facebook via https://example.org/fb-form from communications@west-fargo.k12.nd.us\n"
        )
    with pytest.raises(InputError, match=r"packets\.platforms.facebook.form: unknown field"):
        platform_table(replace(world.config, packets={"platforms": {"facebook": {"form": "x"}}}))
    with pytest.raises(InputError, match=r"packets\.platforms.myspace: unknown platform"):
        platform_table(replace(world.config, packets={"platforms": {"myspace": {}}}))


def test_config_reads_packets_and_step_letters(tmp_path):
    from crawler.config import load_config

    path = tmp_path / "scout.toml"
    path.write_text(
        '[cases]\nsteps = [{step = "Ask", days = 5, letter = "register"}, {step = "Wait", days = 9}]\n'
        '[packets]\nrole_mailbox = "pr@example.org"\n'
        '[packets.platforms.x]\nnotes = ["call first"]\n',
        encoding="utf-8",
    )
    config = load_config(path, env={})
    assert [s.letter for s in config.steps] == ["register", None]
    assert config.packets["platforms"]["x"]["notes"] == ["call first"]
    assert platform_table(config)["x"]["notes"] == ["call first"]
    path.write_text('[packets]\nrole_mailbx = "x"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"packets\.role_mailbx: unknown setting"):
        load_config(path, env={})


def test_missing_case_is_an_input_error(world):
    with world.session() as s, pytest.raises(InputError, match="no case 'ABCE-1999-0001'"):
        packet_files(s, world.config, "ABCE-1999-0001")
