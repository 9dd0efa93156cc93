"""Helpers of the alignment tests: a small standards library, scheduling and answering reviews."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django_scopes import scope, scopes_disabled

from alignment import services
from alignment.models import Answer, Review
from msp.roles import Role
from tests import factories as f

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class Library:
    """Two categories of the first tenant's library; `s` maps short names to standards."""

    backup: object
    email: object
    s: dict


@pytest.fixture
def lib(tenant) -> Library:
    """Backup (position 1): offsite (high), monitored (medium), tape (low, retired);
    Email (position 2): mfa (high, tag security), spf (medium, quarterly), signature (low)."""
    with scopes_disabled():
        backup = f.CategoryFactory(msp=tenant.msp, name="Backup", position=1)
        email = f.CategoryFactory(msp=tenant.msp, name="Email", position=2)
        s = {
            "offsite": f.StandardFactory(category=backup, name="Offsite copy", priority="high",
                                         question="Is a copy of every backup kept off site?"),
            "monitored": f.StandardFactory(category=backup, name="Backups monitored", priority="medium",
                                           question="Are backup jobs monitored every day?"),
            "tape": f.StandardFactory(category=backup, name="Tape rotation", priority="low", status="retired",
                                      retired_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)),
            "mfa": f.StandardFactory(category=email, name="MFA on mailboxes", priority="high", tags=["security"],
                                     question="Do all mailboxes require MFA?"),
            "spf": f.StandardFactory(category=email, name="SPF and DMARC", priority="medium", frequency="quarterly",
                                     question="Are SPF and DMARC records published?"),
            "signature": f.StandardFactory(category=email, name="Email signature", priority="low",
                                           question="Do all staff use the standard signature?"),
        }
    return Library(backup=backup, email=email, s=s)


def schedule(tenant, *, client=None, actor_role=Role.VCIO, tam_role=Role.TAM, **kwargs) -> Review:
    """Schedule a review of the first client through the service, as the vCIO, for the TAM."""
    kwargs.setdefault("title", "Review Q1")
    kwargs.setdefault("scheduled_for", dt.date(2026, 3, 10))
    with scope(msp=tenant.msp):
        return services.review_schedule(client=client or tenant.clients[0], actor=tenant.users[actor_role],
                                        tam=tenant.users[tam_role], **kwargs)


def answers_of(review) -> dict[str, Answer]:
    """The review's answers by standard name."""
    with scopes_disabled():
        return {a.standard.name: a for a in Answer.objects.filter(review=review).select_related("standard")}


def answer(tenant, review, name: str, response: str, *, note=None, role=Role.TAM) -> Answer:
    a = answers_of(review)[name]
    with scope(msp=tenant.msp):
        return services.answer_set(answer=a, actor=tenant.users[role], response=response, note=note,
                                   expected_version=a.version)


def answer_all(tenant, review, responses: dict[str, str]) -> None:
    for name, response in responses.items():
        answer(tenant, review, name, response)


def reload(obj):
    with scopes_disabled():
        return type(obj)._base_manager.get(pk=obj.pk)
