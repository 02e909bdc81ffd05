"""Geometry for small inline-SVG bar charts (no JavaScript, nothing from the internet).

The builder computes coordinates; the template only draws them.
"""

from __future__ import annotations

from typing import Any

WIDTH = 560
HEIGHT = 180
PAD_LEFT = 36
PAD_BOTTOM = 28
PAD_TOP = 16


def _nice_max(value: float) -> int:
    if value <= 5:
        return 5
    step = 10 ** (len(str(int(value))) - 1)
    return int(-(-value // step) * step)


def bar_chart(title: str, points: list[tuple[str, float]], *, unit: str = "") -> dict[str, Any]:
    """A bar per (label, value); returns the SVG geometry and an accessible text summary."""
    top = _nice_max(max((v for _, v in points), default=0))
    plot_w = WIDTH - PAD_LEFT - 8
    plot_h = HEIGHT - PAD_BOTTOM - PAD_TOP
    n = max(len(points), 1)
    slot = plot_w / n
    bar_w = max(4.0, min(48.0, slot * 0.6))
    bars = []
    for i, (label, value) in enumerate(points):
        h = plot_h * (value / top) if top else 0.0
        x = PAD_LEFT + i * slot + (slot - bar_w) / 2
        y = PAD_TOP + plot_h - h
        bars.append(
            {
                "label": label,
                "value": value,
                "x": round(x, 1),
                "y": round(y, 1),
                "w": round(bar_w, 1),
                "h": round(h, 1),
                "cx": round(x + bar_w / 2, 1),
                "vy": round(y - 4, 1),
            }
        )
    ticks = [
        {"value": round(top * f), "y": round(PAD_TOP + plot_h - plot_h * f, 1)} for f in (0, 0.5, 1)
    ]
    return {
        "title": title,
        "width": WIDTH,
        "height": HEIGHT,
        "bars": bars,
        "ticks": ticks,
        "x0": PAD_LEFT,
        "x1": WIDTH - 8,
        "base": PAD_TOP + plot_h,
        "label_y": HEIGHT - 8,
        "summary": "; ".join(f"{label}: {value:g}{unit}" for label, value in points)
        or "no data yet",
    }
