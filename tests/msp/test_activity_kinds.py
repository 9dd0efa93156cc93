"""The activity-kind registry: the apps declare their kinds, the core validates and labels them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django_scopes import scope, scopes_disabled

from alignment.choices import AlignmentActivity
from budgets.choices import BudgetActivity
from meetings.choices import MeetingActivity
from msp import activity_kinds
from msp.activities import activity_record
from msp.models import Activity
from msp.roles import Role
from roadmaps.choices import RoadmapActivity
from surveys.choices import SurveyActivity


class GadgetActivity(models.TextChoices):
    GADGET_POLISHED = "gadget_polished", "Gadget polished"


@pytest.fixture
def gadgets_app():
    """A throwaway app registering a kind, removed again afterwards."""
    activity_kinds.register_activity_kinds("gadgets_test", GadgetActivity)
    yield
    activity_kinds.unregister_activity_kinds("gadgets_test")


def test_the_apps_register_their_kinds_with_the_stored_values_unchanged():
    assert activity_kinds.activity_kind_choices() == [
        ("review_completed", "Alignment review completed"),
        ("budget_presented", "Budget presented"),
        ("survey_answered", "Client survey answered"),
        ("meeting_held", "Meeting held"),
        ("proposal_sent", "Proposal sent"),
        ("summary_completed", "Technology summary completed"),
        ("touch_logged", "Unique touch logged"),
    ]
    assert {k: activity_kinds._registry[k].app_label for k in
            [*AlignmentActivity.values, *RoadmapActivity.values, *BudgetActivity.values,
             *MeetingActivity.values, *SurveyActivity.values]} == {
        "review_completed": "alignment", "summary_completed": "alignment",
        "proposal_sent": "roadmaps", "budget_presented": "budgets",
        "meeting_held": "meetings", "touch_logged": "meetings", "survey_answered": "surveys"}


def test_an_activity_shows_its_registered_label():
    activity = Activity(kind=RoadmapActivity.PROPOSAL_SENT)
    assert (activity.get_kind_display(), activity_kinds.activity_kind_label("proposal_sent")) == (
        "Proposal sent", "Proposal sent")
    # A kind whose app is gone still shows something readable: its stored value.
    assert (Activity(kind="retired_kind").get_kind_display(), activity_kinds.activity_kind_label("retired_kind")) \
        == ("retired_kind", "retired_kind")


def test_a_kind_registered_later_is_a_valid_choice_without_a_migration(gadgets_app):
    field = Activity._meta.get_field("kind")
    assert ("gadget_polished", "Gadget polished") in list(field.choices)
    assert Activity(kind="gadget_polished").get_kind_display() == "Gadget polished"


def test_recording_an_unknown_kind_is_refused_with_the_fix_named(tenant):
    with scope(msp=tenant.msp), pytest.raises(ValidationError) as raised:
        activity_record(msp=tenant.msp, kind="gadget_polished", actor=tenant.users[Role.VCIO])
    assert raised.value.message_dict == {"kind": [
        "Unknown activity kind 'gadget_polished': the app that records it must register it with "
        "msp.activity_kinds.register_activity_kinds in its AppConfig.ready() "
        "(registered: budget_presented, meeting_held, proposal_sent, review_completed, summary_completed, "
        "survey_answered, touch_logged)."]}
    with scopes_disabled():
        assert Activity.objects.count() == 0


def test_a_registered_kind_is_recorded(tenant, gadgets_app):
    with scope(msp=tenant.msp):
        activity = activity_record(msp=tenant.msp, kind="gadget_polished", actor=tenant.users[Role.VCIO])
    with scopes_disabled():
        assert list(Activity.objects.values_list("pk", "kind")) == [(activity.pk, "gadget_polished")]
    assert str(activity).startswith("Gadget polished at ")


def test_full_clean_refuses_an_unknown_kind():
    with pytest.raises(ValidationError) as raised:
        Activity(kind="nobody_registered_this").clean_fields(exclude=["msp"])
    assert raised.value.message_dict == {"kind": ["Value 'nobody_registered_this' is not a valid choice."]}


def test_two_apps_cannot_claim_one_kind():
    class Clash(models.TextChoices):
        PROPOSAL_SENT = "proposal_sent", "Proposal e-mailed"

    with pytest.raises(ImproperlyConfigured, match="'proposal_sent' of gadgets_test is already registered by "
                                                   "roadmaps as 'Proposal sent'"):
        activity_kinds.register_activity_kinds("gadgets_test", Clash)
    assert activity_kinds.activity_kind_label("proposal_sent") == "Proposal sent"


def test_registering_the_same_kinds_again_is_harmless():
    activity_kinds.register_activity_kinds("roadmaps", RoadmapActivity)
    assert activity_kinds.activity_kind_label("proposal_sent") == "Proposal sent"


def test_a_kind_longer_than_the_column_is_refused():
    class TooLong(models.TextChoices):
        LONG = "x" * 33, "Long"

    with pytest.raises(ImproperlyConfigured, match="longer than 32 characters"):
        activity_kinds.register_activity_kinds("long_test", TooLong)
    assert "x" * 33 not in activity_kinds._registry
