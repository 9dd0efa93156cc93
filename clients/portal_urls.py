from django.urls import path

from . import views_portal

urlpatterns = [
    path("", views_portal.portal_home, name="portal_home"),
    path("documents/<uuid:document_id>/download/", views_portal.portal_document_download,
         name="portal_document_download"),
    path("initiatives/<uuid:initiative_id>/decide/", views_portal.portal_initiative_decide,
         name="portal_initiative_decide"),
]
