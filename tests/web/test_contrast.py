"""Every colour pair of the stylesheets (the static reports', the web app's and the public page's)
meets WCAG 2.1 AA: text 4.5:1 on its own background, or on the pages' white and soft grey
when the rule sets none; outlines, chart axes and control borders 3:1. axe checks the text
it can see; this also covers what it leaves to a person (marks, lines, focus rings)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crawler.web.render import STATIC as WEB_STATIC
from reports.render import STATIC as REPORT_STATIC

SHEETS = [REPORT_STATIC / "report.css", WEB_STATIC / "web.css", WEB_STATIC / "official.css"]
PAGE_BACKGROUNDS = ("#fff", "#f4f6f8")  # the body, and nav/table headers/blocks
HEX = r"#[0-9a-fA-F]{3,6}\b"


def luminance(colour: str) -> float:
    h = colour.lstrip("#")
    h = "".join(c * 2 for c in h) if len(h) == 3 else h
    rgb = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def rules(path: Path) -> list[tuple[str, dict[str, str]]]:
    """(selector, declarations) of the screen rules, with var(--x) resolved."""
    css = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
    css = css.split("@media print", 1)[0]  # print is black on white
    variables = dict(re.findall(r"(--[\w-]+)\s*:\s*(#[0-9a-fA-F]{3,6})", css))
    out = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        body = re.sub(r"var\((--[\w-]+)\)", lambda m: variables.get(m.group(1), m.group(0)), body)
        decls = {}
        for decl in body.split(";"):
            if ":" in decl:
                k, v = decl.split(":", 1)
                decls[k.strip()] = v.strip()
        out.append((selector.strip(), decls))
    return out


def _colour(value: str) -> str | None:
    m = re.search(HEX, value)
    return m.group(0) if m else None


def pairs() -> list[tuple[str, str, str, float]]:
    """(where, foreground, background, the ratio it needs)."""
    found = []
    for sheet in SHEETS:
        for selector, d in rules(sheet):
            where = f"{sheet.name} {selector}"
            bg = _colour(d.get("background", d.get("background-color", "")))
            backgrounds = (bg,) if bg else PAGE_BACKGROUNDS
            if (fg := _colour(d.get("color", ""))) is not None:
                found += [(where, fg, b, 4.5) for b in backgrounds]
            if (fill := _colour(d.get("fill", ""))) is not None:  # SVG: text 4.5:1, marks 3:1
                needed = 4.5 if selector.endswith("text") else 3.0
                found += [(f"{where} fill", fill, b, needed) for b in PAGE_BACKGROUNDS]
            for key in ("outline", "outline-color", "stroke"):
                if (c := _colour(d.get(key, ""))) is not None:
                    found += [(f"{where} {key}", c, b, 3.0) for b in PAGE_BACKGROUNDS]
            if selector.startswith(("input", "button")) and (c := _colour(d.get("border", ""))):
                found += [(f"{where} border", c, b, 3.0) for b in PAGE_BACKGROUNDS]
    return found


def test_the_parser_sees_the_colours():
    found = pairs()
    assert len(found) > 40
    assert any(".matrix td.no" in w for w, *_ in found)  # the coverage matrix's "no account"
    assert any(".axis stroke" in w for w, *_ in found)
    assert any("svg.chart text fill" in w for w, *_ in found)


@pytest.mark.parametrize(("where", "fg", "bg", "needed"), pairs())
def test_colour_pair_contrast(where, fg, bg, needed):
    if "skip:focus-visible" in where:  # a white ring drawn on the header's blue
        bg = "#1d4e89"
    assert contrast(fg, bg) >= needed, f"{where}: {fg} on {bg} is {contrast(fg, bg):.2f}:1"
