"""A vCIO opens next week's business review from their home, builds its agenda from the client's records,
sends it and sees it sent: the email carries a calendar request for the meeting. On a laptop and a tablet."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from icalendar import Calendar

from meetings.choices import MeetingKind
from meetings.models import Meeting
from meetings.services import meeting_create
from msp.roles import Role
from tests.e2e.conftest import TABLET, assert_fits, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

DESK = {"width": 1280, "height": 850}


@pytest.mark.parametrize("viewport", [DESK, TABLET], ids=["1280", "768"])
def test_vcio_prepares_and_sends_next_weeks_qbr(page_at, tenant, viewport):
    today = timezone.localdate()
    starts = timezone.now().replace(microsecond=0, second=0, minute=0) + timedelta(days=7 - today.weekday() + 1)
    with scope(msp=tenant.msp):
        meeting = meeting_create(msp=tenant.msp, actor=tenant.users[Role.VCIO], kind=MeetingKind.QBR,
                                 client=tenant.clients[0], starts_at=starts, attendees=[tenant.contact],
                                 send_invitations=False)
    vcio = tenant.users[Role.VCIO]
    page = page_at(viewport)
    sign_in(page, "vcio@alpha.test", PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text() == "Your work"
    row = page.locator(f"#home-meeting-{meeting.pk}")
    assert row.locator(".agenda-state").inner_text() == "No agenda yet"
    assert_fits(page)

    row.get_by_role("link", name=meeting.title).click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/meetings/{meeting.pk}/")
    assert_fits(page)
    page.get_by_role("button", name="Build QBR agenda from records").click()
    page.wait_for_load_state("networkidle")
    agenda = page.get_by_label("Agenda", exact=True).input_value()
    with scopes_disabled():
        built = Meeting.objects.get(pk=meeting.pk)
    assert built.agenda.strip() == agenda.strip()
    # Business first: the client's goals open the agenda, the numbered sections follow.
    assert agenda.splitlines()[0] == "1. Your business goals and their progress"
    assert [line.split(". ", 1)[1] for line in agenda.splitlines() if line[:1].isdigit()][-2:] == [
        "Recommendations", "Open action items"]

    page.get_by_role("button", name="Send agenda and invitation").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("alert").filter(has_text="The invitation is on its way to").inner_text().strip() == (
        f"The invitation is on its way to {tenant.contact.name}, {vcio.display_name}.")
    assert page.get_by_role("button", name="Send the invitation again").count() == 1
    assert_fits(page)

    assert sorted(to for m in mail.outbox for to in m.to) == sorted([tenant.contact.email, vcio.email])
    ics = [a for a in mail.outbox[0].attachments if a[0].endswith(".ics")]
    assert len(ics) == 1
    event = Calendar.from_ical(ics[0][1]).walk("VEVENT")[0]
    assert str(Calendar.from_ical(ics[0][1])["METHOD"]) == "REQUEST"
    assert event.decoded("DTSTART") == starts
    assert str(event["UID"]) == f"meeting-{meeting.pk}@meetings.vcio"

    page.goto("/")
    assert page.locator(f"#home-meeting-{meeting.pk} .agenda-state").inner_text() == "Agenda sent"
