"""The roadmap PDF's page route, included at /roadmaps/ (kwarg `client_id`, known to the isolation harness)."""

from django.urls import path

from . import views_reports

urlpatterns = [
    path("client/<uuid:client_id>/report/", views_reports.roadmap_report_create, name="roadmap_report_create"),
]
