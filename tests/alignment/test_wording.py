"""Client-facing words: a recommendation drafted from findings, and the initiative made from it, carry the
findings' wording until the vCIO confirms a title in business language; until then no roadmap PDF or business
review document is made and the initiative cannot be proposed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from alignment import services
from meetings.choices import MeetingKind
from meetings.services import meeting_create
from msp.models import Job
from msp.roles import Role
from roadmaps import services as roadmap_services
from roadmaps.models import Initiative
from tests.alignment.conftest import answer_all, answers_of, reload, schedule

pytestmark = pytest.mark.django_db

M = "misaligned"
DRAFT = "Address 2 findings: Offsite copy, Backups monitored"
WORDS = "Keep the practice working when a disk or a ransomware attack takes the server"
REFUSAL = (f"Before this reaches Alpha Dental, confirm the business wording of recommendation “{DRAFT}”, "
           f"initiative “{DRAFT}”: open each, write what the client gains, and tick “Title ready for the client”.")


@pytest.fixture
def drafted(tenant, lib):
    review = schedule(tenant, categories=[lib.backup])
    answer_all(tenant, review, {"Offsite copy": M, "Backups monitored": M})
    vcio = tenant.users[Role.VCIO]
    with scope(msp=tenant.msp):
        review = services.review_complete(review=review, actor=tenant.users[Role.TAM])
        findings = [answers_of(review)["Offsite copy"], answers_of(review)["Backups monitored"]]
        rec = services.recommendation_create_from_findings(review=review, findings=findings, actor=vcio)
        [initiative] = roadmap_services.initiatives_from_recommendations(client=review.client, actor=vcio,
                                                                         recommendations=[rec])
    return rec, initiative


def test_the_drafted_title_waits_for_confirmation_and_the_own_words_do_not(tenant, lib, drafted):
    rec, initiative = drafted
    assert (rec.title, rec.title_confirmed) == (DRAFT, False)
    assert (initiative.title, initiative.title_confirmed, initiative.status) == (DRAFT, False, "idea")
    review = rec.review
    with scope(msp=tenant.msp):
        own = services.recommendation_create_from_findings(
            review=review, findings=[answers_of(review)["Offsite copy"]], actor=tenant.users[Role.VCIO],
            title="Recover from a lost server in a day")
    assert own.title_confirmed is True


def test_confirming_the_drafted_words_as_they_are_is_refused(tenant, drafted):
    rec, _ = drafted
    with scope(msp=tenant.msp), pytest.raises(ValidationError) as exc:
        services.recommendation_update(recommendation=rec, actor=tenant.users[Role.VCIO], title_confirmed=True)
    assert exc.value.message_dict == {"title_confirmed": [
        "This is still the wording drafted from the findings. Write what the client gains or avoids, then "
        "confirm it."]}
    assert reload(rec).title_confirmed is False
    with scope(msp=tenant.msp):
        services.recommendation_update(recommendation=rec, actor=tenant.users[Role.VCIO], title=WORDS,
                                       title_confirmed=True)
    assert (reload(rec).title, reload(rec).title_confirmed) == (WORDS, True)


def test_an_unconfirmed_initiative_is_not_proposed(tenant, drafted):
    _, initiative = drafted
    with scope(msp=tenant.msp), pytest.raises(ValidationError) as exc:
        roadmap_services.initiative_update(initiative=initiative, actor=tenant.users[Role.VCIO],
                                           expected_version=initiative.version, status="proposed")
    assert exc.value.message_dict == {"title_confirmed": [
        f"Confirm that “{DRAFT}” speaks the client's business language before it goes further than an idea."]}
    with scopes_disabled():
        assert Initiative.objects.get(pk=initiative.pk).status == "idea"


def test_no_client_document_while_a_title_waits(tenant, drafted, login):
    rec, initiative = drafted
    client = tenant.clients[0]
    vcio = tenant.users[Role.VCIO]
    c = login(vcio)
    page = c.get(f"/roadmaps/client/{client.pk}/").content.decode()
    assert page.count("Wording to confirm</span>") == 1  # the initiative's card
    assert "Wording to confirm</span>" in c.get(f"/reviews/{rec.review_id}/").content.decode()

    refused = c.post(f"/roadmaps/client/{client.pk}/report/", follow=True)
    assert REFUSAL in refused.content.decode().replace("&#x27;", "'")
    with scope(msp=tenant.msp):
        meeting = meeting_create(msp=tenant.msp, actor=vcio, kind=MeetingKind.QBR, client=client,
                                 starts_at=timezone.now() + timedelta(days=7), send_invitations=False)
    refused = c.post(f"/meetings/{meeting.pk}/qbr-report/", follow=True)
    assert REFUSAL in refused.content.decode().replace("&#x27;", "'")
    with scopes_disabled():
        assert Job.objects.count() == 0

    # The vCIO writes the words on the edit pages and confirms them: the documents can be made.
    edit = c.get(f"/roadmaps/initiatives/{initiative.pk}/edit/").content.decode()
    assert 'name="title_confirmed"' in edit
    with scope(msp=tenant.msp):
        services.recommendation_update(recommendation=rec, actor=vcio, title=WORDS, title_confirmed=True)
    response = c.post(f"/roadmaps/initiatives/{initiative.pk}/edit/", {
        "title": WORDS, "title_confirmed": "on", "category": "continuity", "priority": "high", "status": "proposed",
        "start_quarter": "", "end_quarter": "", "version": initiative.version})
    assert response.status_code == 302
    with scopes_disabled():
        saved = Initiative.objects.get(pk=initiative.pk)
        assert (saved.title, saved.title_confirmed, saved.status) == (WORDS, True, "proposed")
    assert 'name="title_confirmed"' not in c.get(f"/roadmaps/initiatives/{initiative.pk}/edit/").content.decode()
    made = c.post(f"/roadmaps/client/{client.pk}/report/")
    with scopes_disabled():
        job = Job.objects.get()
    assert made["Location"] == f"/jobs/{job.pk}/"
