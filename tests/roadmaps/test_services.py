"""Roadmap services: quarters checked against the client's fiscal year, links of the same client, moving keeps the
span, stale writes refused, proposals recorded once, decisions only on proposed initiatives, initiatives from
recommendations, dismissing lifecycle suggestions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope, scopes_disabled

from alignment.choices import RecommendationStatus
from msp.models import Activity
from msp.roles import Role
from msp.tenancy import StaleVersionError
from roadmaps import services
from roadmaps.choices import InitiativeStatus, LifecycleDecisionKind, LifecycleReason, RoadmapActivity
from roadmaps.models import Initiative, LifecycleDecision
from tests.roadmaps.conftest import asset, create, d, recommendation, reload

pytestmark = pytest.mark.django_db


def errors(exc_info) -> dict:
    return exc_info.value.message_dict


# --- create and quarters --------------------------------------------------------------------------------

def test_create_places_an_initiative_in_fiscal_quarters_with_links(tenant, july):
    rec = recommendation(tenant, "Offsite backups")
    with scopes_disabled():
        objective = tenant.objective
    initiative = create(tenant, title="  Backup overhaul ", description="Copies off site", category="continuity",
                        priority="high", start_quarter=d("2026-10-01"), end_quarter=d("2027-01-01"),
                        owner=tenant.users[Role.VCIO], estimated_hours=Decimal("12.5"),
                        recommendations=[rec], objectives=[objective], assets=[tenant.asset])
    initiative = reload(initiative)
    assert (initiative.title, initiative.status, initiative.start_quarter, initiative.end_quarter, initiative.version,
            initiative.created_by) == ("Backup overhaul", "idea", d("2026-10-01"), d("2027-01-01"), 1,
                                       tenant.users[Role.VCIO])
    with scopes_disabled():
        assert list(initiative.recommendations.all()) == [rec]
        assert list(initiative.objectives.all()) == [objective]
        assert list(initiative.assets.all()) == [tenant.asset]


@pytest.mark.parametrize(("start", "end", "field", "message"), [
    ("2026-08-01", None, "start_quarter",
     "2026-08-01 is not the first day of a quarter of Alpha Dental’s fiscal year (which starts in July). "
     "Pick a quarter from the list."),
    ("2026-10-15", None, "start_quarter",
     "2026-10-15 is not the first day of a quarter of Alpha Dental’s fiscal year (which starts in July). "
     "Pick a quarter from the list."),
    ("2027-01-01", "2026-10-01", "end_quarter", "The end quarter cannot come before the start quarter."),
    (None, "2026-10-01", "end_quarter", "An initiative in the backlog has no end quarter; set a start quarter first."),
])
def test_quarters_are_checked_against_the_clients_fiscal_year(tenant, july, start, end, field, message):
    with pytest.raises(ValidationError) as exc:
        create(tenant, start_quarter=d(start) if start else None, end_quarter=d(end) if end else None)
    assert errors(exc) == {field: [message]}
    with scopes_disabled():
        assert not Initiative.objects.exists()


def test_links_must_be_the_same_clients(tenant, other_tenant, july):
    theirs = recommendation(tenant, "Other client's", client=tenant.clients[1])
    with pytest.raises(ValidationError) as exc:
        create(tenant, recommendations=[theirs])
    assert errors(exc) == {"recommendations": ["Recommendation “Other client's” is not one of Alpha Dental’s."]}
    # Another MSP's asset is not found inside this tenant's scope either.
    with pytest.raises(ValidationError) as exc:
        create(tenant, assets=[other_tenant.asset])
    assert errors(exc) == {"assets": [f"Asset “{other_tenant.asset.name}” is not one of Alpha Dental’s."]}
    with scopes_disabled():
        assert not Initiative.objects.exists()


def test_owner_must_be_staff_of_the_msp(tenant, other_tenant, july):
    for outsider in (tenant.users[Role.CLIENT], other_tenant.users[Role.VCIO]):
        with pytest.raises(ValidationError) as exc:
            create(tenant, owner=outsider)
        assert errors(exc) == {"owner": ["Choose an active staff member of your MSP as the owner."]}


# --- move -----------------------------------------------------------------------------------------------

def move(tenant, initiative, start, version=None):
    with scope(msp=tenant.msp):
        return services.initiative_move(initiative=reload(initiative), actor=tenant.users[Role.VCIO],
                                        start_quarter=d(start) if start else None,
                                        expected_version=version if version is not None else reload(initiative).version)


def test_move_keeps_the_span(tenant, july):
    two = create(tenant, title="Two quarters", start_quarter=d("2026-10-01"), end_quarter=d("2027-01-01"))
    moved = move(tenant, two, "2027-07-01")  # FY2028 Q1
    assert (moved.start_quarter, moved.end_quarter, moved.version) == (d("2027-07-01"), d("2027-10-01"), 2)
    # Across a fiscal year end: four quarters from FY2027 Q4 end in FY2028 Q3.
    four = create(tenant, title="Four quarters", start_quarter=d("2026-10-01"), end_quarter=d("2027-07-01"))
    moved = move(tenant, four, "2027-04-01")
    assert (moved.start_quarter, moved.end_quarter) == (d("2027-04-01"), d("2028-01-01"))
    one = create(tenant, title="One quarter", start_quarter=d("2026-10-01"))
    moved = move(tenant, one, "2028-01-01")
    assert (moved.start_quarter, moved.end_quarter) == (d("2028-01-01"), None)


def test_move_to_the_backlog_and_back(tenant, july):
    two = create(tenant, start_quarter=d("2026-10-01"), end_quarter=d("2027-01-01"))
    back = move(tenant, two, None)
    assert (back.start_quarter, back.end_quarter) == (None, None)
    placed = move(tenant, back, "2027-01-01")
    assert (placed.start_quarter, placed.end_quarter, placed.version) == (d("2027-01-01"), None, 3)


def test_stale_move_is_refused(tenant, july):
    initiative = create(tenant, start_quarter=d("2026-10-01"))
    with scope(msp=tenant.msp):
        services.initiative_update(initiative=reload(initiative), actor=tenant.users[Role.OWNER], expected_version=1,
                                   title="Renamed meanwhile")
    with pytest.raises(StaleVersionError, match="now version 2"):
        move(tenant, initiative, "2027-04-01", version=1)
    assert (reload(initiative).start_quarter, reload(initiative).version) == (d("2026-10-01"), 2)


def test_move_to_a_day_that_starts_no_quarter_is_refused(tenant, july):
    initiative = create(tenant, start_quarter=d("2026-10-01"))
    with pytest.raises(ValidationError) as exc:
        move(tenant, initiative, "2026-11-01")
    assert list(errors(exc)) == ["start_quarter"]
    assert reload(initiative).start_quarter == d("2026-10-01")


def test_a_quarter_saved_under_an_old_fiscal_year_may_stay(tenant, july):
    initiative = create(tenant, start_quarter=d("2026-10-01"))
    with scopes_disabled():
        july.fiscal_year_start_month = 2  # quarters now start Feb, May, Aug, Nov
        july.save(update_fields=["fiscal_year_start_month"])
    with scope(msp=tenant.msp):
        saved = services.initiative_update(initiative=reload(initiative), actor=tenant.users[Role.VCIO],
                                           expected_version=1, title="Still there",
                                           start_quarter=d("2026-10-01"))
        assert saved.title == "Still there"
        with pytest.raises(ValidationError):
            services.initiative_update(initiative=reload(initiative), actor=tenant.users[Role.VCIO],
                                       expected_version=2, start_quarter=d("2027-01-01"))


# --- proposals and decisions -----------------------------------------------------------------------------

def proposals(tenant) -> list:
    with scopes_disabled():
        return list(Activity.objects.filter(kind=RoadmapActivity.PROPOSAL_SENT).values_list(
            "msp_id", "client_id", "subject_id", "actor_id"))


def test_a_proposal_is_recorded_once(tenant, july):
    initiative = create(tenant, status="proposed")  # no price yet: not a proposal
    assert proposals(tenant) == []
    with scope(msp=tenant.msp):
        services.initiative_update(initiative=reload(initiative), actor=tenant.users[Role.VCIO], expected_version=1,
                                   proposal_amount=Decimal("4800.00"))
        services.initiative_update(initiative=reload(initiative), actor=tenant.users[Role.OWNER], expected_version=2,
                                   description="Revised", proposal_amount=Decimal("5200.00"))
    expected = [(tenant.msp.pk, july.pk, initiative.pk, tenant.users[Role.VCIO].pk)]
    assert proposals(tenant) == expected
    # An initiative created as a priced proposal counts at once, and once.
    other = create(tenant, title="Firewall", status="proposed", proposal_amount=Decimal("3900.00"))
    assert len(proposals(tenant)) == 2
    assert (tenant.msp.pk, july.pk, other.pk, tenant.users[Role.VCIO].pk) in proposals(tenant)


def test_an_idea_with_a_price_is_not_a_proposal(tenant, july):
    create(tenant, status="idea", proposal_amount=Decimal("1000.00"))
    assert proposals(tenant) == []


def decide(tenant, initiative, decision, note="", role=Role.CLIENT):
    with scope(msp=tenant.msp):
        return services.initiative_decide(initiative=reload(initiative), actor=tenant.users[role], decision=decision,
                                          note=note)


def test_only_a_proposed_initiative_can_be_decided(tenant, july):
    idea = create(tenant, title="Wi-Fi refresh")
    with pytest.raises(ValidationError) as exc:
        decide(tenant, idea, "approved")
    assert errors(exc) == {"status": ["Only a proposed initiative can be approved or declined; “Wi-Fi refresh” is "
                                      "idea."]}
    proposed = create(tenant, title="MFA everywhere", status="proposed", proposal_amount=Decimal("900.00"))
    with pytest.raises(ValidationError) as exc:
        decide(tenant, proposed, "maybe")
    assert errors(exc) == {"decision": ["Decide “approved” or “declined”."]}
    approved = decide(tenant, proposed, "approved", note="  Go ahead in spring ")
    approved = reload(approved)
    assert (approved.status, approved.decided_by, approved.decision_note, approved.version) == (
        "approved", tenant.users[Role.CLIENT], "Go ahead in spring", 2)
    assert approved.decided_at is not None
    with pytest.raises(ValidationError) as exc:
        decide(tenant, approved, "declined")
    assert errors(exc) == {"status": ["Only a proposed initiative can be approved or declined; “MFA everywhere” is "
                                      "approved."]}


def test_setting_a_decision_status_records_who_decided(tenant, july):
    initiative = create(tenant, status="proposed")
    with scope(msp=tenant.msp):
        services.initiative_update(initiative=reload(initiative), actor=tenant.users[Role.VCIO], expected_version=1,
                                   status=InitiativeStatus.DECLINED)
    declined = reload(initiative)
    assert (declined.status, declined.decided_by) == ("declined", tenant.users[Role.VCIO])
    with scope(msp=tenant.msp):
        services.initiative_update(initiative=declined, actor=tenant.users[Role.VCIO], expected_version=2,
                                   status=InitiativeStatus.PROPOSED)
    again = reload(initiative)
    assert (again.status, again.decided_at, again.decided_by) == ("proposed", None, None)


def test_archived_initiatives_do_not_change(tenant, july):
    initiative = create(tenant)
    with scope(msp=tenant.msp):
        services.initiative_archive(initiative=reload(initiative), actor=tenant.users[Role.VCIO])
        with pytest.raises(ValidationError, match="is archived"):
            services.initiative_update(initiative=reload(initiative), actor=tenant.users[Role.VCIO],
                                       expected_version=2, title="x")
    assert reload(initiative).archived_at is not None


# --- from recommendations -------------------------------------------------------------------------------

def test_initiatives_from_recommendations_keep_the_links(tenant, july):
    first = recommendation(tenant, "Offsite backups", priority="high", description="Copies leave the building.")
    second = recommendation(tenant, "MFA on mailboxes", priority="low", status=RecommendationStatus.PLANNED)
    with scope(msp=tenant.msp):
        created = services.initiatives_from_recommendations(client=july, actor=tenant.users[Role.VCIO],
                                                            recommendations=[first, second])
    with scopes_disabled():
        rows = [(i.title, i.description, i.priority, i.status, i.start_quarter, i.end_quarter,
                 [r.title for r in i.recommendations.all()]) for i in created]
    assert rows == [
        ("Offsite backups", "Copies leave the building.", "high", "idea", None, None, ["Offsite backups"]),
        ("MFA on mailboxes", "", "low", "idea", None, None, ["MFA on mailboxes"]),
    ]
    assert (reload(first).status, reload(second).status) == ("planned", "planned")


def test_a_recommendation_already_on_the_roadmap_is_refused(tenant, july):
    on = recommendation(tenant, "Offsite backups")
    off = recommendation(tenant, "MFA on mailboxes")
    create(tenant, title="Existing", recommendations=[on])
    with scope(msp=tenant.msp), pytest.raises(ValidationError) as exc:
        services.initiatives_from_recommendations(client=july, actor=tenant.users[Role.VCIO],
                                                  recommendations=[off, on])
    assert errors(exc) == {"recommendations": ["Already on the roadmap: “Offsite backups”. Nothing was created."]}
    with scopes_disabled():
        assert list(Initiative.objects.values_list("title", flat=True)) == ["Existing"]
        # Archiving the initiative frees the recommendation.
        Initiative.objects.update(archived_at="2026-11-01T00:00:00Z")
    with scope(msp=tenant.msp):
        created = services.initiatives_from_recommendations(client=july, actor=tenant.users[Role.VCIO],
                                                            recommendations=[on])
    assert [i.title for i in created] == ["Offsite backups"]


def test_from_recommendations_needs_this_clients_recommendations(tenant, july):
    theirs = recommendation(tenant, "Other client's", client=tenant.clients[1])
    with scope(msp=tenant.msp):
        with pytest.raises(ValidationError) as exc:
            services.initiatives_from_recommendations(client=july, actor=tenant.users[Role.VCIO], recommendations=[])
        assert errors(exc) == {"recommendations": ["Select at least one recommendation."]}
        with pytest.raises(ValidationError) as exc:
            services.initiatives_from_recommendations(client=july, actor=tenant.users[Role.VCIO],
                                                      recommendations=[theirs])
        assert errors(exc) == {"recommendations": ["Recommendation “Other client's” is not one of Alpha Dental’s."]}


# --- lifecycle decisions ----------------------------------------------------------------------------------

def test_dismissing_a_suggestion_is_recorded_once(tenant, july):
    laptop = asset(tenant, "LT-01", warranty_end=d("2027-02-15"))
    with scope(msp=tenant.msp):
        first = services.lifecycle_dismiss(client=july, actor=tenant.users[Role.VCIO], asset=laptop,
                                           reason=LifecycleReason.WARRANTY_END, due_date=d("2027-02-15"))
        again = services.lifecycle_dismiss(client=july, actor=tenant.users[Role.OWNER], asset=laptop,
                                           reason=LifecycleReason.WARRANTY_END, due_date=d("2027-02-15"))
    assert first.pk == again.pk
    with scopes_disabled():
        assert list(LifecycleDecision.objects.values_list("asset_id", "reason", "due_date", "decision",
                                                          "decided_by")) == [
            (laptop.pk, "warranty_end", d("2027-02-15"), "dismissed", tenant.users[Role.VCIO].pk)]


def test_dismiss_refuses_a_suggestion_that_does_not_match(tenant, july):
    laptop = asset(tenant, "LT-01", warranty_end=d("2027-02-15"))
    other = asset(tenant, "LT-99", client=tenant.clients[1], warranty_end=d("2027-02-15"))
    with scope(msp=tenant.msp):
        with pytest.raises(ValidationError, match="no longer 2027-03-01"):
            services.lifecycle_dismiss(client=july, actor=tenant.users[Role.VCIO], asset=laptop,
                                       reason=LifecycleReason.WARRANTY_END, due_date=d("2027-03-01"))
        with pytest.raises(ValidationError) as exc:
            services.lifecycle_dismiss(client=july, actor=tenant.users[Role.VCIO], asset=other,
                                       reason=LifecycleReason.WARRANTY_END, due_date=d("2027-02-15"))
        assert errors(exc) == {"asset": ["Asset “LT-99” is not one of Alpha Dental’s."]}
        initiative = services.initiative_create(client=july, actor=tenant.users[Role.VCIO], title="Replace LT-01")
        services.lifecycle_record_accepted(client=july, actor=tenant.users[Role.VCIO], asset=laptop,
                                           reason=LifecycleReason.WARRANTY_END, due_date=d("2027-02-15"),
                                           initiative=initiative)
        with pytest.raises(ValidationError, match="already accepted"):
            services.lifecycle_dismiss(client=july, actor=tenant.users[Role.VCIO], asset=laptop,
                                       reason=LifecycleReason.WARRANTY_END, due_date=d("2027-02-15"))
    with scopes_disabled():
        assert list(LifecycleDecision.objects.values_list("decision", flat=True)) == [LifecycleDecisionKind.ACCEPTED]


def test_an_archived_clients_roadmap_is_read_only(tenant, july):
    initiative = create(tenant, start_quarter=d("2026-10-01"))
    with scopes_disabled():
        july.archived_at = "2026-11-01T00:00:00Z"
        july.save(update_fields=["archived_at"])
    with pytest.raises(ValidationError, match="Alpha Dental is archived"):
        create(tenant, title="More")
    with pytest.raises(ValidationError, match="Alpha Dental is archived"):
        move(tenant, initiative, "2027-01-01")
    assert reload(initiative).start_quarter == d("2026-10-01")
