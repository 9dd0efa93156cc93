"""People's changes: marking a meeting held, logging touches, action items, and what they refuse."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from meetings.choices import MeetingKind, MeetingStatus
from meetings.selectors import client_touches_in_month, meetings_missed
from meetings.services import (
    action_item_create,
    action_item_update,
    meeting_cancel,
    meeting_create,
    meeting_mark_held,
    touch_log,
)
from msp.models import Activity
from msp.roles import Role


def test_a_held_meeting_and_a_logged_touch_count_as_touches_and_activities(world):
    vcio, client = world.users[Role.VCIO], world.refs["A"]
    boss = client.contacts.get()
    now = timezone.now()
    meeting = meeting_create(msp=world.msp, actor=vcio, client=client, kind=MeetingKind.QBR,
                             starts_at=now - timedelta(hours=2), attendees=[boss], send_invitations=False)
    assert list(meetings_missed(client=client)) == [meeting]
    held = meeting_mark_held(meeting=meeting, actor=vcio, attended=[boss], outcome="Budget approved")
    assert (held.status, held.decision_maker_attended, held.outcome, held.touched) == (
        MeetingStatus.HELD, True, "Budget approved", True)
    assert list(held.attendees.values_list("contact_id", "attended")) == [(boss.pk, True)]
    touch = touch_log(client=client, actor=vcio, kind="call", contact=boss, note="Checked on the move",
                      at=meeting.starts_at + timedelta(minutes=1))
    local = timezone.localtime(meeting.starts_at, timezone=ZoneInfo("America/Chicago"))
    assert client_touches_in_month(client=client, year=local.year, month=local.month) == 2
    assert sorted(Activity.objects.values_list("kind", "subject_id", "client_id")) == sorted([
        ("meeting_held", held.pk, client.pk), ("touch_logged", touch.pk, client.pk)])
    assert list(meetings_missed(client=client)) == []
    with pytest.raises(ValidationError) as refused:
        meeting_cancel(meeting=held, actor=vcio)
    assert refused.value.message_dict == {"status": ["A held meeting cannot be cancelled."]}


def test_a_future_meeting_cannot_be_marked_held(world):
    meeting = meeting_create(msp=world.msp, actor=world.users[Role.VCIO], client=world.refs["B"],
                             kind=MeetingKind.CHECK_IN, starts_at=timezone.now() + timedelta(days=1),
                             send_invitations=False)
    with pytest.raises(ValidationError) as refused:
        meeting_mark_held(meeting=meeting, actor=world.users[Role.VCIO])
    assert refused.value.message_dict == {"status": ["A meeting can be marked held once it has started."]}


def test_action_items_have_one_owner_and_record_when_done(world):
    vcio, client = world.users[Role.VCIO], world.refs["C"]
    meeting = meeting_create(msp=world.msp, actor=vcio, client=client, kind=MeetingKind.QBR,
                             starts_at=timezone.now() + timedelta(days=5), send_invitations=False)
    item = action_item_create(meeting=meeting, actor=vcio, text="  Send the firewall quote ", owner=vcio,
                              due_on=timezone.localdate() + timedelta(days=7))
    assert (item.text, item.client_id, item.status, item.version) == ("Send the firewall quote", client.pk, "open", 1)
    done = action_item_update(item=item, actor=vcio, expected_version=1, status="done")
    assert (done.status, done.done_at is not None, done.version) == ("done", True, 2)
    with pytest.raises(ValidationError) as refused:
        action_item_create(meeting=meeting, actor=vcio, text="Both", owner=vcio,
                           owner_contact=client.contacts.get())
    assert refused.value.message_dict == {"owner": ["Choose one owner: a staff member or a client contact."]}


def test_an_action_item_may_come_from_outside_a_meeting(world):
    vcio, client = world.users[Role.VCIO], world.refs["C"]
    item = action_item_create(client=client, actor=vcio, text="Call about the survey answers", owner=vcio,
                              source="survey")
    assert (item.meeting_id, item.client_id, item.source, item.status) == (None, client.pk, "survey", "open")
    with pytest.raises(ValidationError) as refused:
        action_item_create(actor=vcio, text="For nobody")
    assert refused.value.message_dict == {"client": ["Say which client the action item is for."]}
    other = world.refs["A"]
    meeting = meeting_create(msp=world.msp, actor=vcio, client=client, kind=MeetingKind.QBR,
                             starts_at=timezone.now() + timedelta(days=5), send_invitations=False)
    with pytest.raises(ValidationError) as refused:
        action_item_create(meeting=meeting, client=other, actor=vcio, text="Mixed up")
    assert refused.value.message_dict == {"client": ["The meeting belongs to another client."]}
