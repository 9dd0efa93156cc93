"""Results figures for hand-made responses: averages per question, share of answers >= 8, response rate,
trend by year, for the MSP, one vCIO and one client; and the pages that show and drill into them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client as HttpClient
from django_scopes import scope, scopes_disabled

from msp.models import Membership
from msp.roles import Role
from msp.services import api_token_create
from surveys.models import SurveyInvitation, SurveyQuestion
from surveys.selectors import survey_drilldown, survey_results
from surveys.services import survey_response_submit, survey_update
from tests import factories as f

from .conftest import logistics_boss, send_campaign

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def world(tenant):
    """2025: both clients answer (Dental 9 7 8 10 6, Logistics 8 8 5 9 10); 2026: only Dental (all 10)."""
    logistics_boss(tenant)
    dental, logistics = tenant.clients
    given = {2025: {dental: [9, 7, 8, 10, 6], logistics: [8, 8, 5, 9, 10]}, 2026: {dental: [10] * 5}}
    for year, by_client in given.items():
        campaign = send_campaign(tenant, year=year)
        with scope(msp=tenant.msp):
            questions = list(SurveyQuestion.objects.filter(survey=campaign.survey, retired_at__isnull=True))
            for client, scores in by_client.items():
                invitation = SurveyInvitation.objects.get(campaign=campaign, client=client)
                survey_response_submit(invitation=invitation, answers={
                    str(q.pk): s for q, s in zip(sorted(questions, key=lambda q: q.position), scores, strict=True)})
    return tenant


def figures(years):
    return [(y.year, y.invited, y.responded, y.response_rate, y.average, y.share_on_target,
             [(q.position, q.average, q.share_on_target, q.below_target) for q in y.questions]) for y in years]


def test_the_msps_figures_by_year(world):
    with scope(msp=world.msp):
        years = survey_results()
    assert figures(years) == [
        (2026, 2, 1, D("50.0"), D("10.0"), D("100.0"), [(p, D("10.0"), D("100.0"), 0) for p in range(1, 6)]),
        (2025, 2, 2, D("100.0"), D("8.0"), D("70.0"), [
            (1, D("8.5"), D("100.0"), 0), (2, D("7.5"), D("50.0"), 1), (3, D("6.5"), D("50.0"), 1),
            (4, D("9.5"), D("100.0"), 0), (5, D("8.0"), D("50.0"), 1)]),
    ]


def test_one_vcios_and_one_clients_figures(world):
    vcio = world.users[Role.VCIO]
    with scope(msp=world.msp):
        mine = survey_results(vcio_id=vcio.pk)
        logistics = survey_results(client=world.clients[1])
    assert [(y.year, y.invited, y.responded, y.response_rate, y.average, y.share_on_target) for y in mine] == [
        (2026, 1, 1, D("100.0"), D("10.0"), D("100.0")), (2025, 1, 1, D("100.0"), D("8.0"), D("60.0"))]
    assert [(y.year, y.response_rate, y.average, y.questions) for y in logistics] == [
        (2026, D("0.0"), None, []), (2025, D("100.0"), D("8.0"), logistics[1].questions)]
    assert [q.average for q in logistics[1].questions] == [D(8), D(8), D(5), D(9), D(10)]


def test_the_drilldown_names_the_clients_behind_a_figure(world):
    with scope(msp=world.msp):
        below_q3 = survey_drilldown(year=2025, position=3, below_target=True)
        any_below = survey_drilldown(year=2025, below_target=True)
        asked_2026 = survey_drilldown(year=2026)
    assert [(r.client.name, r.scores[3]) for r in below_q3] == [("Alpha Logistics", 5)]
    assert [r.client.name for r in any_below] == ["Alpha Dental", "Alpha Logistics"]
    assert [(r.client.name, r.answered) for r in asked_2026] == [("Alpha Dental", True), ("Alpha Logistics", False)]


def test_the_results_page_shows_the_figures_the_charts_and_links_down(world, login):
    http = login(world.users[Role.VIEWER])
    page = http.get("/surveys/results/")
    assert page.status_code == 200
    text = page.content.decode()
    assert '<a class="fw-semibold response-rate" href="/surveys/results/clients/?year=2025">100.0 %</a>' in text
    assert '<a class="fw-semibold share-on-target" href="/surveys/results/clients/?year=2025&below=1">70.0 %</a>' \
        in text
    assert '<a href="/surveys/results/clients/?year=2025&position=3">6.5</a>' in text
    assert text.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3  # the trend and one chart a year
    assert 'aria-label="Answers of 8 or more, by year"' in text
    drill = http.get("/surveys/results/clients/?year=2025&position=3&below=1").content.decode()
    assert "Alpha Logistics" in drill
    assert "Alpha Dental" not in drill
    client_page = http.get(f"/surveys/results/client/{world.clients[1].pk}/").content.decode()
    assert "Survey results: Alpha Logistics" in client_page
    assert "(0 of 1)" in client_page


def test_the_api_gives_the_same_figures(world):
    with scopes_disabled():
        _, raw = api_token_create(membership=Membership.objects.get(msp=world.msp, user=world.users[Role.VIEWER]),
                                  name="t")
    http = HttpClient(HTTP_AUTHORIZATION=f"Bearer {raw}")
    body = http.get("/api/v1/survey-results/?year=2025").json()
    assert [(y["year"], y["response_rate"], y["average"], y["share_on_target"]) for y in body] == [
        (2025, "100.0", "8.0", "70.0")]
    assert [(q["position"], q["average"], q["below_target"]) for q in body[0]["questions"]] == [
        (1, "8.5", 0), (2, "7.5", 1), (3, "6.5", 1), (4, "9.5", 0), (5, "8.0", 1)]
    client = http.get(f"/api/v1/survey-results/?client={world.clients[1].pk}").json()
    assert [(y["year"], y["invited"], y["responded"]) for y in client] == [(2026, 1, 0), (2025, 1, 1)]


def test_a_question_reworded_mid_campaign_stays_one_row_named_by_its_most_answered_words(tenant):
    """Dental answers question 2 in the old words (6); it is reworded; Logistics and a third client answer
    it in the new words (9 and 10): one row of three answers under the new words, counted in the database."""
    logistics_boss(tenant)
    campaign = send_campaign(tenant, year=2025)
    owner = tenant.users[Role.OWNER]
    with scopes_disabled():
        clinic = f.ClientFactory(msp=tenant.msp, name="Alpha Clinic")
        contact = f.ContactFactory(client=clinic, name="Clinic Boss", email="boss@clinic.test")
        first = SurveyInvitation.objects.filter(campaign=campaign).first()
        SurveyInvitation.objects.create(msp=tenant.msp, campaign=campaign, client=clinic, contact=contact,
                                        email=contact.email, sent_at=first.sent_at, expires_at=first.expires_at)

    def submit(client, scores):
        with scope(msp=tenant.msp):
            questions = sorted(SurveyQuestion.objects.filter(survey=campaign.survey, retired_at__isnull=True),
                               key=lambda q: q.position)
            survey_response_submit(invitation=SurveyInvitation.objects.get(campaign=campaign, client=client),
                                   answers={str(q.pk): s for q, s in zip(questions, scores, strict=True)})

    dental, logistics = tenant.clients
    submit(dental, [8, 6, 8, 8, 8])
    with scope(msp=tenant.msp):
        texts = [q.text for q in SurveyQuestion.objects.filter(survey=campaign.survey, retired_at__isnull=True)
                 .order_by("position")]
        survey = campaign.survey
        survey.refresh_from_db()
        survey_update(survey=survey, actor=owner, questions=[texts[0], "How dependable is the network?", *texts[2:]],
                      expected_version=survey.version)
    submit(logistics, [8, 9, 8, 8, 8])
    submit(clinic, [8, 10, 8, 8, 8])
    with scope(msp=tenant.msp):
        [year] = survey_results()
    assert (year.invited, year.responded, year.average, year.share_on_target) == (3, 3, D("8.1"), D("93.3"))
    second = year.questions[1]
    assert (len(year.questions), second.position, second.text, second.answers, second.average,
            second.share_on_target, second.below_target) == (5, 2, "How dependable is the network?", 3,
                                                             D("8.3"), D("66.7"), 1)
