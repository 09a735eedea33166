"""A pot over time as a server-rendered SVG: no JavaScript charting, readable on paper.

Each ledger entry is one step on the x axis; the stacked areas show, from the bottom, what
was spent, what is held for decisions (reserved or approved) and what is available.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class PotPoint:
    spent_minor: int
    held_minor: int  # reserved + approved
    available_minor: int


def pot_chart(
    points: Sequence[PotPoint],
    *,
    money: Callable[[int], str],
    title: str,
    legend: tuple[str, str, str],
    width: int = 720,
    height: int = 240,
) -> str:
    """The stacked areas of ``points`` as an ``<svg>`` with a title and a legend."""
    if not points:
        return ""
    top = max(p.spent_minor + p.held_minor + p.available_minor for p in points) or 1
    left, right, up, down = 8, 160, 8, 24
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
        ("spent", "held", "available"), zip(layers, layers[1:], strict=False), strict=True
    ):
        edge = [f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(upper)]
        back = [f"{x(i):.1f},{y(v):.1f}" for i, v in reversed(list(enumerate(lower)))]
        shapes.append(f'<polygon class="area {name}" points="{" ".join(edge + back)}"/>')
    keys = "".join(
        f'<g class="key {name}"><rect x="{left + 190 * n}" y="{height - 16}" width="12" '
        f'height="12"/><text x="{left + 190 * n + 18}" y="{height - 6}">{escape(label)}</text></g>'
        for n, (name, label) in enumerate(zip(("spent", "held", "available"), legend, strict=True))
    )
    return (
        f'<svg class="pot-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f"{''.join(shapes)}{keys}"
        f'<text class="scale" x="{width - right}" y="{up + 12}" text-anchor="end">'
        f"{escape(money(top))}</text></svg>"
    )
