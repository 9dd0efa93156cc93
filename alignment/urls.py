"""Pages of alignment reviews, under /reviews/. Keyword names (client_id, review_id, answer_id, evidence_id,
category_id, recommendation_id) are relied on by the isolation test harness."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.review_list, name="review_list"),
    path("client/<uuid:client_id>/", views.client_reviews, name="client_reviews"),
    path("client/<uuid:client_id>/new/", views.review_schedule, name="review_schedule"),
    path("<uuid:review_id>/", views.review_detail, name="review_detail"),
    path("<uuid:review_id>/answer/", views.review_answer, name="review_answer"),
    path("<uuid:review_id>/answers/<uuid:answer_id>/", views.answer_save, name="answer_save"),
    path("<uuid:review_id>/answers/<uuid:answer_id>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("<uuid:review_id>/evidence/<uuid:evidence_id>/", views.evidence_file, name="evidence_file"),
    path("<uuid:review_id>/evidence/<uuid:evidence_id>/remove/", views.evidence_remove, name="evidence_remove"),
    path("<uuid:review_id>/categories/<uuid:category_id>/not-applicable/", views.category_not_applicable,
         name="category_not_applicable"),
    path("<uuid:review_id>/complete/", views.review_complete, name="review_complete"),
    path("<uuid:review_id>/cancel/", views.review_cancel, name="review_cancel"),
    path("<uuid:review_id>/summary/", views.review_summary, name="review_summary"),
    path("<uuid:review_id>/recommendations/new/", views.recommendation_create, name="recommendation_create"),
    path("recommendations/<uuid:recommendation_id>/edit/", views.recommendation_edit, name="recommendation_edit"),
    path("recommendations/<uuid:recommendation_id>/archive/", views.recommendation_archive,
         name="recommendation_archive"),
]
