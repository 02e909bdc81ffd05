"""`scout serve`: the review web app under uvicorn.

The app is started by import string (``crawler.web.app:from_env``), so ``--workers`` can start
several processes; each reads the configuration from the environment this command sets.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from crawler.cli.common import STATE, fail, handle_errors


@handle_errors
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8080,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Worker processes (above 1: SCOUT_SECRET_KEY).")
    ] = 1,
    root_path: Annotated[
        str,
        typer.Option("--root-path", help="URL prefix when a reverse proxy serves it under a path."),
    ] = "",
) -> None:
    """Serve the review web app (sign-in required; create users with `scout users add`)."""
    cfg = STATE.config  # a bad configuration fails here, before any worker starts
    if workers > 1 and not os.environ.get("SCOUT_SECRET_KEY"):
        raise fail(
            "--workers above 1 needs SCOUT_SECRET_KEY (a long random string shared by the "
            "workers, e.g. from `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)"
        )
    if root_path and not root_path.startswith("/"):
        raise fail("--root-path must start with / (e.g. /scout)")
    from crawler.db import engine_for

    engine_for(cfg.database_url)  # migrate once, before the workers start
    os.environ["SCOUT_DATABASE_URL"] = cfg.database_url
    if cfg.path is not None:
        os.environ["SCOUT_CONFIG"] = str(cfg.path)
    import uvicorn

    typer.echo(f"scout serve: http://{host}:{port}{root_path.rstrip('/')}/", err=True)
    uvicorn.run(
        "crawler.web.app:from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        root_path=root_path.rstrip("/"),
        # The app reads X-Forwarded-For/-Proto itself (from $FORWARDED_ALLOW_IPS, default
        # 127.0.0.1), keeping the proxy's own address for the trusted user header.
        proxy_headers=False,
        server_header=False,
    )


def register(app: typer.Typer, registry_app: typer.Typer) -> None:
    app.command("serve")(serve)
