"""Notifications after a scan: an e-mail to PR and the scan summary to a webhook.

Switched on by the environment (README, "Notifications"):

* ``SCOUT_SMTP_URL``: ``smtp://[user[:password]@]host[:port]`` (STARTTLS, port 587 by default)
  or ``smtps://…`` (TLS from the first byte, port 465); the password may instead come from
  ``SCOUT_SMTP_PASSWORD``. ``SCOUT_NOTIFY_TO``: comma-separated recipients;
  ``SCOUT_NOTIFY_FROM``: the sender (default: the SMTP user when it is an address).
* ``SCOUT_WEBHOOK_URL``: receives the scan summary as JSON (POST).
* ``SCOUT_BASE_URL``: the web app's address, for the links in the e-mail.
* ``SCOUT_NOTIFY_TIMEOUT``: seconds to wait for a server (default 30).

Certificates are verified against the system's CAs (``SSL_CERT_FILE`` adds a district's own).
A failed send is logged, counted in the scan's notes and statistics, and kept in
``notify-pending.json`` beside the reports folder to be retried after the next scan; it never
fails the scan. The SMTP password and the webhook's address (which often holds a token) appear
in no message, log line or file.

The documents themselves (subject, text and HTML parts, the JSON) are made by
:mod:`reports.documents.notification`.
"""

from __future__ import annotations

import json
import logging
import os
import smtplib
import socket
import ssl
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from crawler.config import Config, redact
from crawler.db.models import Scan, utcnow
from crawler.errors import InputError
from crawler.vocab import ScanKind

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10  # a message still failing after this many scans is dropped (and said so)


@dataclass(frozen=True)
class NotifySettings:
    """Where notifications go. ``repr`` shows no password and no webhook address."""

    smtp_url: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)
    to: tuple[str, ...] = ()
    sender: str | None = None
    webhook_url: str | None = field(default=None, repr=False)
    base_url: str | None = None
    timeout: float = 30.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> NotifySettings:
        env = os.environ if env is None else env
        to = tuple(a.strip() for a in env.get("SCOUT_NOTIFY_TO", "").split(",") if a.strip())
        try:
            timeout = float(env.get("SCOUT_NOTIFY_TIMEOUT") or 30)
        except ValueError:
            raise InputError("SCOUT_NOTIFY_TIMEOUT must be a number of seconds") from None
        return cls(
            smtp_url=env.get("SCOUT_SMTP_URL") or None,
            password=env.get("SCOUT_SMTP_PASSWORD") or None,
            to=to,
            sender=env.get("SCOUT_NOTIFY_FROM") or None,
            webhook_url=env.get("SCOUT_WEBHOOK_URL") or None,
            base_url=(env.get("SCOUT_BASE_URL") or "").rstrip("/") or None,
            timeout=timeout,
        )

    @property
    def email_on(self) -> bool:
        return bool(self.smtp_url and self.to)

    def secrets(self) -> list[str]:
        """Values that must never be shown: the password (plain and URL-encoded), the webhook."""
        out = []
        if self.smtp_url:
            pw = urlsplit(self.smtp_url).password
            if pw:
                out += [pw, unquote(pw)]
        if self.password:
            out.append(self.password)
        if self.webhook_url:
            out.append(self.webhook_url)
        return [s for s in out if s]

    def hide(self, text: str) -> str:
        """``text`` with every secret replaced (and the configured API keys, as everywhere)."""
        for s in sorted(self.secrets(), key=len, reverse=True):
            text = text.replace(s, "[redacted]")
        return redact(text)


class NotifyError(Exception):
    """A notification could not be delivered (the message has no secret in it)."""


# --------------------------------------------------------------------------- sending


def _smtp_target(settings: NotifySettings) -> tuple[str, str, int, str | None, str | None]:
    """(scheme, host, port, user, password) of ``SCOUT_SMTP_URL``."""
    parts = urlsplit(settings.smtp_url or "")
    scheme = parts.scheme.lower()
    if scheme not in ("smtp", "smtps") or not parts.hostname:
        raise InputError("SCOUT_SMTP_URL must look like smtp://host:587 or smtps://host:465")
    try:
        port = parts.port or (465 if scheme == "smtps" else 587)
    except ValueError:
        raise InputError("SCOUT_SMTP_URL has a bad port") from None
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else settings.password
    return scheme, parts.hostname, port, user, password


def build_message(settings: NotifySettings, subject: str, text: str, html: str) -> EmailMessage:
    """A multipart/alternative message (text, then HTML) to every recipient."""
    _, host, _, user, _ = _smtp_target(settings)
    sender = settings.sender or (
        user if user and "@" in user else f"district-account-scout@{socket.getfqdn() or host}"
    )
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = ", ".join(settings.to)
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1])
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg


def send_email(settings: NotifySettings, message: EmailMessage | str) -> None:
    """Deliver ``message`` (or a stored one, as text) by SMTP; raises :class:`NotifyError`."""
    scheme, host, port, user, password = _smtp_target(settings)
    if isinstance(message, str):
        from email import message_from_string, policy

        message = message_from_string(message, policy=policy.default)  # type: ignore[assignment]
    assert isinstance(message, EmailMessage)
    context = ssl.create_default_context()
    try:
        smtp: smtplib.SMTP
        if scheme == "smtps":
            smtp = smtplib.SMTP_SSL(host, port, timeout=settings.timeout, context=context)
        else:
            smtp = smtplib.SMTP(host, port, timeout=settings.timeout)
        with smtp:
            smtp.ehlo()
            if scheme == "smtp":
                smtp.starttls(context=context)
                smtp.ehlo()
            if user and password:
                smtp.login(user, password)
            refused = smtp.send_message(message, to_addrs=list(settings.to))
        if refused:
            raise NotifyError(f"the server refused {len(refused)} recipient(s)")
    except NotifyError:
        raise
    except (OSError, smtplib.SMTPException) as exc:
        raise NotifyError(settings.hide(f"e-mail to {host}:{port} failed: {_why(exc)}")) from None


def _why(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError | socket.timeout):
        return "timed out"
    if isinstance(exc, smtplib.SMTPResponseException):
        err = exc.smtp_error
        text = err.decode("utf-8", "replace") if isinstance(err, bytes) else str(err)
        return f"{exc.smtp_code} {text}"[:300]
    return f"{type(exc).__name__}: {exc}"[:300]


def _webhook_host(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")


def post_webhook(settings: NotifySettings, payload: dict[str, Any]) -> None:
    """POST the JSON to ``SCOUT_WEBHOOK_URL``; any answer but 2xx is a :class:`NotifyError`."""
    url = settings.webhook_url or ""
    where = _webhook_host(url)
    if urlsplit(url).scheme not in ("http", "https"):
        raise NotifyError("SCOUT_WEBHOOK_URL must be an http(s) URL")
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "DistrictAccountScout"},
    )
    try:
        with urllib.request.urlopen(req, timeout=settings.timeout) as resp:  # noqa: S310
            status = resp.status
    except urllib.error.HTTPError as exc:
        raise NotifyError(f"webhook {where} answered HTTP {exc.code}") from None
    except (OSError, ValueError) as exc:
        raise NotifyError(settings.hide(f"webhook {where} failed: {_why(exc)}")) from None
    if not 200 <= status < 300:
        raise NotifyError(f"webhook {where} answered HTTP {status}")


# --------------------------------------------------------------------------- retry queue


def pending_path(config: Config) -> Path:
    """Notifications waiting for a retry: a JSON file beside the reports folder."""
    if config.several_districts:  # reports/<key>/: each district keeps its own
        return config.reports_dir / "notify-pending.json"
    return config.reports_dir.parent / "notify-pending.json"


def _load_pending(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable %s: %s", path, exc)
        return []
    return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []


def _save_pending(path: Path, items: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(items, indent=2, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


@dataclass
class NotifyResult:
    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    pending: int = 0

    def notes(self) -> list[str]:
        out = [f"notification failed: {f}" for f in self.failed]
        if self.pending:
            out.append(f"{self.pending} notification(s) will be retried after the next scan")
        return out

    def stats(self) -> dict[str, int]:
        return {
            "notifications_sent": len(self.sent),
            "notifications_failed": len(self.failed),
            "notifications_pending": self.pending,
        }


def _deliver(settings: NotifySettings, item: dict[str, Any]) -> None:
    if item["kind"] == "email":
        if item.get("to"):  # the recipients of the message's own district, as when it was made
            settings = replace(settings, to=tuple(item["to"]))
        send_email(settings, item["message"])
    else:
        post_webhook(settings, item["payload"])


def _attempt(
    settings: NotifySettings, item: dict[str, Any], result: NotifyResult
) -> dict[str, Any] | None:
    """Send one item; on failure, the item to keep (None when it is given up)."""
    label = f"{item['kind']} for scan #{item.get('scan_id')}"
    try:
        _deliver(settings, item)
    except NotifyError as exc:
        reason = settings.hide(str(exc))
        log.warning("notification %s failed: %s", label, reason)
        result.failed.append(f"{label}: {reason}")
        item = {**item, "attempts": int(item.get("attempts", 0)) + 1, "last_error": reason}
        if item["attempts"] >= MAX_ATTEMPTS:
            result.failed.append(f"{label}: given up after {MAX_ATTEMPTS} attempts")
            return None
        return item
    result.sent.append(label)
    return None


def _items_for_scan(
    config: Config, settings: NotifySettings, factory: Any, scan_id: int
) -> list[dict[str, Any]]:
    from reports.documents.notification import render_notification

    with factory.begin() as s:
        email = render_notification(s, config, scan_id, settings.base_url)
    items: list[dict[str, Any]] = []
    base = {
        "scan_id": scan_id,
        "district": config.district,
        "created_at": utcnow().isoformat(),
        "attempts": 0,
    }
    if settings.email_on and email.noteworthy:
        msg = build_message(settings, email.subject, email.text, email.html)
        items.append({**base, "kind": "email", "to": list(settings.to), "message": msg.as_string()})
    if settings.webhook_url:
        items.append({**base, "kind": "webhook", "payload": email.summary})
    return items


def district_recipients(session: Any) -> tuple[str, ...]:
    """The e-mail recipients the session's district names in its profile (``notify_to``)."""
    from crawler.db.store import district_row

    profile = district_row(session).profile or {}
    return tuple((profile.get("district") or {}).get("notify_to") or ())


def for_district(settings: NotifySettings, session: Any) -> NotifySettings:
    """``settings`` with the district's own recipients where its profile names them (else
    ``SCOUT_NOTIFY_TO``): one district's e-mail never goes to another district's people."""
    own = district_recipients(session)
    return replace(settings, to=own) if own else settings


def _is_scan(factory: Any, scan_id: int) -> bool:
    """Only a scan notifies (an ad-hoc search does not)."""
    try:
        with factory.begin() as s:
            row = s.get(Scan, scan_id)
            return row is not None and row.kind == ScanKind.SCAN
    except Exception:
        return False


def notify_after_scan(
    config: Config, factory: Any, scan_id: int, env: Mapping[str, str] | None = None
) -> list[str]:
    """Retry what failed before, then send this scan's e-mail and webhook; returns notes for
    the scan summary (and stores the counts in the scan's statistics). Nothing after an
    ad-hoc search. Never raises."""
    try:
        settings = NotifySettings.from_env(env)
        with factory.begin() as s:
            settings = for_district(settings, s)
    except InputError as exc:
        return [f"notifications off: {exc}"]
    except Exception as exc:  # the district row could not be read: the scan still finishes
        return [f"notifications off: {type(exc).__name__}: {exc}"[:300]]
    path = pending_path(config)
    waiting: list[dict[str, Any]] = []
    others: list[dict[str, Any]] = []
    for item in _load_pending(path):  # another district's waiting messages stay for its scan
        mine = item.get("district") in (None, config.district)
        (waiting if mine else others).append(item)
    if not (settings.email_on or settings.webhook_url or waiting) or not _is_scan(factory, scan_id):
        if settings.smtp_url and not settings.to and _is_scan(factory, scan_id):
            return [
                "no e-mail sent: SCOUT_SMTP_URL is set but neither SCOUT_NOTIFY_TO nor the "
                "district profile's notify_to names a recipient"
            ]
        return []
    result = NotifyResult()
    keep: list[dict[str, Any]] = []
    try:
        for item in [*waiting, *_items_for_scan(config, settings, factory, scan_id)]:
            kept = _attempt(settings, item, result)
            if kept is not None:
                keep.append(kept)
    except Exception as exc:  # a bug or a bad setting must not fail the finished scan
        reason = settings.hide(f"{type(exc).__name__}: {exc}")[:300]
        log.warning("notifications failed: %s", reason)
        result.failed.append(reason)
    result.pending = len(keep)
    try:
        _save_pending(path, [*others, *keep])
        with factory.begin() as s:
            row = s.get(Scan, scan_id)
            if row is not None:
                row.stats = {**(row.stats or {}), **result.stats()}
    except Exception as exc:
        result.failed.append(settings.hide(f"could not record notifications: {exc}")[:300])
    return result.notes()


def send_test(
    config: Config,
    district: str,
    env: Mapping[str, str] | None = None,
    recipients: tuple[str, ...] = (),
) -> list[str]:
    """``scout notify --test``: one test e-mail and one test webhook call, each reported.
    ``recipients``: the district's own (its profile's ``notify_to``), else SCOUT_NOTIFY_TO."""
    from reports.documents.notification import render_test_message

    settings = NotifySettings.from_env(env)
    if recipients:
        settings = replace(settings, to=recipients)
    if not (settings.email_on or settings.webhook_url):
        raise InputError(
            "notifications are off: set SCOUT_SMTP_URL and SCOUT_NOTIFY_TO, or SCOUT_WEBHOOK_URL"
        )
    email = render_test_message(config, district, settings.base_url)
    lines = []
    if settings.email_on:
        msg = build_message(settings, email.subject, email.text, email.html)
        try:
            send_email(settings, msg)
            lines.append(f"e-mail sent to {', '.join(settings.to)}")
        except NotifyError as exc:
            raise NotifyError(settings.hide(str(exc))) from None
    if settings.webhook_url:
        post_webhook(settings, email.summary)
        lines.append(f"webhook {_webhook_host(settings.webhook_url)} answered")
    return lines
