"""Fixtures of the survey tests: a tenant whose yearly campaign has been sent to its decision makers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from msp.roles import Role
from surveys.models import SurveyCampaign, SurveyInvitation, SurveyQuestion
from surveys.services import campaign_create, campaign_send, survey_default_ensure
from surveys.tokens import survey_token_make
from tests import factories as f
from tests.conftest import Tenant


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """The link's rate limit counts in the cache; each test starts with none counted."""
    cache.clear()
    yield
    cache.clear()


@dataclass
class Sent:
    tenant: Tenant
    campaign: SurveyCampaign
    questions: list[SurveyQuestion]
    invitation: SurveyInvitation  # the Alpha Dental decision maker's
    token: str


def send_campaign(tenant: Tenant, *, year: int | None = None, sent_days_ago: int = 0) -> SurveyCampaign:
    owner = tenant.users[Role.OWNER]
    with scope(msp=tenant.msp):
        survey = survey_default_ensure(msp=tenant.msp, actor=owner)
        campaign = campaign_create(msp=tenant.msp, actor=owner, survey=survey, year=year or timezone.localdate().year,
                                   send_on=timezone.localdate())
        campaign_send(campaign=campaign, now=timezone.now() - timedelta(days=sent_days_ago))
        campaign.refresh_from_db()
    return campaign


@pytest.fixture
def sent(tenant, django_capture_on_commit_callbacks) -> Sent:
    with django_capture_on_commit_callbacks(execute=True):  # the emails go once the sending commits
        campaign = send_campaign(tenant)
    with scopes_disabled():
        questions = list(SurveyQuestion.objects.filter(survey=campaign.survey, retired_at__isnull=True)
                         .order_by("position"))
        invitation = SurveyInvitation.objects.get(campaign=campaign, contact=tenant.contact)
    return Sent(tenant=tenant, campaign=campaign, questions=questions, invitation=invitation,
                token=survey_token_make(invitation_id=invitation.pk, msp_id=tenant.msp.pk))


def all_scores(sent: Sent, score: int = 9) -> dict[str, int]:
    return {str(q.pk): score for q in sent.questions}


def logistics_boss(tenant: Tenant):
    """A decision maker for the tenant's second client (the first has one already)."""
    with scopes_disabled():
        return f.ContactFactory(client=tenant.clients[1], name="Logistics Boss", email="boss@logistics.test")
