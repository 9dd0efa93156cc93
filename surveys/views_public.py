"""The decision maker's survey page at /s/<token>/: no login, the signed link is the key.

The token names an invitation and its MSP (surveys.tokens); the invitation is looked up inside that
tenant's scope only, so a token naming another MSP, an altered token or a made-up one gets the same
"link not valid" page (404). An answered invitation shows the thank-you page, an expired one says so
(410); nothing here ever answers 500 for a bad link. Requests are rate limited per IP and per token.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from msp.models import Msp
from msp.permissions import public
from msp.tenancy import tenant_scope

from .choices import SCORE_MAX, SCORE_MIN, TARGET, InvitationState
from .models import SurveyInvitation
from .ratelimit import client_ip, survey_link_allowed
from .selectors import invitation_for_link, response_answers, survey_questions
from .services import COMMENT_LIMIT, AnswersInvalid, survey_response_submit
from .tokens import survey_token_read

SCORE_RE = re.compile(r"\d{1,2}")


def _page(request, template: str, context: dict, *, status: int = 200):
    return render(request, f"surveys/public/{template}", context, status=status)


def invalid_link(request):
    return _page(request, "invalid.html", {}, status=404)


def rate_limited(request):
    response = _page(request, "limited.html", {}, status=429)
    response["Retry-After"] = "600"
    return response


def open_invitation(token: str):
    """(msp, invitation id) of a genuine token whose MSP exists, else None."""
    claim = survey_token_read(token)
    if claim is None:
        return None
    msp = Msp.objects.filter(pk=claim.msp_id).first()
    return (msp, claim.invitation_id) if msp is not None else None


def form_score(raw: str):
    """A form value as the service judges it: "7" is 7; anything else ("7.5", "x") stays as given."""
    raw = (raw or "").strip()
    return int(raw) if SCORE_RE.fullmatch(raw) else raw


@public
@require_http_methods(["GET", "POST"])
def survey_answer(request, token):
    if not survey_link_allowed(ip=client_ip(request), token=token):
        return rate_limited(request)
    found = open_invitation(token)
    if found is None:
        return invalid_link(request)
    msp, invitation_id = found
    # The link names its MSP: both walls are opened for that tenant (the visitor may have none).
    with tenant_scope(msp):
        invitation = invitation_for_link(invitation_id=invitation_id)
        if invitation is None:
            return invalid_link(request)
        return _answer(request, invitation)


def _answer(request, invitation: SurveyInvitation):
    state = invitation.state()
    base = {"invitation": invitation, "msp_name": invitation.msp.name, "client": invitation.client,
            "year": invitation.campaign.year, "target": TARGET}
    if state == InvitationState.ANSWERED:
        return _page(request, "thanks.html", {**base, "answers": response_answers(response=invitation.response),
                                              "comment": invitation.response.comment})
    if state == InvitationState.EXPIRED:
        return _page(request, "expired.html", base, status=410)
    questions = list(survey_questions(survey=invitation.campaign.survey))
    values, errors, comment, problem = {}, {}, "", ""
    if request.method == "POST":
        values = {str(q.pk): form_score(request.POST.get(f"q_{q.pk}", "")) for q in questions}
        comment = request.POST.get("comment", "")
        try:
            survey_response_submit(invitation=invitation, answers=values, comment=comment)
        except AnswersInvalid as exc:
            errors = exc.by_question
        except ValidationError as exc:
            problem = " ".join(exc.messages)
        else:
            return redirect(request.path)
    elif questions:
        score = form_score(request.GET.get("score", ""))
        if isinstance(score, int) and SCORE_MIN <= score <= SCORE_MAX:
            values[str(questions[0].pk)] = score  # the score clicked in the email
    rows = [{"question": q, "value": values.get(str(q.pk)), "error": errors.get(str(q.pk), "")} for q in questions]
    return _page(request, "answer.html", {
        **base, "rows": rows, "comment": comment, "problem": problem, "scale": range(SCORE_MIN, SCORE_MAX + 1),
        "comment_limit": COMMENT_LIMIT, "error_count": len(errors)}, status=400 if errors or problem else 200)
