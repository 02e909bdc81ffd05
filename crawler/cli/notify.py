"""`scout notify --test`: send a test e-mail and webhook call with the configured settings.

Settings come from the environment only (``SCOUT_SMTP_URL``, ``SCOUT_SMTP_PASSWORD``,
``SCOUT_NOTIFY_TO``, ``SCOUT_WEBHOOK_URL``, ``SCOUT_BASE_URL``); see :mod:`crawler.notify`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from crawler.cli.common import STATE, fail, handle_errors


@handle_errors
def notify(
    test: Annotated[
        bool, typer.Option("--test", help="Send a test message to every configured target.")
    ] = False,
) -> None:
    """Scan notifications: `--test` checks the e-mail and webhook settings."""
    from crawler.notify import NotifyError, NotifySettings, send_test

    district, recipients = _district_name()
    if not test:
        settings = NotifySettings.from_env()
        to = recipients or settings.to
        on = settings.smtp_url and to
        typer.echo(f"e-mail: {'on, to ' + ', '.join(to) if on else 'off'}")
        typer.echo(f"webhook: {'on' if settings.webhook_url else 'off'}")
        return
    try:
        lines = send_test(STATE.config, district, recipients=recipients)
    except NotifyError as exc:
        raise fail(str(exc)) from None
    for line in lines:
        typer.echo(line)


def _district_name() -> tuple[str, tuple[str, ...]]:
    """The district's name and its own e-mail recipients (profile ``notify_to``; empty: the
    environment's ``SCOUT_NOTIFY_TO``)."""
    from crawler.db.store import district_row
    from crawler.notify import district_recipients

    try:
        with STATE.session() as s:
            return district_row(s).name, district_recipients(s)
    except Exception:  # no database yet: the test message still goes out
        return "the district", ()


def register(app: typer.Typer, registry_app: typer.Typer) -> None:
    app.command("notify")(notify)
