"""``[auth]`` of ``scout.toml``: the web app's sign-in by a trusted proxy and by OpenID Connect.

Environment variables override the file: ``SCOUT_TRUSTED_HEADER``, ``SCOUT_TRUSTED_PROXIES``
(comma-separated CIDRs), ``SCOUT_OIDC_ISSUER``, ``SCOUT_OIDC_ALLOWED_DOMAINS`` (comma-separated)
and ``SCOUT_OIDC_DEFAULT_ROLE``.
"""

from __future__ import annotations

import ipaddress
import re
from typing import TYPE_CHECKING, Any

from crawler.config.model import ROLES, Auth

if TYPE_CHECKING:
    from crawler.config.loading import _Doc

AUTH_KEYS = {"trusted_header", "trusted_proxies", "oidc_issuer", "allowed_domains", "default_role"}
_HEADER = re.compile(r"[A-Za-z0-9-]{1,100}")
_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
_LOOPBACK = ("127.0.0.1", "localhost", "[::1]")


def _env_list(value: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in value.split(",") if s.strip())


def _issuer(doc: _Doc, value: str) -> str:
    """An https issuer URL (http only on loopback, for a local test provider)."""
    value = value.strip().rstrip("/")
    m = re.fullmatch(r"(https?)://([^/:]+|\[::1\])(:\d+)?(/.*)?", value)
    if value and (m is None or (m.group(1) == "http" and m.group(2) not in _LOOPBACK)):
        raise doc.error(
            f"auth.oidc_issuer: '{value}' is not an https URL", "oidc_issuer", "auth.oidc_issuer"
        )
    return value


def read_auth(doc: _Doc, env: dict[str, str]) -> Auth:
    t: dict[str, Any] = doc.section("auth", AUTH_KEYS)
    header = env.get("SCOUT_TRUSTED_HEADER") or doc.str_of(t, "trusted_header", "auth") or ""
    if header and not _HEADER.fullmatch(header.strip()):
        raise doc.error(
            f"auth.trusted_header: '{header}' is not a header name",
            "trusted_header",
            "auth.trusted_header",
        )
    proxies = doc.list_of(t, "trusted_proxies", "auth") or ()
    if env.get("SCOUT_TRUSTED_PROXIES"):
        proxies = _env_list(env["SCOUT_TRUSTED_PROXIES"])
    for net in proxies:
        try:
            ipaddress.ip_network(net, strict=False)
        except ValueError:
            raise doc.error(
                f"auth.trusted_proxies: '{net}' is not an address or CIDR",
                "trusted_proxies",
                "auth.trusted_proxies",
            ) from None
    domains = doc.list_of(t, "allowed_domains", "auth") or ()
    if env.get("SCOUT_OIDC_ALLOWED_DOMAINS"):
        domains = _env_list(env["SCOUT_OIDC_ALLOWED_DOMAINS"])
    domains = tuple(d.lower().lstrip("@") for d in domains)
    for d in domains:
        if not _DOMAIN.fullmatch(d):
            raise doc.error(
                f"auth.allowed_domains: '{d}' is not a domain name",
                "allowed_domains",
                "auth.allowed_domains",
            )
    role = (
        env.get("SCOUT_OIDC_DEFAULT_ROLE") or doc.str_of(t, "default_role", "auth") or "viewer"
    ).lower()
    if role not in ROLES:
        raise doc.error(
            f"auth.default_role: '{role}' is not one of {', '.join(ROLES)}",
            "default_role",
            "auth.default_role",
        )
    issuer = env.get("SCOUT_OIDC_ISSUER") or doc.str_of(t, "oidc_issuer", "auth") or ""
    return Auth(
        trusted_header=header.strip(),
        trusted_proxies=proxies,
        oidc_issuer=_issuer(doc, issuer),
        allowed_domains=domains,
        default_role=role,
    )
