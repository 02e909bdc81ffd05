"""`scout cases packet ID [--out DIR]` and `scout cases letter ID --step N [--out DIR]`.

The packet is the ZIP PR files with a platform or keeps on record (manifest, case PDF,
report-to-platform text, evidence); a letter is an ABCE-AR1 step's letter to the account's
administrator, as PDF and Markdown. Both are made by :mod:`reports` from stored rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crawler.cli.common import STATE, fail, handle_errors

CaseArg = Annotated[
    str, typer.Argument(metavar="ID", help="Case number (ABCE-2026-0001) or numeric id.")
]
OutOption = Annotated[
    Path | None, typer.Option("--out", help="Folder to write to (default: the current folder).")
]


@handle_errors
def cases_packet(case_id: CaseArg, out: OutOption = None) -> None:
    """Write the case's evidence and report packet (a ZIP) and print its path."""
    from crawler.cases.records import find_case
    from reports.documents.packet import build_packet, packet_name

    with STATE.session() as s:
        case = find_case(s, case_id)
        if case is None:
            raise fail(f"no case '{case_id}'")
        number = case.number
        data = build_packet(s, STATE.config, case.id)
    folder = out or Path.cwd()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / packet_name(number)
    path.write_bytes(data)
    typer.echo(str(path))


@handle_errors
def cases_letter(
    case_id: CaseArg,
    step: Annotated[int, typer.Option("--step", min=1, help="The ABCE-AR1 step (1, 2, …).")],
    out: OutOption = None,
) -> None:
    """Write the letter of an ABCE-AR1 step for a case as PDF and Markdown; print both paths."""
    from crawler.cases.records import find_case
    from reports.documents.letter import build_letter, letter_name

    with STATE.session() as s:
        case = find_case(s, case_id)
        if case is None:
            raise fail(f"no case '{case_id}'")
        letter = build_letter(s, STATE.config, case.id, step)
        name = letter_name(case.number, step)
    folder = out or Path.cwd()
    folder.mkdir(parents=True, exist_ok=True)
    md, pdf = folder / f"{name}.md", folder / f"{name}.pdf"
    md.write_text(letter.markdown, encoding="utf-8")
    pdf.write_bytes(letter.pdf)
    typer.echo(str(pdf))
    typer.echo(str(md))


def register(app: typer.Typer, registry_app: typer.Typer) -> None:
    from crawler.cli.cases import cases_app

    cases_app.command("packet")(cases_packet)
    cases_app.command("letter")(cases_letter)
