"""Row-level security, the database's own tenancy wall (msp/rls.py), checked with raw SQL as the app role.

Two tenants get a row in every tenant table (`populate`); a new tenant table the builder does not fill
fails `test_every_tenant_table_has_rows_in_both_tenants`, and one without a forced policy fails the
catalog test.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone
from django_scopes import scopes_disabled

from alignment.models import Answer, Evidence, Recommendation, Review
from budgets.models import BudgetLine, BudgetVersion
from clients.models import Client, Document
from meetings.models import (
    ActionItem,
    CalendarFeed,
    Meeting,
    MeetingAttendee,
    QuestionnaireAnswer,
    QuestionnaireStatement,
    Touch,
)
from msp.celery import app as celery_app
from msp.models import Activity, IdempotencyKey, Invitation, Job, Notification
from msp.rls import RLS_EXEMPT_TABLES, db_tenant, task_db_tenant
from msp.roles import Role
from msp.tenancy import TenantMiddleware, TenantTask
from playbook.models import Escalation, Objective, PracticeAssessment
from roadmaps.models import Initiative, LifecycleDecision
from standards.models import StandardRevision
from surveys.models import (
    Survey,
    SurveyAnswer,
    SurveyCampaign,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
)
from tests import factories as f
from tests.conftest import build_tenant

APP_ROLE = settings.DATABASE_APP_ROLE


def populate(tenant) -> None:
    """One row (and its history events) in every tenant table for `tenant`, link tables included."""
    msp, client, owner = tenant.msp, tenant.clients[0], tenant.users[Role.OWNER]
    with scopes_disabled():
        IdempotencyKey.objects.create(msp=msp, user=owner, key="k", request_hash="0" * 64, status_code=201)
        category = f.CategoryFactory(msp=msp)
        framework = f.FrameworkFactory(msp=msp)
        standard = f.StandardFactory(category=category)
        standard.frameworks.add(framework, through_defaults={"msp": msp})
        review = Review.objects.create(msp=msp, client=client, title=f"{msp.name} review")
        review.scope_categories.add(category, through_defaults={"msp": msp})
        answer = Answer.objects.create(msp=msp, review=review, standard=standard, category=category,
                                       revision=StandardRevision.objects.get(standard=standard), priority="high",
                                       response="misaligned")
        Evidence.objects.create(msp=msp, answer=answer, content_type="image/png", size=4,
                                image=ContentFile(b"\x89PNG", name="e.png"))
        recommendation = Recommendation.objects.create(msp=msp, client=client, review=review, title="Fix it")
        recommendation.findings.add(answer, through_defaults={"msp": msp})
        initiative = Initiative.objects.create(msp=msp, client=client, title="Do it")
        initiative.recommendations.add(recommendation, through_defaults={"msp": msp})
        initiative.objectives.add(tenant.objective, through_defaults={"msp": msp})
        initiative.assets.add(tenant.asset, through_defaults={"msp": msp})
        LifecycleDecision.objects.create(msp=msp, client=client, asset=tenant.asset, reason="warranty_end",
                                         due_date=dt.date(2027, 1, 1), decision="dismissed")
        BudgetLine.objects.create(msp=msp, client=client, description="Laptops", start_quarter=dt.date(2027, 1, 1),
                                  unit_cost=Decimal("100.00"))
        BudgetVersion.objects.create(msp=msp, client=client, number=1, snapshot={}, presented_at=timezone.now())
        Document.objects.create(msp=msp, client=client, title="Report", checksum="0" * 64, size=1,
                                file=ContentFile(b"%", name="r.pdf"))
        meeting = Meeting.objects.create(msp=msp, client=client, kind="qbr", title="QBR", time_zone="UTC",
                                         starts_at=timezone.now(), organizer=owner)
        MeetingAttendee.objects.create(msp=msp, meeting=meeting, contact=tenant.contact)
        ActionItem.objects.create(msp=msp, meeting=meeting, client=client, text="Send the quote")
        Touch.objects.create(msp=msp, client=client, kind="call", by=owner)
        Objective.objects.create(msp=msp, vcio=owner, year=2027, activity="touches", annual=520)
        Escalation.objects.create(msp=msp, client=client, vcio=owner, occurred_on=dt.date(2026, 5, 4),
                                  summary="Server down")
        statement = QuestionnaireStatement.objects.create(msp=msp, text="We test our backups", service="Backup")
        QuestionnaireAnswer.objects.create(msp=msp, meeting=meeting, statement=statement, selected=True)
        CalendarFeed.objects.create(msp=msp, user=owner, prefix="abcdefgh", key_hash=f"{msp.slug:0<64}"[:64])
        PracticeAssessment.objects.create(msp=msp, year=2026, answers={"first_call": True}, notes="Our year")
        Job.objects.create(msp=msp, kind="asset_import", title="Import")
        Notification.objects.create(msp=msp, user=owner, title="Hello")
        Activity.objects.create(msp=msp, kind="review_completed", actor=owner)
        Invitation.objects.create(msp=msp, email=f"new@{msp.slug}.test", role=Role.TAM,
                                  token_hash=f"{msp.slug:0<64}"[:64], expires_at=timezone.now())
        survey = Survey.objects.create(msp=msp, name="Survey", is_default=True)
        question = SurveyQuestion.objects.create(msp=msp, survey=survey, position=1, text="How safe?")
        campaign = SurveyCampaign.objects.create(msp=msp, survey=survey, year=2026, send_on=dt.date(2026, 3, 1))
        survey_invitation = SurveyInvitation.objects.create(msp=msp, campaign=campaign, client=client,
                                                            contact=tenant.contact, email="boss@client.test",
                                                            expires_at=timezone.now())
        response = SurveyResponse.objects.create(msp=msp, invitation=survey_invitation, campaign=campaign,
                                                 client=client)
        SurveyAnswer.objects.create(msp=msp, response=response, question=question, score=9)


def tables_with_msp_id() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("""SELECT c.table_name FROM information_schema.columns c
                          JOIN information_schema.tables t USING (table_schema, table_name)
                          WHERE c.table_schema = 'public' AND c.column_name = 'msp_id'
                            AND t.table_type = 'BASE TABLE' ORDER BY 1""")
        return [row[0] for row in cursor.fetchall()]


def tenant_tables() -> list[str]:
    return [t for t in tables_with_msp_id() if t not in RLS_EXEMPT_TABLES]


def as_app_role(sql: str, params=(), *, msp=None, setting: bool = True):
    """Run one statement as the app role (with `vcio.msp` set to `msp` when `setting`), then roll back."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('role', %s, true)", [APP_ROLE])
            if setting:
                cursor.execute("SELECT set_config('vcio.msp', %s, true)", ["" if msp is None else str(msp.pk)])
            try:
                cursor.execute(sql, params)
                rows = cursor.fetchall() if cursor.description else cursor.rowcount
            finally:
                transaction.set_rollback(True)
    return rows


@pytest.fixture
def two_tenants(db):
    alpha, bravo = build_tenant("Alpha", "alpha"), build_tenant("Bravo", "bravo")
    populate(alpha)
    populate(bravo)
    return alpha, bravo


def test_every_tenant_table_has_rows_in_both_tenants(two_tenants):
    alpha, bravo = two_tenants
    empty = []
    with connection.cursor() as cursor:  # as the owner, who bypasses the policies
        for table in tables_with_msp_id():
            cursor.execute(f'SELECT count(DISTINCT msp_id) FROM "{table}" WHERE msp_id IN (%s, %s)',  # noqa: S608
                           [alpha.msp.pk, bravo.msp.pk])
            if cursor.fetchone()[0] != 2:
                empty.append(table)
    assert empty == [], f"extend populate() in {__name__} so these tables get a row per tenant"


def test_without_the_setting_the_app_role_sees_no_tenant_row(two_tenants):
    seen = {}
    for table in tenant_tables():
        seen[table] = as_app_role(f'SELECT count(*) FROM "{table}"', setting=False)[0][0]  # noqa: S608
        assert as_app_role(f'SELECT count(*) FROM "{table}"', msp=None)[0][0] == 0, table  # noqa: S608
    assert seen == {table: 0 for table in tenant_tables()}


def test_with_a_tenant_set_the_app_role_sees_exactly_that_tenants_rows(two_tenants):
    alpha, bravo = two_tenants
    for table in tenant_tables():
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT count(*) FROM "{table}" WHERE msp_id = %s', [bravo.msp.pk])  # noqa: S608
            expected = cursor.fetchone()[0]
        rows = as_app_role(f'SELECT msp_id, count(*) FROM "{table}" GROUP BY msp_id', msp=bravo.msp)  # noqa: S608
        assert rows == [(bravo.msp.pk, expected)], table
        assert expected >= 1, table


def test_every_table_with_msp_id_has_a_forced_tenant_policy(db):
    with connection.cursor() as cursor:
        cursor.execute("""SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, p.cmd, p.qual, p.with_check,
                                 p.permissive, p.roles
                          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                          LEFT JOIN pg_policies p ON p.schemaname = n.nspname AND p.tablename = c.relname
                          WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')""")
        found = {}
        for name, enabled, forced, cmd, qual, check, permissive, roles in cursor.fetchall():
            found.setdefault(name, []).append((enabled, forced, cmd, qual, check, permissive, roles))
    expected_qual = "(msp_id = (NULLIF(current_setting('vcio.msp'::text, true), ''::text))::uuid)"
    wrong = {}
    for table in tenant_tables():
        policies = found[table]
        if policies != [(True, True, "ALL", expected_qual, expected_qual, "PERMISSIVE", ["public"])]:
            wrong[table] = policies
    assert wrong == {}, "add EnableTenantRls(<table>) to the migration that creates the table"
    # The exceptions are real tables with an msp_id (or the list would hide a new one), and carry no policy.
    assert RLS_EXEMPT_TABLES - {"msp_apitoken", "msp_apitokenevent"} <= set(tables_with_msp_id())
    assert {t: found[t][0][:2] for t in sorted(RLS_EXEMPT_TABLES)} == {t: (False, False)
                                                                       for t in sorted(RLS_EXEMPT_TABLES)}


def test_the_app_role_owns_nothing_and_cannot_bypass(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = %s",
                       [APP_ROLE])
        assert cursor.fetchone() == (False, False, False, False)
        cursor.execute("""SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                          WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) = %s""", [APP_ROLE])
        assert cursor.fetchall() == []
        cursor.execute("SELECT proname FROM pg_proc WHERE pg_get_userbyid(proowner) = %s", [APP_ROLE])
        assert cursor.fetchall() == []
        cursor.execute("SELECT current_user, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        owner, bypass = cursor.fetchone()
    # The tests log in as the owner, as migrations do; requests and tasks switch to the app role.
    assert (owner != APP_ROLE, bypass) == (True, True)


def test_the_app_role_may_read_but_not_change_the_migration_table(db):
    assert as_app_role("SELECT count(*) > 0 FROM django_migrations") == [(True,)]
    with pytest.raises(DatabaseError, match="permission denied"):
        as_app_role("DELETE FROM django_migrations")


def test_a_write_for_another_tenant_is_refused(two_tenants):
    alpha, bravo = two_tenants
    with pytest.raises(DatabaseError, match="row-level security"):
        as_app_role("INSERT INTO standards_framework (id, msp_id, created_at, updated_at, version, code, name)"
                    " VALUES (gen_random_uuid(), %s, now(), now(), 1, 'SNEAK', 'Sneaky')", [bravo.msp.pk],
                    msp=alpha.msp)
    with pytest.raises(DatabaseError, match="row-level security"):  # moving a row to another tenant
        as_app_role("UPDATE clients_client SET msp_id = %s WHERE id = %s", [bravo.msp.pk, alpha.clients[0].pk],
                    msp=alpha.msp)
    # Another tenant's rows cannot even be found to change or delete.
    assert as_app_role("UPDATE clients_client SET name = 'Taken' WHERE msp_id = %s", [bravo.msp.pk],
                       msp=alpha.msp) == 0
    assert as_app_role("DELETE FROM standards_standardframework", msp=alpha.msp) == 1
    # A link row must be the tenant's too (the same-tenant trigger fires before the policy's check).
    with pytest.raises(DatabaseError, match="must belong to the same MSP"):
        as_app_role("INSERT INTO standards_standardframework (id, msp_id, standard_id, framework_id, created_at,"
                    " updated_at) SELECT gen_random_uuid(), %s, standard_id, framework_id, now(), now()"
                    " FROM standards_standardframework", [bravo.msp.pk], msp=alpha.msp)


def test_link_rows_carry_the_msp_of_both_ends(two_tenants):
    links = {"alignment_reviewscopecategory": ("alignment_review", "review_id", "standards_category", "category_id"),
             "alignment_recommendationfinding": ("alignment_recommendation", "recommendation_id", "alignment_answer",
                                                 "answer_id"),
             "roadmaps_initiativerecommendation": ("roadmaps_initiative", "initiative_id", "alignment_recommendation",
                                                   "recommendation_id"),
             "roadmaps_initiativeobjective": ("roadmaps_initiative", "initiative_id", "clients_businessobjective",
                                              "objective_id"),
             "roadmaps_initiativeasset": ("roadmaps_initiative", "initiative_id", "clients_asset", "asset_id"),
             "standards_standardframework": ("standards_standard", "standard_id", "standards_framework",
                                             "framework_id")}
    counts = {}
    with connection.cursor() as cursor:
        for link, (left, left_id, right, right_id) in links.items():
            same = "l.msp_id = a.msp_id AND l.msp_id = b.msp_id"
            joins = f'"{link}" l JOIN "{left}" a ON a.id = l.{left_id} JOIN "{right}" b ON b.id = l.{right_id}'
            cursor.execute(f"SELECT count(*), count(*) FILTER (WHERE {same}) FROM {joins}")  # noqa: S608
            counts[link] = cursor.fetchone()
    assert counts == {link: (2, 2) for link in links}


def _probe(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_setting('vcio.msp', true), (SELECT count(*) FROM clients_client)")
        user, msp, clients = cursor.fetchone()
    return HttpResponse(f"{user} {msp} {clients}")


def _request(user):
    request = RequestFactory().get("/probe/")
    request.user = user
    request.session = {}
    return request


def test_a_request_runs_as_the_app_role_with_its_tenant_and_puts_the_login_role_back(two_tenants):
    alpha, bravo = two_tenants
    middleware = TenantMiddleware(_probe)
    assert middleware(_request(bravo.users[Role.VIEWER])).content.decode() == f"{APP_ROLE} {bravo.msp.pk} 2"
    # Without a tenant (signing in, an invitation link) the request still runs as the app role: no rows.
    assert middleware(_request(AnonymousUser())).content.decode() == f"{APP_ROLE}  0"
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, coalesce(current_setting('vcio.msp', true), '')")
        assert cursor.fetchone() != (APP_ROLE, str(bravo.msp.pk))
        cursor.execute("SELECT count(*) FROM clients_client")
        assert cursor.fetchone()[0] == 4  # the owner again: both tenants' clients


def test_a_nested_tenant_is_put_back(two_tenants):
    alpha, bravo = two_tenants

    def tenant_and_clients():
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('vcio.msp', true), (SELECT count(*) FROM clients_client)")
            return cursor.fetchone()

    with db_tenant(alpha.msp.pk):
        with db_tenant(bravo.msp):
            assert tenant_and_clients() == (str(bravo.msp.pk), 2)
        assert tenant_and_clients() == (str(alpha.msp.pk), 2)
        with pytest.raises(ValueError, match="boom"), db_tenant(bravo.msp):
            raise ValueError("boom")
        assert tenant_and_clients() == (str(alpha.msp.pk), 2)


@celery_app.task(base=TenantTask, bind=True)
def count_clients_raw(self, *, msp_id):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, (SELECT count(DISTINCT msp_id) FROM clients_client)")
        return cursor.fetchone()


def test_a_task_runs_as_the_app_role_with_its_tenant(two_tenants):
    alpha, _ = two_tenants
    assert count_clients_raw(msp_id=str(alpha.msp.pk)) == (APP_ROLE, 1)


@pytest.mark.django_db(transaction=True)
def test_a_tasks_session_level_tenant_spans_its_transactions_and_is_reset():
    alpha = build_tenant("Alpha", "alpha")
    build_tenant("Bravo", "bravo")
    assert not connection.in_atomic_block
    with task_db_tenant(alpha.msp.pk):
        with connection.cursor() as cursor:  # two autocommit statements, as a job's progress writes are
            cursor.execute("SELECT count(*) FROM clients_client")
            first = cursor.fetchone()[0]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT current_user, count(*) FROM clients_client GROUP BY 1")
            second = cursor.fetchone()
    assert (first, second) == (2, (APP_ROLE, 2))
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user <> %s, coalesce(current_setting('vcio.msp', true), ''), "
                       "(SELECT count(*) FROM clients_client)", [APP_ROLE])
        assert cursor.fetchone() == (True, "", 4)


def test_a_request_without_a_tenant_that_needs_no_database_touches_none(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert TenantMiddleware(lambda request: HttpResponse("up"))(_request(AnonymousUser())).content == b"up"


def test_a_failed_tenant_request_keeps_nothing_it_wrote(two_tenants):
    alpha, _ = two_tenants
    client = alpha.clients[0]

    def half_done(request):
        Client.objects.filter(pk=client.pk).update(name="Half-written")
        return HttpResponse(status=500)

    assert TenantMiddleware(half_done)(_request(alpha.users[Role.OWNER])).status_code == 500
    with scopes_disabled():
        assert Client.objects.get(pk=client.pk).name == "Alpha Dental"


def test_a_link_between_two_tenants_is_refused_even_for_the_owner(two_tenants):
    alpha, bravo = two_tenants
    with scopes_disabled():
        standard = f.StandardFactory(category=f.CategoryFactory(msp=alpha.msp))
        theirs = f.FrameworkFactory(msp=bravo.msp)
        initiative = Initiative.objects.create(msp=alpha.msp, client=alpha.clients[0], title="Mixed")
        with pytest.raises(IntegrityError, match="The framework of a standards_standardframework row must belong"):
            with transaction.atomic():
                standard.frameworks.add(theirs, through_defaults={"msp": alpha.msp})
        with pytest.raises(IntegrityError, match="The asset of a roadmaps_initiativeasset row must belong"):
            with transaction.atomic():
                initiative.assets.add(bravo.asset, through_defaults={"msp": alpha.msp})
        with pytest.raises(IntegrityError, match="The initiative of a roadmaps_initiativeasset row must belong"):
            with transaction.atomic():  # the right asset, but the link row claims the other tenant
                initiative.assets.add(alpha.asset, through_defaults={"msp": bravo.msp})
        assert (list(standard.frameworks.all()), list(initiative.assets.all())) == ([], [])
