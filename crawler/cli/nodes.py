"""`scout node` (run a Scrapyd node for this project) and `scout nodes` (the configured nodes)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from crawler.cli.common import STATE, emit_json, handle_errors


def register(app: typer.Typer, registry_app: typer.Typer) -> None:
    @app.command()
    @handle_errors
    def node(
        host: Annotated[
            str, typer.Option("--host", help="Address to listen on (0.0.0.0: every interface).")
        ] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", help="HTTP port of the node.")] = 6800,
        max_proc: Annotated[
            int | None,
            typer.Option("--max-proc", help="Jobs at once (default: [scrapyd] slots)."),
        ] = None,
        folder: Annotated[
            Path | None,
            typer.Option("--dir", help="The node's folder: scrapyd.conf, logs, queue."),
        ] = None,
    ) -> None:
        """Run a Scrapyd node for this project (for `scout scan` to dispatch crawl jobs to)."""
        from crawler.discovery.scrapyd import node_command, node_environment, write_node_config
        from crawler.errors import InputError

        config = STATE.config
        slots = max_proc if max_proc is not None else config.scrapyd.slots
        if slots < 1 or not 0 < port < 65536:
            raise InputError("--max-proc must be at least 1 and --port between 1 and 65535")
        where = (folder or config.jobs_dir.parent / "scrapyd").resolve()
        conf = write_node_config(
            where, host=host, port=port, max_proc=slots, project=config.scrapyd.project
        )
        typer.echo(f"scrapyd node on http://{host}:{port} ({slots} jobs at once; {conf})", err=True)
        argv = node_command(where)
        os.chdir(where)
        os.execve(argv[0], argv, node_environment(config))  # noqa: S606 - Scrapyd itself

    @app.command()
    @handle_errors
    def nodes(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
        """The configured Scrapyd nodes: status, running and pending jobs."""
        from crawler.discovery.scrapyd import nodes_report
        from crawler.errors import InputError

        config = STATE.config
        if not config.scrapyd.enabled:
            raise InputError("no Scrapyd nodes: set [scrapyd] urls or SCOUT_SCRAPYD_URLS")
        report = nodes_report(config)
        if as_json:
            emit_json(report)
            return
        for n in report:
            if n["status"] != "ok":
                typer.echo(f"{n['url']}: unreachable ({n['error']})")
                continue
            typer.echo(
                f"{n['url']}: ok, {len(n['running'])} running, {len(n['pending'])} pending, "
                f"{n['finished']} finished"
            )
            for state in ("running", "pending"):
                for j in n[state]:
                    typer.echo(f"  {state}: {j['spider']} {j['id']}")


__all__ = ["register"]
