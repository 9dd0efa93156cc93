"""Helpers of the standards tests: a small library built through the services, answers made directly,
API clients with a Bearer token."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client as HttpClient
from django_scopes import scope, scopes_disabled

from alignment.models import Answer, Review
from msp.models import Membership
from msp.roles import Role
from msp.services import api_token_create
from standards import services
from standards.models import StandardRevision

API = "/api/v1"
JSON = "application/json"


@dataclass
class Library:
    backup: object
    firewalls: object
    hipaa: object
    pci: object
    offsite: object  # backup, high, quarterly, tags offsite+backup, HIPAA
    restore: object  # backup, medium, yearly, tag backup
    firmware: object  # firewalls, high, monthly, tag network, PCI
    old: object  # firewalls, low, yearly, retired


def build_library(tenant) -> Library:
    msp, actor = tenant.msp, tenant.users[Role.OWNER]
    with scope(msp=msp):
        backup = services.category_create(msp=msp, actor=actor, name="Backup")
        firewalls = services.category_create(msp=msp, actor=actor, name="Firewalls")
        hipaa = services.framework_create(msp=msp, actor=actor, code="HIPAA", name="HIPAA Security Rule")
        pci = services.framework_create(msp=msp, actor=actor, code="PCI DSS", name="PCI DSS 4.0")
        offsite = services.standard_create(
            msp=msp, actor=actor, category=backup, name="Offsite backup", priority="high", frequency="quarterly",
            question="Is a copy of every backup kept offsite?", why="A fire takes the server and the backup.",
            how="Check the offsite job history.", reference_url="https://www.cisa.gov/resources-tools",
            tags=["Offsite", " backup "], frameworks=[hipaa])
        restore = services.standard_create(
            msp=msp, actor=actor, category=backup, name="Restore test", priority="medium", frequency="yearly",
            question="Was a restore tested in the last year?", why="Untested backups fail when needed.",
            how="Restore a file and open it.", tags=["backup"])
        firmware = services.standard_create(
            msp=msp, actor=actor, category=firewalls, name="Firewall firmware", priority="high",
            frequency="monthly", question="Is the firewall firmware current?", why="Old firmware has holes.",
            how="Compare with the vendor's release list.", tags=["network"], frameworks=[pci])
        old = services.standard_create(
            msp=msp, actor=actor, category=firewalls, name="Old rule", priority="low", frequency="yearly",
            question="Is the old rule in place?", why="Legacy.", how="Look.")
        old = services.standard_retire(standard=old, actor=actor)
    return Library(backup, firewalls, hipaa, pci, offsite, restore, firmware, old)


@pytest.fixture
def library(tenant) -> Library:
    return build_library(tenant)


def make_answer(tenant, standard, *, number: int = 1) -> Answer:
    """An answer of a review of the tenant's first client to `standard`, against revision `number`."""
    with scopes_disabled():
        review = Review.objects.create(msp=tenant.msp, client=tenant.clients[0], title="Review",
                                       status="in_progress")
        revision = StandardRevision.objects.get(standard=standard, number=number)
        return Answer.objects.create(msp=tenant.msp, review=review, standard=standard, revision=revision,
                                     category=standard.category, priority=standard.priority, response="aligned")


def reload(obj):
    with scopes_disabled():
        return type(obj)._base_manager.get(pk=obj.pk)


@pytest.fixture
def api(tenant):
    """api(role) -> a test client sending a Bearer token of that role in the first tenant."""

    def _api(role=Role.OWNER) -> HttpClient:
        with scopes_disabled():
            membership = Membership.objects.get(user=tenant.users[role], msp=tenant.msp, removed_at__isnull=True)
            _, raw = api_token_create(membership=membership, name="tests")
        return HttpClient(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return _api
