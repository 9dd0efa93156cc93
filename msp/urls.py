"""URL wiring: pages, the client portal, the API and health checks."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from meetings import views_feeds, views_home

from . import audit, entra, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    # Sign in with Microsoft, with the account's Entra tenant read from its ID token (msp/entra.py); these
    # answer the paths of allauth's microsoft_login and microsoft_callback, listed below them.
    path("accounts/microsoft/login/", entra.oauth2_login, name="entra_login"),
    path("accounts/microsoft/login/callback/", entra.oauth2_callback, name="entra_callback"),
    path("accounts/", include("allauth.urls")),
    path("workspace/new/", views.workspace_create, name="workspace_create"),
    path("workspace/switch/", views.workspace_switch, name="workspace_switch"),
    path("workspace/settings/", views.workspace_settings, name="workspace_settings"),
    path("workspace/logo.png", views.brand_logo, name="brand_logo"),
    path("workspace/audit/", audit.audit_log, name="audit_log"),
    path("workspace/export/", views.workspace_export, name="workspace_export"),
    path("workspace/members/", views.member_list, name="member_list"),
    path("workspace/members/<uuid:membership_id>/role/", views.member_role, name="member_role"),
    path("workspace/members/<uuid:membership_id>/remove/", views.member_remove, name="member_remove"),
    path("workspace/invitations/<uuid:invitation_id>/revoke/", views.invitation_revoke,
         name="invitation_revoke"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("invitations/<str:token>/microsoft/", views.invitation_accept_microsoft,
         name="invitation_accept_microsoft"),
    path("account/api-tokens/", views.api_token_list, name="api_token_list"),
    path("account/api-tokens/<uuid:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("account/calendar/", views_feeds.calendar_feed_page, name="calendar_feed_page"),
    path("account/calendar/<uuid:calendar_feed_id>/revoke/", views_feeds.calendar_feed_revoke,
         name="calendar_feed_revoke"),
    path("calendar/<str:key>.ics", views_feeds.calendar_feed, name="calendar_feed"),
    path("jobs/", views.job_list, name="job_list"),
    path("jobs/<uuid:job_id>/", views.job_detail, name="job_detail"),
    path("jobs/<uuid:job_id>/cancel/", views.job_cancel_view, name="job_cancel"),
    path("jobs/<uuid:job_id>/download/", views.job_download, name="job_download"),
    path("clients/<uuid:client_id>/touches/log/", views_home.touch_log_view, name="touch_log"),
    path("clients/", include("clients.urls")),
    path("portal/", include("portal.urls")),
    path("standards/", include("standards.urls")),
    path("reviews/", include("alignment.urls")),
    path("reviews/", include("alignment.urls_reports")),
    path("roadmaps/", include("roadmaps.urls")),
    path("roadmaps/", include("roadmaps.urls_reports")),
    path("budgets/", include("budgets.urls")),
    path("playbook/", include("playbook.urls")),
    path("meetings/", include("meetings.urls")),
    path("surveys/", include("surveys.urls")),
    path("s/", include("surveys.urls_public")),
    path("scorecard/", include("playbook.urls_scorecard")),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/<uuid:notification_id>/open/", views.notification_open, name="notification_open"),
    path("api/v1/", include("msp.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
]

handler404 = views.not_found
