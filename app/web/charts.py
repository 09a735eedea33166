"""A pot over time as a server-rendered SVG: no JavaScript charting, readable on paper.

Each ledger entry is one step on the x axis (its date below); the stacked areas show, from
the bottom, what was spent, what is held for decisions (reserved or approved) and what is
available, against a kroner axis with grid lines.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape


@dataclass(frozen=True)
class PotPoint:
    spent_minor: int
    held_minor: int  # reserved + approved
    available_minor: int
    day: date | None = None  # when the entry was made, for the x axis


def _scale(value: int) -> tuple[int, int]:
    """The kroner axis for ``value`` øre: a round step (1, 2, 2.5 or 5 times a power of ten
    kroner) and the top, at most five steps up, so the ticks read ``0, 20.000, 40.000``."""
    power = 100  # one krone, in øre
    while True:
        for factor in (1, 2, 2.5, 5):
            step = int(power * factor)
            if -(-value // step) <= 5:
                return step, max(1, -(-value // step)) * step
        power *= 10


def pot_chart(
    points: Sequence[PotPoint],
    *,
    money: Callable[[int], str],
    title: str,
    legend: tuple[str, str, str],
    day: Callable[[date], str] = date.isoformat,
    axes: tuple[str, str] = ("", ""),
    width: int = 760,
    height: int = 340,
) -> str:
    """The stacked areas of ``points`` as an ``<svg>`` with a title, a kroner axis (``money``
    labels its ticks), dates below (``day``), axis titles (``axes``: x, y) and a legend."""
    if not points:
        return ""
    step, top = _scale(max(p.spent_minor + p.held_minor + p.available_minor for p in points))
    left, right, up, down = 112, 16, 28, 92
    plot_w, plot_h = width - left - right, height - up - down
    steps = max(len(points) - 1, 1)

    def x(i: int) -> float:
        return left + plot_w * i / steps

    def y(value: int) -> float:
        return up + plot_h * (1 - value / top)

    layers: list[list[int]] = [[0] * len(points)]
    for part in ("spent_minor", "held_minor", "available_minor"):
        layers.append(
            [below + getattr(p, part) for below, p in zip(layers[-1], points, strict=True)]
        )
    shapes = []
    for name, (lower, upper) in zip(
        ("spent", "held", "available"), itertools.pairwise(layers), strict=True
    ):
        edge = [f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(upper)]
        back = [f"{x(i):.1f},{y(v):.1f}" for i, v in reversed(list(enumerate(lower)))]
        shapes.append(f'<polygon class="area {name}" points="{" ".join(edge + back)}"/>')
    ticks = "".join(
        f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}"/>'
        f'<text class="tick" x="{left - 8}" y="{y(v) + 5:.1f}" text-anchor="end">'
        f"{escape(money(v))}</text>"
        for v in range(0, top + 1, step)
    )
    shown, said = [], set()
    for i in sorted({0, len(points) // 2, len(points) - 1}):
        when = points[i].day
        if when is not None and when not in said:  # each date once
            shown.append(i)
            said.add(when)
    dates = "".join(
        f'<text class="tick" x="{x(i):.1f}" y="{up + plot_h + 22}" '
        f'text-anchor="{"start" if i == 0 else "end" if i == len(points) - 1 else "middle"}">'
        f"{escape(day(when))}</text>"
        for i in shown
        if (when := points[i].day) is not None
    )
    x_title, y_title = axes
    titles = (
        f'<text class="axis-title" x="{left + plot_w / 2:.1f}" y="{up + plot_h + 46}" '
        f'text-anchor="middle">{escape(x_title)}</text>'
        f'<text class="axis-title" x="{left}" y="{up - 10}" text-anchor="end">'
        f"{escape(y_title)}</text>"
    )
    axis = (
        f'<line class="axis" x1="{left}" x2="{left}" y1="{up}" y2="{up + plot_h}"/>'
        f'<line class="axis" x1="{left}" x2="{width - right}" y1="{up + plot_h}" '
        f'y2="{up + plot_h}"/>'
    )
    keys, at = [], left
    for name, label in zip(("spent", "held", "available"), legend, strict=True):
        keys.append(
            f'<g class="key {name}"><rect x="{at}" y="{height - 24}" width="16" height="16"/>'
            f'<text x="{at + 22}" y="{height - 11}">{escape(label)}</text></g>'
        )
        at += 22 + 9 * len(label) + 28  # about 9 px a character at the legend's size
    return (
        f'<svg class="pot-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f"{ticks}{''.join(shapes)}{axis}{dates}{titles}{''.join(keys)}</svg>"
    )
