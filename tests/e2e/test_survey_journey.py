"""A client's decision maker answers the yearly survey on a phone, from the link in the email."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django_scopes import scopes_disabled

from surveys.models import SurveyAnswer, SurveyInvitation, SurveyQuestion
from tests.e2e.conftest import assert_fits
from tests.surveys.conftest import send_campaign

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def test_decision_maker_answers_from_the_emailed_link_on_a_phone(page_at, tenant, live_server):
    campaign = send_campaign(tenant)
    (email,) = [m for m in mail.outbox if m.to == [tenant.contact.email]]
    # The email's "8" under the first question: the page opens with 8 already chosen there.
    link = re.search(r"  8: (http\S+\?score=8)\n", email.body).group(1)
    path = link.split("/s/", 1)[1]
    with scopes_disabled():
        questions = list(SurveyQuestion.objects.filter(survey=campaign.survey, retired_at__isnull=True)
                         .order_by("position"))
    page = page_at(PHONE)
    page.goto(f"/s/{path}")
    assert_fits(page)
    assert page.locator(f"#q_{questions[0].pk}_8").is_checked()
    # Sending with questions left open names each one and keeps the chosen score.
    page.locator("#survey-submit").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".invalid-feedback").count() == len(questions) - 1
    assert page.locator(f"#q_{questions[0].pk}_8").is_checked()
    scores = {q.pk: 10 - i % 4 for i, q in enumerate(questions)}
    scores[questions[0].pk] = 8
    for pk, score in scores.items():
        page.locator(f"label[for=q_{pk}_{score}]").click()
    page.get_by_label("Anything you would like to add? (optional)").fill("Quick answers to the phone.")
    page.locator("#survey-submit").click()
    page.wait_for_selector("#survey-thanks")
    assert_fits(page)
    assert page.locator("#survey-thanks").inner_text().strip() == f"Thank you, {tenant.contact.name}"
    assert page.locator("#survey-given li").count() == len(questions)
    with scopes_disabled():
        invitation = SurveyInvitation.objects.get(campaign=campaign, contact=tenant.contact)
        stored = dict(SurveyAnswer.objects.filter(response__invitation=invitation).values_list("question_id", "score"))
        assert invitation.response.comment == "Quick answers to the phone."
    assert invitation.answered_at is not None
    assert stored == scores
    # The link is spent: opening it again shows the answers given, not a second form.
    page.goto(f"/s/{path}")
    assert page.locator("#survey-submit").count() == 0
