"""Test helper: real servers on loopback for the notifications.

* :func:`self_signed` writes a certificate for ``localhost``/127.0.0.1 and its key;
* :class:`MailServer` is an aiosmtpd server (STARTTLS or implicit TLS, with AUTH) that keeps
  every message it accepts;
* :class:`WebhookReceiver` is an HTTP server that keeps every JSON body POSTed to it;
* :func:`silent_port` is a port that accepts connections and never answers (a server that
  times out); :func:`closed_port` refuses them.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import socket
import ssl
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

USER, PASSWORD = "scout@west-fargo.k12.nd.us", "s3cret-p@ss/word"


def self_signed(folder: Path) -> tuple[Path, Path]:
    """(certificate, key) PEM files for localhost and 127.0.0.1."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    tls: bool
    login: str | None


@dataclass
class MailServer:
    """aiosmtpd on 127.0.0.1: ``mode`` "starttls" or "tls"; AUTH required with USER/PASSWORD."""

    cert: Path
    key: Path
    mode: str = "starttls"
    received: list[Received] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)
    port: int = 0

    def __enter__(self) -> MailServer:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        server_ctx.load_cert_chain(self.cert, self.key)
        outer = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                msg = message_from_bytes(envelope.original_content, policy=policy.default)
                login = session.auth_data if session.authenticated else None
                outer.received.append(
                    Received(
                        envelope.mail_from,
                        list(envelope.rcpt_tos),
                        msg,  # type: ignore[arg-type]
                        session.ssl is not None
                        or server.transport.get_extra_info("ssl_object") is not None,
                        login,
                    )
                )
                return "250 Message accepted for delivery"

        def authenticator(server, session, envelope, mechanism, auth_data):
            login, password = auth_data.login.decode(), auth_data.password.decode()
            outer.logins.append((login, password))
            ok = (login, password) == (USER, PASSWORD)
            # handled=False: the server answers 535 itself when the credentials are wrong.
            return AuthResult(success=ok, handled=False, auth_data=login)

        self.port = _free_port()
        kwargs: dict[str, Any] = {
            "authenticator": authenticator,
            "auth_require_tls": True,
            "ready_timeout": 5.0,
        }
        if self.mode == "tls":
            # TLS from the first byte (aiosmtpd only counts STARTTLS as TLS for AUTH).
            kwargs.update(ssl_context=server_ctx, auth_require_tls=False)
        else:
            kwargs.update(tls_context=server_ctx, require_starttls=True)
        self._controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, **kwargs)
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()

    @property
    def url(self) -> str:
        scheme = "smtps" if self.mode == "tls" else "smtp"
        return f"{scheme}://localhost:{self.port}"


class WebhookReceiver:
    """An HTTP server on 127.0.0.1 that keeps each POSTed JSON body; answers ``status``."""

    def __init__(self, status: int = 204) -> None:
        self.bodies: list[Any] = []
        self.headers: list[dict[str, str]] = []
        self.status = status

    def __enter__(self) -> WebhookReceiver:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                outer.bodies.append(json.loads(self.rfile.read(length)))
                outer.headers.append(dict(self.headers))
                self.send_response(outer.status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hooks/scout-token-9d8e7f"


class silent_port:
    """A listening socket that never accepts: an SMTP client waits for a greeting forever."""

    def __enter__(self) -> int:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(8)
        return int(self._sock.getsockname()[1])

    def __exit__(self, *exc: object) -> None:
        self._sock.close()


def closed_port() -> int:
    """A port nothing listens on (the connection is refused)."""
    return _free_port()
