"""The decision maker's link, page and JSON form: every answer a whole number 1-10 for every question,
anything else refused per question (page) or with a 400 naming the field (API) and nothing stored; a
reused, expired, altered or foreign token gets a clear answer, never a 500; the link is rate limited."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client as HttpClient
from django.utils import timezone
from django_scopes import scopes_disabled

from meetings.models import ActionItem
from surveys.models import SurveyAnswer, SurveyInvitation, SurveyResponse
from surveys.services import UNKNOWN
from surveys.tokens import survey_token_make, survey_token_read
from tests.conftest import build_tenant

from .conftest import all_scores, send_campaign

pytestmark = pytest.mark.django_db


def page_url(token: str) -> str:
    return f"/s/{token}/"


def api_url(token: str) -> str:
    return f"/api/v1/public/surveys/{token}/"


def stored() -> tuple[int, int]:
    with scopes_disabled():
        return SurveyResponse.objects.count(), SurveyAnswer.objects.count()


def post_json(http, token, body):
    return http.post(api_url(token), json.dumps(body), content_type="application/json")


def test_the_page_lists_the_questions_and_the_email_score_fills_the_first(sent):
    http = HttpClient()
    response = http.get(page_url(sent.token) + "?score=7")
    assert response.status_code == 200
    text = response.content.decode()
    for q in sent.questions:
        assert q.text in text
    first, second = sent.questions[0], sent.questions[1]
    assert f'id="q_{first.pk}_7" value="7" autocomplete="off" checked' in text
    assert text.count(" checked>") == 1
    assert f'id="q_{second.pk}_7" value="7" autocomplete="off">' in text


def test_the_email_carries_the_link_and_the_first_questions_ten_scores(sent):
    (email,) = [m for m in mail.outbox if m.to == [sent.tenant.contact.email]]
    link = f"http://127.0.0.1:8000/s/{sent.token}/"
    assert link in email.body
    for n in range(1, 11):
        assert f"  {n}: {link}?score={n}\n" in email.body
    assert sent.questions[0].text in email.body
    assert email.subject == f"Alpha asks: how are we doing? ({sent.campaign.year})"


@pytest.mark.parametrize(("bad", "message"), [
    (0, "Give a whole number from 1 to 10."),
    (11, "Give a whole number from 1 to 10."),
    (7.5, "Give a whole number from 1 to 10."),
    ("8", "Give a whole number from 1 to 10."),
    (True, "Give a whole number from 1 to 10."),
    (None, "Answer this question with a score from 1 to 10."),
])
def test_the_api_refuses_a_bad_score_naming_the_question_and_stores_nothing(sent, bad, message):
    answers = all_scores(sent)
    answers[str(sent.questions[2].pk)] = bad
    response = post_json(HttpClient(), sent.token, {"answers": answers})
    assert response.status_code == 400
    assert response.json() == {"answers": {str(sent.questions[2].pk): [message]}}
    assert stored() == (0, 0)


def test_the_api_refuses_a_missing_question_and_an_unknown_id(sent):
    answers = all_scores(sent)
    del answers[str(sent.questions[4].pk)]
    unknown = str(uuid.uuid4())
    answers[unknown] = 9
    response = post_json(HttpClient(), sent.token, {"answers": answers})
    assert response.status_code == 400
    assert response.json() == {"answers": {
        unknown: [UNKNOWN], str(sent.questions[4].pk): ["Answer this question with a score from 1 to 10."]}}
    assert stored() == (0, 0)


def test_the_api_takes_whole_scores_once_then_says_answered(sent):
    http = HttpClient()
    response = post_json(http, sent.token, {"answers": all_scores(sent, 8), "comment": "  Good year.  "})
    assert response.status_code == 201
    assert response.json()["state"] == "answered"
    assert stored() == (1, 5)
    with scopes_disabled():
        assert SurveyResponse.objects.get().comment == "Good year."
    again = post_json(http, sent.token, {"answers": all_scores(sent, 3)})
    assert (again.status_code, again.json()) == (409, {"detail": "This survey has already been answered."})
    assert stored() == (1, 5)
    assert http.get(api_url(sent.token)).json()["state"] == "answered"


def test_the_api_get_shows_the_questions(sent):
    body = HttpClient().get(api_url(sent.token)).json()
    assert body["client"] == "Alpha Dental"
    assert body["state"] == "open"
    assert body["scale"] == list(range(1, 11))
    assert [(q["position"], q["text"]) for q in body["questions"]] == [(q.position, q.text) for q in sent.questions]


@pytest.mark.parametrize(("bad", "message"), [
    ("0", "Give a whole number from 1 to 10."),
    ("11", "Give a whole number from 1 to 10."),
    ("7.5", "Give a whole number from 1 to 10."),
    ("", "Answer this question with a score from 1 to 10."),
])
def test_the_page_shows_a_message_on_the_question_and_stores_nothing(sent, bad, message):
    form = {f"q_{q.pk}": "9" for q in sent.questions}
    form[f"q_{sent.questions[1].pk}"] = bad
    response = HttpClient().post(page_url(sent.token), form)
    assert response.status_code == 400
    text = response.content.decode()
    assert f'<div class="invalid-feedback d-block" id="q_{sent.questions[1].pk}_error">{message}</div>' in text
    assert text.count("invalid-feedback d-block") == 1
    assert "Nothing was saved yet: 1 question needs a score from 1 to 10." in text
    assert stored() == (0, 0)


def test_the_page_takes_the_answers_and_then_shows_the_thank_you_page(sent):
    http = HttpClient()
    form = {f"q_{q.pk}": str(q.position + 5) for q in sent.questions}
    form["comment"] = "Keep it up"
    response = http.post(page_url(sent.token), form)
    assert (response.status_code, response["Location"]) == (302, page_url(sent.token))
    thanks = http.get(page_url(sent.token))
    assert thanks.status_code == 200
    assert 'id="survey-thanks"' in thanks.content.decode()
    with scopes_disabled():
        assert sorted(SurveyAnswer.objects.values_list("score", flat=True)) == [6, 7, 8, 9, 10]
    # Posting the form again changes nothing: the thank-you page answers.
    again = http.post(page_url(sent.token), {f"q_{q.pk}": "1" for q in sent.questions})
    assert again.status_code == 200
    assert 'id="survey-thanks"' in again.content.decode()
    assert stored() == (1, 5)


def test_an_expired_link_says_so(sent):
    with scopes_disabled():
        SurveyInvitation.objects.filter(pk=sent.invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    page = HttpClient().get(page_url(sent.token))
    assert page.status_code == 410
    assert "This survey has closed" in page.content.decode()
    api = post_json(HttpClient(), sent.token, {"answers": all_scores(sent)})
    assert (api.status_code, api.json()) == (410, {"detail": "This survey has closed."})
    assert stored() == (0, 0)


def altered(token: str) -> list[str]:
    value, signature = token.rsplit(":", 1)
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    return [value + ":" + flipped, token[:-3], token + "x", "not-a-token", ":", f"{value}:"]


def test_an_altered_or_made_up_token_is_not_valid(sent):
    http = HttpClient()
    for bad in altered(sent.token):
        page = http.get(page_url(bad))
        assert page.status_code == 404, bad
        assert "This survey link is not valid" in page.content.decode()
        assert post_json(http, bad, {"answers": all_scores(sent)}).status_code == 404
    assert stored() == (0, 0)


def test_a_token_of_another_msp_finds_nothing(sent):
    other = build_tenant("Bravo", "bravo")
    other_campaign = send_campaign(other)
    # The victim's invitation named under the other MSP, and the other MSP's invitation under the victim's.
    with scopes_disabled():
        theirs = SurveyInvitation.objects.get(campaign=other_campaign)
    crossed = [survey_token_make(invitation_id=sent.invitation.pk, msp_id=other.msp.pk),
               survey_token_make(invitation_id=theirs.pk, msp_id=sent.tenant.msp.pk),
               survey_token_make(invitation_id=sent.invitation.pk, msp_id=uuid.uuid4())]
    http = HttpClient()
    for token in crossed:
        page = http.get(page_url(token))
        assert page.status_code == 404
        assert "Alpha Dental" not in page.content.decode()
        response = post_json(http, token, {"answers": all_scores(sent)})
        assert (response.status_code, response.json()) == (404, {"detail": "This survey link is not valid."})
    assert stored() == (0, 0)


def test_the_token_names_the_invitation_and_its_msp_only(sent):
    claim = survey_token_read(sent.token)
    assert (claim.invitation_id, claim.msp_id) == (sent.invitation.pk, sent.tenant.msp.pk)
    assert survey_token_make(invitation_id=sent.invitation.pk, msp_id=sent.tenant.msp.pk) == sent.token
    payload = sent.token.rsplit(":", 1)[0]
    assert set(json.loads(__import__("base64").urlsafe_b64decode(payload + "==")).keys()) == {"i", "m"}


def test_the_link_is_rate_limited_per_token_and_per_ip(sent, settings):
    settings.SURVEY_RATE_PER_TOKEN = (3, 600)
    settings.SURVEY_RATE_PER_IP = (5, 600)
    http = HttpClient()
    assert [http.get(page_url(sent.token)).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert post_json(http, sent.token, {"answers": all_scores(sent)}).status_code == 429
    # The IP has used its five requests: another token from it is refused too, another IP is not.
    other = survey_token_make(invitation_id=uuid.uuid4(), msp_id=sent.tenant.msp.pk)
    assert http.get(page_url(other)).status_code == 429
    assert HttpClient(REMOTE_ADDR="10.0.0.9").get(page_url(other)).status_code == 404
    assert stored() == (0, 0)
    with scopes_disabled():
        assert ActionItem.objects.count() == 0
