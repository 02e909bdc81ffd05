"""Hostile content from the web stays inert on every page; every page has the WCAG 2.1 AA
basics that can be checked without a browser (language, landmarks, one h1, labels, skip link,
text alternatives, no inline styles or scripts, contrast of the stylesheets' colour pairs)."""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from crawler.sample import REGISTRY
from tests.web.conftest import EVIL, HOOPS, HOSTILE, case_number, csrf_of, sign_in

SCRIPT_OR_HANDLER = re.compile(
    r"<script(?![^>]*\bsrc=)|<[^>]*\son[a-z]+\s*=|href=\"\s*javascript:", re.I
)


def _hostile_world(web):
    """Put hostile text everywhere the web app shows text from outside."""
    admin = web.login("ann")
    # A registry row whose display name is hostile (imported through the web form).
    lines = REGISTRY.read_text(encoding="utf-8").splitlines()
    cols = lines[1].split(",")
    cols[3] = HOSTILE.replace(",", " ").replace('"', "'")
    lines[1] = ",".join(cols)
    token = csrf_of(admin.get("/registry").text)
    r = admin.post(
        "/registry/import",
        data={"csrf_token": token},
        files={"registry": ("r.csv", ("\n".join(lines) + "\n").encode(), "text/csv")},
    )
    assert r.status_code == 303, r.text
    # A hostile user name typed at sign-in lands in the audit log.
    sign_in(web.client(), HOSTILE[:150], "wrong password!")
    # A note with hostile text.
    number = case_number(web, EVIL.url)
    admin.post(f"/cases/{number}/note", data={"note": HOSTILE, "csrf_token": token})
    # A search whose result is hostile.
    job = admin.get("/search?q=" + "Liberty").headers["location"]
    for _ in range(100):
        if admin.get(job + ".json").json()["done"]:
            break
        time.sleep(0.05)
    return admin, number, job


def test_hostile_content_is_inert_everywhere(web):
    admin, number, job = _hostile_world(web)
    pages = [
        "/",
        "/cases",
        f"/cases/{number}",
        f"/cases/{case_number(web, HOOPS.url)}",
        "/registry",
        "/scans",
        "/audit",
        "/search",
        job,
        _edit_link(admin),
    ]
    for path in pages:
        r = admin.get(path)
        assert r.status_code == 200, path
        assert "<script>alert" not in r.text, path
        assert not SCRIPT_OR_HANDLER.search(r.text), (path, SCRIPT_OR_HANDLER.search(r.text))
    case_page = admin.get(f"/cases/{number}").text
    assert "&lt;script&gt;alert(" in case_page  # shown as text
    assert "javascript:alert(3)" in case_page and 'href="javascript' not in case_page
    assert 'href="https://evil.example/&#34;&gt;&lt;script' in case_page or (
        "evil.example/&#34;&gt;" in case_page
    )
    public = web.client().get("/official").text
    assert "<script>alert" not in public and not SCRIPT_OR_HANDLER.search(public)
    api = admin.get("/api/cases")
    assert api.headers["content-type"].startswith("application/json")


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.h1 = 0
        self.labels: set[str] = set()
        self.inline_script = False
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "h1":
            self.h1 += 1
        if tag == "label" and a.get("for"):
            self.labels.add(a["for"] or "")
        if tag == "script" and not a.get("src"):
            self.inline_script = True


def _check_page(html: str, path: str) -> None:
    p = _Page()
    p.feed(html)
    tags = [t for t, _ in p.tags]
    html_tag = next(a for t, a in p.tags if t == "html")
    assert html_tag.get("lang") == "en", path
    assert p.h1 == 1, path
    assert "main" in tags, path
    assert not p.inline_script and "<style" not in html and " style=" not in html, path
    first_link = next(a for t, a in p.tags if t == "a")
    assert first_link.get("href") == "#main", path
    for tag, a in p.tags:
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            assert a.get("id") in p.labels or a.get("aria-label"), (path, tag, a)
        if tag == "img":
            assert a.get("alt"), (path, a)


def _edit_link(admin) -> str:
    link = admin.get("/registry").text.split('href="/registry/edit?', 1)[1].split('"', 1)[0]
    return "/registry/edit?" + link.replace("&amp;", "&")


def test_pages_have_the_accessibility_basics(web):
    admin, number, job = _hostile_world(web)
    scan_job = admin.post("/scans/start", data={"csrf_token": csrf_of(admin.get("/scans").text)})
    paths = ["/", f"/cases/{number}", "/registry", "/scans", "/audit", "/search", job]
    paths += [_edit_link(admin), scan_job.headers["location"], "/cases/NO-SUCH-CASE"]
    for path in paths:
        _check_page(admin.get(path).text, path)
    _check_page(web.client().get("/login").text, "/login")
    _check_page(web.client().get("/official").text, "/official")


def _luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    rgb = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(fg: str, bg: str) -> float:
    a, b = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


# Every text colour of the web app's pages on the backgrounds it is shown on.
PAIRS = [
    ("#1f2933", "#ffffff"),  # body text
    ("#1d4e89", "#ffffff"),  # links, accent
    ("#1d4e89", "#f4f6f8"),  # links in the nav bar
    ("#ffffff", "#1d4e89"),  # header, buttons, the "new" badge
    ("#5f6b7a", "#ffffff"),  # muted text, tags
    ("#5f6b7a", "#f4f6f8"),  # muted text on soft backgrounds
    ("#344054", "#f4f6f8"),  # table headers, "signed in as"
    ("#b42318", "#ffffff"),  # open, overdue
    ("#b54708", "#ffffff"),  # notified
    ("#6941c6", "#ffffff"),  # reported
    ("#067647", "#ffffff"),  # resolved
    ("#475467", "#ffffff"),  # dismissed
    ("#b42318", "#fef3f2"),  # error message
    ("#067647", "#ecfdf3"),  # saved message
    ("#1f2933", "#f4f6f8"),  # bio, progress box
]


@pytest.mark.parametrize(("fg", "bg"), PAIRS)
def test_colour_pairs_meet_4_5_to_1(fg, bg):
    assert contrast(fg, bg) >= 4.5, (fg, bg, round(contrast(fg, bg), 2))


def test_every_web_colour_is_in_the_checked_pairs():
    checked = {c for pair in PAIRS for c in pair} | {"#d9dee5", "#667085", "#b54708"}
    css = (Path(__file__).parents[2] / "crawler/web/static/web.css").read_text()
    for colour in re.findall(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b", css):
        assert colour.lower() in checked or colour.lower() == "#fff", colour
