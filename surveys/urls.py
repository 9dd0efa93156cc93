"""Staff pages of the client survey, mounted at surveys/ by msp/urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.survey_home, name="survey_home"),
    path("new/", views.survey_create, name="survey_create"),
    path("<uuid:survey_id>/edit/", views.survey_edit, name="survey_edit"),
    path("campaigns/new/", views.campaign_create, name="survey_campaign_create"),
    path("campaigns/<uuid:campaign_id>/", views.campaign_detail, name="survey_campaign_detail"),
    path("campaigns/<uuid:campaign_id>/cancel/", views.campaign_cancel, name="survey_campaign_cancel"),
    path("results/", views.survey_results, name="survey_results"),
    path("results/clients/", views.survey_drilldown, name="survey_drilldown"),
    path("results/client/<uuid:client_id>/", views.survey_client_results, name="survey_client_results"),
]
