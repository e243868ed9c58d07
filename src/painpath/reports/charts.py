"""Progress charts, one code path for the web page and the PDF report.

pygal draws each chart as a small, self-contained SVG (about 15 KB, no JavaScript once
its script is removed, pure Python: the lightest of the candidates; matplotlib would
add about 50 MB with numpy, Vega-Lite a JavaScript engine). The SVG styles itself with
an internal <style>, which the pages' Content-Security-Policy would refuse inline, so
it is shown as an image (`data:` URI, allowed by `img-src`) in the page and in the PDF.

Every chart is readable without colour and without the picture: series differ by line
style and marker as well as colour, the image has a text alternative, and a data table
with the same numbers sits under it (`Chart.table`)."""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import pygal
from pygal.style import Style

# painpath's colours (web/static/css/painpath.css) and a second, distinguishable one.
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1d2b30",
    foreground_strong="#1d2b30",
    foreground_subtle="#c9d1d3",
    opacity=".9",
    opacity_hover=".9",
    colors=("#0d5c63", "#c25e00", "#5b3f8c", "#6b5600", "#444444"),
    font_family="DejaVu Sans, Arial, sans-serif",
    title_font_size=15,
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=12,
)
# Told apart without colour: solid, dashed, dotted, dash-dot.
DASHES = (None, "8,5", "2,4", "10,4,2,4")
_SCRIPT = re.compile(r"<script.*?</script>", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)


@dataclass(frozen=True)
class Series:
    name: str
    points: Sequence[tuple[date, float | None]]
    reference: bool = False  # a flat line for comparison (baseline, threshold): no markers


@dataclass(frozen=True)
class Chart:
    title: str
    alt: str  # one sentence for the image's text alternative
    svg: str
    table_head: tuple[str, ...]
    table_rows: tuple[tuple[str, ...], ...] = field(default_factory=tuple)

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


def _clean(svg: str, title: str, alt: str) -> str:
    """No script, no comments; an accessible name inside the SVG too."""
    svg = _COMMENT.sub("", _SCRIPT.sub("", svg))
    return svg.replace(
        ">", f' role="img" aria-label="{_attr(alt)}"><title>{_text(title)}</title>', 1
    )


def _attr(text: str) -> str:
    return _text(text).replace('"', "&quot;")


def _text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _fmt(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def line_chart(
    title: str,
    alt: str,
    series: Sequence[Series],
    *,
    y_range: tuple[float, float],
    y_title: str,
    width: int = 640,
    height: int = 300,
) -> Chart:
    """Values over time, one line per series; the data table has a row per date."""
    chart = pygal.DateLine(
        style=STYLE,
        js=(),
        width=width,
        height=height,
        explicit_size=True,
        disable_xml_declaration=True,
        y_title=y_title,  # the title is the figure's caption (and the SVG's <title>)
        range=y_range,
        show_legend=True,
        show_minor_x_labels=False,
        x_labels_major_count=6,
        legend_at_bottom=True,
        legend_at_bottom_columns=2,
        dots_size=4,
        stroke_style={"width": 2},
        x_value_formatter=lambda d: f"{d.day} {d:%b}",
        x_label_rotation=0,
        truncate_legend=-1,
        allow_interruptions=True,
        print_values=False,
    )
    drawn = 0
    for s in series:
        points = [(d, v) for d, v in s.points]
        if s.reference:
            reference_line = {"width": 2, "dasharray": "3,3"}
            chart.add(s.name, points, show_dots=False, stroke_style=reference_line)
            continue
        dash = DASHES[drawn % len(DASHES)]
        chart.add(
            s.name,
            points,
            stroke_style={"width": 2.5, **({"dasharray": dash} if dash else {})},
            dots_size=4 + drawn,  # markers differ in size too
        )
        drawn += 1
    svg = _clean(chart.render(is_unicode=True), title, alt)
    days = sorted({d for s in series if not s.reference for d, _ in s.points})
    values = {s.name: dict(s.points) for s in series if not s.reference}
    rows = tuple(
        (f"{d:%d %b %Y}", *(_fmt(values[name].get(d)) for name in values)) for d in days
    )
    return Chart(title, alt, svg, ("Date", *values), rows)


def bar_chart(
    title: str,
    alt: str,
    labels: Sequence[str],
    bars: Sequence[tuple[str, Sequence[float | None]]],
    *,
    y_range: tuple[float, float],
    y_title: str,
    width: int = 640,
    height: int = 300,
) -> Chart:
    """Side-by-side bars (e.g. each activity at the first and the latest rating)."""
    chart = pygal.Bar(
        style=STYLE,
        js=(),
        width=width,
        height=height,
        explicit_size=True,
        disable_xml_declaration=True,
        y_title=y_title,
        range=y_range,
        legend_at_bottom=True,
        print_values=True,
        print_values_position="top",
        value_formatter=_fmt,
        truncate_label=-1,
        truncate_legend=-1,
    )
    chart.x_labels = list(labels)
    for name, values in bars:
        chart.add(name, list(values))
    svg = _clean(chart.render(is_unicode=True), title, alt)
    rows = tuple(
        (label, *(_fmt(values[i]) for _, values in bars)) for i, label in enumerate(labels)
    )
    return Chart(title, alt, svg, ("", *(name for name, _ in bars)), rows)
