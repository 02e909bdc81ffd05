"""Small formatting helpers shared by the page and API renderers: counts the way each
platform prints them, HTML escaping, stable timestamps and image URLs."""

from __future__ import annotations

import hashlib
import html
from datetime import UTC, datetime, timedelta

EPOCH = datetime(2019, 8, 1, tzinfo=UTC)


def esc(text: str) -> str:
    """Escape for an HTML attribute or text node (quotes included)."""
    return html.escape(text, quote=True)


def grouped(n: int) -> str:
    """``2362`` -> ``"2,362"``."""
    return f"{n:,}"


def _short(n: int, decimals: int, keep_small: bool) -> str:
    for size, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "K")):
        if n >= size:
            value = f"{n / size:.{decimals}f}".rstrip("0").rstrip(".")
            return value + suffix
    return grouped(n) if keep_small else str(n)


def instagram_count(n: int) -> str:
    """Instagram and Threads: exact with commas below 10,000, else ``52K`` / ``5.3M``."""
    return grouped(n) if n < 10_000 else _short(n, 1, True)


def tiktok_count(n: int) -> str:
    """TikTok: ``904``, ``783.4K``, ``3.9M``."""
    return _short(n, 1, False)


def youtube_count(n: int) -> str:
    """YouTube: three significant digits, ``530``, ``1.42K``, ``3.21K``, ``1.31M``."""
    if n < 1000:
        return str(n)
    for size, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "K")):
        if n >= size:
            value = n / size
            decimals = 2 if value < 10 else 1 if value < 100 else 0
            text = f"{int(value * 10**decimals) / 10**decimals:.{decimals}f}"
            return text.rstrip("0").rstrip(".") + suffix
    return str(n)


def stable_time(*parts: str, spread_days: int = 2000) -> datetime:
    """A timestamp derived from ``parts``: the same input gives the same time."""
    d = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return EPOCH + timedelta(seconds=int.from_bytes(d[:4], "big") % (spread_days * 86400))


def iso_z(t: datetime, millis: bool = True) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S") + (".000Z" if millis else "Z")


def token(*parts: str, length: int = 22) -> str:
    """A stable opaque token (ids in image URLs, etags)."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:length]
