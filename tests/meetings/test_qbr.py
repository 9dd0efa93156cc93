"""The QBR built from the records: its content, its business-first agenda and the PowerPoint deck
(opened again with python-pptx, its slide titles, tables and native chart figures checked)."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from decimal import Decimal

import pytest
from django_scopes import scope, scopes_disabled
from pptx import Presentation

from alignment import services as review_services
from clients.models import BusinessObjective
from meetings.qbr import ActionLine, agenda_text, qbr_agenda, qbr_content
from meetings.qbr_deck import qbr_deck
from meetings.qbr_report import qbr_pdf
from msp.roles import Role
from roadmaps import services as roadmap_services
from tests import factories as f
from tests.alignment.conftest import answer, schedule
from tests.roadmaps.test_report import TODAY, build_plan

pytestmark = pytest.mark.django_db
D = dt.date


def add_roadmap_moves(tenant, client) -> None:
    """This quarter is FY2027 Q2 (October - December 2026) of the client's July fiscal year."""
    vcio = tenant.users[Role.VCIO]
    with scope(msp=tenant.msp):
        for title, status, start in [("Replace the old switch", "scheduled", D(2026, 7, 1)),
                                     ("Roll out password manager", "in_progress", D(2026, 10, 1)),
                                     ("Retire the fax server", "done", D(2026, 10, 1)),
                                     ("Idea for later", "idea", D(2026, 10, 1))]:
            roadmap_services.initiative_create(client=client, actor=vcio, title=title, status=status,
                                               start_quarter=start)


def two_reviews(tenant, client) -> None:
    """Library weights: high 5, medium 3, low 1; 17 in all. First review: offsite and MFA not met ->
    (3 + 3 + 1) / 17 = 41.2 %. Latest: MFA and the signature not met -> (5 + 3 + 3) / 17 = 64.7 %."""
    with scopes_disabled():
        backup = f.CategoryFactory(msp=tenant.msp, name="Backup", position=1)
        email = f.CategoryFactory(msp=tenant.msp, name="Email", position=2)
        for name, cat, prio, q in [("offsite", backup, "high", "Is a copy of every backup kept off site?"),
                                   ("monitored", backup, "medium", "Are backup jobs monitored every day?"),
                                   ("mfa", email, "high", "Do all mailboxes require MFA?"),
                                   ("spf", email, "medium", "Are SPF and DMARC records published?"),
                                   ("signature", email, "low", "Do all staff use the standard signature?")]:
            f.StandardFactory(category=cat, name=name, priority=prio, question=q)
    for title, misses in [("First review", {"offsite", "mfa"}), ("Second review", {"mfa", "signature"})]:
        review = schedule(tenant, client=client, title=title)
        for name in ("offsite", "monitored", "mfa", "spf", "signature"):
            answer(tenant, review, name, "misaligned" if name in misses else "aligned")
        with scope(msp=tenant.msp):
            review_services.review_complete(review=review, actor=tenant.users[Role.TAM])


@pytest.fixture
def content(tenant):
    plan = build_plan(tenant)
    client = plan["client"]
    add_roadmap_moves(tenant, client)
    two_reviews(tenant, client)
    with scopes_disabled():
        BusinessObjective.objects.filter(pk=tenant.objective.pk).update(status="in_progress",
                                                                        target_date=D(2027, 6, 30))
    actions = [ActionLine(text="Send the firewall quote", owner="Vera vCIO", due=D(2026, 11, 10), overdue=True)]
    with scope(msp=tenant.msp):
        return qbr_content(client=client, today=TODAY, action_items=actions,
                           gaps=["We are not sure our backups would bring us back within a day."])


def test_content_gathers_this_quarters_records(content):
    assert content.quarter.label == "FY2027 Q2"
    assert content.msp_name == "Northwind Managed IT"
    assert [(g.title, g.status, g.target, g.initiatives) for g in content.goals] == [
        ("Alpha: open a second office", "In progress", "by 2027-06-30", 1)]
    assert [i.title for i in content.done] == ["Retire the fax server"]
    assert [(i.title, i.quarter) for i in content.due] == [("Roll out password manager", "FY2027 Q2")]
    assert [(i.title, i.quarter) for i in content.slipped] == [("Replace the old switch", "FY2027 Q1")]
    b = content.budget
    # FY2027 of the plan (tests/roadmaps/test_report.py): 8,787.20 in all; approved: the backup project's
    # 2,600.00 one-time and two quarters of 480.00; awaiting: the Microsoft 365 line, 3 x 1,742.40.
    assert (b.fiscal_year, b.planned, b.approved, b.awaiting) == (
        "FY2027", Decimal("8787.20"), Decimal("3560.00"), Decimal("5227.20"))
    assert (b.one_time, b.recurring) == (Decimal("2600.00"), Decimal("6187.20"))
    assert b.approved + b.awaiting == b.planned
    assert b.approved_share == 41
    a = content.alignment
    assert (a.score, a.previous, a.change, a.open_findings) == (
        Decimal("64.7"), Decimal("41.2"), Decimal("23.5"), 2)
    assert a.findings == ["Do all mailboxes require MFA?", "Do all staff use the standard signature?"]
    assert [v for _, v in a.trend] == [Decimal("41.2"), Decimal("64.7")]
    assert content.recommendations == ["Keep a copy of every backup off site"]


def test_the_agenda_is_business_first(content):
    sections = qbr_agenda(content)
    assert [s.title for s in sections] == [
        "Your business goals and their progress", "Roadmap this quarter (FY2027 Q2)", "Budget against the plan",
        "Technology alignment", "Recommendations", "Open action items", "What your leadership told us"]
    assert sections[0].items == [
        "Alpha: open a second office: in progress, by 2027-06-30; 1 roadmap initiative serves it"]
    assert sections[1].items == ["Done this quarter: Retire the fax server (FY2027 Q2)",
                                 "Due this quarter: Roll out password manager (FY2027 Q2)",
                                 "Slipped from an earlier quarter: Replace the old switch (FY2027 Q1)"]
    assert sections[2].items == ["FY2027 plan: $8,787.20 ($2,600.00 one-time, $6,187.20 recurring)",
                                 "Approved so far: $3,560.00 (41 % of the plan)",
                                 "Waiting for your decision: $5,227.20"]
    assert sections[3].items == ["Alignment score 64.7 % (up 23.5 points since the last review)",
                                 "2 standards not met", "Not met: Do all mailboxes require MFA?",
                                 "Not met: Do all staff use the standard signature?"]
    assert sections[5].items == ["Send the firewall quote (Vera vCIO, due 2026-11-10, overdue)"]
    text = agenda_text(sections)
    assert text.splitlines()[0] == "1. Your business goals and their progress"
    assert "7. What your leadership told us\n   - We are not sure our backups would bring us back within a day." in text


def test_the_deck_opens_in_powerpoint_terms(content):
    prs = Presentation(io.BytesIO(qbr_deck(content)))
    slides = list(prs.slides)
    assert [s.shapes.title.text for s in slides] == [
        "Lakeshore Family Dental: quarterly business review", "Your business goals",
        "Roadmap this quarter (FY2027 Q2)", "Budget against the plan (FY2027)", "Technology alignment",
        "Recommendations", "Open action items"]
    assert slides[0].placeholders[1].text == "FY2027 Q2 · prepared by Northwind Managed IT · 2026-11-21"
    goals = next(s for s in slides[1].shapes if s.has_table).table
    assert [[c.text for c in row.cells] for row in goals.rows] == [
        ["Goal", "Status", "Target", "Roadmap initiatives"],
        ["Alpha: open a second office", "In progress", "2027-06-30", "1"]]
    pie = next(s for s in slides[3].shapes if s.has_chart).chart
    assert list(pie.plots[0].categories) == ["Approved", "Waiting for your decision"]
    assert list(pie.series[0].values) == [3560.0, 5227.2]
    trend = next(s for s in slides[4].shapes if s.has_chart).chart
    assert list(trend.series[0].values) == [41.2, 64.7]
    actions = next(s for s in slides[6].shapes if s.has_table).table
    assert [c.text for c in actions.rows[1].cells] == ["Send the firewall quote", "Vera vCIO",
                                                       "2026-11-10 (overdue)"]


def test_the_pdf_carries_the_same_figures(content, tmp_path):
    path = tmp_path / "qbr.pdf"
    path.write_bytes(qbr_pdf(content))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = " ".join(text.split())
    assert "QUARTERLY BUSINESS REVIEW" in text
    assert "Northwind Managed IT" in text
    assert "Quarterly business review · Lakeshore Family Dental · FY2027 Q2" in text
    assert "FY2027 Q2 (1 October 2026 – 31 December 2026)" in flat
    assert "Alpha: open a second office In progress 2027-06-30 1" in flat
    assert "$8,787.20 $3,560.00 $5,227.20" in flat
    assert "planned for FY2027" in flat
    assert "Slipped from an earlier quarter: Replace the old switch (FY2027 Q1)" in flat
    assert "Alignment score 64.7 % (up 23.5 points since the last review)" in flat
    assert "Send the firewall quote (Vera vCIO, due 2026-11-10, overdue)" in flat
