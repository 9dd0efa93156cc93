from django.urls import path

from . import views_lifecycle

urlpatterns = [
    path("client/<uuid:client_id>/lifecycle/accept/", views_lifecycle.lifecycle_accept, name="lifecycle_accept"),
]
