"""Generic URL handling before any platform sees a URL: parsing hostile input, hosts, redirects.

Nothing here fetches anything: redirect wrappers are decoded from their query string.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, parse_qs, urlsplit

MAX_URL_LENGTH = 8192
MAX_UNWRAP = 5

_BAD_CHARS = re.compile(r"[\x00-\x20\x7f\u0080-\u009f\u200b-\u200f\u2028\u2029\ufeff]")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
# "instagram.com/foo", "www.x.com", "m.facebook.com:443/x": a host name with a dot, no scheme.
_BARE_HOST = re.compile(
    r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,63}\.?(?::\d+)?(?:[/?#]|$)"
)
_HOST_LABELS = re.compile(
    r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$"
)


def is_hostname(host: str) -> bool:
    """A syntactically valid DNS name (lower-case ASCII, at least two labels)."""
    return len(host) <= 253 and bool(_HOST_LABELS.match(host))


def split_url(raw: str) -> tuple[SplitResult, bool] | None:
    """Parse a user-supplied URL into ``(split, had_userinfo)`` with a lower-case host.

    Adds ``https://`` to a scheme-less ``host/path``. Returns ``None`` for anything that is
    not a plain web URL: other schemes, control characters or spaces inside, over-long input,
    bad ports or brackets. The returned ``netloc`` is the bare host name (no userinfo, no port,
    no trailing dot); ``had_userinfo`` says whether ``user@`` preceded the host, the trick in
    ``https://www.instagram.com@evil.example/``.
    """
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if not text or len(text) > MAX_URL_LENGTH or _BAD_CHARS.search(text):
        return None
    if text.startswith("//"):
        text = "https:" + text
    elif _BARE_HOST.match(
        text
    ):  # before the scheme test: "instagram.com:443/x" is not scheme "instagram.com"
        text = "https://" + text
    elif not _SCHEME.match(text):
        return None
    try:
        parts = urlsplit(text)
        host = parts.hostname
        _ = parts.port  # raises ValueError on a bad port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    host = host.rstrip(".")
    return SplitResult("https", host, parts.path, parts.query, parts.fragment), "@" in parts.netloc


def host_matches(host: str, registrable: str) -> bool:
    """``host`` is ``registrable`` or one of its sub-domains (label boundary respected)."""
    return host == registrable or host.endswith("." + registrable)


def _redirect_target(parts: SplitResult) -> str | None:
    host, path = parts.netloc, parts.path
    params = parse_qs(parts.query)

    def first(name: str) -> str | None:
        values = params.get(name)
        return values[0] if values and values[0].strip() else None

    if host in ("l.facebook.com", "lm.facebook.com", "l.instagram.com") and path in ("/l.php", "/"):
        return first("u")
    if (
        re.fullmatch(r"(?:www\.)?google\.(?:com|[a-z]{2,3}|com?\.[a-z]{2})", host)
        and path == "/url"
    ):
        return first("q") or first("url")
    if host in ("youtube.com", "www.youtube.com", "m.youtube.com") and path == "/redirect":
        return first("q")
    if host in ("duckduckgo.com", "www.duckduckgo.com", "html.duckduckgo.com") and path in (
        "/l/",
        "/l",
    ):
        return first("uddg")
    return None


def unwrap_redirect(url: str) -> str:
    """Decode redirect wrappers locally, repeatedly (bounded); anything else is returned as is.

    Handles ``l.facebook.com/l.php?u=``, ``google.com/url?q=``, ``youtube.com/redirect?q=`` and
    ``duckduckgo.com/l/?uddg=``. Never fetches, never raises.
    """
    current = url
    for _ in range(MAX_UNWRAP):
        parsed = split_url(current)
        if parsed is None:
            return current
        target = _redirect_target(parsed[0])
        if not target:
            return current
        current = target.strip()
    return current
