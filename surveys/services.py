"""Writes of the client survey: the questions, campaigns, sending and reminding, and the one response of an
invitation (with its follow-up for the vCIO when any answer is below target)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from clients.choices import ClientStatus
from clients.models import Client, Contact
from meetings.choices import ActionItemSource
from meetings.services import action_item_create
from msp.activities import activity_record, notification_create
from msp.models import Msp, User
from msp.records import record_archive, record_create, record_update
from msp.services import queue_email
from msp.tenancy import check_version, history

from .choices import (
    DEFAULT_QUESTIONS,
    DEFAULT_SURVEY_NAME,
    MAX_QUESTIONS,
    SCORE_MAX,
    SCORE_MIN,
    TARGET,
    CampaignStatus,
    SurveyActivity,
)
from .models import Survey, SurveyAnswer, SurveyCampaign, SurveyInvitation, SurveyQuestion, SurveyResponse
from .tokens import survey_link

COMMENT_LIMIT = 2000
MISSING = "Answer this question with a score from 1 to 10."
NOT_A_SCORE = "Give a whole number from 1 to 10."
UNKNOWN = "This is not a question of this survey."


class AnswersInvalid(ValidationError):
    """Some answers are missing or not scores; `by_question` maps each question id (str) to its message."""

    def __init__(self, by_question: dict[str, str]):
        self.by_question = by_question
        super().__init__({"answers": [f"{qid}: {message}" for qid, message in by_question.items()]})


# --- the survey and its questions --------------------------------------------------------------------


def _clean_questions(questions: list[str]) -> list[str]:
    texts = [" ".join(str(q).split()) for q in questions]
    texts = [t for t in texts if t]
    if not texts:
        raise ValidationError({"questions": "A survey needs at least one question."})
    if len(texts) > MAX_QUESTIONS:
        raise ValidationError({"questions": f"Keep the survey to {MAX_QUESTIONS} questions or fewer."})
    for t in texts:
        if len(t) > 300:
            raise ValidationError({"questions": f"Keep each question under 300 characters: “{t[:40]}…”."})
    return texts


def _question_add(survey: Survey, position: int, text: str) -> SurveyQuestion:
    question = SurveyQuestion(msp=survey.msp, survey=survey, position=position, text=text)
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def survey_create(*, msp: Msp, actor: User | None, name: str, questions: list[str],
                  is_default: bool = False) -> Survey:
    texts = _clean_questions(questions)
    survey = record_create(Survey, msp=msp, actor=actor, name=name.strip(), is_default=is_default)
    with history(actor):
        for position, text in enumerate(texts, start=1):
            _question_add(survey, position, text)
    return survey


@transaction.atomic
def survey_default_ensure(*, msp: Msp, actor: User | None = None) -> Survey:
    """The MSP's default survey, made with the five standard questions the first time it is needed."""
    survey = Survey.objects.filter(is_default=True).first()
    if survey is not None:
        return survey
    return survey_create(msp=msp, actor=actor, name=DEFAULT_SURVEY_NAME, questions=list(DEFAULT_QUESTIONS),
                         is_default=True)


@transaction.atomic
def survey_update(*, survey: Survey, actor: User | None, questions: list[str], name: str | None = None,
                  expected_version: int | None = None) -> Survey:
    """New words for the survey. A question whose words change is retired and replaced, so responses
    already given keep the question they answered; an unchanged question stays the same row. Any change
    makes a new version of the survey."""
    if survey.archived_at is not None:
        raise ValidationError("This survey is archived; it can no longer be edited.")
    check_version(survey, expected_version)
    texts = _clean_questions(questions)
    now = timezone.now()
    current = {q.position: q for q in SurveyQuestion.objects.filter(survey=survey, retired_at__isnull=True)}
    changed = False
    with history(actor):
        for position, question in current.items():
            if position > len(texts) or question.text != texts[position - 1]:
                question.retired_at = now
                question.save(update_fields=["retired_at", "updated_at"])
                changed = True
        for position, text in enumerate(texts, start=1):
            if position not in current or current[position].text != text:
                _question_add(survey, position, text)
                changed = True
    fields = {}
    if name is not None and name.strip() != survey.name:
        fields["name"] = name.strip()
    if changed and not fields:
        fields["name"] = survey.name  # a new version even when only the questions changed
    if not fields:
        return survey
    return record_update(survey, actor=actor, **fields)


def survey_archive(*, survey: Survey, actor: User | None) -> Survey:
    if survey.is_default:
        raise ValidationError("The default survey cannot be archived; edit its questions instead.")
    if SurveyCampaign.objects.filter(survey=survey, status=CampaignStatus.SCHEDULED).exists():
        raise ValidationError("A scheduled campaign uses this survey; cancel it or pick another survey first.")
    return record_archive(survey, actor=actor)


# --- campaigns ---------------------------------------------------------------------------------------


def _check_campaign(survey: Survey, reminder_days: list[int], open_days: int) -> list[int]:
    if survey.archived_at is not None:
        raise ValidationError({"survey": "Choose a survey that is not archived."})
    days = sorted(set(int(d) for d in reminder_days))
    if any(d < 1 or d >= open_days for d in days):
        raise ValidationError({"reminder_days": f"Reminders go out between day 1 and day {open_days - 1} "
                                                f"(the campaign is open {open_days} days)."})
    return days


def campaign_create(*, msp: Msp, actor: User | None, survey: Survey, year: int, send_on: date,
                    open_days: int = 30, reminder_days: list[int] | tuple = (7, 14)) -> SurveyCampaign:
    """Plan the survey of `year`, sent on `send_on` by the daily task."""
    days = _check_campaign(survey, list(reminder_days), open_days)
    if send_on < timezone.localdate():
        raise ValidationError({"send_on": "Choose today or a later date."})
    if SurveyCampaign.objects.filter(year=year).exclude(status=CampaignStatus.CANCELLED).exists():
        raise ValidationError({"year": f"{year} already has its survey campaign."})
    return record_create(SurveyCampaign, msp=msp, actor=actor, survey=survey, year=year, send_on=send_on,
                         open_days=open_days, reminder_days=days, created_by=actor)


def campaign_update(*, campaign: SurveyCampaign, actor: User | None, expected_version: int | None = None,
                    **fields) -> SurveyCampaign:
    if campaign.status != CampaignStatus.SCHEDULED:
        raise ValidationError(f"A {campaign.get_status_display().lower()} campaign cannot be changed.")
    survey = fields.get("survey", campaign.survey)
    open_days = fields.get("open_days", campaign.open_days)
    fields["reminder_days"] = _check_campaign(survey, list(fields.get("reminder_days", campaign.reminder_days)),
                                              open_days)
    if "send_on" in fields and fields["send_on"] < timezone.localdate():
        raise ValidationError({"send_on": "Choose today or a later date."})
    year = fields.get("year", campaign.year)
    if SurveyCampaign.objects.filter(year=year).exclude(pk=campaign.pk).exclude(
            status=CampaignStatus.CANCELLED).exists():
        raise ValidationError({"year": f"{year} already has its survey campaign."})
    return record_update(campaign, actor=actor, expected_version=expected_version, **fields)


def campaign_cancel(*, campaign: SurveyCampaign, actor: User | None) -> SurveyCampaign:
    if campaign.status != CampaignStatus.SCHEDULED:
        raise ValidationError(f"A {campaign.get_status_display().lower()} campaign cannot be cancelled.")
    return record_update(campaign, actor=actor, status=CampaignStatus.CANCELLED)


def _email_context(invitation: SurveyInvitation, first_question: SurveyQuestion | None) -> dict:
    client, msp = invitation.client, invitation.msp
    return {
        "msp_name": msp.name, "client_name": client.name, "contact_name": invitation.contact.name,
        "link": survey_link(invitation),
        "first_question": first_question.text if first_question else "",
        "score_links": [[n, survey_link(invitation, score=n)] for n in range(SCORE_MIN, SCORE_MAX + 1)],
        "closes": timezone.localtime(invitation.expires_at).strftime("%-d %B %Y"),
        "vcio_name": client.vcio.display_name if client.vcio else "",
        "year": invitation.campaign.year,
    }


def _send(invitation: SurveyInvitation, first_question: SurveyQuestion | None, *, reminder: bool) -> None:
    queue_email(
        msp=invitation.msp, to=invitation.email,
        subject=(f"Reminder: a minute for {invitation.msp.name}'s {invitation.campaign.year} client survey"
                 if reminder else f"{invitation.msp.name} asks: how are we doing? ({invitation.campaign.year})"),
        template="surveys/email/reminder.txt" if reminder else "surveys/email/invitation.txt",
        context=_email_context(invitation, first_question))


def _first_question(survey: Survey) -> SurveyQuestion | None:
    return SurveyQuestion.objects.filter(survey=survey, retired_at__isnull=True).order_by("position").first()


def survey_recipients(*, msp: Msp) -> list[tuple[Client, Contact]]:
    """Each active client's decision makers with an email address."""
    contacts = (Contact.objects.filter(client__status=ClientStatus.ACTIVE, client__archived_at__isnull=True,
                                       archived_at__isnull=True, is_decision_maker=True)
                .exclude(email="").select_related("client", "client__vcio").order_by("client__name", "name"))
    return [(c.client, c) for c in contacts]


@transaction.atomic
def campaign_send(*, campaign: SurveyCampaign, now: datetime | None = None) -> int:
    """Send a scheduled campaign now: one invitation (and email) per decision maker. Returns how many."""
    now = now or timezone.now()
    campaign = SurveyCampaign._base_manager.select_for_update().get(pk=campaign.pk)
    if campaign.status != CampaignStatus.SCHEDULED:
        return 0
    expires_at = now + timedelta(days=campaign.open_days)
    first = _first_question(campaign.survey)
    sent = 0
    for client, contact in survey_recipients(msp=campaign.msp):
        invitation = SurveyInvitation(msp=campaign.msp, campaign=campaign, client=client, contact=contact,
                                      email=contact.email.lower(), sent_at=now, expires_at=expires_at)
        invitation.full_clean()
        invitation.save()
        _send(invitation, first, reminder=False)
        sent += 1
    campaign.status, campaign.sent_at = CampaignStatus.SENT, now
    campaign.version += 1
    campaign.full_clean()
    campaign.save()
    return sent


@transaction.atomic
def campaign_remind(*, campaign: SurveyCampaign, now: datetime | None = None) -> int:
    """Remind every open invitation whose next reminder day has come (one reminder a run at most)."""
    now = now or timezone.now()
    if campaign.status != CampaignStatus.SENT:
        return 0
    first = _first_question(campaign.survey)
    reminded = 0
    open_ones = (SurveyInvitation.objects.select_for_update(of=("self",))
                 .filter(campaign=campaign, answered_at__isnull=True, expires_at__gt=now)
                 .select_related("client", "client__vcio", "contact", "campaign", "msp"))
    for invitation in open_ones:
        if invitation.reminders_sent >= len(campaign.reminder_days):
            continue
        due = invitation.sent_at + timedelta(days=campaign.reminder_days[invitation.reminders_sent])
        if due > now:
            continue
        invitation.reminders_sent += 1
        invitation.last_reminded_at = now
        invitation.save(update_fields=["reminders_sent", "last_reminded_at", "updated_at"])
        _send(invitation, first, reminder=True)
        reminded += 1
    return reminded


def campaigns_run(*, msp: Msp, now: datetime | None = None) -> dict[str, int]:
    """The daily work of one MSP: send campaigns whose date has come, remind, close the finished."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    summary = {"sent": 0, "reminded": 0, "closed": 0}
    for campaign in SurveyCampaign.objects.filter(status=CampaignStatus.SCHEDULED, send_on__lte=today):
        summary["sent"] += campaign_send(campaign=campaign, now=now)
    for campaign in SurveyCampaign.objects.filter(status=CampaignStatus.SENT):
        if campaign.sent_at + timedelta(days=campaign.open_days) <= now:
            SurveyCampaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.CLOSED, closed_at=now,
                                                                 version=campaign.version + 1)
            summary["closed"] += 1
            continue
        summary["reminded"] += campaign_remind(campaign=campaign, now=now)
    return summary


# --- the response ------------------------------------------------------------------------------------


def _is_score(value) -> bool:
    return type(value) is int and SCORE_MIN <= value <= SCORE_MAX


def answers_check(*, questions: list[SurveyQuestion], answers: dict) -> dict[SurveyQuestion, int]:
    """Every question answered with a whole number 1-10 and nothing else; AnswersInvalid otherwise."""
    by_id = {str(q.pk): q for q in questions}
    errors: dict[str, str] = {}
    for key in answers:
        if str(key) not in by_id:
            errors[str(key)] = UNKNOWN
    clean = {}
    for qid, question in by_id.items():
        if qid not in answers or answers[qid] in (None, ""):
            errors[qid] = MISSING
        elif not _is_score(answers[qid]):
            errors[qid] = NOT_A_SCORE
        else:
            clean[question] = answers[qid]
    if errors:
        raise AnswersInvalid(errors)
    return clean


def _follow_up_text(response: SurveyResponse, low: list[tuple[SurveyQuestion, int]]) -> str:
    scores = "; ".join(f"Q{q.position} “{q.text[:60]}” {score}" for q, score in low)
    who = response.invitation.contact.name
    text = (f"Client survey {response.campaign.year}: {who} scored below {TARGET} on {scores}. "
            f"Talk it through and agree what changes.")
    return text[:500]


@transaction.atomic
def survey_response_submit(*, invitation: SurveyInvitation, answers: dict, comment: str = "",
                           now: datetime | None = None) -> SurveyResponse:
    """Record the decision maker's answers, once. Any score below target raises one follow-up action item
    for the client's vCIO (carried into the next meeting) and a notification."""
    now = now or timezone.now()
    invitation = (SurveyInvitation._base_manager.select_for_update(of=("self",))
                  .select_related("campaign", "campaign__survey", "client", "client__vcio", "contact", "msp")
                  .get(pk=invitation.pk))
    if invitation.answered_at is not None:
        raise ValidationError("This survey has already been answered; thank you.")
    if invitation.expires_at <= now:
        raise ValidationError("This survey closed on "
                              f"{timezone.localtime(invitation.expires_at):%-d %B %Y}; answers are no longer taken.")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_LIMIT:
        raise ValidationError({"comment": f"Keep the comment under {COMMENT_LIMIT} characters."})
    questions = list(SurveyQuestion.objects.filter(survey=invitation.campaign.survey, retired_at__isnull=True))
    clean = answers_check(questions=questions, answers={str(k): v for k, v in answers.items()})
    response = SurveyResponse(msp=invitation.msp, invitation=invitation, campaign=invitation.campaign,
                              client=invitation.client, comment=comment, submitted_at=now)
    response.full_clean()
    response.save()
    for question, score in clean.items():
        answer = SurveyAnswer(msp=invitation.msp, response=response, question=question, score=score)
        answer.full_clean()
        answer.save()
    invitation.answered_at = now
    invitation.save(update_fields=["answered_at", "updated_at"])
    low = sorted(((q, s) for q, s in clean.items() if s < TARGET), key=lambda pair: pair[0].position)
    client = invitation.client
    if low:
        item = action_item_create(actor=None, client=client, text=_follow_up_text(response, low),
                                  owner=client.vcio, source=ActionItemSource.SURVEY)
        response.follow_up = item
        response.save(update_fields=["follow_up", "updated_at"])
        if client.vcio is not None:
            notification_create(
                msp=client.msp, user=client.vcio,
                title=f"{client.name} scored below {TARGET} in the {response.campaign.year} survey",
                body=item.text, url=reverse("survey_client_results", kwargs={"client_id": client.pk}))
    activity_record(msp=client.msp, kind=SurveyActivity.SURVEY_ANSWERED, actor=None, client_id=client.pk,
                    subject_id=response.pk, occurred_at=now)
    return response
