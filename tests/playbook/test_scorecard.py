"""The owner's scorecard: each figure of a hand-made MSP exactly, the rating rule, the period, the constant
query count, the drill-down, the CSV and the page's permissions."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Avg, Count, F, Q, Sum
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from alignment.models import Recommendation, Review
from budgets.models import BudgetLine, BudgetVersion
from clients.models import Client
from meetings.models import Meeting
from msp.activities import activity_record
from msp.roles import Role
from playbook.assessment import QUESTIONS, data_answers
from playbook.models import PracticeAssessment
from playbook.periods import PeriodError, period_parse
from playbook.scorecard import (
    FIGURES,
    FLAGS,
    Column,
    Figure,
    Scorecard,
    approved_one_time_lines,
    churned_clients,
    client_meetings,
    drilldown,
    managed_clients,
    period_recommendations,
    rating,
    scorecard_build,
)
from playbook.scorecard_sql import (
    churn_by_vcio,
    managed_by_vcio,
    meetings_by_vcio,
    nonrecurring_by_vcio,
    recommendations_by_vcio,
)
from playbook.views_scorecard import scorecard_table
from roadmaps.models import Initiative
from surveys.models import Survey, SurveyAnswer, SurveyCampaign, SurveyInvitation, SurveyQuestion, SurveyResponse
from tests import factories as f

pytestmark = pytest.mark.django_db
UTC = dt.UTC
NOW = dt.datetime(2026, 7, 1, 12, tzinfo=UTC)
START, END = "2025-07-01", "2026-06-30"


def at(y: int, m: int, d: int) -> dt.datetime:
    return dt.datetime(y, m, d, 15, tzinfo=UTC)


def meeting(msp, client, kind, when, status="held", dm=None):
    return Meeting.objects.create(msp=msp, client=client, kind=kind, title=f"{kind} {when:%Y-%m-%d}",
                                  starts_at=when, time_zone="UTC", status=status, decision_maker_attended=dm,
                                  held_at=when if status == "held" else None)


def review(msp, client, when, score):
    return Review.objects.create(msp=msp, client=client, title=f"Review {when:%Y-%m}", status="completed",
                                 completed_at=when, score=Decimal(score))


def build_msp(tenant):
    """The vCIO has Dental ($3,000) and Clinic ($2,000), and Bakery ($1,000) churned on 1 March 2026;
    Logistics ($6,500) has no vCIO. Everything below falls in the year to 30 June 2026."""
    msp, vcio = tenant.msp, tenant.users[Role.VCIO]
    dental, logistics = tenant.clients
    with scopes_disabled():
        clinic = f.ClientFactory(msp=msp, name="Alpha Clinic", mrr=Decimal("2000.00"), vcio=vcio)
        bakery = f.ClientFactory(msp=msp, name="Alpha Bakery", mrr=Decimal("1000.00"), vcio=vcio,
                                 status="churned", churn_date=dt.date(2026, 3, 1), churn_reason="Sold the shop")
        Client.objects.filter(msp=msp).update(created_at=at(2025, 1, 1))
        # Dental: scores 70 then 80, the whole yearly cycle but one missed QBR, a current profile.
        review(msp, dental, at(2025, 9, 1), "70.0")
        review(msp, dental, at(2026, 2, 1), "80.0")
        meeting(msp, dental, "pre_planning", at(2025, 10, 1), dm=True)
        meeting(msp, dental, "strategy", at(2025, 11, 1), dm=False)
        meeting(msp, dental, "qbr", at(2026, 2, 10), dm=True)
        meeting(msp, dental, "qbr", at(2026, 5, 10), status="missed")
        meeting(msp, dental, "qbr", at(2026, 8, 10), status="planned")  # after the period
        BudgetVersion.objects.create(msp=msp, client=dental, number=1, snapshot={}, presented_at=at(2025, 11, 1))
        activity_record(msp=msp, kind="proposal_sent", actor=vcio, client_id=dental.pk, subject_id=dental.pk,
                        occurred_at=at(2025, 11, 1))
        Client.objects.filter(pk=dental.pk).update(
            annual_revenue=Decimal("2400000"), revenue_streams="Check-ups\nImplants", most_profitable_stream="Implants",
            sales_goals="A second practice by 2027", average_customer_size="$400 a visit",
            market_position="The only practice in town open on Saturdays", profile_reviewed_at=at(2026, 1, 1))
        # One-time value approved in the period: 2 x $1,000 at 30 % markup ($2,600) on its own decision, and
        # an initiative's line of 1 x $500 at 20 % margin ($625); a recurring line and a line approved
        # before the period do not count.
        BudgetLine.objects.create(msp=msp, client=dental, description="Laptops", start_quarter=dt.date(2026, 1, 1),
                                  quantity=Decimal("2"), unit_cost=Decimal("1000.00"), pricing="markup",
                                  rate=Decimal("30"), decision="approved", decided_at=at(2026, 1, 15))
        firewall = Initiative.objects.create(msp=msp, client=dental, title="New firewall", status="approved",
                                             decided_at=at(2026, 2, 1))
        BudgetLine.objects.create(msp=msp, client=dental, initiative=firewall, description="Firewall",
                                  start_quarter=dt.date(2026, 4, 1), quantity=Decimal("1"),
                                  unit_cost=Decimal("500.00"), pricing="margin", rate=Decimal("20"))
        BudgetLine.objects.create(msp=msp, client=dental, description="Backup", kind="recurring",
                                  start_quarter=dt.date(2026, 1, 1), unit_cost=Decimal("90.00"),
                                  decision="approved", decided_at=at(2026, 1, 15))
        BudgetLine.objects.create(msp=msp, client=dental, description="Old switch", start_quarter=dt.date(2025, 1, 1),
                                  unit_cost=Decimal("700.00"), decision="approved", decided_at=at(2025, 3, 1))
        # Recommendations made in the period: one acted on (its initiative approved), one not.
        acted = Recommendation.objects.create(msp=msp, client=dental, title="Replace the firewall")
        firewall.recommendations.add(acted, through_defaults={"msp": msp})
        Recommendation.objects.create(msp=msp, client=dental, title="Train the staff on phishing")
        Recommendation.objects.filter(msp=msp).update(created_at=at(2026, 1, 10))
        # Clinic: one review (60), one QBR held (nobody said whether the decision maker came).
        review(msp, clinic, at(2026, 3, 1), "60.0")
        meeting(msp, clinic, "qbr", at(2026, 3, 15))
        # Bakery, before it left: a review of 50 and a missed QBR.
        review(msp, bakery, at(2025, 8, 1), "50.0")
        meeting(msp, bakery, "qbr", at(2025, 12, 1), status="missed")
        # A steering meeting is no client meeting.
        Meeting.objects.create(msp=msp, kind="steering", title="Steering", starts_at=at(2026, 4, 1), time_zone="UTC",
                               organizer=vcio, tam=tenant.users[Role.TAM], status="missed")
    return clinic, bakery


def figures(card, column: int) -> dict[str, tuple]:
    return {k: (f.value, f.display, f.rating) for k, f in card.columns[column].figures.items()}


def test_every_figure_of_a_hand_made_msp(tenant):
    build_msp(tenant)
    with scope(msp=tenant.msp):
        period = period_parse(msp=tenant.msp, start=START, end=END, now=NOW)
        card = scorecard_build(msp=tenant.msp, period=period)
    assert [c.label for c in card.columns] == [tenant.users[Role.VCIO].display_name, "The MSP"]
    vcio = figures(card, 0)
    d = Decimal
    assert vcio == {
        "clients_managed": (d("2.0"), "2", "red"),
        "mrr_managed": (d("5000.00"), "$5,000.00", "red"),
        "clients_churned": (d("33.3"), "1", "red"),
        "mrr_churned": (d("16.7"), "$1,000.00", "red"),
        "churned_last_score": (d("50.0"), "50.0", "none"),
        "churned_missed": (None, "1", "none"),
        "alignment_score": (d("70.0"), "70.0", "amber"),
        "alignment_trend": (d("10.0"), "+10.0 points", "green"),
        "step_pre_planning": (d("50.0"), "50.0 %", "red"),
        "step_review": (d("100.0"), "100.0 %", "green"),
        "step_roadmap": (d("50.0"), "50.0 %", "red"),
        "step_budget": (d("50.0"), "50.0 %", "red"),
        "step_strategy": (d("50.0"), "50.0 %", "red"),
        "step_quarterly": (d("50.0"), "50.0 %", "red"),
        "roadmap_and_budget": (d("50.0"), "50.0 %", "red"),
        "meetings_held": (d("66.7"), "66.7 %", "red"),
        "meetings_missed": (d("33.3"), "2", "red"),
        "decision_makers": (d("50.0"), "50.0 %", "red"),
        "business_knowledge": (d("50.0"), "50.0 %", "amber"),
        "playbook_pace": (d("0.0"), "0 of 6", "red"),
        "survey_satisfied": (None, "No survey yet", "none"),
        "survey_response": (None, "No survey yet", "none"),
        # $3,225 over 12 months = $268.75 a month, 5.4 % of $5,000
        "nonrecurring": (d("5.4"), "5.4 %", "red"),
        "recommendations_implemented": (d("50.0"), "50.0 %", "green"),
    }
    details = {k: f.detail for k, f in card.columns[0].figures.items()}
    assert details["nonrecurring"] == "$3,225.00 approved, $268.75 a month"
    assert details["meetings_held"] == "4 of 6 scheduled"
    assert details["decision_makers"] == "2 of 4 held"
    assert details["clients_churned"] == "33.3 % of the book"
    # The MSP: Logistics (no vCIO, nothing done) joins; one vCIO, so per vCIO is the whole.
    msp = figures(card, 1)
    assert msp["clients_managed"] == (d("3.0"), "3", "red")
    assert msp["mrr_managed"] == (d("11500.00"), "$11,500.00", "red")
    assert msp["clients_churned"] == (d("25.0"), "1", "red")
    assert msp["mrr_churned"] == (d("8.0"), "$1,000.00", "amber")
    assert msp["alignment_score"] == (d("70.0"), "70.0", "amber")
    assert msp["step_review"] == (d("66.7"), "66.7 %", "red")
    assert msp["business_knowledge"] == (d("33.3"), "33.3 %", "red")
    assert msp["meetings_held"] == (d("66.7"), "66.7 %", "red")
    assert msp["nonrecurring"] == (d("2.3"), "2.3 %", "red")  # $268.75 of $11,500
    assert msp["playbook_pace"] == (d("0.0"), "0 of 6", "red")


def test_a_vcio_sees_only_their_own_column(tenant):
    build_msp(tenant)
    vcio = tenant.users[Role.VCIO]
    with scope(msp=tenant.msp):
        period = period_parse(msp=tenant.msp, start=START, end=END, now=NOW)
        card = scorecard_build(msp=tenant.msp, period=period, only_vcio=vcio)
    assert [c.vcio for c in card.columns] == [vcio]


def test_the_rating_rule_reads_the_bands_in_settings(settings):
    settings.SCORECARD_RATINGS = {"x": {"green": (35, 45), "amber": (30, 50)}, "y": {"green": (None, 5),
                                                                                   "amber": (None, 10)}}
    assert [rating("x", v) for v in (29, 30, 34, 35, 45, 46, 50, 51)] == [
        "red", "amber", "amber", "green", "green", "amber", "amber", "red"]
    assert [rating("y", v) for v in (0, 5, Decimal("5.1"), 10, 11)] == ["green", "green", "amber", "amber", "red"]
    assert rating("x", None) == "none"
    assert rating("unknown", 3) == "none"


def test_the_period_defaults_to_the_trailing_year_and_is_validated(tenant):
    period = period_parse(msp=tenant.msp, now=NOW)
    assert (period.start, period.end, period.days) == (dt.date(2025, 7, 2), dt.date(2026, 7, 1), 365)
    bad = [("2026-13-01", ""), ("", "soon"), ("2026-05-01", "2026-04-01"), ("2020-01-01", "2023-01-03")]
    messages = []
    for start, end in bad:
        with pytest.raises(PeriodError) as refused:
            period_parse(msp=tenant.msp, start=start, end=end, now=NOW)
        messages.append(str(refused.value))
    assert messages == ["Start “2026-13-01” is not a date: use YYYY-MM-DD.",
                        "End “soon” is not a date: use YYYY-MM-DD.",
                        "The start of the period is after its end.", "A period is at most three years."]
    assert period_parse(msp=tenant.msp, start="2020-01-01", end="2022-12-31", now=NOW).days == 1096


def grow(tenant, n_clients: int, n_vcios: int) -> None:
    """More vCIOs and clients, each client with reviews, meetings, a budget, lines and recommendations."""
    msp = tenant.msp
    with scopes_disabled():
        vcios = [tenant.users[Role.VCIO]]
        for i in range(n_vcios - 1):
            user = f.UserFactory(email=f"vcio{i}@alpha.test")
            f.MembershipFactory(msp=msp, user=user, role=Role.VCIO)
            vcios.append(user)
        for i in range(n_clients):
            client = f.ClientFactory(msp=msp, name=f"Grown {i}", vcio=vcios[i % n_vcios])
            review(msp, client, at(2026, 1, 1), "65.0")
            meeting(msp, client, "qbr", at(2026, 2, 1), dm=True)
            BudgetVersion.objects.create(msp=msp, client=client, number=1, snapshot={}, presented_at=at(2026, 1, 2))
            BudgetLine.objects.create(msp=msp, client=client, description="PC", start_quarter=dt.date(2026, 1, 1),
                                      unit_cost=Decimal("900.00"), decision="approved", decided_at=at(2026, 1, 5))
            Recommendation.objects.create(msp=msp, client=client, title=f"Grown rec {i}")
        Client.objects.filter(msp=msp).update(created_at=at(2025, 1, 1))
        Recommendation.objects.filter(msp=msp).update(created_at=at(2026, 1, 10))


def count_queries(tenant) -> int:
    with scope(msp=tenant.msp), CaptureQueriesContext(connection) as ctx:
        period = period_parse(msp=tenant.msp, start=START, end=END, now=NOW)
        card = scorecard_build(msp=tenant.msp, period=period)
        for key in ("step_review", "clients_churned", "meetings_held", "nonrecurring",
                    "recommendations_implemented", "alignment_trend"):
            list(drilldown(msp=tenant.msp, period=period, key=key, vcio_id=None).clients)
    assert card.columns
    return len(ctx.captured_queries)


def test_the_query_count_does_not_grow_with_clients_or_vcios(tenant, other_tenant):
    grow(tenant, 3, 1)
    grow(other_tenant, 12, 3)
    small, large = count_queries(tenant), count_queries(other_tenant)
    assert small == large
    with scope(msp=other_tenant.msp):
        card = scorecard_build(msp=other_tenant.msp, period=period_parse(msp=other_tenant.msp, start=START, end=END,
                                                                         now=NOW))
    assert len(card.columns) == 4
    assert card.columns[-1].figures["clients_managed"].display == "14"


def test_drilldown_lists_the_clients_behind_a_figure(tenant):
    clinic, bakery = build_msp(tenant)
    dental, logistics = tenant.clients
    vcio = tenant.users[Role.VCIO]
    with scope(msp=tenant.msp):
        period = period_parse(msp=tenant.msp, start=START, end=END, now=NOW)
        strategy = drilldown(msp=tenant.msp, period=period, key="step_strategy", vcio_id=None)
        rows = [(c.name, strategy.cells(c), strategy.meets(c)) for c in strategy.clients]
        churn = drilldown(msp=tenant.msp, period=period, key="clients_churned", vcio_id=vcio.pk)
        churn_rows = [(c.name, churn.cells(c)) for c in churn.clients]
        held = drilldown(msp=tenant.msp, period=period, key="meetings_held", vcio_id=vcio.pk)
        held_rows = [(c.name, held.cells(c)) for c in held.clients]
    assert rows == [("Alpha Clinic", ["$2,000.00", "no"], False), ("Alpha Logistics", ["$6,500.00", "no"], False),
                    ("Alpha Dental", ["$3,000.00", "yes"], True)]
    assert churn_rows == [("Alpha Bakery", ["1 Mar 2026", "$1,000.00", "50.0", "1", "Sold the shop"])]
    assert held_rows == [("Alpha Bakery", ["1", "0", "1", "0 of 0"]), ("Alpha Dental", ["4", "3", "1", "2 of 3"]),
                         ("Alpha Clinic", ["1", "1", "0", "0 of 1"])]


def test_pages_csv_and_who_sees_what(tenant, login):
    clinic, bakery = build_msp(tenant)
    owner, vcio = tenant.users[Role.OWNER], tenant.users[Role.VCIO]
    c = login(owner)
    assert c.get("/")["Location"] == "/scorecard/"
    page = c.get(f"/scorecard/?start={START}&end={END}")
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count('data-figure="') == 24
    assert 'href="/scorecard/figure/clients_churned/?start=2025-07-01&amp;end=2026-06-30&amp;vcio=all"' in body
    assert body.count('class="chart chart-guide"') == 2
    bad = c.get("/scorecard/?start=2026-02-30")
    assert bad.status_code == 400
    assert "Start “2026-02-30” is not a date: use YYYY-MM-DD." in bad.content.decode()
    drill = c.get(f"/scorecard/figure/clients_churned/?start={START}&end={END}&vcio=all")
    assert drill.status_code == 200
    assert "Alpha Bakery" in drill.content.decode()
    assert "Sold the shop" in drill.content.decode()
    assert c.get(f"/scorecard/figure/playbook_pace/?start={START}&end={END}&vcio=all").status_code == 404
    assert c.get("/scorecard/figure/nonsense/").status_code == 404
    export = c.get(f"/scorecard/export.csv?start={START}&end={END}")
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0] == ["figure", "guide", f"{vcio.display_name} value", f"{vcio.display_name} detail",
                       f"{vcio.display_name} rating", "The MSP value", "The MSP detail", "The MSP rating"]
    assert rows[3] == ["Clients churned", "5 % or less of the book", "1", "33.3 % of the book", "red", "1",
                       "25.0 % of the book", "red"]
    assert len(rows) == 25
    # A vCIO: their own column, their own drill-downs, not the MSP's nor another vCIO's.
    v = login(vcio)
    assert v.get("/").status_code == 200  # the vCIO's home: their work
    body = v.get(f"/scorecard/?start={START}&end={END}").content.decode()
    assert "The MSP" not in body
    assert f"vcio={vcio.pk}" in body
    assert v.get(f"/scorecard/figure/clients_churned/?start={START}&end={END}&vcio=all").status_code == 404
    assert v.get(f"/scorecard/figure/clients_churned/?vcio={tenant.users[Role.OWNER].pk}").status_code == 404
    assert v.get(f"/scorecard/figure/clients_churned/?start={START}&end={END}&vcio={vcio.pk}").status_code == 200
    assert len(list(csv.reader(io.StringIO(v.get("/scorecard/export.csv").content.decode())))[0]) == 5
    assert login(tenant.users[Role.TAM]).get("/scorecard/").status_code == 403


def test_the_api_gives_the_figures_of_the_page(tenant, login):
    build_msp(tenant)
    vcio = tenant.users[Role.VCIO]
    body = login(tenant.users[Role.OWNER]).get(f"/api/v1/scorecard/?start={START}&end={END}").json()
    assert (body["start"], body["end"]) == (START, END)
    assert [(c["vcio"], c["label"]) for c in body["columns"]] == [(vcio.pk, vcio.display_name), (None, "The MSP")]
    churned = {f["key"]: f for f in body["columns"][0]["figures"]}["clients_churned"]
    assert churned == {"key": "clients_churned", "label": "Clients churned", "guide": "5 % or less of the book",
                       "value": "33.30", "display": "1", "detail": "33.3 % of the book", "rating": "red"}
    assert len(body["columns"][1]["figures"]) == 24
    mine = login(vcio).get("/api/v1/scorecard/").json()
    assert [c["vcio"] for c in mine["columns"]] == [vcio.pk]
    bad = login(vcio).get("/api/v1/scorecard/?start=2020-01-01&end=2026-01-01")
    assert (bad.status_code, bad.json()) == (400, {"period": ["A period is at most three years."]})


def test_self_assessment_prefilled_from_the_data_then_kept_per_year(tenant, login):
    build_msp(tenant)
    owner, vcio = tenant.users[Role.OWNER], tenant.users[Role.VCIO]
    with scope(msp=tenant.msp):
        data = data_answers(msp=tenant.msp, year=2026, now=NOW)
    assert set(data) == {"book_size", "book_mrr", "year_planned", "playbook_used", "reviews_feed", "plan_per_client",
                         "decision_makers", "rhythm_kept", "know_business", "advice_taken", "clients_stay",
                         "projects_follow"}
    assert (data["book_size"].answer, data["book_size"].evidence) == (False, f"Clients managed: {vcio.display_name}: 2")
    assert (data["year_planned"].answer, data["year_planned"].evidence) == (
        False, "1 of 3 clients have their next client meeting on the calendar")
    assert (data["clients_stay"].answer, data["clients_stay"].evidence) == (
        False, "Clients churned: 1 (25.0 % of the book); guide 5 % or less of the book")
    assert data["advice_taken"].answer is True
    c = login(owner)
    page = c.get("/scorecard/assessment/?year=2025")
    assert page.status_code == 200
    assert page.content.decode().count('data-question="') == len(QUESTIONS) == 16
    answers = {q.key: "yes" for q in QUESTIONS}
    answers.pop("vcio_time")
    refused = c.post("/scorecard/assessment/?year=2025", answers)
    assert "Answer every question (1 left)." in refused.content.decode()
    saved = c.post("/scorecard/assessment/?year=2025", {**answers, "vcio_time": "no", "notes": "Hire"})
    assert saved.status_code == 302
    with scope(msp=tenant.msp):
        kept = PracticeAssessment.objects.get(year=2025)
    assert kept.answers == {q.key: q.key != "vcio_time" for q in QUESTIONS}
    assert (kept.notes, kept.assessed_by, kept.version) == ("Hire", owner, 1)
    assert set(kept.evidence) == set(data)
    this_year = c.get("/scorecard/assessment/").content.decode()
    assert "<th scope=\"col\">2025</th>" in this_year
    assert login(vcio).get("/scorecard/assessment/").status_code == 403
    assert c.get("/scorecard/assessment/?year=1999").status_code == 404


def test_survey_figures_come_from_the_survey_answers_of_the_period(tenant, login):
    """Dental (the vCIO's) answered 9 and 7, Clinic (the vCIO's) 8 and 10, Logistics (no vCIO) never
    answered; last year's answers fall before the period and do not count."""
    clinic, _ = build_msp(tenant)
    msp, owner = tenant.msp, tenant.users[Role.OWNER]
    dental, logistics = tenant.clients
    with scopes_disabled():
        survey = Survey.objects.create(msp=msp, name="Yearly", is_default=True)
        q1 = SurveyQuestion.objects.create(msp=msp, survey=survey, position=1, text="Satisfied?")
        q2 = SurveyQuestion.objects.create(msp=msp, survey=survey, position=2, text="Recommend us?")

        def campaign(year, sent):
            return SurveyCampaign.objects.create(msp=msp, survey=survey, year=year, send_on=sent.date(),
                                                 status="sent", sent_at=sent, created_by=owner)

        def invite(camp, client, sent, scores):
            contact = f.ContactFactory(msp=msp, client=client)
            answered = sent + dt.timedelta(days=3) if scores else None
            inv = SurveyInvitation.objects.create(msp=msp, campaign=camp, client=client, contact=contact,
                                                  email=f"{client.pk}@example.test", sent_at=sent,
                                                  expires_at=sent + dt.timedelta(days=30), answered_at=answered)
            if scores:
                resp = SurveyResponse.objects.create(msp=msp, invitation=inv, campaign=camp, client=client,
                                                     submitted_at=answered)
                for question, score in zip((q1, q2), scores, strict=True):
                    SurveyAnswer.objects.create(msp=msp, response=resp, question=question, score=score)

        old, now = campaign(2024, at(2024, 3, 2)), campaign(2026, at(2026, 3, 2))
        invite(old, dental, at(2024, 3, 2), (1, 1))
        invite(now, dental, at(2026, 3, 2), (9, 7))
        invite(now, clinic, at(2026, 3, 2), (8, 10))
        invite(now, logistics, at(2026, 3, 2), None)
    with scope(msp=msp):
        card = scorecard_build(msp=msp, period=period_parse(msp=msp, start=START, end=END, now=NOW))
    vcio, whole = figures(card, 0), figures(card, 1)
    assert vcio["survey_satisfied"][:2] == (Decimal("75.0"), "75.0 %")
    assert vcio["survey_response"][:2] == (Decimal("100.0"), "100.0 %")
    assert whole["survey_satisfied"][:2] == (Decimal("75.0"), "75.0 %")
    assert whole["survey_response"][:2] == (Decimal("66.7"), "66.7 %")
    assert card.columns[1].figures["survey_response"].detail == "2 of 3 invited"
    # On the page, each survey figure opens the survey results behind it.
    body = login(owner).get(f"/scorecard/?start={START}&end={END}").content.decode()
    vcio_id = tenant.users[Role.VCIO].pk
    assert body.count(f'href="/surveys/results/?vcio={vcio_id}" class="sc-value fw-semibold"') == 2
    assert body.count('href="/surveys/results/" class="sc-value fw-semibold"') == 2


def _reference(period) -> dict[str, dict]:
    """Every family's querysets (the drill-downs' definitions) aggregated by the ORM, grouped by vCIO."""
    def grouped(qs, path, **aggregates):
        return {row[path]: {"vcio_id": row[path], **{k: v for k, v in row.items() if k != path}}
                for row in qs.order_by().values(path).annotate(**aggregates)}

    return {
        "managed": grouped(
            managed_clients(period), "vcio_id", n=Count("pk"), mrr=Sum("mrr"),
            scored=Count("pk", filter=Q(latest_score__isnull=False)), score=Avg("latest_score"),
            trended=Count("pk", filter=Q(previous_score__isnull=False)),
            trend=Avg(F("latest_score") - F("previous_score"), filter=Q(previous_score__isnull=False)),
            **{flag: Count("pk", filter=Q(**{flag: True})) for flag in FLAGS}),
        "churn": grouped(churned_clients(period), "vcio_id", n=Count("pk"), mrr=Sum("mrr"),
                         scored=Count("pk", filter=Q(latest_score__isnull=False)), score=Avg("latest_score"),
                         missed=Sum("missed")),
        "meetings": grouped(client_meetings(period), "client__vcio_id", scheduled=Count("pk"),
                            held=Count("pk", filter=Q(status="held")), missed=Count("pk", filter=Q(is_missed=True)),
                            dm=Count("pk", filter=Q(status="held", decision_maker_attended=True))),
        "nonrecurring": grouped(approved_one_time_lines(period), "client__vcio_id", value=Sum("price")),
        "recommendations": grouped(period_recommendations(period), "client__vcio_id", n=Count("pk"),
                                   done=Count("pk", filter=Q(implemented=True))),
    }


STATEMENTS = {"managed": managed_by_vcio, "churn": churn_by_vcio, "meetings": meetings_by_vcio,
              "nonrecurring": nonrecurring_by_vcio, "recommendations": recommendations_by_vcio}


def test_each_family_in_one_statement_equals_its_querysets_grouped(tenant, other_tenant):
    """The page reads each family of figures from one hand-written statement (playbook/scorecard_sql.py); each
    equals the drill-downs' querysets aggregated by the ORM, vCIO by vCIO (also the clients without a vCIO),
    on two MSPs, with the cases each rule turns on."""
    build_msp(tenant)
    grow(other_tenant, 12, 3)
    msp = other_tenant.msp
    with scopes_disabled():
        grown = sorted(Client.objects.filter(msp=msp, name__startswith="Grown"), key=lambda c: int(c.name.split()[1]))
        meeting(msp, grown[0], "qbr", at(2026, 4, 1), status="planned")  # still planned after its end: missed
        meeting(msp, grown[1], "strategy", at(2026, 4, 2))
        Meeting.objects.filter(pk=meeting(msp, grown[1], "qbr", at(2026, 4, 3), status="planned").pk).update(
            status="cancelled", cancelled_at=at(2026, 3, 1))
        Client.objects.filter(pk=grown[2].pk).update(archived_at=at(2026, 5, 1))
        # Two clients churned in the period (one reviewed, with a missed QBR), one before it.
        Client.objects.filter(pk=grown[3].pk).update(status="churned", churn_date=dt.date(2026, 5, 1))
        meeting(msp, grown[3], "qbr", at(2026, 3, 1), status="missed")
        Client.objects.filter(pk=grown[4].pk).update(status="churned", churn_date=dt.date(2026, 6, 30))
        Review.objects.filter(client=grown[4]).delete()
        Client.objects.filter(pk=grown[5].pk).update(status="churned", churn_date=dt.date(2025, 6, 30))
        # Lines: at a margin under an approved initiative, under an archived one, archived, declined, recurring.
        approved = Initiative.objects.create(msp=msp, client=grown[6], title="Wi-Fi", status="scheduled",
                                             decided_at=at(2026, 3, 1))
        archived = Initiative.objects.create(msp=msp, client=grown[7], title="Old plan", status="approved",
                                             decided_at=at(2026, 3, 1), archived_at=at(2026, 4, 1))
        for initiative, cost in ((approved, "333.33"), (archived, "100.00")):
            BudgetLine.objects.create(msp=msp, client=initiative.client, initiative=initiative, description="AP",
                                      start_quarter=dt.date(2026, 4, 1), quantity=Decimal("3"),
                                      unit_cost=Decimal(cost), pricing="margin", rate=Decimal("17.5"))
        line = BudgetLine.objects.create(msp=msp, client=grown[8], description="Gone", unit_cost=Decimal("50.00"),
                                         start_quarter=dt.date(2026, 1, 1), decision="approved",
                                         decided_at=at(2026, 1, 5))
        BudgetLine.objects.filter(pk=line.pk).update(archived_at=at(2026, 2, 1))
        BudgetLine.objects.create(msp=msp, client=grown[8], description="No", start_quarter=dt.date(2026, 1, 1),
                                  unit_cost=Decimal("70.00"), decision="declined", decided_at=at(2026, 1, 5))
        BudgetLine.objects.create(msp=msp, client=grown[8], description="Monthly", kind="recurring",
                                  start_quarter=dt.date(2026, 1, 1), unit_cost=Decimal("9.00"), decision="approved",
                                  decided_at=at(2026, 1, 5))
        # Recommendations: one done by hand, one acted on by the approved initiative, one archived.
        Recommendation.objects.filter(client=grown[9]).update(status="done")
        approved.recommendations.add(Recommendation.objects.get(client=grown[6]), through_defaults={"msp": msp})
        Recommendation.objects.filter(client=grown[10]).update(archived_at=at(2026, 2, 1))
        # Roadmaps presented before a quarter's period but in its last 12 months, and in it; a QBR due later.
        for client, when in ((grown[0], at(2025, 9, 1)), (grown[1], at(2026, 5, 1))):
            activity_record(msp=msp, kind="proposal_sent", actor=other_tenant.users[Role.VCIO], client_id=client.pk,
                            subject_id=client.pk, occurred_at=when)
        meeting(msp, grown[11], "qbr", at(2026, 9, 1), status="planned")
        meeting(msp, grown[11], "pre_planning", at(2026, 6, 20))
        # A review in the period without a score after a scored one before it; only a scored one before it.
        Review.objects.filter(client__in=[grown[9], grown[10]]).delete()
        for client in (grown[9], grown[10]):
            review(msp, client, at(2025, 3, 1), "71.0")
        Review.objects.create(msp=msp, client=grown[9], title="No score", status="completed",
                              completed_at=at(2026, 2, 1), score=None)
    # The year, a quarter (its last 12 months reach before it) and a year that has not ended (meetings due to now).
    for t in (tenant, other_tenant):
        for start, end in ((START, END), ("2026-04-01", "2026-06-30"), ("2026-01-01", "2026-12-31")):
            with scope(msp=t.msp):
                period = period_parse(msp=t.msp, start=start, end=end, now=NOW)
                reference = _reference(period)
                for family, statement in STATEMENTS.items():
                    assert statement(msp=t.msp, period=period) == reference[family], (family, start, end)
        with scope(msp=t.msp):
            reference = _reference(period_parse(msp=t.msp, start=START, end=END, now=NOW))
    assert reference["churn"] == {
        other_tenant.users[Role.VCIO].pk: {"vcio_id": other_tenant.users[Role.VCIO].pk, "n": 1,
                                           "mrr": grown[3].mrr, "scored": 1, "score": Decimal("65.0"), "missed": 1},
        grown[4].vcio_id: {"vcio_id": grown[4].vcio_id, "n": 1, "mrr": grown[4].mrr, "scored": 0, "score": None,
                           "missed": 0}}
    # 12 x $900 at no markup, then 3 x $404.04 (333.33 / 0.825 = 404.036...): the archived initiative's,
    # the archived, declined and recurring lines do not count.
    assert sum(row["value"] for row in reference["nonrecurring"].values()) == Decimal("10800.00") + Decimal("1212.12")
    assert sum(row["done"] for row in reference["recommendations"].values()) == 2
    assert sum(row["n"] for row in reference["recommendations"].values()) == 11
    assert sum(row["missed"] for row in reference["meetings"].values()) == 2
    vcio = tenant.users[Role.VCIO]
    with scope(msp=tenant.msp):
        period = period_parse(msp=tenant.msp, start=START, end=END, now=NOW)
        mine = {family: statement(msp=tenant.msp, period=period).get(vcio.pk)
                for family, statement in STATEMENTS.items()}
    assert mine["managed"] == {
        "vcio_id": vcio.pk, "n": 2, "mrr": Decimal("5000.00"), "scored": 2, "score": Decimal("70.0"), "trended": 1,
        "trend": Decimal("10.0"), "step_pre_planning": 1, "step_review": 2, "step_roadmap": 1, "step_budget": 1,
        "step_strategy": 1, "step_quarterly": 1, "roadmap_and_budget": 1, "business_knowledge": 1}
    assert mine["churn"] == {"vcio_id": vcio.pk, "n": 1, "mrr": Decimal("1000.00"), "scored": 1,
                             "score": Decimal("50.0"), "missed": 1}
    assert mine["meetings"] == {"vcio_id": vcio.pk, "scheduled": 6, "held": 4, "missed": 2, "dm": 2}
    assert mine["nonrecurring"] == {"vcio_id": vcio.pk, "value": Decimal("3225.00")}
    assert mine["recommendations"] == {"vcio_id": vcio.pk, "n": 2, "done": 1}


def test_the_table_cells_are_built_escaped_with_their_links(tenant):
    """Each cell: the value linked to its clients (or to the survey results), the rating badge, the detail;
    every text from the data is escaped."""
    vcio = tenant.users[Role.VCIO]
    period = period_parse(msp=tenant.msp, start=START, end=END, now=NOW)
    figure = Figure(key="clients_churned", label="Clients churned", guide="", value=Decimal("33.3"),
                    display="<1>", detail='a & "b"')
    survey = Figure(key="survey_response", label="Survey response rate", guide="", value=Decimal("50.0"),
                    display="50.0 %", detail="")
    none = Figure(key="survey_satisfied", label="", guide="", value=None, display="No survey yet")
    columns = [Column(vcio=vcio, label="<V>"), Column(vcio=None, label="The MSP")]
    for column in columns:
        column.figures = {d.key: none for d in FIGURES} | {"clients_churned": figure, "survey_response": survey}
    rows = {row.key: row for row in scorecard_table(Scorecard(period=period, columns=columns, vcio_count=1),
                                           "start=2025-07-01&end=2026-06-30")}
    assert len(rows) == 24
    assert rows["clients_churned"].cells == (
        f'<td class="text-end" data-column="0" data-rating="red"><a href="/scorecard/figure/clients_churned/'
        f'?start=2025-07-01&amp;end=2026-06-30&amp;vcio={vcio.pk}" class="sc-value fw-semibold">&lt;1&gt;</a>\n'
        '<span class="badge sc-rating text-bg-danger">Off guide</span>\n'
        '<div class="small text-body-secondary">a &amp; &quot;b&quot;</div></td>\n'
        '<td class="text-end" data-column="1" data-rating="red"><a href="/scorecard/figure/clients_churned/'
        '?start=2025-07-01&amp;end=2026-06-30&amp;vcio=all" class="sc-value fw-semibold">&lt;1&gt;</a>\n'
        '<span class="badge sc-rating text-bg-danger">Off guide</span>\n'
        '<div class="small text-body-secondary">a &amp; &quot;b&quot;</div></td>')
    assert rows["survey_response"].cells.startswith(
        f'<td class="text-end" data-column="0" data-rating="green"><a href="/surveys/results/?vcio={vcio.pk}" '
        'class="sc-value fw-semibold" title="The survey results behind this figure">50.0 %</a>\n<span ')
    assert rows["survey_satisfied"].cells.split("\n")[0] == (
        '<td class="text-end" data-column="0" data-rating="none"><span class="sc-value fw-semibold">No survey yet'
        '</span></td>')
