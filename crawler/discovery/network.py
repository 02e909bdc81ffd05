"""Network conventions every HTTP client of the tool honours: proxies and TLS trust.

School networks often send traffic through a proxy and inspect TLS with their own CA. The
usual environment variables configure all clients alike:

- ``HTTPS_PROXY`` / ``HTTP_PROXY`` / ``NO_PROXY`` (also lower case): Scrapy's
  ``HttpProxyMiddleware`` and ``urllib`` read them themselves; :func:`browser_proxy` turns
  them into Playwright's ``proxy`` option for Chromium. A local world (loopback) is never
  reached through a proxy (the host map clears the proxy; Chromium bypasses loopback).
- ``SSL_CERT_FILE`` / ``SSL_CERT_DIR``: extra trusted CAs, *added* to the system's (the
  certifi bundle and the OS store) — :class:`TrustStore` for Scrapy, Python's own ``ssl``
  for ``urllib``, and for Chromium an NSS database in a private ``HOME`` holding those CAs
  (:func:`browser_env`, needs ``certutil`` from Debian's ``libnss3-tools``).

Scrapy does not verify certificates by default; this project does
(``DOWNLOAD_VERIFY_CERTIFICATES``, from ``crawl.tls_verify``, default true): API keys must
not go to a man in the middle. Turning it off is for development against a test server only.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from twisted.internet._sslverify import IOpenSSLTrustRoot  # the interface optionsForClientTLS takes
from zope.interface import implementer

logger = logging.getLogger(__name__)

SYSTEM_CA_FILES = (
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/ssl/cert.pem",
)
PEM_CERT = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S)


def _env(env: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if env is None else env


def _get(env: Mapping[str, str], name: str) -> str:
    return (env.get(name) or env.get(name.lower()) or "").strip()


# --------------------------------------------------------------------------- TLS trust


def extra_ca_files(env: Mapping[str, str] | None = None) -> list[str]:
    """``SSL_CERT_FILE`` when it names a readable file."""
    path = _get(_env(env), "SSL_CERT_FILE")
    return [path] if path and os.path.isfile(path) else []


def extra_ca_dirs(env: Mapping[str, str] | None = None) -> list[str]:
    value = _get(_env(env), "SSL_CERT_DIR")
    return [d for d in value.split(os.pathsep) if d and os.path.isdir(d)]


@implementer(IOpenSSLTrustRoot)
class TrustStore:
    """The system's CAs (certifi and the OS bundle) plus ``SSL_CERT_FILE`` / ``SSL_CERT_DIR``.

    OpenSSL's own default paths *replace* the system bundle when ``SSL_CERT_FILE`` is set;
    here the extra CAs are added, so a TLS-inspecting proxy's CA works without losing the
    public ones.
    """

    def __init__(self, files: list[str], dirs: list[str]) -> None:
        self.files = files
        self.dirs = dirs

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> TrustStore:
        files: list[str] = []
        try:
            import certifi

            files.append(certifi.where())
        except ImportError:  # pragma: no cover - certifi comes with Scrapy's dependencies
            pass
        files += [f for f in SYSTEM_CA_FILES if os.path.isfile(f)][:1]
        files += extra_ca_files(env)
        return cls(list(dict.fromkeys(files)), extra_ca_dirs(env))

    def _addCACertsToContext(self, context: Any) -> None:
        context.set_default_verify_paths()
        for path in self.files:
            context.load_verify_locations(path)
        for folder in self.dirs:
            context.load_verify_locations(None, folder)


# --------------------------------------------------------------------------- proxies


def proxy_for(scheme: str, env: Mapping[str, str] | None = None) -> str:
    """The proxy URL for ``scheme`` (``https`` falls back to ``HTTP_PROXY``), or ''."""
    e = _env(env)
    value = _get(e, "HTTPS_PROXY") if scheme == "https" else ""
    return value or _get(e, "HTTP_PROXY")


def browser_proxy(env: Mapping[str, str] | None = None) -> dict[str, str] | None:
    """Playwright's ``proxy`` launch option from the environment, or None.

    Chromium takes one proxy for all schemes: ``HTTPS_PROXY`` when set, else ``HTTP_PROXY``.
    ``NO_PROXY`` becomes the bypass list (Chromium bypasses loopback by itself).
    """
    e = _env(env)
    url = proxy_for("https", e)
    if not url:
        return None
    if "://" not in url:
        url = f"http://{url}"
    p = urlsplit(url)
    server = f"{p.scheme}://{p.hostname}" + (f":{p.port}" if p.port else "")
    out = {"server": server}
    bypass = ",".join(h.strip() for h in _get(e, "NO_PROXY").split(",") if h.strip())
    if bypass:
        out["bypass"] = bypass
    if p.username:
        out["username"] = unquote(p.username)
        out["password"] = unquote(p.password or "")
    return out


def proxy_hosts(env: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """Host names of the configured proxies (the DNS guard lets them resolve to private addresses)."""
    hosts = []
    for scheme in ("http", "https"):
        url = proxy_for(scheme, env)
        if url:
            host = urlsplit(url if "://" in url else f"http://{url}").hostname
            if host:
                hosts.append(host.lower())
    return tuple(dict.fromkeys(hosts))


# --------------------------------------------------------------------------- Chromium


def browser_env(env: Mapping[str, str] | None = None) -> dict[str, str] | None:
    """Environment for Chromium that trusts ``SSL_CERT_FILE``'s CAs, or None when there is nothing to add.

    Chromium on Linux reads user-added roots from the NSS database ``$HOME/.pki/nssdb``; one
    is made in a private ``HOME`` with the CAs of ``SSL_CERT_FILE`` (``certutil``, Debian's
    ``libnss3-tools``). Without ``certutil`` a warning says the browser will not trust them
    (evidence capture through a TLS-inspecting proxy then fails and is reported per page).
    """
    e = _env(env)
    files = tuple(extra_ca_files(e))
    if not files:
        return None
    home = _nss_home(files)
    if home is None:
        return None
    return {**e, "HOME": home}


@lru_cache(maxsize=4)
def _nss_home(files: tuple[str, ...]) -> str | None:
    """A ``HOME`` whose NSS database holds the CAs of ``files``.

    Made once per set of CAs and user, in the temp folder, and reused by every later process
    (each crawl is a process of its own, each Scrapyd job too): a system bundle of ~150 CAs
    takes ~150 ``certutil`` runs, seconds at every crawl's start otherwise. The folder is
    built privately and renamed into place when complete; one not owned by this user, open to
    others or incomplete is not used."""
    certutil = shutil.which("certutil")
    if certutil is None:
        logger.warning(
            "SSL_CERT_FILE is set but certutil (Debian: libnss3-tools) is missing: "
            "the browser will not trust its CAs"
        )
        return None
    pems = [pem for path in files for pem in PEM_CERT.findall(Path(path).read_bytes())]
    digest = hashlib.sha256(b"\n".join(pems)).hexdigest()[:24]
    shared = Path(tempfile.gettempdir()) / f"scout-browser-home-{os.getuid()}-{digest}"
    if _usable_home(shared):
        return str(shared)
    home = Path(tempfile.mkdtemp(prefix="scout-browser-home-"))
    db = home / ".pki" / "nssdb"
    db.mkdir(parents=True)
    run = [certutil, "-d", f"sql:{db}"]
    subprocess.run([*run, "-N", "--empty-password"], check=True, capture_output=True)  # noqa: S603
    for n, pem in enumerate(pems, 1):
        cert = home / f"ca-{n}.pem"
        cert.write_bytes(pem + b"\n")
        subprocess.run(  # noqa: S603
            [*run, "-A", "-n", f"scout-extra-ca-{n}", "-t", "C,,", "-i", str(cert)],
            check=True,
            capture_output=True,
        )
    try:
        home.rename(shared)  # fails when another process put its copy there first
    except OSError:
        if _usable_home(shared):
            shutil.rmtree(home, ignore_errors=True)
            return str(shared)
        return str(home)
    return str(shared)


def _usable_home(home: Path) -> bool:
    try:
        st = home.lstat()
    except OSError:
        return False
    return (
        stat.S_ISDIR(st.st_mode)
        and st.st_uid == os.getuid()
        and not st.st_mode & 0o077
        and (home / ".pki" / "nssdb" / "cert9.db").is_file()
    )


def browser_launch_options(
    executable: str, args: list[str], env: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Playwright ``chromium.launch`` options: the system Chromium with the environment's
    proxy and extra CAs."""
    options: dict[str, Any] = {"executable_path": executable, "headless": True, "args": list(args)}
    proxy = browser_proxy(env)
    if proxy:
        options["proxy"] = proxy
    extra = browser_env(env)
    if extra:
        options["env"] = extra
    return options
