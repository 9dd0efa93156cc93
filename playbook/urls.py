"""Pages of the playbook, under /playbook/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.playbook, name="playbook"),
    path("objectives/", views.objectives_edit, name="objectives_edit"),
    path("escalations/", views.escalation_list, name="escalation_list"),
    path("escalations/<uuid:escalation_id>/edit/", views.escalation_edit, name="escalation_edit"),
    path("escalations/<uuid:escalation_id>/archive/", views.escalation_archive, name="escalation_archive"),
]
