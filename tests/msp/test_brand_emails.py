"""Emails to clients carry the MSP's brand: an HTML version whose header shows the logo (attached inline,
referenced by cid:) and the name on the accent colour, next to the unchanged plain-text body."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from clients.services import portal_access_invite
from meetings.choices import MeetingKind
from meetings.services import meeting_create
from msp.brand import logo_clean
from msp.models import Msp
from msp.roles import Role
from msp.services import msp_update
from tests import factories as f
from tests.brand_images import image_bytes

pytestmark = pytest.mark.django_db


def _brand(tenant, *, logo: bool) -> Msp:
    with scopes_disabled():
        msp = Msp.objects.get(pk=tenant.msp.pk)
        return msp_update(msp=msp, actor=tenant.users[Role.OWNER], name="Northwind Managed IT",
                          accent_color="#7a1f5c", logo=logo_clean(image_bytes(400, 100)) if logo else None)


def _html(message) -> str:
    (html,) = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    return html


def _inline_images(message) -> list:
    return [part for part in message.attachments if not isinstance(part, tuple)]


def test_a_portal_invitation_carries_the_logo_name_and_accent(tenant, django_capture_on_commit_callbacks):
    msp = _brand(tenant, logo=True)
    with scopes_disabled():
        contact = f.ContactFactory(client=tenant.clients[0], name="Ann Lee", email="ann@alpha-client.test")
    with scope(msp=msp), django_capture_on_commit_callbacks(execute=True):
        portal_access_invite(contact=contact, actor=tenant.users[Role.VCIO])
    (message,) = mail.outbox
    html = _html(message)
    assert '<td class="email-brand" style="background:#7a1f5c;padding:12px 16px">' in html
    assert '<img src="cid:msp-logo" alt="" width="160" height="40"' in html
    assert ">Northwind Managed IT</span>" in html
    assert message.body.splitlines()[0] in html  # the same words as the text version
    (image,) = _inline_images(message)
    assert (image["Content-ID"], image.get_content_type()) == ("<msp-logo>", "image/png")
    assert image.get_payload(decode=True) == bytes(msp.logo_png)


def test_a_meeting_invitation_is_branded_and_keeps_its_calendar(tenant, django_capture_on_commit_callbacks):
    msp = _brand(tenant, logo=False)
    with scope(msp=msp), django_capture_on_commit_callbacks(execute=True):
        meeting_create(msp=msp, actor=tenant.users[Role.VCIO], client=tenant.clients[0], kind=MeetingKind.QBR,
                       starts_at=(timezone.now() + dt.timedelta(days=30)).replace(microsecond=0),
                       attendees=[tenant.contact])
    message = next(m for m in mail.outbox if m.to == [tenant.contact.email])
    html = _html(message)
    assert ">Northwind Managed IT</span>" in html
    assert "background:#7a1f5c" in html
    assert "cid:" not in html  # no logo: the name alone
    assert _inline_images(message) == []
    assert [mimetype for _, mimetype in message.alternatives] == ["text/calendar; method=REQUEST", "text/html"]
