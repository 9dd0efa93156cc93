"""The staff pages of the survey (owner plans and edits, a viewer reads, links only for those who may resend
them) and the portal's survey card for the client's own decision maker."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from msp.roles import Role
from surveys.models import Survey, SurveyCampaign, SurveyQuestion
from surveys.services import survey_response_submit

from .conftest import all_scores

pytestmark = pytest.mark.django_db


def test_the_owner_plans_a_campaign_and_edits_the_survey(tenant, login):
    http = login(tenant.users[Role.OWNER])
    assert "How reliable is your IT network and infrastructure?" in http.get("/surveys/").content.decode()
    year = timezone.localdate().year
    response = http.post("/surveys/campaigns/new/", {"year": year, "send_on": timezone.localdate().isoformat(),
                                                     "open_days": 21, "reminder_days": "5, 12"})
    with scopes_disabled():
        campaign = SurveyCampaign.objects.get(msp=tenant.msp)
        survey = Survey.objects.get(msp=tenant.msp)
    assert response["Location"] == f"/surveys/campaigns/{campaign.pk}/"
    assert (campaign.year, campaign.open_days, campaign.reminder_days, campaign.status) == (
        year, 21, [5, 12], "scheduled")
    assert survey.is_default
    edit = http.post(f"/surveys/{survey.pk}/edit/", {"name": "Our survey", "version": survey.version,
                                                      "questions": "Are we quick?\nAre we clear?\n"})
    assert edit.status_code == 302
    with scopes_disabled():
        assert list(SurveyQuestion.objects.filter(survey=survey, retired_at__isnull=True)
                    .values_list("position", "text")) == [(1, "Are we quick?"), (2, "Are we clear?")]
    stale = http.post(f"/surveys/{survey.pk}/edit/", {"name": "Late", "version": survey.version,
                                                       "questions": "Too late?"})
    assert "Someone else changed this survey" in stale.content.decode()
    cancel = http.post(f"/surveys/campaigns/{campaign.pk}/cancel/")
    assert cancel.status_code == 302
    with scopes_disabled():
        assert SurveyCampaign.objects.get(pk=campaign.pk).status == "cancelled"


def test_a_viewer_reads_but_sees_no_links_and_a_vcio_sees_the_open_ones(sent, login):
    url = f"/surveys/campaigns/{sent.campaign.pk}/"
    viewer = login(sent.tenant.users[Role.VIEWER]).get(url).content.decode()
    assert "Alpha Boss" in viewer
    assert sent.token not in viewer
    vcio = login(sent.tenant.users[Role.VCIO]).get(url).content.decode()
    assert f'value="http://127.0.0.1:8000/s/{sent.token}/"' in vcio
    assert login(sent.tenant.users[Role.VIEWER]).get("/surveys/campaigns/new/").status_code == 403


def test_the_portal_shows_the_open_survey_then_the_past_answers(sent, login):
    portal = login(sent.tenant.users[Role.CLIENT])
    home = portal.get("/portal/").content.decode()
    assert f'href="http://127.0.0.1:8000/s/{sent.token}/">Answer the survey</a>' in home
    with scope(msp=sent.tenant.msp):
        survey_response_submit(invitation=sent.invitation, answers=all_scores(sent, 7))
    after = portal.get("/portal/").content.decode()
    assert 'id="portal-survey-open"' not in after
    assert f"Q1. {sent.questions[0].text} <span class=\"fw-semibold\">7</span>" in after
    # The portal user opens their own link while signed in to the portal: the thank-you page.
    thanks = portal.get(f"/s/{sent.token}/").content.decode()
    assert 'id="survey-thanks"' in thanks
