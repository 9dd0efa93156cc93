"""The survey's services: editing makes a new version and keeps past words, a response below 8 raises one
follow-up for the vCIO, and the daily run sends, reminds until answered and closes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from meetings.models import ActionItem
from msp.models import Activity, Notification
from msp.roles import Role
from surveys.choices import DEFAULT_QUESTIONS
from surveys.models import SurveyAnswer, SurveyCampaign, SurveyInvitation, SurveyQuestion
from surveys.services import (
    campaign_create,
    campaigns_run,
    survey_default_ensure,
    survey_response_submit,
    survey_update,
)

from .conftest import all_scores, logistics_boss

pytestmark = pytest.mark.django_db


def answer(sent, scores: list[int], invitation=None):
    with scope(msp=sent.tenant.msp):
        return survey_response_submit(invitation=invitation or sent.invitation,
                                      answers={str(q.pk): s for q, s in zip(sent.questions, scores, strict=True)})


def test_the_default_survey_has_the_five_questions(tenant):
    with scope(msp=tenant.msp):
        survey = survey_default_ensure(msp=tenant.msp)
        assert survey_default_ensure(msp=tenant.msp) == survey
        assert list(SurveyQuestion.objects.filter(survey=survey).values_list("position", "text")) == [
            (i, text) for i, text in enumerate(DEFAULT_QUESTIONS, start=1)]


def test_a_score_below_8_raises_one_follow_up_for_the_vcio(sent):
    vcio = sent.tenant.users[Role.VCIO]
    response = answer(sent, [9, 7, 8, 10, 6])
    with scopes_disabled():
        (item,) = ActionItem.objects.all()
        assert (item.client, item.owner, item.source, item.meeting, item.status) == (
            sent.tenant.clients[0], vcio, "survey", None, "open")
        assert item.text == (
            f"Client survey {sent.campaign.year}: Alpha Boss scored below 8 on "
            f"Q2 “{sent.questions[1].text[:60]}” 7; Q5 “{sent.questions[4].text[:60]}” 6. "
            "Talk it through and agree what changes.")
        response.refresh_from_db()
        assert response.follow_up == item
        (note,) = Notification.objects.filter(user=vcio)
        assert note.title == f"Alpha Dental scored below 8 in the {sent.campaign.year} survey"
        assert note.url == f"/surveys/results/client/{sent.tenant.clients[0].pk}/"
        assert Activity.objects.filter(kind="survey_answered", subject_id=response.pk).count() == 1
    # Only once: the invitation takes no second response, and no second follow-up appears.
    with pytest.raises(ValidationError, match="already been answered"):
        answer(sent, [1, 1, 1, 1, 1])
    with scopes_disabled():
        assert ActionItem.objects.count() == 1
        assert SurveyAnswer.objects.count() == 5


def test_scores_of_8_or_more_raise_no_follow_up(sent):
    answer(sent, [8, 8, 9, 10, 8])
    with scopes_disabled():
        assert ActionItem.objects.count() == 0
        assert Notification.objects.count() == 0


def test_editing_a_question_makes_a_new_version_and_past_answers_keep_their_words(sent):
    answer(sent, [9, 9, 9, 9, 9])
    old = sent.questions[1]
    texts = [q.text for q in sent.questions]
    texts[1] = "How dependable is your network day to day?"
    with scope(msp=sent.tenant.msp):
        survey = survey_update(survey=sent.campaign.survey, actor=sent.tenant.users[Role.OWNER], questions=texts,
                               expected_version=sent.campaign.survey.version)
    assert survey.version == 2
    with scopes_disabled():
        current = list(SurveyQuestion.objects.filter(survey=survey, retired_at__isnull=True)
                       .order_by("position").values_list("text", flat=True))
        assert current == texts
        old.refresh_from_db()
        assert old.retired_at is not None
        assert SurveyAnswer.objects.get(question__position=2).question.text == DEFAULT_QUESTIONS[1]
        # Unchanged questions are the same rows.
        assert SurveyQuestion.objects.get(survey=survey, position=1, retired_at__isnull=True) == sent.questions[0]


def test_a_campaign_is_sent_on_its_date_to_each_active_clients_decision_makers(
        tenant, django_capture_on_commit_callbacks):
    logistics_boss(tenant)
    owner = tenant.users[Role.OWNER]
    today = timezone.localdate()
    with scope(msp=tenant.msp):
        campaign = campaign_create(msp=tenant.msp, actor=owner, survey=survey_default_ensure(msp=tenant.msp),
                                   year=today.year, send_on=today + timedelta(days=1))
        assert campaigns_run(msp=tenant.msp) == {"sent": 0, "reminded": 0, "closed": 0}
        with django_capture_on_commit_callbacks(execute=True):
            summary = campaigns_run(msp=tenant.msp, now=timezone.now() + timedelta(days=1))
        assert summary == {"sent": 2, "reminded": 0, "closed": 0}
        campaign.refresh_from_db()
        assert campaign.status == "sent"
        assert sorted(SurveyInvitation.objects.values_list("email", flat=True)) == [
            "boss@alpha-client.test", "boss@logistics.test"]


def test_reminders_go_on_their_days_until_answered_and_the_campaign_closes(sent):
    logistics = logistics_boss(sent.tenant)
    with scopes_disabled():
        other = SurveyInvitation.objects.create(msp=sent.tenant.msp, campaign=sent.campaign, client=logistics.client,
                                                contact=logistics, email=logistics.email,
                                                sent_at=sent.invitation.sent_at, expires_at=sent.invitation.expires_at)
    start = sent.invitation.sent_at
    msp = sent.tenant.msp
    with scope(msp=msp):
        assert campaigns_run(msp=msp, now=start + timedelta(days=6)) == {"sent": 0, "reminded": 0, "closed": 0}
        assert campaigns_run(msp=msp, now=start + timedelta(days=7)) == {"sent": 0, "reminded": 2, "closed": 0}
        assert campaigns_run(msp=msp, now=start + timedelta(days=8)) == {"sent": 0, "reminded": 0, "closed": 0}
    answer(sent, [9, 9, 9, 9, 9])
    with scope(msp=msp):
        assert campaigns_run(msp=msp, now=start + timedelta(days=14)) == {"sent": 0, "reminded": 1, "closed": 0}
        assert campaigns_run(msp=msp, now=start + timedelta(days=20)) == {"sent": 0, "reminded": 0, "closed": 0}
        assert campaigns_run(msp=msp, now=start + timedelta(days=30)) == {"sent": 0, "reminded": 0, "closed": 1}
    with scopes_disabled():
        sent.invitation.refresh_from_db()
        other.refresh_from_db()
        assert (sent.invitation.reminders_sent, other.reminders_sent) == (1, 2)
        assert SurveyCampaign.objects.get(pk=sent.campaign.pk).status == "closed"


def test_one_campaign_a_year_and_reminders_inside_the_open_days(sent):
    owner = sent.tenant.users[Role.OWNER]
    with scope(msp=sent.tenant.msp), pytest.raises(ValidationError) as exc:
        campaign_create(msp=sent.tenant.msp, actor=owner, survey=sent.campaign.survey, year=sent.campaign.year,
                        send_on=timezone.localdate())
    assert exc.value.message_dict == {"year": [f"{sent.campaign.year} already has its survey campaign."]}
    with scope(msp=sent.tenant.msp), pytest.raises(ValidationError) as exc:
        campaign_create(msp=sent.tenant.msp, actor=owner, survey=sent.campaign.survey, year=2040,
                        send_on=timezone.localdate(), open_days=10, reminder_days=[3, 10])
    assert exc.value.message_dict == {"reminder_days": [
        "Reminders go out between day 1 and day 9 (the campaign is open 10 days)."]}


def test_the_answers_must_cover_every_question(sent):
    answers = all_scores(sent)
    answers.pop(str(sent.questions[0].pk))
    with scope(msp=sent.tenant.msp), pytest.raises(ValidationError):
        survey_response_submit(invitation=sent.invitation, answers=answers)
    with scopes_disabled():
        assert SurveyAnswer.objects.count() == 0
        assert SurveyInvitation.objects.get(pk=sent.invitation.pk).answered_at is None
