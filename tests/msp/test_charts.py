from decimal import Decimal
from xml.etree import ElementTree

from msp.charts import line_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_line_chart_places_points_and_escapes_labels():
    svg = line_chart([("2025 Q1", Decimal("50.0")), ("<b>", None), ("2026 Q1", Decimal("100.0"))],
                     title="Score & trend", width=300, height=140)
    root = ElementTree.fromstring(svg)
    assert root.attrib["aria-label"] == "Score & trend"
    circles = root.findall(f"{SVG}circle")
    # plot: left 44, right 40 -> x from 44 to 260; top 28, bottom 40 -> y from 28 (100) to 100 (0)
    assert [(c.attrib["cx"], c.attrib["cy"]) for c in circles] == [("44", "64"), ("260", "28")]
    labels = [t.text for t in root.findall(f"{SVG}text")]
    assert "<b>" in labels  # parsed back from &lt;b&gt;, so it was escaped in the markup
    assert "&lt;b&gt;" in svg
    # A missing value breaks the line: two one-point segments.
    assert [p.attrib["points"] for p in root.findall(f"{SVG}polyline")] == ["44,64", "260,28"]


def test_line_chart_without_points_says_so():
    assert "No data yet" in line_chart([], title="Empty")
