"""HTML to PDF with the system Chromium (Playwright ``page.pdf``), reproducibly.

The page is loaded with :meth:`page.set_content` (so it needs nothing from disk or the
network: images are ``data:`` URLs) in a browser context that refuses every request, and
printed as a tagged PDF with an outline (title and language come from the page). Chromium
(Skia) writes the printing time as ``/CreationDate`` and ``/ModDate``; :func:`html_to_pdf`
replaces both with the ``as_of`` time given (same length, so the cross-reference offsets hold),
which makes the same page print to the same bytes.

Playwright's sync API refuses to run inside a running asyncio loop (the web app): then the
printing runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from crawler.config import Config

PRINT_TIMEOUT_MS = 30_000
_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:(\d{14})([^)]*)\)")


def pdf_date(when: datetime) -> bytes:
    """``D:YYYYMMDDHHmmSS`` digits of a PDF date (UTC)."""
    return when.astimezone(UTC).strftime("%Y%m%d%H%M%S").encode()


def fix_pdf_dates(pdf: bytes, as_of: datetime) -> bytes:
    """Set the creation and modification dates to ``as_of`` (UTC), keeping every byte offset."""
    digits = pdf_date(as_of)

    def repl(m: re.Match[bytes]) -> bytes:
        zone = m.group(3)
        fixed = b"+00'00'"
        zone = fixed if len(zone) == len(fixed) else zone
        return b"/" + m.group(1) + b" (D:" + digits + zone + b")"

    return _PDF_DATE.sub(repl, pdf)


_NODE_ID = re.compile(rb"\(node(\d{8})\)")
_ID_LEAF = re.compile(rb"/Limits \[\((node\d{8})\) \((node\d{8})\)\]\s*/Names \[([^\]]*)\]")
_ID_PAIR = re.compile(rb"\((node\d{8})\) (\d+ \d+ R)")


def fix_node_ids(pdf: bytes) -> bytes:
    """Number the tagged PDF's structure element ids (``(node00000081)``: Chromium's DOM node
    ids, different on every run) in order of first appearance, and keep the id tree sorted.

    Every id keeps its length and the id tree's entries only change places, so no byte offset
    moves.
    """
    order: dict[bytes, bytes] = {}
    for m in _NODE_ID.finditer(pdf):
        order.setdefault(m.group(1), b"%08d" % (len(order) + 1))
    pdf = _NODE_ID.sub(lambda m: b"(node" + order[m.group(1)] + b")", pdf)

    def sort_leaf(m: re.Match[bytes]) -> bytes:
        names = m.group(3)
        pairs = sorted(_ID_PAIR.findall(names))
        body = b" ".join(b"(%s) %s" % p for p in pairs)
        if not pairs or len(body) != len(names):
            return m.group(0)  # not the one-line layout Chromium writes: leave it alone
        between = m.group(0)[m.group(0).index(b"]") + 1 : m.group(0).index(b"/Names [")]
        limits = b"/Limits [(%s) (%s)]" % (pairs[0][0], pairs[-1][0])
        return limits + between + b"/Names [" + body + b"]"

    return _ID_LEAF.sub(sort_leaf, pdf)


def _print(config: Config, html: str) -> bytes:
    from playwright.sync_api import sync_playwright

    # Here, not at the top: importing the network helpers loads Twisted.
    from crawler.discovery.network import browser_launch_options
    from crawler.discovery.settings import CHROMIUM_ARGS

    options = browser_launch_options(config.crawl.browser_executable, CHROMIUM_ARGS)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(**options, timeout=PRINT_TIMEOUT_MS)
        try:
            context = browser.new_context(java_script_enabled=False, service_workers="block")
            # The page is self-contained: nothing it names is ever fetched.
            context.route("**/*", lambda route: route.abort())
            page = context.new_page()
            page.set_content(html, wait_until="load", timeout=PRINT_TIMEOUT_MS)
            page.emulate_media(media="print")
            return page.pdf(
                format="Letter",
                print_background=True,
                margin={"top": "0.6in", "bottom": "0.6in", "left": "0.6in", "right": "0.6in"},
                tagged=True,
                outline=True,
            )
        finally:
            browser.close()


def html_to_pdf(config: Config, html: str, as_of: datetime) -> bytes:
    """The PDF of a self-contained HTML page, dated ``as_of``."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pdf = _print(config, html)
    else:
        with ThreadPoolExecutor(max_workers=1) as pool:
            pdf = pool.submit(_print, config, html).result()
    return fix_node_ids(fix_pdf_dates(pdf, as_of))
