"""Network conventions: HTTP(S)_PROXY / NO_PROXY and SSL_CERT_FILE are honoured by Scrapy and
by Chromium, and certificates are verified (a school network's TLS inspection works once its
CA is given; a man in the middle without it gets nothing, API keys included)."""

from __future__ import annotations

import datetime
import http.server
import ipaddress
import shutil
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.discovery.network import browser_launch_options, browser_proxy, proxy_hosts
from crawler.discovery.settings import CHROMIUM_ARGS
from tests.reliability.probe import probe

HAS_CHROMIUM = Path("/usr/bin/chromium").exists()


# --------------------------------------------------------------------------- a CA and servers


def make_ca(folder: Path) -> tuple[Path, Path, Path]:
    """(CA certificate, server certificate, server key) for 127.0.0.1 / localhost, as PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "School Inspection Test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


class Hello(http.server.BaseHTTPRequestHandler):
    """Answers every GET with a small page titled ``title``."""

    title = b"hello"

    def do_GET(self) -> None:
        self.record()
        body = b"<html><title>" + self.title + b"</title><body>" + self.title + b"</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def record(self) -> None:
        pass

    def log_message(self, *args: object) -> None:
        pass


class LoggingProxy(Hello):
    """A forward proxy that answers absolute-URI GETs itself and logs them."""

    title = b"via proxy"

    def record(self) -> None:
        self.server.seen.append(self.path)  # type: ignore[attr-defined]


def serve(
    handler: type, tls: tuple[Path, Path] | None = None
) -> Iterator[http.server.ThreadingHTTPServer]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.seen = []  # type: ignore[attr-defined]
    if tls is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(tls[0]), str(tls[1]))
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def ca(tmp_path_factory) -> tuple[Path, Path, Path]:
    return make_ca(tmp_path_factory.mktemp("ca"))


@pytest.fixture(scope="module")
def https_server(ca) -> Iterator[str]:
    for server in serve(Hello, (ca[1], ca[2])):
        yield f"https://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture
def proxy() -> Iterator[http.server.ThreadingHTTPServer]:
    yield from serve(LoggingProxy)


@pytest.fixture(scope="module")
def plain_server() -> Iterator[str]:
    for server in serve(Hello):
        yield f"http://127.0.0.1:{server.server_address[1]}"


# --------------------------------------------------------------------------- TLS, Scrapy


def test_certificates_are_verified_and_ssl_cert_file_adds_a_ca(ca, https_server):
    untrusted = probe([https_server])
    assert untrusted["results"][https_server] != "200"  # unknown CA: refused, as a MITM would be
    assert (
        untrusted["stats"]["downloader/exception_count"] == 1
    )  # counted (a coverage gap in a scan)
    trusted = probe([https_server], env={"SSL_CERT_FILE": str(ca[0])})
    assert trusted["results"][https_server] == "200"


def test_the_ca_is_added_to_the_system_store_not_instead_of_it(ca):
    from crawler.discovery.network import TrustStore

    store = TrustStore.from_env({"SSL_CERT_FILE": str(ca[0])})
    assert str(ca[0]) in store.files
    assert len(store.files) >= 2  # certifi / the OS bundle stay


def test_verification_can_be_turned_off_explicitly_for_development(https_server):
    insecure = probe([https_server], {"DOWNLOAD_VERIFY_CERTIFICATES": False})
    assert insecure["results"][https_server] == "200"


# --------------------------------------------------------------------------- proxies, Scrapy


def test_requests_go_through_the_proxy_unless_no_proxy_covers_the_host(proxy, plain_server):
    # A name that does not resolve: only a proxy can answer it, so the test cannot pass by accident.
    url = "http://district-mirror.invalid/page"
    proxy_url = f"http://127.0.0.1:{proxy.server_address[1]}"
    via = probe([url], env={"HTTP_PROXY": proxy_url, "HTTPS_PROXY": proxy_url})
    assert via["results"][url] == "200"
    assert proxy.seen == [url]
    direct = probe([url], env={"HTTP_PROXY": proxy_url, "NO_PROXY": "localhost,127.0.0.1,.invalid"})
    assert direct["results"][url] in ("DNSLookupError", "CannotResolveHostError")  # went direct
    assert proxy.seen == [url]  # no second request reached the proxy


def test_a_local_world_is_never_reached_through_the_proxy(proxy, plain_server):
    # No NO_PROXY at all: the host map's loopback targets still go direct.
    proxy_url = f"http://127.0.0.1:{proxy.server_address[1]}"
    url = "https://www.tiktok.com/@x"
    out = probe(
        [url],
        {"SCOUT_HOSTMAP": {"www.tiktok.com": plain_server}},
        env={"HTTP_PROXY": proxy_url, "HTTPS_PROXY": proxy_url},
    )
    assert out["results"][url] == "200"
    assert proxy.seen == []


def test_browser_proxy_from_the_environment():
    env = {
        "HTTPS_PROXY": "http://scout:s%40cret@proxy.school.example:3128",
        "NO_PROXY": "localhost, .k12.nd.us",
    }
    assert browser_proxy(env) == {
        "server": "http://proxy.school.example:3128",
        "bypass": "localhost,.k12.nd.us",
        "username": "scout",
        "password": "s@cret",
    }
    assert browser_proxy({"http_proxy": "proxy:8080"}) == {"server": "http://proxy:8080"}
    assert browser_proxy({}) is None
    assert proxy_hosts(env) == ("proxy.school.example",)


# --------------------------------------------------------------------------- Chromium


async def _open(url: str, env: dict[str, str]) -> str:
    from playwright.async_api import async_playwright

    options = browser_launch_options("/usr/bin/chromium", CHROMIUM_ARGS, env)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(**options, timeout=20_000)
        try:
            page = await browser.new_page()
            try:
                await page.goto(url, timeout=15_000)
            except Exception as exc:  # net::ERR_CERT_AUTHORITY_INVALID and friends
                return f"error: {exc}"
            return await page.title()
        finally:
            await browser.close()


@pytest.mark.browser
@pytest.mark.skipif(not HAS_CHROMIUM, reason="no system Chromium")
@pytest.mark.skipif(not shutil.which("certutil"), reason="certutil (libnss3-tools) missing")
def test_chromium_trusts_ssl_cert_file(ca, https_server):
    import asyncio

    assert "ERR_CERT" in asyncio.run(_open(https_server, {"PATH": "/usr/bin:/bin"}))
    assert (
        asyncio.run(_open(https_server, {"PATH": "/usr/bin:/bin", "SSL_CERT_FILE": str(ca[0])}))
        == "hello"
    )


@pytest.mark.browser
@pytest.mark.skipif(not HAS_CHROMIUM, reason="no system Chromium")
def test_chromium_uses_the_proxy(proxy):
    import asyncio

    proxy_url = f"http://127.0.0.1:{proxy.server_address[1]}"
    url = "http://district-mirror.invalid/page"
    assert (
        asyncio.run(_open(url, {"PATH": "/usr/bin:/bin", "HTTP_PROXY": proxy_url})) == "via proxy"
    )
    assert url in proxy.seen


@pytest.mark.skipif(not shutil.which("certutil"), reason="certutil (libnss3-tools) missing")
def test_the_browsers_ca_store_is_made_once_and_reused_by_later_processes(
    ca, tmp_path, monkeypatch
):
    """Every crawl is a process of its own: the NSS database holding SSL_CERT_FILE's CAs is
    made by the first and found by the others (no ``certutil`` run), unless it is open to
    other users."""
    import subprocess
    import tempfile

    from crawler.discovery import network

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    network._nss_home.cache_clear()
    first = network._nss_home((str(ca[0]),))
    assert first and Path(first).parent == tmp_path
    assert (Path(first) / ".pki/nssdb/cert9.db").is_file()

    runs: list[object] = []
    real_run = subprocess.run
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: runs.append(a) or real_run(*a, **k))
    network._nss_home.cache_clear()  # as a new process
    assert network._nss_home((str(ca[0]),)) == first and runs == []

    Path(first).chmod(0o777)  # another user could have put a CA there: not used
    network._nss_home.cache_clear()
    other = network._nss_home((str(ca[0]),))
    assert other != first and runs
    network._nss_home.cache_clear()
