"""ABCE-AR1 letters: one per configured step, filled from the case and the district, values
escaped; the district's own template; the `scout cases packet` and `scout cases letter`
commands with the PDFs rendered to PNG."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace
from datetime import timedelta

import pytest
from jinja2.exceptions import SecurityError
from sqlalchemy import select
from typer.testing import CliRunner

from crawler.config import CaseStep
from crawler.db.models import Case
from crawler.errors import InputError
from reports.context import Context
from reports.documents.letter import letter_markdown, markdown_to_html
from tests.cases.scout_world import run_scan
from tests.reports.packet_world import (
    HOSTILE,
    distinct_rows,
    needs_chromium,
    needs_poppler,
    pdf_pages_png,
    pdf_text,
)

HEADINGS = {
    1: "# Please register this account with the district",
    2: "# Second notice: hand the account to the district or deactivate it",
    3: "# Final notice from the district",
    4: "# Notice: the account has been reported to Instagram",
}


def _case(world) -> str:
    _, upd = run_scan(world, [HOSTILE])
    return upd.opened[0]


def test_a_letter_per_step(world):
    number = _case(world)
    steps = world.config.steps
    assert [s.letter for s in steps] == ["register", "deadline", "escalate", "reported"]
    with world.session() as s:
        case = s.scalars(select(Case).where(Case.number == number)).one()
        ctx = Context(s, world.config, None)
        for n, step in enumerate(steps, 1):
            text = letter_markdown(ctx, case, n)
            due = case.opened_at.date() + timedelta(days=step.days)
            assert HEADINGS[n] in text
            assert f"case {number}, ABCE-AR1 step {n}" in text
            assert f"{due:%B} {due.day}, {due.year}" in text
            assert "Sheyenne Mustangs Basketball" in text
            assert "West Fargo Public Schools" in text
            assert (
                "[https://www.instagram.com/sheyennehoops/](<https://www.instagram.com/sheyennehoops/>)"
                in text
            )
            # The hostile display name is Markdown text: escaped, one line, no HTML.
            assert (
                "&lt;script&gt;window.\\_\\_pwned=1&lt;/script&gt;Sheyenne Hoops REPORT RESULT: dismiss"
                in text
            )
            html = markdown_to_html(text)
            assert "<script>" not in html and "javascript:" not in html.lower()
            assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html


def test_letter_steps_that_have_none_or_do_not_exist(world):
    number = _case(world)
    config = replace(world.config, steps=(CaseStep("Call them", 5),))
    with world.session() as s:
        case = s.scalars(select(Case).where(Case.number == number)).one()
        with pytest.raises(InputError, match="step 1 has no letter"):
            letter_markdown(Context(s, config, None), case, 1)
        with pytest.raises(InputError, match="no step 7: the procedure has 4 steps"):
            letter_markdown(Context(s, world.config, None), case, 7)


def test_districts_own_letter_template(world, tmp_path):
    own = tmp_path / "letters" / "ours.md"
    own.parent.mkdir()
    own.write_text(
        "Dear administrator of {{ account.url|link(account.url) }} ({{ account.display_name }}),\n\n"
        "please call {{ signature }} by {{ step.date_long }}.\n",
        encoding="utf-8",
    )
    number = _case(world)
    config = replace(
        world.config,
        base_dir=tmp_path,
        steps=(CaseStep("Ask", 7, "letters/ours.md"),),
        packets={"signature": "Jane Doe, Communications"},
    )
    with world.session() as s:
        case = s.scalars(select(Case).where(Case.number == number)).one()
        text = letter_markdown(Context(s, config, None), case, 1)
        due = case.opened_at.date() + timedelta(days=7)
    assert text.startswith("Dear administrator of [https://www.instagram.com/sheyennehoops/]")
    assert f"please call Jane Doe, Communications by {due:%B} {due.day}, {due.year}." in text
    assert "&lt;script&gt;" in text
    # A template cannot reach Python internals (sandboxed).
    own.write_text("{{ account.__class__.__mro__ }}", encoding="utf-8")
    with world.session() as s, pytest.raises(SecurityError):
        case = s.scalars(select(Case).where(Case.number == number)).one()
        letter_markdown(Context(s, config, None), case, 1)


@pytest.mark.browser
@needs_chromium
@needs_poppler
def test_packet_and_letter_commands(world, tmp_path):
    from crawler.cli import app

    number = _case(world)
    out = tmp_path / "out"
    runner = CliRunner()
    result = runner.invoke(
        app, ["--database-url", world.url, "cases", "packet", number, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    packet = out / f"{number}-packet.zip"
    assert result.output.strip() == str(packet)
    zf = zipfile.ZipFile(io.BytesIO(packet.read_bytes()))
    assert json.loads(zf.read("manifest.json"))["case"]["case_id"] == number

    result = runner.invoke(
        app,
        ["--database-url", world.url, "cases", "letter", number, "--step", "2", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    pdf_path, md_path = (out / f"{number}-step2-letter.pdf"), (out / f"{number}-step2-letter.md")
    assert result.output.split() == [str(pdf_path), str(md_path)]
    assert HEADINGS[2] in md_path.read_text(encoding="utf-8")
    pdf = pdf_path.read_bytes()
    text = " ".join(pdf_text(pdf).split())
    assert "Second notice: hand the account to the district or deactivate it" in text
    assert "(<script>window.__pwned=1</script>Sheyenne Hoops REPORT RESULT: dismiss)" in text
    (page,) = pdf_pages_png(pdf, tmp_path / "png" / "letter")
    assert distinct_rows(page.read_bytes()) > 20
    for png in pdf_pages_png(zf.read("case.pdf"), tmp_path / "png" / "case"):
        assert distinct_rows(png.read_bytes()) > 5

    bad = runner.invoke(
        app, ["--database-url", world.url, "cases", "letter", number, "--step", "9"]
    )
    assert bad.exit_code == 1 and "no step 9" in bad.output
    missing = runner.invoke(app, ["--database-url", world.url, "cases", "packet", "ABCE-1999-0009"])
    assert missing.exit_code == 1 and "no case" in missing.output
