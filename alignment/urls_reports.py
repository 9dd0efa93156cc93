"""The alignment report's routes, included at /reviews/ (kwarg `review_id`, known to the isolation harness)."""

from django.urls import path

from . import views_reports

urlpatterns = [
    path("<uuid:review_id>/report/", views_reports.review_report_create, name="review_report_create"),
]
