"""The index and a case page in headless Chromium: they render, show the content, run no script."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reports import write_reports
from tests.cases.scout_world import Seen, run_scan

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _not_flat(png: bytes) -> bool:
    import struct
    import zlib

    # Decode enough of the PNG to see more than one colour (no imaging library needed).
    pos, data, width, bpp = 8, b"", 0, 4
    while pos < len(png):
        (n,), kind = struct.unpack(">I", png[pos : pos + 4]), png[pos + 4 : pos + 8]
        body = png[pos + 8 : pos + 8 + n]
        if kind == b"IHDR":
            width = struct.unpack(">I", body[:4])[0]
            bpp = {2: 3, 6: 4}.get(body[9], 4)
        elif kind == b"IDAT":
            data += body
        pos += 12 + n
    raw = zlib.decompress(data)
    stride = 1 + width * bpp
    # Filter bytes vary per row; compare unfiltered rows only roughly: distinct row payloads.
    rows = {raw[i + 1 : i + stride] for i in range(0, len(raw), stride)}
    return len(rows) > 5


@pytest.mark.browser
@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs the system Chromium")
def test_pages_render_in_chromium(world, tmp_path):
    from playwright.sync_api import sync_playwright

    hostile = Seen(
        "https://www.instagram.com/sheyennehoops/",
        entity="shs-basketball",
        confidence=0.9,
        display_name="<script>window.__pwned=1</script>Sheyenne Hoops",
        bio='<img src=x onerror="window.__pwned=2">',
        sources=("web_search",),
    )
    _, upd = run_scan(world, [hostile])
    (number,) = upd.opened
    with world.session() as s:
        paths = write_reports(s, None, tmp_path / "out", world.config)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            for target in (paths.index, paths.cases[number], paths.summary):
                page.goto(Path(target).as_uri())
                assert number in page.inner_text("body")
                assert page.evaluate("window.__pwned === undefined")
                shot = page.screenshot(
                    full_page=True, path=str(tmp_path / f"{Path(target).stem}.png")
                )
                assert _not_flat(shot)
            assert all(u.startswith("file://") for u in requests), requests
            page.emulate_media(media="print")
            page.goto(Path(paths.cases[number]).as_uri())
            assert (
                page.evaluate("getComputedStyle(document.querySelector('nav.links')).display")
                == "none"
            )
        finally:
            browser.close()
