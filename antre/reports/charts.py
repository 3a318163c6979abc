"""Charts a person reads at a glance, drawn on the server as SVG: no script, no CDN, the same
picture on a phone, a PC and paper (the monthly PDF draws from the same series). Pure: no Django.

Each chart is columns over periods (days, weeks or months) with a scale on the left and a label
under every few columns; the SVG scales to its container's width. Every text is escaped."""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 12, 40  # room for the scale and the labels
MOST_LABELS = 8  # legible on a phone too (site.css enlarges the text there)


@dataclass(frozen=True)
class Part:
    """One part of a stacked column, in one colour (a class of site.css), with its legend."""

    name: str
    css: str


def nice_top(value: float) -> float:
    """The scale's top: 1, 2 or 5 times a power of ten, at or above `value`."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def columns(
    title: str,
    labels: list[str],
    parts: list[Part],
    values: list[list[float]],
    *,
    marks: list[float | None] | None = None,
    mark_name: str = "",
    line: float | None = None,
    line_name: str = "",
) -> str:
    """Stacked columns: `values[i]` holds, for each of `parts`, its size in period `labels[i]`.
    `marks` (optional) draw a tick on each column (e.g. the 90th percentile); `line` a dashed
    level across the chart (e.g. the office's target)."""
    top = nice_top(max([sum(v) for v in values] + [m or 0 for m in marks or []] + [line or 0]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(labels), 1)
    bar = max(step * 0.7, 1.0)

    def y(value: float) -> float:
        return TOP + plot_h * (1 - value / top)

    out = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    out += [_level(y(top * fraction), top * fraction) for fraction in (0, 0.5, 1)]
    every = max(math.ceil(len(labels) / MOST_LABELS), 1)
    for i, (label, stack) in enumerate(zip(labels, values, strict=True)):
        x, base = LEFT + i * step + (step - bar) / 2, 0.0
        for part, value in zip(parts, stack, strict=True):
            if value > 0:
                out.append(
                    f'<rect class="{part.css}" x="{x:.1f}" y="{y(base + value):.1f}" width="{bar:.1f}" '
                    f'height="{plot_h * value / top:.1f}"><title>{escape(label)} · {escape(part.name)}: '
                    f"{_number(value)}</title></rect>"
                )
            base += value
        mark = (marks or [None] * len(labels))[i]
        if mark is not None:
            out.append(
                f'<line class="mark" x1="{x:.1f}" y1="{y(mark):.1f}" x2="{x + bar:.1f}" y2="{y(mark):.1f}"/>'
            )
        if i % every == 0:
            out.append(
                f'<text class="label" x="{x + bar / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">{escape(label)}</text>'
            )
    if line is not None:
        out.append(
            f'<line class="target" x1="{LEFT}" y1="{y(line):.1f}" x2="{WIDTH - RIGHT}" y2="{y(line):.1f}"/>'
        )
    out.append("</svg>")
    legend = [(part.css, part.name) for part in parts]
    legend += [("mark", mark_name)] if marks is not None else []
    legend += [("target", line_name)] if line is not None else []
    return _figure(out, legend)


def _figure(svg: list[str], legend: list[tuple[str, str]]) -> str:
    keys = "".join(f'<span class="key {css}">{escape(name)}</span>' for css, name in legend)
    return f'<figure class="chart-box">{"".join(svg)}<figcaption>{keys}</figcaption></figure>'


def _level(at: float, value: float) -> str:
    return (
        f'<line class="grid" x1="{LEFT}" y1="{at:.1f}" x2="{WIDTH - RIGHT}" y2="{at:.1f}"/>'
        f'<text class="axis" x="{LEFT - 6}" y="{at + 4:.1f}" text-anchor="end">{_number(value)}</text>'
    )


def _number(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"
