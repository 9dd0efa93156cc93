"""Services and selectors of the standards library: revisions, retiring, tags, scope, committee review."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope

from alignment.models import Answer
from msp.roles import Role
from msp.tenancy import StaleVersionError
from standards import selectors, services
from standards.models import Standard, StandardRevision
from standards.validators import EXAMPLE

from .conftest import make_answer, reload

pytestmark = pytest.mark.django_db

OPEN_MESSAGE = ("“How much space is free on the system drive?” is an open question. Phrase it so it can only be "
                f"answered yes or no, with yes as the healthy answer: {EXAMPLE}.")


def revisions(standard) -> list[tuple]:
    return list(StandardRevision.objects.filter(standard=standard).order_by("number")
                .values_list("number", "question", "why", "how", "reference_url"))


def test_create_makes_revision_one_with_the_same_text(tenant, library):
    with scope(msp=tenant.msp):
        offsite = Standard.objects.get(pk=library.offsite.pk)
        assert offsite.revision == 1
        assert offsite.version == 1
        assert offsite.tags == ["backup", "offsite"]
        assert [fw.code for fw in offsite.frameworks.all()] == ["HIPAA"]
        assert revisions(offsite) == [(1, "Is a copy of every backup kept offsite?",
                                       "A fire takes the server and the backup.", "Check the offsite job history.",
                                       "https://www.cisa.gov/resources-tools")]
        revision = StandardRevision.objects.get(standard=offsite)
        assert revision.created_by == tenant.users[Role.OWNER]


def test_editing_text_of_an_answered_standard_makes_a_new_revision(tenant, library):
    answer = make_answer(tenant, library.offsite)
    actor = tenant.users[Role.VCIO]
    with scope(msp=tenant.msp):
        standard = services.standard_update(
            standard=Standard.objects.get(pk=library.offsite.pk), actor=actor, expected_version=1,
            question="Is a copy of every backup kept offsite and encrypted?")
        assert standard.revision == 2
        assert standard.version == 2
        assert revisions(standard) == [
            (1, "Is a copy of every backup kept offsite?", "A fire takes the server and the backup.",
             "Check the offsite job history.", "https://www.cisa.gov/resources-tools"),
            (2, "Is a copy of every backup kept offsite and encrypted?", "A fire takes the server and the backup.",
             "Check the offsite job history.", "https://www.cisa.gov/resources-tools"),
        ]
        assert StandardRevision.objects.get(standard=standard, number=2).created_by == actor
        answer = Answer.objects.select_related("revision").get(pk=answer.pk)
        assert answer.revision.number == 1
        assert answer.revision.question == "Is a copy of every backup kept offsite?"

        # A change that leaves the text alone adds no revision.
        standard = services.standard_update(standard=standard, actor=actor, expected_version=2, priority="low")
        assert (standard.revision, standard.version) == (2, 3)
        assert StandardRevision.objects.filter(standard=standard).count() == 2


def test_editing_text_without_answers_corrects_revision_one(tenant, library):
    with scope(msp=tenant.msp):
        standard = services.standard_update(
            standard=Standard.objects.get(pk=library.restore.pk), actor=tenant.users[Role.TAM], expected_version=1,
            why="Untested backups often fail when they are needed.", how="Restore a file\r\nand open it.  ")
        assert (standard.revision, standard.version) == (1, 2)
        assert revisions(standard) == [(1, "Was a restore tested in the last year?",
                                        "Untested backups often fail when they are needed.",
                                        "Restore a file\nand open it.", "")]


def test_stale_update_is_refused_and_changes_nothing(tenant, library):
    with scope(msp=tenant.msp):
        standard = Standard.objects.get(pk=library.restore.pk)
        services.standard_update(standard=Standard.objects.get(pk=standard.pk), actor=None, expected_version=1,
                                 priority="high")
        with pytest.raises(StaleVersionError):
            services.standard_update(standard=standard, actor=None, expected_version=1,
                                     question="Was a restore tested this quarter?")
        fresh = Standard.objects.get(pk=standard.pk)
        assert (fresh.question, fresh.priority, fresh.version) == ("Was a restore tested in the last year?", "high", 2)
        assert revisions(fresh)[0][1] == "Was a restore tested in the last year?"


def test_open_question_is_refused_with_the_rule(tenant, library):
    with scope(msp=tenant.msp), pytest.raises(ValidationError) as exc:
        services.standard_create(msp=tenant.msp, actor=None, category=library.backup, name="Disk space",
                                 question="How much space is free on the system drive?", why="w", how="h")
    assert exc.value.message_dict == {"question": [OPEN_MESSAGE]}
    with scope(msp=tenant.msp), pytest.raises(ValidationError) as exc:
        services.standard_update(standard=library.restore, actor=None,
                                 question="How much space is free on the system drive?")
    assert exc.value.message_dict == {"question": [OPEN_MESSAGE]}
    assert reload(library.restore).question == "Was a restore tested in the last year?"


def test_tags_are_normalised(tenant, library):
    with scope(msp=tenant.msp):
        standard = services.standard_update(standard=library.restore, actor=None,
                                            tags=["  Microsoft   365 ", "MFA", "mfa", "", "backup"])
        assert standard.tags == ["backup", "mfa", "microsoft 365"]
        assert services.normalize_tags("b, A; a ,c") == ["a", "b", "c"]
        with pytest.raises(ValidationError) as exc:
            services.standard_update(standard=standard, actor=None, tags=["x" * 41])
        assert exc.value.message_dict == {"tags": [f"The tag “{'x' * 41}” is longer than 40 characters."]}


def test_names_are_unique_ignoring_case(tenant, library):
    with scope(msp=tenant.msp):
        with pytest.raises(ValidationError) as exc:
            services.standard_create(msp=tenant.msp, actor=None, category=library.backup, name="offsite BACKUP",
                                     question="Is it?", why="w", how="h")
        assert exc.value.message_dict == {"name": ["A standard with this name already exists."]}
        with pytest.raises(ValidationError) as exc:
            services.category_create(msp=tenant.msp, actor=None, name="backup")
        assert exc.value.message_dict == {"name": ["A category with this name already exists."]}
        with pytest.raises(ValidationError) as exc:
            services.framework_create(msp=tenant.msp, actor=None, code="hipaa")
        assert exc.value.message_dict == {"code": ["A framework with this code already exists."]}


def test_another_tenants_category_or_framework_is_refused(tenant, other_tenant, library):
    from tests.standards.conftest import build_library

    other = build_library(other_tenant)
    with scope(msp=tenant.msp):
        with pytest.raises(ValidationError) as exc:
            services.standard_create(msp=tenant.msp, actor=None, category=other.backup, name="X",
                                     question="Is it?", why="w", how="h")
        assert exc.value.message_dict == {"category": ["Select a valid category; that one was not found."]}
        with pytest.raises(ValidationError) as exc:
            services.standard_update(standard=library.restore, actor=None, frameworks=[other.hipaa])
        assert exc.value.message_dict == {"frameworks": ["Select valid frameworks; one of them was not found."]}


def test_retire_hides_from_scope_and_keeps_past_answers(tenant, library):
    answer = make_answer(tenant, library.firmware)
    with scope(msp=tenant.msp):
        assert [s.name for s in selectors.standards_in_scope()] == ["Offsite backup", "Restore test",
                                                                    "Firewall firmware"]
        standard = services.standard_retire(standard=library.firmware, actor=tenant.users[Role.TAM])
        assert standard.status == "retired"
        assert standard.retired_at is not None
        assert [s.name for s in selectors.standards_in_scope()] == ["Offsite backup", "Restore test"]
        assert Answer.objects.get(pk=answer.pk).standard_id == standard.pk
        standard = services.standard_reactivate(standard=standard, actor=None)
        assert (standard.status, standard.retired_at) == ("active", None)
        assert "Firewall firmware" in [s.name for s in selectors.standards_in_scope()]


def test_standards_in_scope_filters_and_order(tenant, library):
    with scope(msp=tenant.msp):
        services.category_reorder(msp=tenant.msp, actor=None, order=[library.firewalls.pk])

        def names(**kw):
            return [s.name for s in selectors.standards_in_scope(**kw)]

        assert names() == ["Firewall firmware", "Offsite backup", "Restore test"]
        assert names(categories=[library.backup]) == ["Offsite backup", "Restore test"]
        assert names(categories=[library.backup.pk, library.firewalls.pk]) == [
            "Firewall firmware", "Offsite backup", "Restore test"]
        assert names(tags=["Offsite", "network"]) == ["Firewall firmware", "Offsite backup"]
        assert names(frequencies=["monthly", "quarterly"]) == ["Firewall firmware", "Offsite backup"]
        assert names(categories=[library.backup], frequencies=["yearly"]) == ["Restore test"]
        assert names(categories=[], tags=[], frequencies=None) == names()


def test_due_for_review_and_mark_reviewed(tenant, library):
    today = dt.date(2026, 3, 1)
    with scope(msp=tenant.msp):
        services.standard_mark_reviewed(standard=library.offsite, actor=None, on=dt.date(2025, 3, 1))
        services.standard_mark_reviewed(standard=library.restore, actor=None, on=dt.date(2025, 3, 2))
        due = selectors.standards_due_for_review(today=today)
        # Never reviewed, or 12 months or more ago; retired standards are never due.
        assert [s.name for s in due] == ["Offsite backup", "Firewall firmware"]
        count = services.standards_mark_reviewed(msp=tenant.msp, actor=tenant.users[Role.VCIO], standards=due)
        assert count == 2
        assert list(selectors.standards_due_for_review(today=today)) == []
        local_today = services.msp_today(tenant.msp)
        assert Standard.objects.get(pk=library.firmware.pk).last_reviewed_on == local_today
        assert selectors.review_due_before(dt.date(2028, 2, 29)) == dt.date(2027, 2, 28)


def test_msp_today_follows_the_msps_time_zone(tenant, monkeypatch):
    from django.utils import timezone

    instant = dt.datetime(2026, 1, 1, 3, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: instant)
    tenant.msp.time_zone = "America/Chicago"
    assert services.msp_today(tenant.msp) == dt.date(2025, 12, 31)
    tenant.msp.time_zone = "Europe/Berlin"
    assert services.msp_today(tenant.msp) == dt.date(2026, 1, 1)


def test_categories_archive_reorder_and_counts(tenant, library):
    with scope(msp=tenant.msp):
        with pytest.raises(ValidationError) as exc:
            services.category_archive(category=library.backup, actor=None)
        assert exc.value.messages == ["“Backup” still has 2 active standards; move them to another category or "
                                      "retire them first."]
        empty = services.category_create(msp=tenant.msp, actor=None, name="Power")
        assert empty.position == 3
        services.category_move(category=empty, actor=None, direction="up")
        assert [c.name for c in selectors.category_list()] == ["Backup", "Power", "Firewalls"]
        services.category_archive(category=empty, actor=None)
        assert [c.name for c in selectors.category_list()] == ["Backup", "Firewalls"]
        assert selectors.category_counts()[library.firewalls.pk] == {"active": 1, "retired": 1}
        with pytest.raises(ValidationError) as exc:
            services.standard_create(msp=tenant.msp, actor=None, category=empty, name="UPS",
                                     question="Is there a UPS?", why="w", how="h")
        assert exc.value.message_dict == {"category": ["The category “Power” is archived; restore it first."]}


def test_library_list_filters(tenant, library):
    with scope(msp=tenant.msp):
        def names(**kw):
            return [s.name for s in selectors.standard_list(**kw)]

        assert names() == ["Offsite backup", "Restore test", "Firewall firmware"]
        assert names(status="retired") == ["Old rule"]
        assert names(status="all") == ["Offsite backup", "Restore test", "Firewall firmware", "Old rule"]
        assert names(tag="BACKUP") == ["Offsite backup", "Restore test"]
        assert names(framework=library.pci.pk) == ["Firewall firmware"]
        assert names(priority="high") == ["Offsite backup", "Firewall firmware"]
        assert names(category=library.firewalls.pk, status="all") == ["Firewall firmware", "Old rule"]
        assert names(search="offsite") == ["Offsite backup"]
        assert names(search="tested") == ["Restore test"]
        assert selectors.library_tags() == ["backup", "network", "offsite"]


def test_history_names_the_actor(tenant, library):
    import pghistory.models
    from django_scopes import scopes_disabled

    actor = tenant.users[Role.TAM]
    with scope(msp=tenant.msp):
        services.standard_retire(standard=library.restore, actor=actor)
    with scopes_disabled():
        event = (pghistory.models.Events.objects.references(library.restore).filter(pgh_label="update")
                 .order_by("-pgh_created_at").first())
    assert event.pgh_context["user"] == str(actor.pk)
