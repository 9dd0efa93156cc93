"""Demo data of the client survey: last year's campaign answered by every client (a few answers below 8,
each with its follow-up for the vCIO) and this year's, sent ten days ago, answered by about half the
clients. The portal's decision maker (client@demo.test) still has this year's survey open."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from clients.demo import PORTAL_CLIENT, Tally
from msp.models import Msp, User
from msp.records import record_create

from .choices import CampaignStatus
from .models import SurveyCampaign, SurveyInvitation
from .selectors import survey_questions
from .services import campaign_send, survey_default_ensure, survey_response_submit

COMMENTS = (
    "Quick answers whenever we call; the new firewall project went smoothly.",
    "We would like the roadmap meeting earlier in our budget year.",
    "",
    "Backups gave us peace of mind after the flood scare.",
    "",
)


def _score(*parts: object) -> int:
    """A stable, realistic score: mostly 8-10, now and then a 6 or 7 (a follow-up for the vCIO)."""
    n = int(hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:8], 16)
    return (10, 9, 9, 8, 10, 9, 8, 7, 9, 10, 6, 9)[n % 12]


def _campaign(msp: Msp, owner: User, survey, *, year: int, sent: datetime) -> tuple[SurveyCampaign, bool]:
    found = SurveyCampaign.objects.filter(year=year).exclude(status=CampaignStatus.CANCELLED).first()
    if found is not None:
        return found, False
    campaign = record_create(SurveyCampaign, msp=msp, actor=owner, survey=survey, year=year, send_on=sent.date(),
                             open_days=30, reminder_days=[7, 14], created_by=owner)
    campaign_send(campaign=campaign, now=sent)
    return campaign, True


def _answer(invitation: SurveyInvitation, questions: list, *, year: int, when: datetime) -> None:
    answers = {str(q.pk): _score(invitation.client.name, q.position, year) for q in questions}
    comment = COMMENTS[int(hashlib.sha256(invitation.client.name.encode()).hexdigest()[:4], 16) % len(COMMENTS)]
    survey_response_submit(invitation=invitation, answers=answers, comment=comment, now=when)


def demo_surveys_seed(tally: Tally, *, msp: Msp, owner: User, today: date) -> None:
    """Both campaigns, made once; a second run (on any later day) finds campaigns and changes nothing."""
    existing = SurveyCampaign.objects.filter(msp=msp).count()
    if existing:
        tally.existing["survey campaigns"] += existing
        return
    zone = ZoneInfo(msp.time_zone)
    survey = survey_default_ensure(msp=msp, actor=owner)
    questions = list(survey_questions(survey=survey))
    last_sent = datetime.combine(today.replace(year=today.year - 1) - timedelta(days=20), time(9), tzinfo=zone)
    last, made = _campaign(msp, owner, survey, year=today.year - 1, sent=last_sent)
    if made:
        for i, invitation in enumerate(SurveyInvitation.objects.filter(campaign=last).select_related("client")):
            _answer(invitation, questions, year=last.year, when=last_sent + timedelta(days=1 + i % 9, hours=i % 5))
        SurveyCampaign.objects.filter(pk=last.pk).update(status=CampaignStatus.CLOSED,
                                                         closed_at=last_sent + timedelta(days=30))
    this_sent = datetime.combine(today - timedelta(days=10), time(9), tzinfo=zone)
    current, made_now = _campaign(msp, owner, survey, year=today.year, sent=this_sent)
    if made_now:
        invitations = SurveyInvitation.objects.filter(campaign=current).select_related("client")
        for i, invitation in enumerate(invitations):
            if invitation.client.name == PORTAL_CLIENT or i % 2:
                continue  # left open: client@demo.test answers it in the portal
            _answer(invitation, questions, year=current.year, when=this_sent + timedelta(days=1 + i % 7))
    for was_made in (made, made_now):
        tally.created["survey campaigns"] += was_made
        tally.existing["survey campaigns"] += not was_made
