"""Charts a person reads at a glance, drawn on the server: as SVG on the pages (no script, no CDN,
the same picture on a phone and a PC) and on the monthly PDF's page (fpdf2), from the same `Chart`.
Pure: no Django.

Each chart is columns over periods (days, weeks or months) with a scale on the left and a label
under every few columns; the SVG scales to its container's width. Every text is escaped."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

from fpdf import FPDF

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 12, 40  # room for the scale and the labels
MOST_LABELS = 8  # legible on a phone too (site.css enlarges the text there)

# The parts' colours on paper: those site.css gives the same classes on screen.
COLOURS = {
    "served": (11, 122, 95), "no-show": (194, 65, 12), "other": (148, 163, 184), "wait": (37, 99, 235),
    "mark": (17, 24, 39), "target": (185, 28, 28), "grid": (203, 213, 225), "axis": (100, 116, 139),
}  # fmt: skip


@dataclass(frozen=True)
class Part:
    """One part of a stacked column, in one colour (a class of site.css), with its legend."""

    name: str
    css: str


@dataclass(frozen=True)
class Chart:
    """Stacked columns: `values[i]` holds, for each of `parts`, its size in period `labels[i]`.
    `marks` (optional) put a tick on each column (e.g. the 90th percentile); `line` a dashed level
    across the chart (e.g. the office's target)."""

    title: str
    labels: list[str]
    parts: list[Part]
    values: list[list[float]]
    marks: list[float | None] | None = None
    mark_name: str = ""
    line: float | None = None
    line_name: str = ""
    top: float = field(init=False)

    def __post_init__(self) -> None:
        tallest = [sum(v) for v in self.values] + [m or 0 for m in self.marks or []] + [self.line or 0]
        object.__setattr__(self, "top", nice_top(max(tallest)))

    @property
    def every(self) -> int:
        """A label under every n-th column, so that at most MOST_LABELS are written."""
        return max(math.ceil(len(self.labels) / MOST_LABELS), 1)

    def legend(self) -> list[tuple[str, str]]:
        keys = [(part.css, part.name) for part in self.parts]
        keys += [("mark", self.mark_name)] if self.marks is not None else []
        return keys + ([("target", self.line_name)] if self.line is not None else [])

    def columns(self, left: float, width: float) -> list[tuple[float, float]]:
        """Each column's x and width within a plot `width` wide starting at `left`."""
        step = width / max(len(self.labels), 1)
        bar = max(step * 0.7, 1.0) if width > 100 else step * 0.7
        return [(left + i * step + (step - bar) / 2, bar) for i in range(len(self.labels))]

    def stacks(self) -> list[list[tuple[Part, float, float]]]:
        """Each column's parts with a size: (part, its base, its value)."""
        out = []
        for stack in self.values:
            drawn, base = [], 0.0
            for part, value in zip(self.parts, stack, strict=True):
                if value > 0:
                    drawn.append((part, base, value))
                base += value
            out.append(drawn)
        return out


def nice_top(value: float) -> float:
    """The scale's top: 1, 2 or 5 times a power of ten, at or above `value`."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def columns(title: str, labels: list[str], parts: list[Part], values: list[list[float]], **rest) -> str:
    """The SVG of a Chart made of these (see Chart for the optional marks and line)."""
    return svg(Chart(title, labels, parts, values, **rest))


def svg(chart: Chart) -> str:
    plot_h = HEIGHT - TOP - BOTTOM

    def y(value: float) -> float:
        return TOP + plot_h * (1 - value / chart.top)

    out = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(chart.title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(chart.title)}</title>'
    ]
    out += [_level(y(chart.top * fraction), chart.top * fraction) for fraction in (0, 0.5, 1)]
    places = chart.columns(LEFT, WIDTH - LEFT - RIGHT)
    for i, (label, (x, bar), stack) in enumerate(zip(chart.labels, places, chart.stacks(), strict=True)):
        for part, base, value in stack:
            out.append(
                f'<rect class="{part.css}" x="{x:.1f}" y="{y(base + value):.1f}" width="{bar:.1f}" '
                f'height="{plot_h * value / chart.top:.1f}"><title>{escape(label)} · {escape(part.name)}: '
                f"{_number(value)}</title></rect>"
            )
        if chart.marks is not None and (mark := chart.marks[i]) is not None:
            out.append(
                f'<line class="mark" x1="{x:.1f}" y1="{y(mark):.1f}" x2="{x + bar:.1f}" y2="{y(mark):.1f}"/>'
            )
        if i % chart.every == 0:
            out.append(
                f'<text class="label" x="{x + bar / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">{escape(label)}</text>'
            )
    if chart.line is not None:
        out.append(
            f'<line class="target" x1="{LEFT}" y1="{y(chart.line):.1f}" x2="{WIDTH - RIGHT}" y2="{y(chart.line):.1f}"/>'
        )
    out.append("</svg>")
    keys = "".join(f'<span class="key {css}">{escape(name)}</span>' for css, name in chart.legend())
    return f'<figure class="chart-box">{"".join(out)}<figcaption>{keys}</figcaption></figure>'


def _level(at: float, value: float) -> str:
    return (
        f'<line class="grid" x1="{LEFT}" y1="{at:.1f}" x2="{WIDTH - RIGHT}" y2="{at:.1f}"/>'
        f'<text class="axis" x="{LEFT - 6}" y="{at + 4:.1f}" text-anchor="end">{_number(value)}</text>'
    )


def _number(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def draw(
    pdf: FPDF, chart: Chart, *, x: float, y: float, width: float, height: float, latin: Callable[[str], str]
):
    """The chart on a PDF page, in mm: the box at (x, y), its legend under it. `latin` makes text
    printable in the built-in fonts."""
    left, bottom = 10.0, 6.0
    plot_h = height - bottom - 2

    def at(value: float) -> float:
        return y + 2 + plot_h * (1 - value / chart.top)

    pdf.set_font("Helvetica", "", 7)
    for fraction in (0, 0.5, 1):
        level = at(chart.top * fraction)
        _pen(pdf, "grid", 0.2)
        pdf.line(x + left, level, x + width, level)
        pdf.set_text_color(*COLOURS["axis"])
        pdf.text(x, level + 1, _number(chart.top * fraction))
    places = chart.columns(x + left, width - left)
    for i, (label, (cx, bar), stack) in enumerate(zip(chart.labels, places, chart.stacks(), strict=True)):
        for part, base, value in stack:
            pdf.set_fill_color(*COLOURS.get(part.css, COLOURS["other"]))
            pdf.rect(cx, at(base + value), bar, plot_h * value / chart.top, style="F")
        if chart.marks is not None and (mark := chart.marks[i]) is not None:
            _pen(pdf, "mark", 0.6)
            pdf.line(cx, at(mark), cx + bar, at(mark))
        if i % chart.every == 0:
            pdf.text(cx + bar / 2 - pdf.get_string_width(latin(label)) / 2, y + height, latin(label))
    if chart.line is not None:
        _pen(pdf, "target", 0.4)
        with pdf.local_context(dash_pattern={"dash": 1.5, "gap": 1}):
            pdf.line(x + left, at(chart.line), x + width, at(chart.line))
    _legend(pdf, chart, x=x + left, y=y + height + 3, latin=latin)


def _legend(pdf: FPDF, chart: Chart, *, x: float, y: float, latin: Callable[[str], str]) -> None:
    """A swatch (a square for a part, a bar for a mark or a line) and the name of each, on one row."""
    pdf.set_font("Helvetica", "", 8)
    parts = {part.css for part in chart.parts}
    for css, name in chart.legend():
        pdf.set_fill_color(*COLOURS[css])
        if css in parts:
            pdf.rect(x, y - 2.2, 3, 2.5, style="F")
        else:
            pdf.rect(x, y - 1.2, 3, 0.6, style="F")
        pdf.set_text_color(0, 0, 0)
        pdf.text(x + 4, y, latin(name))
        x += 8 + pdf.get_string_width(latin(name))
    pdf.set_draw_color(0, 0, 0)  # leave the pen and the paint as the page's text and tables expect
    pdf.set_fill_color(255, 255, 255)
    pdf.set_line_width(0.2)


def _pen(pdf: FPDF, css: str, width: float) -> None:
    pdf.set_draw_color(*COLOURS[css])
    pdf.set_line_width(width)
