"""The MSP's brand on every client document: its logo (the stored PNG itself), its name and its accent on
the covers of the roadmap, alignment and business review PDFs and of the business review deck."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from decimal import Decimal

import pytest
from django_scopes import scope, scopes_disabled
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from alignment.models import Review
from alignment.reports import alignment_report_pdf
from clients.models import Client
from meetings.qbr import qbr_content
from meetings.qbr_deck import qbr_deck
from meetings.qbr_report import qbr_pdf
from msp.brand import logo_clean
from msp.models import Msp
from msp.roles import Role
from msp.services import msp_update
from roadmaps.reports import roadmap_report_pdf
from tests.brand_images import image_bytes

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 21)


@pytest.fixture
def branded(tenant):
    """Alpha with a 320 x 120 logo and a plum accent."""
    with scopes_disabled():
        msp = Msp.objects.get(pk=tenant.msp.pk)
        msp_update(msp=msp, actor=tenant.users[Role.OWNER], name="Northwind Managed IT", accent_color="#7a1f5c",
                   logo=logo_clean(image_bytes(320, 120, colour=(122, 31, 92))))
        return Client.objects.select_related("msp", "vcio").get(pk=tenant.clients[0].pk)


def pdf_checks(tmp_path, content: bytes) -> tuple[str, list[tuple[str, int, int]]]:
    """The first page's text, and (type, width, height) of each image on it (pdfimages -list)."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    listing = subprocess.run(["pdfimages", "-f", "1", "-l", "1", "-list", str(path)], capture_output=True,
                             text=True, check=True).stdout.splitlines()[2:]
    return text, [(cols[2], int(cols[3]), int(cols[4])) for cols in (line.split() for line in listing)]


def test_the_roadmap_pdf_cover_carries_the_brand(branded, tmp_path):
    with scope(msp=branded.msp):
        text, images = pdf_checks(tmp_path, roadmap_report_pdf(client=branded, today=TODAY))
    assert text.startswith("Northwind Managed IT\n\nTHREE-YEAR TECHNOLOGY ROADMAP AND BUDGET\n\nAlpha Dental\n")
    # The logo itself (its alpha channel travels as a soft mask of the same size).
    assert images == [("image", 320, 120), ("smask", 320, 120)]


def test_the_alignment_report_cover_carries_the_brand(branded, tmp_path):
    with scopes_disabled():
        review = Review.objects.create(msp=branded.msp, client=branded, title="Annual review 2026",
                                       status="completed", score=Decimal("80.0"),
                                       completed_at=dt.datetime(2026, 3, 12, 15, tzinfo=dt.UTC))
    with scope(msp=branded.msp):
        text, images = pdf_checks(tmp_path, alignment_report_pdf(review=review))
    assert text.startswith("Northwind Managed IT\n\nTECHNOLOGY ALIGNMENT REPORT\n\nAlpha Dental\n")
    assert images == [("image", 320, 120), ("smask", 320, 120)]


def test_the_business_review_pdf_and_deck_covers_carry_the_brand(branded, tmp_path):
    with scope(msp=branded.msp):
        content = qbr_content(client=branded, today=TODAY)
        text, images = pdf_checks(tmp_path, qbr_pdf(content))
        deck = Presentation(io.BytesIO(qbr_deck(content)))
    assert text.startswith("Northwind Managed IT\n\nQUARTERLY BUSINESS REVIEW\n\nAlpha Dental\n")
    assert images == [("image", 320, 120), ("smask", 320, 120)]

    cover = deck.slides[0]
    with scopes_disabled():
        stored = bytes(Msp.objects.get(pk=branded.msp_id).logo_png)
    pictures = [s for s in cover.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert [p.image.blob for p in pictures] == [stored]
    name = next(s for s in cover.shapes if s.name == "MSP name")
    assert name.text_frame.text == "Northwind Managed IT"
    assert str(name.text_frame.paragraphs[0].runs[0].font.color.rgb) == "7A1F5C"
    band = next(s for s in cover.shapes if s.name == "Accent band")
    assert str(band.fill.fore_color.rgb) == "7A1F5C"


def test_without_a_logo_the_cover_shows_the_name_only(tenant, tmp_path):
    with scope(msp=tenant.msp):
        client = Client.objects.select_related("msp", "vcio").get(pk=tenant.clients[0].pk)
        text, images = pdf_checks(tmp_path, roadmap_report_pdf(client=client, today=TODAY))
        deck = Presentation(io.BytesIO(qbr_deck(qbr_content(client=client, today=TODAY))))
    assert text.startswith("Alpha\n\nTHREE-YEAR TECHNOLOGY ROADMAP AND BUDGET\n\nAlpha Dental\n")
    assert images == []
    assert [s for s in deck.slides[0].shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE] == []
    assert next(s for s in deck.slides[0].shapes if s.name == "MSP name").text_frame.text == "Alpha"
