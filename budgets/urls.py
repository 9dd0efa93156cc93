"""Staff pages of budgets, under /budgets/. Keyword names (client_id, line_id, version_id) are relied on by
the isolation test harness."""

from django.urls import path

from . import views, views_lifecycle

urlpatterns = [
    path("client/<uuid:client_id>/", views.budget_detail, name="budget_detail"),
    path("client/<uuid:client_id>/lines/new/", views.budget_line_create, name="budget_line_create"),
    path("client/<uuid:client_id>/lines/<uuid:line_id>/edit/", views.budget_line_edit, name="budget_line_edit"),
    path("client/<uuid:client_id>/lines/<uuid:line_id>/archive/", views.budget_line_archive,
         name="budget_line_archive"),
    path("client/<uuid:client_id>/lines/<uuid:line_id>/decide/", views.budget_line_decide,
         name="budget_line_decide"),
    path("client/<uuid:client_id>/present/", views.budget_present, name="budget_present"),
    path("client/<uuid:client_id>/versions/", views.budget_versions, name="budget_versions"),
    path("client/<uuid:client_id>/versions/<uuid:version_id>/", views.budget_version_detail,
         name="budget_version_detail"),
    path("client/<uuid:client_id>/lifecycle/accept/", views_lifecycle.lifecycle_accept, name="lifecycle_accept"),
]
