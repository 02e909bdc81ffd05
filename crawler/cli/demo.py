"""`scout demo`: the whole job against the bundled sample world (the logic is :mod:`crawler.demo`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crawler.cli.common import handle_errors
from crawler.cli.console import print_demo


def register(app: typer.Typer, registry_app: typer.Typer) -> None:
    app.command("demo")(demo)


@handle_errors
def demo(
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the demo's files and report.")
    ] = Path("scout-demo"),
    keep_running: Annotated[
        bool, typer.Option("--serve", help="Keep the sample world running afterwards.")
    ] = False,
) -> None:
    """Run init, import, scan and report against the bundled sample world on localhost."""
    from crawler.demo import run_demo

    result = run_demo(out, on_step=typer.echo)
    print_demo(result)
    if keep_running:
        typer.echo("sample world running; Ctrl-C to stop")
        result.wait()
    result.close()
    if not result.ok:
        raise typer.Exit(1)
