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
    # plot: left 44, right 40 -> 216 wide, the points 19 px in from either side (half of "100.0", 30 px
    # wide, and a 4 px gap): x from 63 to 241; top 28, bottom 40 -> y from 28 (100) to 100 (0)
    assert [(c.attrib["cx"], c.attrib["cy"]) for c in circles] == [("63", "64"), ("241", "28")]
    labels = [t.text for t in root.findall(f"{SVG}text")]
    assert "<b>" in labels  # parsed back from &lt;b&gt;, so it was escaped in the markup
    assert "&lt;b&gt;" in svg
    # A missing value breaks the line: two one-point segments.
    assert [p.attrib["points"] for p in root.findall(f"{SVG}polyline")] == ["63,64", "241,28"]


def test_line_chart_without_points_says_so():
    assert "No data yet" in line_chart([], title="Empty")


def test_stacked_bar_chart_stacks_series_to_exact_heights():
    from msp.charts import nice_max, stacked_bar_chart

    svg = stacked_bar_chart(["FY2027 Q1", "<Q2>"], [("One-time", [Decimal("100"), Decimal("0")]),
                                                     ("Recurring & more", [Decimal("50"), Decimal("150")])],
                            title="Budget <by> quarter", width=300, height=200,
                            money_format=lambda v: f"${v:,.0f}")
    root = ElementTree.fromstring(svg)
    assert (root.attrib["width"], root.attrib["height"], root.attrib["viewBox"]) == ("300", "200", "0 0 300 200")
    assert "style" not in root.attrib  # WeasyPrint sizes it by its attributes; no inline style (the CSP)
    assert root.attrib["font-family"] == "DejaVu Sans,Arial,sans-serif"
    # Plot: left 72, right 16 -> 212 wide, 2 bands of 106, bars 63.6 wide; top 30, bottom 52 -> 118 high.
    # Highest bar 150 -> axis to 200 (nice_max), so 1 unit = 0.59 px.
    bars = [(r.attrib["data-series"], r.attrib["x"], r.attrib["y"], r.attrib["width"], r.attrib["height"])
            for r in root.findall(f"{SVG}rect") if r.attrib.get("class") == "bar"]
    assert bars == [
        ("0", "93.2", "89", "63.6", "59"),  # 100 -> 59 px up from the base line at 148
        ("1", "93.2", "59.5", "63.6", "29.5"),  # 50 stacked on top: 148 - 59 - 29.5
        ("1", "199.2", "59.5", "63.6", "88.5"),  # 150 alone in the second band (the zero one-time is not drawn)
    ]
    ticks = [t.text for t in root.findall(f"{SVG}text") if t.attrib.get("text-anchor") == "end"]
    assert ticks == ["$0", "$50", "$100", "$150", "$200"]
    texts = [t.text for t in root.iter(f"{SVG}text")] + [t.text for t in root.iter(f"{SVG}tspan")]
    assert {"Budget <by> quarter", "Recurring & more", "FY2027 Q1", "<Q2>"} <= set(texts)
    assert "&lt;Q2&gt;" in svg
    assert "<Q2>" not in svg
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert "<Q2> · Recurring & more: $150" in titles
    assert [nice_max(v) for v in (0, 1, 7, 150, 201, 999, 1000, 12_345)] == [1, 1, 8, 200, 400, 1000, 1000, 20_000]


def test_stacked_bar_chart_splits_labels_too_wide_for_their_band():
    from msp.charts import stacked_bar_chart

    labels = [f"FY{2027 + i // 4} Q{i % 4 + 1}" for i in range(12)]  # 12 bands of 52.7 px on 720
    root = ElementTree.fromstring(stacked_bar_chart(labels, [("One-time", [1] * 12)], title="Twelve"))
    lines = [t.text for t in root.iter(f"{SVG}tspan")]
    assert lines[:4] == ["FY2027", "Q1", "FY2027", "Q2"]
    assert len(lines) == 24


def test_stacked_bar_chart_without_values_says_so():
    from msp.charts import stacked_bar_chart

    svg = stacked_bar_chart(["Q1", "Q2"], [("One-time", [0, 0])], title="Empty")
    assert "No data yet" in svg
    assert "No data yet" in stacked_bar_chart([], [], title="Nothing")


# --- value labels never touch axis tick labels ------------------------------------------------------------

def _boxes(svg: str, kind: str) -> list[tuple[str, tuple[float, float, float, float]]]:
    """(text, (x0, y0, x1, y1)) of every <text class=kind>, measured as charts.text_width does."""
    from msp.charts import ASCENT_EM, DESCENT_EM, text_width

    out = []
    for t in ElementTree.fromstring(svg).iter(f"{SVG}text"):
        if t.attrib.get("class") != kind:
            continue
        size, x, y = float(t.attrib["font-size"]), float(t.attrib["x"]), float(t.attrib["y"])
        w = text_width(t.text, size)
        x0 = {"end": x - w, "middle": x - w / 2}.get(t.attrib.get("text-anchor", "start"), x)
        out.append((t.text, (x0, y - size * ASCENT_EM, x0 + w, y + size * DESCENT_EM)))
    return out


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _collisions(svg: str) -> list[tuple[str, str]]:
    ticks, values = _boxes(svg, "tick"), _boxes(svg, "value")
    assert ticks
    assert values
    return [(v, t) for v, vb in values for t, tb in ticks if _overlaps(vb, tb)]


def test_line_chart_value_labels_keep_clear_of_the_axis_ticks():
    from msp.charts import line_chart

    for values in ([Decimal("0"), Decimal("0.5"), Decimal("100")], [Decimal("100"), Decimal("75"), Decimal("0")],
                   [Decimal("50.0")], [Decimal("99.95"), Decimal("0.1"), Decimal("25"), Decimal("100.0")],
                   # just under a tick: the label above the point would sit on the tick's own line
                   [Decimal("70"), Decimal("48"), Decimal("97")]):
        svg = line_chart([(f"2026 Q{i + 1}", v) for i, v in enumerate(values)], title="Score", width=320,
                         height=200)
        assert _collisions(svg) == [], values
        # A value at the top of the axis is written below its point, clear of the title.
        for text, box in _boxes(svg, "value"):
            assert box[1] >= 22, (text, box)


def test_guide_chart_value_labels_keep_clear_of_ticks_and_their_guide():
    from msp.charts import guide_bar_chart, text_width

    rows = [("Zero", Decimal("0"), Decimal("2"), "red"), ("Tiny", Decimal("0.4"), Decimal("1"), "red"),
            ("Half", Decimal("50"), Decimal("60"), "amber"), ("Full", Decimal("100"), Decimal("90"), "green"),
            ("None", None, Decimal("50"), "none")]
    svg = guide_bar_chart(rows, title="Scorecard")
    assert _collisions(svg) == []
    root = ElementTree.fromstring(svg)
    guides = [float(g.attrib["x1"]) for g in root.iter(f"{SVG}line") if g.attrib.get("class") == "guide"]
    labels = _boxes(svg, "value")
    assert [t for t, _ in labels] == ["0 %", "0.4 %", "50 %", "100 %"]
    for (text, box), gx in zip(labels, guides, strict=False):
        assert not box[0] - 1 <= gx <= box[2] + 1, (text, box, gx)  # the guide line never crosses its label
        assert box[2] <= 720, text
    # "Zero" sits past its guide at 2 %: x(2) = 250 + 410 * 0.02 = 258.2, label at 258.2 + 5.
    assert labels[0][1][0] == 263.2
    assert text_width("100 %", 10) == 30
