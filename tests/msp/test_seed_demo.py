"""`manage.py seed_demo`: exact demo content, working logins, tenant separation, and idempotence."""

from __future__ import annotations

import hashlib
import subprocess
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q
from django.test import Client as HttpClient
from django.test import override_settings
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from pghistory.models import Context, Events

from alignment.models import Answer, Review
from budgets.models import BudgetLine, BudgetVersion
from clients import demo
from clients.models import Asset, BusinessObjective, Client, ClientAccess, Contact, Document
from meetings.models import ActionItem, Meeting, MeetingAttendee, Touch
from msp.models import Membership, Msp, User
from msp.roles import Role
from playbook.models import Escalation, Objective
from roadmaps.models import Initiative, LifecycleDecision
from standards.models import Standard
from surveys.models import SurveyResponse

pytestmark = pytest.mark.django_db

PASSWORD = "Demo!2026pass"
ROLES = {
    "owner@demo.test": ("demo", Role.OWNER),
    "vcio@demo.test": ("demo", Role.VCIO),
    "vcio2@demo.test": ("demo", Role.VCIO),
    "tam@demo.test": ("demo", Role.TAM),
    "viewer@demo.test": ("demo", Role.VIEWER),
    "client@demo.test": ("demo", Role.CLIENT),
    "owner@other.test": ("other", Role.OWNER),
}
DEMO_CLIENTS, DEMO_CONTACTS, DEMO_OBJECTIVES, DEMO_ASSETS = 12, 33, 30, 190
# Roadmaps of the 10 active clients: 7 initiatives each (one from a recommendation, one from a lifecycle
# suggestion, five from the catalogue) with 12 budget lines (2 + 1 + 9); 5 presented budgets; 1 roadmap PDF.
INITIATIVES, BUDGET_LINES, LIFECYCLE_DECISIONS, BUDGET_VERSIONS, ROADMAP_DOCUMENTS = 70, 120, 10, 5, 1
OTHER_CLIENTS, OTHER_CONTACTS, OTHER_ASSETS = 3, 3, 12


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    # The seed hashes seven passwords per run; authenticate() below still checks them for real.
    settings.PASSWORD_HASHERS = FAST_HASHERS


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="class")
def media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _media(settings, media_root):
    # The demo's roadmap PDF is a stored file; keep it out of the project's var/media.
    settings.MEDIA_ROOT = media_root


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker, media_root) -> str:
    """One seed run shared by a class's tests, rolled back after them; each test runs in a savepoint inside it.

    Seeding writes ~1,000 rows through the services, so running it once per class keeps the suite quick.
    """
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS, MEDIA_ROOT=media_root), \
            transaction.atomic():
        yield seed()
        transaction.set_rollback(True)


def msp(slug: str) -> Msp:
    return Msp.objects.get(slug=slug)


def snapshot() -> dict:
    with scopes_disabled():
        return {
            "counts": {m.__name__: m.objects.count() for m in (
                User, EmailAddress, Msp, Membership, Client, Contact, BusinessObjective, Asset, ClientAccess,
                Review, Answer, Standard, Initiative, BudgetLine, LifecycleDecision, BudgetVersion, Document)},
            "answers": list(Answer.objects.order_by("id").values_list("id", "response", "version")),
            "events": Events.objects.count(),
            "contexts": Context.objects.count(),
            "users": list(User.objects.order_by("email").values_list("email", "password", "full_name")),
            "emails": list(EmailAddress.objects.order_by("email").values_list("email", "verified", "primary")),
            "msps": list(Msp.objects.order_by("slug").values_list("slug", "name", "version", "updated_at")),
            "memberships": list(Membership.objects.order_by("id").values_list("id", "role", "updated_at")),
            "clients": list(Client.objects.order_by("id").values_list(
                "id", "name", "mrr", "status", "vcio", "version", "updated_at")),
            "contacts": list(Contact.objects.order_by("id").values_list("id", "email", "version", "updated_at")),
            "objectives": list(BusinessObjective.objects.order_by("id").values_list(
                "id", "title", "target_date", "version")),
            "assets": list(Asset.objects.order_by("id").values_list(
                "id", "serial", "purchase_date", "warranty_end", "end_of_support", "replacement_cost", "version",
                "updated_at")),
            "accesses": list(ClientAccess.objects.order_by("id").values_list(
                "id", "token_hash", "accepted_at", "updated_at")),
            "initiatives": list(Initiative.objects.order_by("id").values_list(
                "id", "status", "start_quarter", "end_quarter", "version", "decided_at", "updated_at")),
            "lines": list(BudgetLine.objects.order_by("id").values_list(
                "id", "start_quarter", "end_quarter", "unit_cost", "rate", "version", "updated_at")),
            "versions": list(BudgetVersion.objects.order_by("id").values_list("id", "number", "presented_at")),
            "documents": list(Document.objects.order_by("id").values_list("id", "edition", "checksum",
                                                                          "published_at")),
        }


class TestOneRun:
    """After one run on an empty database (one run shared by every test of the class)."""

    def test_counts_after_one_run(self, seeded):
        assert Msp.objects.count() == 2
        assert User.objects.count() == 7
        assert Membership.objects.filter(removed_at__isnull=True).count() == 7
        assert EmailAddress.objects.count() == 7
        assert EmailAddress.objects.filter(verified=True, primary=True).count() == 7
        with scope(msp=msp("demo")):
            assert Initiative.objects.count() == INITIATIVES
            assert BudgetLine.objects.count() == BUDGET_LINES
            assert LifecycleDecision.objects.count() == LIFECYCLE_DECISIONS
            assert BudgetVersion.objects.count() == BUDGET_VERSIONS
            assert Document.objects.filter(kind="roadmap").count() == ROADMAP_DOCUMENTS
            assert Client.objects.count() == DEMO_CLIENTS
            assert Contact.objects.count() == DEMO_CONTACTS
            assert BusinessObjective.objects.count() == DEMO_OBJECTIVES
            assert Asset.objects.count() == DEMO_ASSETS
            assert ClientAccess.objects.count() == 1
        with scope(msp=msp("other")):
            assert Initiative.objects.count() == BudgetLine.objects.count() == Document.objects.count() == 0
            assert Client.objects.count() == OTHER_CLIENTS
            assert Contact.objects.count() == OTHER_CONTACTS
            assert BusinessObjective.objects.count() == 0
            assert Asset.objects.count() == OTHER_ASSETS
            assert ClientAccess.objects.count() == 0
        library = 2 * (4 + 16 + 84)  # frameworks, categories and standards of the starter library, per MSP
        # 10 active clients x 3 completed reviews + the churned one x 2 + one review in progress
        reviews = 10 * 3 + 2 + 1
        roadmaps = INITIATIVES + BUDGET_LINES + LIFECYCLE_DECISIONS + BUDGET_VERSIONS + ROADMAP_DOCUMENTS
        with scope(msp=msp("demo")):
            # The scheduler's year: each served client's yearly count, and four steering meetings per pair.
            served = list(Client.objects.filter(status="active", archived_at__isnull=True, vcio__isnull=False))
            pairs = {(c.vcio_id, c.tam_id) for c in served if c.tam_id}
            yearly = sum(c.cadence.meetings_per_year for c in served)
            now = timezone.now()
            meetings = Meeting.objects.filter(starts_at__gte=now).count()
            assert meetings == yearly + 4 * len(pairs)
            assert meetings > 0
            # The year behind: each served client's yearly count, held but for one missed review.
            past = Meeting.objects.filter(starts_at__lt=now).count()
            assert past == yearly
            # Two action items a held meeting, and the one overdue.
            items = ActionItem.objects.filter(source="meeting").count()
            assert items == 2 * (yearly - 1) + 1
            # And a follow-up of each survey response with an answer below 8.
            follow_ups = ActionItem.objects.filter(source="survey").count()
            assert follow_ups == SurveyResponse.objects.filter(answers__score__lt=8).distinct().count() > 0
            touches = Touch.objects.count()
            assert touches > 6 * len(served)
            # The playbook: six objectives for each of the two vCIOs; six escalations for one, three for the other.
            assert Objective.objects.count() == 12
            assert Escalation.objects.count() == 9
        with scope(msp=msp("other")):
            assert Meeting.objects.count() == 0
        total = 7 + 7 + 2 + 7 + DEMO_CLIENTS + OTHER_CLIENTS + DEMO_CONTACTS + OTHER_CONTACTS + DEMO_OBJECTIVES \
            + DEMO_ASSETS + OTHER_ASSETS + 1 + library + reviews + roadmaps + meetings + past + items + touches \
            + 12 + 9 + 2  # playbook objectives and escalations, survey campaigns
        assert f"Demo data loaded: {total} records created." in seeded

    def test_review_history_shows_scores_trends_and_work_in_progress(self, seeded):
        from alignment.models import Recommendation, Review

        with scope(msp=msp("demo")):
            completed = Review.objects.filter(status="completed")
            assert completed.count() == 32
            assert completed.filter(score__isnull=True).count() == 0
            lakeshore = list(completed.filter(client__name="Lakeshore Family Dental").order_by("completed_at")
                             .values_list("score", flat=True))
            assert len(lakeshore) == 3
            assert lakeshore == sorted(lakeshore)  # the demo client improves over time
            in_progress = Review.objects.get(status="in_progress")
            assert (in_progress.client.name, in_progress.tam.email) == ("Lakeshore Family Dental", "tam@demo.test")
            assert in_progress.answers.exclude(response="").count() == 84 // 3
            assert Recommendation.objects.count() > 0
            assert Review.objects.filter(summary_completed_at__isnull=False).count() == 11  # latest of each client
        with scope(msp=msp("other")):
            assert Review.objects.count() == 0
        for slug in ("demo", "other"):
            with scope(msp=msp(slug)):
                # every seventh standard of the fresh library is left for the committee's yearly review
                assert Standard.objects.filter(last_reviewed_on__isnull=True).count() == 12



    def test_msps_and_memberships(self, seeded):
        d = msp("demo")
        assert (d.name, d.currency, d.time_zone, d.fiscal_year_start_month) == (
            "Demo MSP", "USD", "America/Chicago", 1)
        assert msp("other").name == "Other MSP"
        got = {m.user.email: (m.msp.slug, m.role) for m in Membership.objects.select_related("user", "msp")}
        assert got == ROLES
        assert all(u.full_name and " " in u.full_name for u in User.objects.all())


    def test_every_user_can_sign_in_with_the_demo_password(self, seeded):
        for email in ROLES:
            user = authenticate(email=email, password=PASSWORD)
            assert user is not None, email
            assert user.email == email
            assert authenticate(email=email, password=PASSWORD + "x") is None


    @pytest.mark.parametrize(("name", "mrr", "aisp", "users", "complexity"), [
        ("Lakeshore Family Dental", "3000.00", "125.00", 24, 5),  # client A of the cadence table
        ("Prairie Freight Logistics", "6500.00", "125.00", 52, 3),  # B
        ("Halstead & Crane LLP", "1500.00", "125.00", 12, 8),  # C
    ])
    def test_cadence_reference_clients(self, seeded, name, mrr, aisp, users, complexity):
        with scope(msp=msp("demo")):
            c = Client.objects.get(name=name)
        assert (c.mrr, c.aisp, c.user_count, c.complexity) == (Decimal(mrr), Decimal(aisp), users, complexity)
        assert c.status == "active"


    def test_demo_clients_are_shaped_like_a_real_book(self, seeded):
        d = msp("demo")
        vcio, vcio2, tam = (User.objects.get(email=e) for e in ("vcio@demo.test", "vcio2@demo.test", "tam@demo.test"))
        today = demo.demo_today(d)
        with scope(msp=d):
            clients = list(Client.objects.annotate(
                n_contacts=Count("contacts", distinct=True),
                n_deciders=Count("contacts", filter=Q(contacts__is_decision_maker=True), distinct=True),
                n_objectives=Count("objectives", distinct=True),
                n_assets=Count("assets", distinct=True),
            ))
        assert {c.vcio_id for c in clients} == {vcio.pk, vcio2.pk}
        assert sum(c.vcio_id == vcio.pk for c in clients) == 6
        assert all(c.tam_id == tam.pk for c in clients)
        assert sorted(c.status for c in clients) == ["active"] * 10 + ["churned", "onboarding"]
        churned = next(c for c in clients if c.status == "churned")
        assert churned.churn_date < today
        assert churned.churn_reason
        assert {c.fiscal_year_start_month for c in clients} == {1, 4, 7}
        for c in clients:
            assert 2 <= c.n_contacts <= 4, c.name
            assert c.n_deciders == 1, c.name
            assert 2 <= c.n_objectives <= 3, c.name
            assert 8 <= c.n_assets <= 20, c.name
            assert Decimal("1500") <= c.mrr <= Decimal("6500"), c.name
            # MRR follows the all-in seat price within a few percent.
            assert abs(c.mrr - c.aisp * c.user_count) <= c.mrr * Decimal("0.05"), c.name
            assert c.industry, c.name
            assert c.endpoint_count >= c.user_count, c.name


    def test_assets_have_a_lifecycle_spread_over_three_years(self, seeded):
        d = msp("demo")
        today = demo.demo_today(d)
        with scopes_disabled():
            assets = list(Asset.objects.all())
        serials = [a.serial for a in assets]
        assert all(serials)
        assert len(set(serials)) == len(serials)
        for a in assets:
            assert a.manufacturer, a.name
            assert a.model, a.name
            assert a.purchase_date < today, a.name
            assert a.end_of_support > a.purchase_date, a.name
            assert isinstance(a.replacement_cost, Decimal), a.name
            assert a.replacement_cost >= 0, a.name
        hardware = [a for a in assets if a.kind not in ("software", "cloud")]
        assert all(a.warranty_end and a.expected_life_years for a in hardware)
        kinds = {a.kind for a in hardware}
        assert {"server", "firewall", "switch", "wireless", "ups", "laptop", "workstation"} <= kinds
        eos = [a.end_of_support for a in assets]
        assert min(eos) < today  # some are already past
        assert max(eos) <= today + timedelta(days=3 * 365)
        for year in range(3):  # and each of the next three years has some falling due
            start = today + timedelta(days=365 * year)
            assert any(start < e <= start + timedelta(days=365) for e in eos), year
        assert any(a.warranty_end < today for a in hardware)
        assert any(a.warranty_end > today for a in hardware)


    def test_portal_user_has_one_accepted_access(self, seeded):
        user = User.objects.get(email="client@demo.test")
        with scope(msp=msp("demo")):
            accesses = list(ClientAccess.objects.filter(user=user).select_related("contact", "client"))
        assert len(accesses) == 1
        access = accesses[0]
        assert access.state == "active"
        assert access.email == "client@demo.test"
        assert access.contact.email == "client@demo.test"
        assert access.contact.is_decision_maker
        assert access.client.name == "Lakeshore Family Dental"
        assert len(access.token_hash) == 64
        assert Membership.objects.get(user=user).role == Role.CLIENT


    def test_roadmaps_in_every_status_with_budgets_over_three_years(self, seeded):
        from budgets.selectors import client_budget, client_horizon

        with scope(msp=msp("demo")):
            statuses = Counter(Initiative.objects.values_list("status", flat=True))
            assert statuses == {"idea": 18, "proposed": 12, "approved": 8, "declined": 2, "scheduled": 16,
                                "in_progress": 10, "done": 2, "cancelled": 2}
            assert not Initiative.objects.exclude(client__status="active").exists()
            for client in Client.objects.filter(status="active").select_related("msp"):
                assert Initiative.objects.filter(client=client).count() == 7, client.name
                assert BudgetLine.objects.filter(client=client).count() == 12, client.name
                # one made from a recommendation (keeping the link), one accepted from the asset lifecycle
                assert Initiative.objects.filter(client=client, recommendations__isnull=False).count() == 1
                accepted = LifecycleDecision.objects.get(client=client)
                assert accepted.decision == "accepted"
                assert accepted.initiative.category == "lifecycle"
                assert accepted.initiative.assets.get() == accepted.asset
                budget = client_budget(client=client, quarters=client_horizon(client=client))
                assert all(r.total.price > 0 for r in budget.years.values()), client.name
                assert budget.total.one_time.price > 0
                assert budget.total.recurring.price > 0
                assert budget.total.approved > 0
            lines = BudgetLine.objects.all()
            assert set(lines.values_list("kind", flat=True)) == {"one_time", "recurring"}
            assert set(lines.values_list("pricing", flat=True)) == {"markup", "margin"}
            assert lines.filter(kind="recurring", end_quarter__isnull=False).exists()
            versions = list(BudgetVersion.objects.select_related("client").order_by("client__name"))
            assert [v.client.name for v in versions] == [
                "Cedar Ridge Veterinary Hospital", "Fox River Precision Machining", "Halstead & Crane LLP",
                "Kessler Brothers Construction", "Lakeshore Family Dental"]
            assert all(v.number == 1 and v.snapshot["lines"] and v.presented_by for v in versions)

    def test_lakeshore_awaits_decisions_and_client_downloads_the_roadmap(self, seeded, media_root):
        karen = User.objects.get(email="client@demo.test")
        with scope(msp=msp("demo")):
            lakeshore = Client.objects.get(name="Lakeshore Family Dental")
            proposed = Initiative.objects.filter(client=lakeshore, status="proposed").order_by("title")
            assert [i.title for i in proposed] == ["Cloud phone system for the front office",
                                                   "Managed detection and response on every computer"]
            assert all(i.proposal_amount > 0 for i in proposed)
            approved = Initiative.objects.get(client=lakeshore, decided_by=karen)
            assert (approved.title, approved.status) == ("Second internet line with automatic failover", "approved")
            assert approved.decision_note
            document = Document.objects.get(client=lakeshore, kind="roadmap")
        assert (document.edition, document.content_type) == (1, "application/pdf")
        assert document.published_at is not None
        assert document.created_by.email == "vcio@demo.test"
        portal = HttpClient()
        portal.force_login(karen, backend="django.contrib.auth.backends.ModelBackend")
        home = portal.get("/portal/").content.decode()
        assert document.title in home
        assert "Managed detection and response on every computer" in home
        assert "Second internet line with automatic failover" in home  # among the decisions
        download = portal.get(f"/portal/documents/{document.pk}/download/")
        assert download.status_code == 200
        assert hashlib.sha256(download.content).hexdigest() == document.checksum
        path = media_root / "downloaded.pdf"
        path.write_bytes(download.content)
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "Lakeshore Family Dental" in text
        assert "Demo MSP" in text
        assert "Managed detection and response on every computer" in text

    def test_other_msp_is_separate(self, seeded):
        with scope(msp=msp("demo")):
            demo_names = set(Client.objects.values_list("name", flat=True))
        with scope(msp=msp("other")):
            other_names = set(Client.objects.values_list("name", flat=True))
            owner = User.objects.get(email="owner@other.test")
            assert set(Client.objects.values_list("vcio", flat=True)) == {owner.pk}
            assert all(Asset.objects.filter(client=c).count() >= 3 for c in Client.objects.all())
        assert len(other_names) == 3
        assert not {n.lower() for n in demo_names} & {n.lower() for n in other_names}


    def test_history_names_who_did_each_change(self, seeded):
        # The owners set things up; the review history and the roadmaps are the work of the TAM and the vCIOs;
        # Lakeshore's decision maker approved one initiative in the portal.
        actors = {str(User.objects.get(email=e).pk) for e in (
            "owner@demo.test", "owner@other.test", "tam@demo.test", "vcio@demo.test", "vcio2@demo.test",
            "client@demo.test")}
        assert Events.objects.count() > 0
        assert not Events.objects.filter(pgh_context_id__isnull=True).exists()
        named = {c.metadata.get("user") for c in Context.objects.all()}
        assert named <= actors
        assert {str(User.objects.get(email=e).pk) for e in ("owner@demo.test", "owner@other.test")} <= named


    def test_second_run_changes_nothing(self, seeded):
        before = snapshot()
        out = seed()
        assert snapshot() == before
        assert "Nothing changed" in out
        assert "   0 created" in out
        assert "202 already there" in out


    def test_second_run_on_a_later_day_changes_nothing(self, seeded, monkeypatch):
        """Dates are relative to today, but rows found by their natural keys are left as they are."""
        before = snapshot()
        real_today = demo.demo_today
        monkeypatch.setattr(demo, "demo_today", lambda m: real_today(m) + timedelta(days=400))
        assert "Nothing changed" in seed()
        assert snapshot() == before


    def test_seeded_records_pass_the_validation_of_the_services(self, seeded):
        """Written in bulk, checked in bulk: a sample of every kind of record passes full_clean() one by one."""
        with scopes_disabled():
            for model in (User, Msp, Membership, Client, Contact, BusinessObjective, Asset, ClientAccess, Review,
                          Answer, Standard, Initiative, BudgetLine, LifecycleDecision, BudgetVersion, Document,
                          Meeting, ActionItem, Touch, Objective, Escalation):
                sample = list(model.objects.order_by("pk")[:6])
                assert sample, model.__name__
                for obj in sample:
                    obj.full_clean()
            answered = Answer.objects.filter(response__isnull=False).exclude(response="")
            assert answered.count() > 2000
            assert not answered.filter(Q(answered_by__isnull=True) | Q(version__lt=2)).exists()

    def test_progress_is_shown_and_every_login_shares_one_hash(self, seeded):
        steps = [line.split("] ", 1)[1] for line in seeded.splitlines() if line.startswith("[")]
        assert steps == ["demo logins", "Demo MSP", "Demo MSP: standards library",
                         "Demo MSP: clients, contacts and assets", "Demo MSP: two years of alignment reviews",
                         "Demo MSP: roadmaps, budgets and the roadmap PDF", "Demo MSP: meetings, playbook and surveys",
                         "Other MSP", "Other MSP: standards library", "done"]
        assert User.objects.values("password").distinct().count() == 1

    def test_make_run_does_not_seed_a_present_demo_again(self, seeded):
        before = snapshot()
        out = StringIO()
        call_command("seed_demo", "--unless-present", stdout=out)
        assert out.getvalue() == ("Demo data already there; not loaded again (`manage.py seed_demo` tops it up)."
                                  "\n")
        assert snapshot() == before

    def test_rerun_restores_only_what_is_missing(self, seeded):
        with scope(msp=msp("demo")):
            # A Lakeshore asset no roadmap refers to (the one its lifecycle replacement names is kept).
            asset = (Asset.objects.filter(client__name="Lakeshore Family Dental", lifecycle_decisions__isnull=True,
                                          initiatives__isnull=True).order_by("name").first())
            name, serial = asset.name, asset.serial
            asset.delete()
        out = seed()
        with scope(msp=msp("demo")):
            assert Asset.objects.get(name=name).serial == serial
            assert Asset.objects.count() == DEMO_ASSETS
        assert "1 created" in out


    # The year behind and the week ahead, as the vCIO's home and the portal show them.

    def test_a_year_of_held_meetings_with_notes_and_action_items(self, seeded):
        with scope(msp=msp("demo")):
            now = timezone.now()
            held = Meeting.objects.filter(status="held")
            assert held.count() == Meeting.objects.filter(starts_at__lt=now).count() - 1
            assert held.filter(notes="").count() == 0
            assert held.filter(outcome="").count() == 0
            assert held.filter(starts_at__lt=now - timedelta(days=366)).count() == 0
            assert MeetingAttendee.objects.filter(meeting__status="held", attended=True).count() \
                == MeetingAttendee.objects.filter(meeting__status="held").count() > 0
            open_items = ActionItem.objects.filter(status="open")
            assert ActionItem.objects.filter(status="done").count() > open_items.count() > 0
            today = demo.demo_today(msp("demo"))
            [overdue] = open_items.filter(due_on__lt=today)
            assert (overdue.client.name, overdue.text) == ("Lakeshore Family Dental",
                                                           "Send the signed quote for the Wi-Fi upgrade")

    def test_one_missed_business_review(self, seeded):
        with scope(msp=msp("demo")):
            [missed] = Meeting.objects.filter(status="missed")
            assert (missed.kind, missed.client.name) == ("qbr", "Halstead & Crane LLP")

    def test_next_weeks_review_with_its_agenda_ready_to_send(self, seeded):
        with scope(msp=msp("demo")):
            today = demo.demo_today(msp("demo"))
            monday = today + timedelta(days=7 - today.weekday())
            [review] = Meeting.objects.filter(client__name="Lakeshore Family Dental", status="planned",
                                              starts_at__date__gte=monday,
                                              starts_at__date__lt=monday + timedelta(days=7))
            assert review.kind == "qbr"
            assert review.invited_at is None
            assert review.agenda.startswith("1. Your business goals and their progress\n")
            assert "Send the signed quote for the Wi-Fi upgrade" in review.agenda
            zone = ZoneInfo(msp("demo").time_zone)
            assert review.starts_at.astimezone(zone).date() == monday + timedelta(days=1)
            assert review.starts_at.astimezone(zone).hour == msp("demo").meeting_hour

    def test_touches_this_month_leave_some_due(self, seeded):
        with scope(msp=msp("demo")):
            today = demo.demo_today(msp("demo"))
            first = today.replace(day=1)
            this_month = Touch.objects.filter(at__date__gte=first)
            assert this_month.count() <= Client.objects.filter(status="active").count()
            assert Touch.objects.filter(at__gt=timezone.now()).count() == 0


def test_seed_is_one_transaction(monkeypatch):
    """A failure half-way leaves nothing behind."""
    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(demo, "other_msp_seed", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        seed()
    assert User.objects.count() == 0
    assert Msp.objects.count() == 0
    assert Events.objects.count() == 0
