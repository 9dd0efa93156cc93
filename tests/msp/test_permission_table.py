"""The permission table: every route of the product, pages and API alike, and what each method needs.

Deny by default (msp.permissions): a route that declares nothing refuses everyone. This table is the one
place a reviewer reads who may do what. A new route fails `test_every_route_is_in_the_table` until it is
declared and listed here; a changed declaration fails `test_declarations_match_the_table`; and
`test_each_role_gets_what_the_table_says` sends every method of every route as every role and checks the
answer against `msp.roles.MATRIX`: a role without the permission gets 403 (staff), 404 (a portal user on
staff routes, staff on portal routes), the login page or 401 (anonymous); a role with it is let through.
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver
from django_scopes import scope

from msp.api_auth import RolePermission
from msp.models import Membership
from msp.permissions import (
    PUBLIC,
    SIGNED_IN,
    drf_route_permissions,
    drf_view_class,
    route_declaration,
    third_party_marker,
)
from msp.roles import Perm, Role, can, is_staff_role
from msp.services import api_token_create
from msp.tenancy import API_PREFIX

pytestmark = pytest.mark.django_db

def page(read: str, *, write: str | None = None) -> dict[str, str]:
    return {"GET": read, "POST": write or read}


def record(read: str, write: str, *, archive: str | None = None) -> dict[str, str]:
    """An API record: read it, replace or change it, archive it (DELETE)."""
    return {"GET": read, "PUT": write, "PATCH": write, "DELETE": archive or write}


# Route name -> method -> the permission it needs (or PUBLIC / SIGNED_IN). Pages list GET and POST.
TABLE: dict[str, dict[str, str]] = {
    "home": page(PUBLIC),
    "healthz": page(PUBLIC),
    "readyz": page(PUBLIC),
    "workspace_create": page(SIGNED_IN),
    "workspace_switch": page(SIGNED_IN),
    "workspace_settings": page(Perm.MANAGE_SETTINGS),
    "brand_logo": page(Perm.USE_STAFF_AREA),
    "audit_log": {"GET": Perm.VIEW_AUDIT_LOG, "POST": Perm.VIEW_AUDIT_LOG},
    "entra_login": page(PUBLIC),
    "entra_callback": page(PUBLIC),
    "member_list": page(Perm.MANAGE_MEMBERS),
    "member_role": page(Perm.MANAGE_MEMBERS),
    "member_remove": page(Perm.MANAGE_MEMBERS),
    "invitation_revoke": page(Perm.MANAGE_MEMBERS),
    "invitation_accept": page(PUBLIC),
    "invitation_accept_microsoft": page(PUBLIC),
    "api_token_list": page(Perm.USE_API),
    "api_token_revoke": page(Perm.USE_API),
    "job_list": page(Perm.USE_STAFF_AREA),
    "job_detail": page(Perm.USE_STAFF_AREA),
    "job_cancel": page(Perm.USE_STAFF_AREA),
    "job_download": page(Perm.MANAGE_SETTINGS),
    "workspace_export": page(Perm.MANAGE_SETTINGS),
    "client_list": page(Perm.VIEW_CLIENTS),
    "client_create": page(Perm.EDIT_CLIENTS),
    "client_detail": page(Perm.VIEW_CLIENTS),
    "client_edit": page(Perm.EDIT_CLIENTS),
    "client_archive": page(Perm.ARCHIVE_CLIENTS),
    "client_restore": page(Perm.ARCHIVE_CLIENTS),
    "contact_create": page(Perm.EDIT_CLIENTS),
    "contact_edit": page(Perm.EDIT_CLIENTS),
    "contact_archive": page(Perm.EDIT_CLIENTS),
    "objective_create": page(Perm.EDIT_CLIENTS),
    "objective_edit": page(Perm.EDIT_CLIENTS),
    "objective_archive": page(Perm.EDIT_CLIENTS),
    "asset_create": page(Perm.EDIT_ASSETS),
    "asset_import": page(Perm.EDIT_ASSETS),
    "asset_import_template": page(Perm.EDIT_ASSETS),
    "asset_edit": page(Perm.EDIT_ASSETS),
    "asset_archive": page(Perm.EDIT_ASSETS),
    "portal_access_invite": page(Perm.MANAGE_PORTAL),
    "portal_access_revoke": page(Perm.MANAGE_PORTAL),
    "client_history": page(Perm.VIEW_CLIENTS),
    "client_business_profile": page(Perm.VIEW_CLIENTS, write=Perm.EDIT_CLIENTS),
    "client_documents": page(Perm.VIEW_CLIENTS),
    "document_download": page(Perm.VIEW_CLIENTS),
    "document_publish": page(Perm.EDIT_CLIENTS),
    "document_unpublish": page(Perm.EDIT_CLIENTS),
    "document_archive": page(Perm.EDIT_CLIENTS),
    "portal_home": page(Perm.USE_PORTAL),
    "portal_brand_logo": page(Perm.USE_PORTAL),
    "portal_brand_css": page(Perm.USE_PORTAL),
    "portal_document_download": page(Perm.USE_PORTAL),
    "portal_initiative_decide": page(Perm.USE_PORTAL),
    "portal_budget_line_decide": page(Perm.USE_PORTAL),
    "portal_initiative_undo": page(Perm.USE_PORTAL),
    "portal_budget_line_undo": page(Perm.USE_PORTAL),
    "portal_meeting_ics": page(Perm.USE_PORTAL),
    "portal_meeting_questionnaire": page(Perm.USE_PORTAL),
    "calendar_feed": page(PUBLIC),
    "calendar_feed_page": page(Perm.USE_STAFF_AREA),
    "calendar_feed_revoke": page(Perm.USE_STAFF_AREA),
    "touch_log": page(Perm.EDIT_CLIENTS),
    "client-calendar": {"GET": Perm.VIEW_CLIENTS},
    "standard_list": page(Perm.VIEW_STANDARDS),
    "standard_due": page(Perm.VIEW_STANDARDS, write=Perm.EDIT_STANDARDS),
    "standard_create": page(Perm.EDIT_STANDARDS),
    "standard_starter_load": page(Perm.EDIT_STANDARDS),
    "standard_export": page(Perm.VIEW_STANDARDS),
    "standard_import": page(Perm.EDIT_STANDARDS),
    "standard_detail": page(Perm.VIEW_STANDARDS),
    "standard_edit": page(Perm.EDIT_STANDARDS),
    "standard_retire": page(Perm.EDIT_STANDARDS),
    "standard_reactivate": page(Perm.EDIT_STANDARDS),
    "standard_mark_reviewed": page(Perm.EDIT_STANDARDS),
    "category_list": page(Perm.VIEW_STANDARDS, write=Perm.EDIT_STANDARDS),
    "category_edit": page(Perm.EDIT_STANDARDS),
    "category_archive": page(Perm.EDIT_STANDARDS),
    "category_restore": page(Perm.EDIT_STANDARDS),
    "category_move": page(Perm.EDIT_STANDARDS),
    "framework_list": page(Perm.VIEW_STANDARDS, write=Perm.EDIT_STANDARDS),
    "framework_edit": page(Perm.EDIT_STANDARDS),
    "framework_archive": page(Perm.EDIT_STANDARDS),
    "framework_restore": page(Perm.EDIT_STANDARDS),
    "review_list": page(Perm.VIEW_CLIENTS),
    "client_reviews": page(Perm.VIEW_CLIENTS),
    "review_schedule": page(Perm.SCHEDULE_REVIEWS),
    "review_detail": page(Perm.VIEW_CLIENTS),
    "review_answer": page(Perm.ANSWER_REVIEWS),
    "answer_save": page(Perm.ANSWER_REVIEWS),
    "evidence_upload": page(Perm.ANSWER_REVIEWS),
    "evidence_file": page(Perm.VIEW_CLIENTS),
    "evidence_remove": page(Perm.ANSWER_REVIEWS),
    "category_not_applicable": page(Perm.ANSWER_REVIEWS),
    "review_complete": page(Perm.ANSWER_REVIEWS),
    "review_cancel": page(Perm.SCHEDULE_REVIEWS),
    "review_summary": page(Perm.SUMMARIZE_REVIEWS),
    "recommendation_create": page(Perm.EDIT_RECOMMENDATIONS),
    "recommendation_edit": page(Perm.EDIT_RECOMMENDATIONS),
    "recommendation_archive": page(Perm.EDIT_RECOMMENDATIONS),
    "review_report_create": page(Perm.EDIT_CLIENTS),
    "roadmap_detail": page(Perm.VIEW_CLIENTS),
    "initiative_create": page(Perm.EDIT_ROADMAPS),
    "roadmap_from_recommendations": page(Perm.EDIT_ROADMAPS),
    "lifecycle_dismiss": page(Perm.EDIT_ROADMAPS),
    "initiative_edit": page(Perm.EDIT_ROADMAPS),
    "initiative_move": page(Perm.EDIT_ROADMAPS),
    "initiative_archive": page(Perm.EDIT_ROADMAPS),
    "roadmap_report_create": page(Perm.EDIT_CLIENTS),
    "budget_detail": page(Perm.VIEW_CLIENTS),
    "budget_line_create": page(Perm.EDIT_BUDGETS),
    "budget_line_edit": page(Perm.EDIT_BUDGETS),
    "budget_line_archive": page(Perm.EDIT_BUDGETS),
    "budget_line_decide": page(Perm.EDIT_BUDGETS),
    "budget_present": page(Perm.EDIT_BUDGETS),
    "budget_versions": page(Perm.VIEW_CLIENTS),
    "budget_version_detail": page(Perm.VIEW_CLIENTS),
    "lifecycle_accept": page(Perm.EDIT_BUDGETS),
    "playbook": page(Perm.VIEW_PLAYBOOK),
    "objectives_edit": page(Perm.SET_OBJECTIVES),
    "escalation_list": page(Perm.VIEW_CLIENTS, write=Perm.LOG_ESCALATIONS),
    "escalation_edit": page(Perm.LOG_ESCALATIONS),
    "escalation_archive": page(Perm.LOG_ESCALATIONS),
    "survey_home": page(Perm.VIEW_CLIENTS),
    "survey_create": page(Perm.MANAGE_SURVEYS),
    "survey_edit": page(Perm.MANAGE_SURVEYS),
    "survey_campaign_create": page(Perm.MANAGE_SURVEYS),
    "survey_campaign_detail": page(Perm.VIEW_CLIENTS),
    "survey_campaign_cancel": page(Perm.MANAGE_SURVEYS),
    "survey_results": page(Perm.VIEW_CLIENTS),
    "survey_drilldown": page(Perm.VIEW_CLIENTS),
    "survey_client_results": page(Perm.VIEW_CLIENTS),
    "survey_answer": page(PUBLIC),
    "scorecard": page(Perm.VIEW_SCORECARD),
    "scorecard_csv": page(Perm.VIEW_SCORECARD),
    "scorecard_figure": page(Perm.VIEW_SCORECARD),
    "assessment": page(Perm.ASSESS_PRACTICE),
    "notification_list": page(Perm.USE_STAFF_AREA),
    "notification_open": page(Perm.USE_STAFF_AREA),
    "client-list": {"GET": Perm.VIEW_CLIENTS, "POST": Perm.EDIT_CLIENTS},
    "client-detail": record(Perm.VIEW_CLIENTS, Perm.EDIT_CLIENTS, archive=Perm.ARCHIVE_CLIENTS),
    "client-restore": {"POST": Perm.ARCHIVE_CLIENTS},
    "contact-list": {"GET": Perm.VIEW_CLIENTS, "POST": Perm.EDIT_CLIENTS},
    "contact-detail": record(Perm.VIEW_CLIENTS, Perm.EDIT_CLIENTS),
    "objective-list": {"GET": Perm.VIEW_CLIENTS, "POST": Perm.EDIT_CLIENTS},
    "objective-detail": record(Perm.VIEW_CLIENTS, Perm.EDIT_CLIENTS),
    "asset-list": {"GET": Perm.VIEW_CLIENTS, "POST": Perm.EDIT_ASSETS},
    "asset-detail": record(Perm.VIEW_CLIENTS, Perm.EDIT_ASSETS),
    "document-list": {"GET": Perm.VIEW_CLIENTS},
    "document-detail": {"GET": Perm.VIEW_CLIENTS},
    "document-download": {"GET": Perm.VIEW_CLIENTS},
    "standard-category-list": {"GET": Perm.VIEW_STANDARDS, "POST": Perm.EDIT_STANDARDS},
    "standard-category-detail": record(Perm.VIEW_STANDARDS, Perm.EDIT_STANDARDS),
    "standard-category-restore": {"POST": Perm.EDIT_STANDARDS},
    "framework-list": {"GET": Perm.VIEW_STANDARDS, "POST": Perm.EDIT_STANDARDS},
    "framework-detail": record(Perm.VIEW_STANDARDS, Perm.EDIT_STANDARDS),
    "framework-restore": {"POST": Perm.EDIT_STANDARDS},
    "standard-list": {"GET": Perm.VIEW_STANDARDS, "POST": Perm.EDIT_STANDARDS},
    "standard-export": {"GET": Perm.VIEW_STANDARDS},
    "standard-import-csv": {"POST": Perm.EDIT_STANDARDS},
    "standard-mark-many-reviewed": {"POST": Perm.EDIT_STANDARDS},
    "standard-detail": record(Perm.VIEW_STANDARDS, Perm.EDIT_STANDARDS),
    "standard-mark-reviewed": {"POST": Perm.EDIT_STANDARDS},
    "standard-reactivate": {"POST": Perm.EDIT_STANDARDS},
    "review-list": {"GET": Perm.VIEW_CLIENTS, "POST": Perm.SCHEDULE_REVIEWS},
    "review-detail": {"GET": Perm.VIEW_CLIENTS},
    "review-answers": {"POST": Perm.ANSWER_REVIEWS},
    "review-complete": {"POST": Perm.ANSWER_REVIEWS},
    "recommendation-list": {"GET": Perm.VIEW_CLIENTS, "POST": Perm.EDIT_RECOMMENDATIONS},
    "recommendation-detail": record(Perm.VIEW_CLIENTS, Perm.EDIT_RECOMMENDATIONS),
    "initiative-list": {"GET": Perm.VIEW_CLIENTS, "POST": Perm.EDIT_ROADMAPS},
    "initiative-detail": record(Perm.VIEW_CLIENTS, Perm.EDIT_ROADMAPS),
    "budget-line-list": {"GET": Perm.VIEW_CLIENTS, "POST": Perm.EDIT_BUDGETS},
    "budget-line-detail": record(Perm.VIEW_CLIENTS, Perm.EDIT_BUDGETS),
    "budget-version-list": {"GET": Perm.VIEW_CLIENTS},
    "budget-version-detail": {"GET": Perm.VIEW_CLIENTS},
    "job-detail": {"GET": Perm.VIEW_CLIENTS},
    "playbook-objective-list": {"GET": Perm.VIEW_PLAYBOOK, "POST": Perm.SET_OBJECTIVES},
    "playbook-objective-detail": {"GET": Perm.VIEW_PLAYBOOK, "PUT": Perm.SET_OBJECTIVES, "PATCH": Perm.SET_OBJECTIVES},
    "escalation-list": {"GET": Perm.VIEW_CLIENTS, "POST": Perm.LOG_ESCALATIONS},
    "escalation-detail": record(Perm.VIEW_CLIENTS, Perm.LOG_ESCALATIONS),
    "playbook-activities": {"GET": Perm.VIEW_PLAYBOOK},
    "scorecard-api": {"GET": Perm.VIEW_SCORECARD},
    "api-root": {"GET": Perm.USE_API},
    "client-roadmap": {"GET": Perm.VIEW_CLIENTS},
    "client-roadmap-pdf": {"POST": Perm.EDIT_CLIENTS},
    # Meetings: read by every staff role, run by the people who edit clients (owner, vCIO).
    "meeting_list": page(Perm.VIEW_CLIENTS),
    "meeting_plan": page(Perm.EDIT_CLIENTS),
    "meeting_edit": page(Perm.EDIT_CLIENTS),
    "meeting_detail": page(Perm.VIEW_CLIENTS, write=Perm.EDIT_CLIENTS),
    "meeting_move": page(Perm.EDIT_CLIENTS),
    "meeting_cancel": page(Perm.EDIT_CLIENTS),
    "meeting_held": page(Perm.EDIT_CLIENTS),
    "meeting_send": page(Perm.EDIT_CLIENTS),
    "meeting_agenda": page(Perm.EDIT_CLIENTS),
    "meeting_qbr_report": page(Perm.EDIT_CLIENTS),
    "meeting_qbr_deck": page(Perm.EDIT_CLIENTS),
    "meeting_questionnaire": page(Perm.VIEW_CLIENTS, write=Perm.EDIT_CLIENTS),
    "action_item_create": page(Perm.EDIT_CLIENTS),
    "action_item_edit": page(Perm.EDIT_CLIENTS),
    "action_item_close": page(Perm.EDIT_CLIENTS),
    "questionnaire_settings": page(Perm.VIEW_CLIENTS, write=Perm.EDIT_CLIENTS),
    "questionnaire_statement_edit": page(Perm.EDIT_CLIENTS),
    "questionnaire_statement_archive": page(Perm.EDIT_CLIENTS),
    "meeting-list": {"GET": Perm.VIEW_CLIENTS, "POST": Perm.EDIT_CLIENTS},
    "meeting-detail": {"GET": Perm.VIEW_CLIENTS, "PUT": Perm.EDIT_CLIENTS, "PATCH": Perm.EDIT_CLIENTS},
    "meeting-cancel": {"POST": Perm.EDIT_CLIENTS},
    "meeting-held": {"POST": Perm.EDIT_CLIENTS},
    "meeting-send": {"POST": Perm.EDIT_CLIENTS},
    "meeting-build-agenda": {"POST": Perm.EDIT_CLIENTS},
    "action-item-list": {"GET": Perm.VIEW_CLIENTS, "POST": Perm.EDIT_CLIENTS},
    "action-item-detail": {"GET": Perm.VIEW_CLIENTS, "PUT": Perm.EDIT_CLIENTS, "PATCH": Perm.EDIT_CLIENTS},
    "touch-list": {"GET": Perm.VIEW_CLIENTS, "POST": Perm.EDIT_CLIENTS},
    "touch-detail": {"GET": Perm.VIEW_CLIENTS},
    "survey-list": {"GET": Perm.VIEW_CLIENTS, "POST": Perm.MANAGE_SURVEYS},
    "survey-detail": record(Perm.VIEW_CLIENTS, Perm.MANAGE_SURVEYS),
    "survey-campaign-list": {"GET": Perm.VIEW_CLIENTS, "POST": Perm.MANAGE_SURVEYS},
    "survey-campaign-detail": record(Perm.VIEW_CLIENTS, Perm.MANAGE_SURVEYS),
    "survey-invitation-list": {"GET": Perm.EDIT_CLIENTS},
    "survey-invitation-detail": {"GET": Perm.EDIT_CLIENTS},
    "survey-results": {"GET": Perm.VIEW_CLIENTS},
    # A public API view (route_permission = PUBLIC) declares no per-method permission: open to anyone, the
    # signed token in its path is the key (tests/surveys/test_public.py).
    "public-survey": {},
}

# Routes of other packages (allauth's sign-in and account pages, the API description): they do their own
# checks and hold no tenant data.
THIRD_PARTY = {
    "account_login", "account_logout", "account_inactive", "account_signup", "account_reauthenticate",
    "account_email", "account_email_verification_sent", "account_change_password", "account_set_password",
    "account_reset_password", "account_confirm_login_code", "account_confirm_email",
    "account_reset_password_from_key_done", "account_reset_password_from_key", "account_reset_password_done",
    "mfa_index", "mfa_authenticate", "mfa_reauthenticate", "mfa_activate_totp", "mfa_deactivate_totp",
    "mfa_view_recovery_codes", "mfa_generate_recovery_codes", "mfa_download_recovery_codes", "api_schema",
    "api_docs",
    # Passkeys (WebAuthn).
    "mfa_list_webauthn", "mfa_add_webauthn", "mfa_remove_webauthn", "mfa_edit_webauthn", "mfa_login_webauthn",
    "mfa_reauthenticate_webauthn",
    # Social accounts (Sign in with Microsoft; msp/entra.py answers microsoft_login and microsoft_callback's paths).
    "socialaccount_login_cancelled", "socialaccount_login_error", "socialaccount_signup",
    "socialaccount_connections", "microsoft_login", "microsoft_callback",
}

ROLES = (Role.OWNER, Role.VCIO, Role.TAM, Role.VIEWER, Role.CLIENT, None)  # None: anonymous


def walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


# allauth's old addresses of its social-account pages: unnamed redirects that declare nothing, so they are
# refused like any undeclared route (test_allauth_legacy_social_addresses_are_refused).
LEGACY_SOCIAL_ALIASES = ("accounts/social/login/cancelled/", "accounts/social/login/error/",
                         "accounts/social/signup/", "accounts/social/connections/")


def routes() -> list[tuple[str, URLPattern]]:
    return [(r, p) for r, p in walk(get_resolver().url_patterns) if r not in LEGACY_SOCIAL_ALIASES]


def test_allauth_legacy_social_addresses_are_refused(tenant, login):
    assert sorted(r for r, _ in walk(get_resolver().url_patterns) if r in LEGACY_SOCIAL_ALIASES) == sorted(
        LEGACY_SOCIAL_ALIASES)
    owner = login(tenant.users[Role.OWNER])
    assert [owner.get("/" + r).status_code for r in LEGACY_SOCIAL_ALIASES] == [403] * 4


def declared(pattern: URLPattern) -> dict[str, str | None]:
    decl = route_declaration(pattern.callback)
    if decl == "drf":
        return drf_route_permissions(pattern.callback)
    if decl is None:
        return {"GET": None, "POST": None}
    return {"GET": decl.read, "POST": decl.write}


_KWARG = re.compile(r"<(?:(\w+):)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def concrete(route: str) -> str:
    """The route with every parameter filled: an unknown UUID (the gate answers before any lookup)."""

    def fill(m: re.Match) -> str:
        converter = m.group(1)
        return "x" if converter == "str" else str(uuid.uuid4())

    path = _KWARG.sub(fill, route).replace("^", "").replace("$", "")
    return "/" + path


def missing_from_table() -> list[str]:
    return sorted({p.name for _, p in routes() if p.name not in THIRD_PARTY} - set(TABLE))


def test_every_route_is_in_the_table():
    names = [p.name for _, p in routes()]
    assert len(names) == len(set(names)), "two routes share a name; the table needs one name per route"
    ours = {n for n in names if n not in THIRD_PARTY}
    missing = missing_from_table()
    gone = sorted(set(TABLE) - ours)
    assert not missing, f"routes missing from the permission table (declare them, then list them): {missing}"
    assert not gone, f"the permission table lists routes that no longer exist: {gone}"
    assert {n for n in names if n in THIRD_PARTY} == THIRD_PARTY


def test_declarations_match_the_table():
    wrong = {}
    for _, pattern in routes():
        if pattern.name in THIRD_PARTY:
            assert third_party_marker(pattern.callback) == PUBLIC, pattern.name
            continue
        if declared(pattern) != TABLE[pattern.name]:
            wrong[pattern.name] = declared(pattern)
    assert not wrong, f"declared permissions differ from the table: {wrong}"


def test_every_api_view_enforces_its_declaration():
    """An API view that swapped RolePermission out would declare a permission nobody checks."""
    for _, pattern in routes():
        cls = drf_view_class(pattern.callback)
        if cls is None or pattern.name in THIRD_PARTY:
            continue
        assert RolePermission in cls.permission_classes, pattern.name


def test_only_the_api_answers_under_the_api_prefix():
    for route, pattern in routes():
        if ("/" + route).startswith(API_PREFIX) and pattern.name not in THIRD_PARTY:
            assert drf_view_class(pattern.callback) is not None, f"{pattern.name} under /api/ is not an API view"


def expected(perm: str, role, *, api: bool) -> str:
    """"allow", or the refusal a role without `perm` gets: "login", "401", "403" or "404"."""
    if perm == PUBLIC:
        return "allow"
    if role is None:
        return "401" if api else "login"
    if perm == SIGNED_IN:
        return "allow"
    if perm == Perm.USE_PORTAL:
        return "allow" if can(role, perm) else "404"
    if not is_staff_role(role):
        return "404"
    return "allow" if can(role, perm) else "403"


def outcome(response, *, api: bool) -> str:
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        return "login"
    if response.status_code in (401, 403, 404):
        return str(response.status_code)
    return "allow"


def test_each_role_gets_what_the_table_says(tenant, login):
    clients = {role: (login(tenant.users[role]) if role else HttpClient()) for role in ROLES}
    wrong = []
    for route, pattern in routes():
        if pattern.name in THIRD_PARTY:
            continue
        api = ("/" + route).startswith(API_PREFIX)
        for method, perm in TABLE[pattern.name].items():
            for role in ROLES:
                want = expected(perm, role, api=api)
                url = concrete(route)
                c = clients[role]
                response = c.generic(method, url, data="{}", content_type="application/json") if api else (
                    c.get(url) if method == "GET" else c.post(url, {}))
                got = outcome(response, api=api)
                # An allowed request may still find nothing at an unknown id (404): the gate let it through.
                if want == "allow" and got == "404" and perm != Perm.USE_PORTAL and is_staff_role(role):
                    got = "allow"
                if want == "allow" and got == "404" and perm in (PUBLIC, SIGNED_IN, Perm.USE_PORTAL):
                    got = "allow"
                if perm == PUBLIC and got == "login":
                    got = "allow"  # the home page sends an anonymous visitor to sign in
                if got != want:
                    wrong.append((pattern.name, method, role or "anonymous", want, response.status_code))
    assert not wrong, "\n".join(f"{n} {m} as {r}: wanted {w}, got {s}" for n, m, r, w, s in wrong)


@pytest.mark.urls("tests.msp.undeclared_urls")
def test_a_route_that_declares_nothing_refuses_everyone(tenant, login):
    assert missing_from_table() == ["half_declared_api", "undeclared_api", "undeclared_page"]
    owner = login(tenant.users[Role.OWNER])
    page = owner.get("/undeclared/")
    assert page.status_code == 403
    assert b"undeclared page content" not in page.content
    assert owner.post("/undeclared/").status_code == 403
    assert HttpClient().get("/undeclared/").status_code == 403
    api = owner.get("/api/v1/undeclared/")
    assert api.status_code == 403
    assert api.json() == {"detail": "This route declares no permission."}
    token_api = HttpClient().get("/api/v1/undeclared/", HTTP_AUTHORIZATION=f"Bearer {owner_token(tenant)}")
    assert token_api.status_code == 403
    assert owner.get("/api/v1/half-declared/").json() == {"seen": True}
    refused = owner.post("/api/v1/half-declared/", {}, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json() == {"detail": "This route declares no permission."}


def owner_token(tenant) -> str:
    with scope(msp=tenant.msp):
        _, raw = api_token_create(membership=Membership.objects.get(user=tenant.users[Role.OWNER]), name="t")
    return raw
