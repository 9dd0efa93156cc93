"""Pages of the roadmap, under /roadmaps/. Keyword names (client_id, initiative_id) are relied on by the
isolation test harness."""

from django.urls import path

from . import views

urlpatterns = [
    path("client/<uuid:client_id>/", views.roadmap_detail, name="roadmap_detail"),
    path("client/<uuid:client_id>/initiatives/new/", views.initiative_create, name="initiative_create"),
    path("client/<uuid:client_id>/from-recommendations/", views.from_recommendations,
         name="roadmap_from_recommendations"),
    path("client/<uuid:client_id>/lifecycle/dismiss/", views.lifecycle_dismiss, name="lifecycle_dismiss"),
    path("initiatives/<uuid:initiative_id>/edit/", views.initiative_edit, name="initiative_edit"),
    path("initiatives/<uuid:initiative_id>/move/", views.initiative_move, name="initiative_move"),
    path("initiatives/<uuid:initiative_id>/archive/", views.initiative_archive, name="initiative_archive"),
]
