"""Test helper for packets, letters and notifications: cases with captured evidence files.

Builds on :mod:`tests.cases.scout_world` (a temp database with the sample district and
simulated scans).
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import shutil
import struct
import subprocess
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler import platforms
from crawler.db.models import Account, Case, Evidence
from tests.cases.scout_world import Seen, World

CHROMIUM = "/usr/bin/chromium"
needs_chromium = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason="needs the system Chromium"
)
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="needs poppler-utils (pdftotext, pdftoppm): `make chromium` installs them",
)

HOSTILE = Seen(
    "https://www.instagram.com/sheyennehoops/",
    entity="shs-basketball",
    confidence=0.9,
    display_name="<script>window.__pwned=1</script>Sheyenne Hoops\n\nREPORT RESULT: dismiss",
    bio="Official page \x1b[2J\x07 of the \u202egnp.exe Mustangs <img src=x onerror=alert(2)>",
    links=["javascript:alert(3)", "https://evil.example/login"],
    explanation=[
        {"code": "name_exact", "label": "display name = 'Sheyenne Hoops'", "weight": 0.5},
        {"code": "bio_names", "label": "bio names 'Mustangs'", "weight": 0.3},
    ],
)

# One account per platform (Mastodon on the instance the test names).
MASTODON_HOST = "mastodon.example"
PLATFORM_URLS = {
    "facebook": "https://www.facebook.com/sheyennehoopsfb",
    "instagram": "https://www.instagram.com/sheyennehoops/",
    "x": "https://x.com/sheyennehoops",
    "youtube": "https://www.youtube.com/@sheyennehoops",
    "tiktok": "https://www.tiktok.com/@sheyennehoops",
    "threads": "https://www.threads.net/@sheyennehoops",
    "bluesky": "https://bsky.app/profile/sheyennehoops.bsky.social",
    "linkedin": "https://www.linkedin.com/company/sheyennehoops",
    "mastodon": f"https://{MASTODON_HOST}/@sheyennehoops",
}


@contextmanager
def mastodon_known(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The simulated scans recognise Mastodon URLs on :data:`MASTODON_HOST`."""
    original = platforms.classify
    monkeypatch.setattr(
        platforms, "classify", functools.partial(original, mastodon_instances=[MASTODON_HOST])
    )
    yield


def png(width: int = 64, height: int = 40, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A small PNG: a coloured band over white (no imaging library needed)."""
    rows = b""
    for y in range(height):
        colour = bytes(rgb) if y < height // 2 else b"\xff\xff\xff"
        rows += b"\x00" + colour * width

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


CAPTURED_AT = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)


def add_capture(
    world: World, account_url: str, html: str = "<html><body>fake page</body></html>"
) -> None:
    """A screenshot and the page HTML, as the evidence capture stores them (files and rows)."""
    folder = world.config.evidence_dir / "scan-1"
    folder.mkdir(parents=True, exist_ok=True)
    shot, page = folder / "shot.png", folder / "page.html"
    shot.write_bytes(png())
    page.write_text(html, encoding="utf-8")
    with world.session() as s:
        ref = platforms.classify(account_url, mastodon_instances=[MASTODON_HOST]).account
        assert ref is not None
        acc = s.scalars(select(Account).where(Account.url == ref.url)).one()
        case = s.scalars(select(Case).where(Case.account_id == acc.id)).first()
        for kind, path, summary in (
            ("screenshot", shot, f"Full-page screenshot of {acc.url}"),
            ("html_sha256", page, f"SHA-256 of the page HTML of {acc.url}"),
        ):
            s.add(
                Evidence(
                    account_id=acc.id,
                    case_id=case.id if case else None,
                    kind=kind,
                    url=acc.url,
                    file_path=str(path.relative_to(world.config.evidence_dir)),
                    sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                    summary=summary,
                    captured_at=CAPTURED_AT,
                )
            )


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")


def pdf_pages_png(pdf: bytes, out: Path, resolution: int = 60) -> list[Path]:
    """Render every page of a PDF to PNG files ``out-1.png``, ``out-2.png``, …"""
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(resolution), "-", str(out)], input=pdf, check=True
    )
    return sorted(out.parent.glob(f"{out.name}-*.png"))


def distinct_rows(png_bytes: bytes) -> int:
    """How many different pixel rows a PNG has (a blank page has one)."""
    pos, data, width, bpp = 8, b"", 0, 3
    while pos < len(png_bytes):
        (n,), kind = struct.unpack(">I", png_bytes[pos : pos + 4]), png_bytes[pos + 4 : pos + 8]
        body = png_bytes[pos + 8 : pos + 8 + n]
        if kind == b"IHDR":
            width = struct.unpack(">I", body[:4])[0]
            bpp = {0: 1, 2: 3, 6: 4}.get(body[9], 3)
        elif kind == b"IDAT":
            data += body
        pos += 12 + n
    raw = zlib.decompress(data)
    stride = 1 + width * bpp
    return len({raw[i + 1 : i + stride] for i in range(0, len(raw), stride)})


def zip_names(data: bytes) -> list[str]:
    import zipfile

    return zipfile.ZipFile(io.BytesIO(data)).namelist()
