"""The QBR as an editable PowerPoint deck (python-pptx).

Every slide is made of ordinary PowerPoint objects: titles, text boxes, tables and native charts whose
figures stay data, so the vCIO can restyle the deck or correct a number before the meeting. The deck reads
the same `QbrContent` as the agenda and the PDF.
"""

from __future__ import annotations

import io

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.shapes import MSO_SHAPE
from pptx.util import Inches, Pt

from msp.brand import Brand, brand_of

from .qbr import QbrContent, qbr_agenda

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)  # 16:9
TITLE_ONLY = 5  # the default template's "Title Only" layout
TITLE_SLIDE = 0
ROW_LIMIT = 10
LOGO_HEIGHT, LOGO_MAX_WIDTH = Inches(0.9), Inches(3.5)
LEFT, TOP, FULL_WIDTH, HALF_WIDTH, BODY_HEIGHT = Inches(0.7), Inches(1.6), Inches(11.9), Inches(5.8), Inches(5.2)


def _slide(prs: Presentation, title: str):
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY])
    slide.shapes.title.text = title
    return slide


def _bullets(slide, items: list[str], *, width=FULL_WIDTH, size: int = 20) -> None:
    box = slide.shapes.add_textbox(LEFT, TOP, width, BODY_HEIGHT)
    frame = box.text_frame
    frame.word_wrap = True
    for n, item in enumerate(items):
        paragraph = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
        paragraph.text = f"• {item}"
        paragraph.font.size = Pt(size)
        paragraph.space_after = Pt(6)


def _table(slide, header: list[str], rows: list[list[str]]) -> None:
    shape = slide.shapes.add_table(len(rows) + 1, len(header), LEFT, TOP, FULL_WIDTH,
                                   Inches(0.4) * (len(rows) + 1))
    table = shape.table
    for col, text in enumerate(header):
        table.cell(0, col).text = text
    for r, row in enumerate(rows, 1):
        for col, text in enumerate(row):
            cell = table.cell(r, col)
            cell.text = text
            cell.text_frame.paragraphs[0].font.size = Pt(14)


def _cover_brand(slide, brand: Brand) -> None:
    """The MSP's logo (its stored PNG, unchanged), its name in the accent colour and an accent band."""
    accent = RGBColor.from_string(brand.accent.removeprefix("#"))
    band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, WIDTH, Inches(0.25))
    band.name = "Accent band"
    band.fill.solid()
    band.fill.fore_color.rgb = accent
    band.line.fill.background()
    left = LEFT
    if brand.logo:
        height = LOGO_HEIGHT
        if brand.logo_width * height / brand.logo_height > LOGO_MAX_WIDTH:  # a wide logo: bound its width
            picture = slide.shapes.add_picture(io.BytesIO(brand.logo), LEFT, Inches(0.5), width=LOGO_MAX_WIDTH)
        else:
            picture = slide.shapes.add_picture(io.BytesIO(brand.logo), LEFT, Inches(0.5), height=height)
        picture.name = "MSP logo"
        left = LEFT + picture.width + Inches(0.3)
    box = slide.shapes.add_textbox(left, Inches(0.6), Inches(6), Inches(0.8))
    box.name = "MSP name"
    run = box.text_frame.paragraphs[0].add_run()
    run.text = brand.name
    run.font.size = Pt(24)
    run.font.bold = True
    run.font.color.rgb = accent


def qbr_deck(content: QbrContent) -> bytes:
    """The deck as .pptx bytes: title, business goals, roadmap, budget, alignment, recommendations, actions."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    client = content.client

    title = prs.slides.add_slide(prs.slide_layouts[TITLE_SLIDE])
    title.shapes.title.text = f"{client.name}: quarterly business review"
    title.placeholders[1].text = f"{content.quarter.label} · prepared by {content.msp_name} · {content.today:%Y-%m-%d}"
    _cover_brand(title, brand_of(client.msp))

    goals = _slide(prs, "Your business goals")
    if content.goals:
        _table(goals, ["Goal", "Status", "Target", "Roadmap initiatives"],
               [[g.title, g.status, g.target.removeprefix("by "), str(g.initiatives)]
                for g in content.goals[:ROW_LIMIT]])
    else:
        _bullets(goals, ["No business goals recorded yet: agree on them first."])

    sections = {s.title: s for s in qbr_agenda(content)}
    roadmap_title = f"Roadmap this quarter ({content.quarter.label})"
    roadmap = _slide(prs, roadmap_title)
    _bullets(roadmap, sections[roadmap_title].items[:ROW_LIMIT])

    b = content.budget
    budget = _slide(prs, f"Budget against the plan ({b.fiscal_year})")
    _bullets(budget, sections["Budget against the plan"].items, width=HALF_WIDTH, size=18)
    chart_data = CategoryChartData()
    chart_data.categories = ["Approved", "Waiting for your decision"]
    chart_data.add_series(f"{b.fiscal_year} ({content.currency})", (float(b.approved), float(b.awaiting)))
    chart = budget.shapes.add_chart(XL_CHART_TYPE.PIE, Inches(6.8), Inches(1.5), Inches(6), Inches(5.2),
                                    chart_data).chart
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.plots[0].has_data_labels = True

    a = content.alignment
    alignment = _slide(prs, "Technology alignment")
    _bullets(alignment, sections["Technology alignment"].items[:6], width=HALF_WIDTH, size=16)
    if a.trend:
        trend = CategoryChartData()
        trend.categories = [label for label, _ in a.trend]
        trend.add_series("Alignment score (%)", [float(v) for _, v in a.trend])
        line = alignment.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, Inches(6.8), Inches(1.5), Inches(6),
                                          Inches(5.2), trend).chart
        line.has_legend = False
        line.value_axis.minimum_scale = 0
        line.value_axis.maximum_scale = 100

    recs = _slide(prs, "Recommendations")
    _bullets(recs, content.recommendations[:ROW_LIMIT] or ["No open recommendations."])

    actions = _slide(prs, "Open action items")
    if content.action_items:
        _table(actions, ["Action", "Owner", "Due"],
               [[i.text, i.owner, (i.due.isoformat() if i.due else "") + (" (overdue)" if i.overdue else "")]
                for i in content.action_items[:ROW_LIMIT]])
    else:
        _bullets(actions, ["No open action items."])

    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
