"""Progress charts: readable without script, colour or the picture itself."""

from datetime import date
from xml.etree import ElementTree

from painpath.reports.charts import Series, bar_chart, line_chart


def _pain_chart():
    return line_chart(
        "Pain over time",
        "Pain fell from 7 to 3 out of 10 over three weeks.",
        [
            Series(
                "Pain now",
                [(date(2026, 11, 1), 7), (date(2026, 11, 8), 5), (date(2026, 11, 22), 3)],
            ),
            Series("Limit", [(date(2026, 11, 1), 5), (date(2026, 11, 22), 5)], reference=True),
        ],
        y_range=(0, 10),
        y_title="Pain (0–10)",
    )


def test_line_chart_is_well_formed_svg_without_script():
    chart = _pain_chart()
    root = ElementTree.fromstring(chart.svg)  # noqa: S314 - our own SVG
    assert root.tag.endswith("svg")
    assert "<script" not in chart.svg
    assert root.get("role") == "img"
    assert root.get("aria-label") == chart.alt
    assert chart.data_uri.startswith("data:image/svg+xml;base64,")


def test_line_chart_table_has_a_row_per_date_and_skips_reference_lines():
    chart = _pain_chart()
    assert chart.table_head == ("Date", "Pain now")
    assert chart.table_rows == (("01 Nov 2026", "7"), ("08 Nov 2026", "5"), ("22 Nov 2026", "3"))


def test_series_differ_by_dash_not_only_colour():
    chart = line_chart(
        "Scores",
        "Two scores.",
        [
            Series("A", [(date(2026, 1, 1), 1), (date(2026, 1, 2), 2)]),
            Series("B", [(date(2026, 1, 1), 3), (date(2026, 1, 2), 4)]),
        ],
        y_range=(0, 10),
        y_title="points",
    )
    assert "8,5" in chart.svg  # the second series is dashed


def test_escapes_text_in_title_and_alt():
    chart = bar_chart(
        "Tom & Jerry <b>",
        'Said "hi" & left',
        ["Walking"],
        [("First", [2]), ("Latest", [7.5])],
        y_range=(0, 10),
        y_title="ability",
    )
    ElementTree.fromstring(chart.svg)  # noqa: S314 - our own SVG, still well formed
    assert "<b>" not in chart.svg.split("</title>")[0]
    assert chart.table_rows == (("Walking", "2", "7.5"),)
