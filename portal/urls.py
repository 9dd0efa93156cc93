"""The portal's routes, included at `portal/` by msp.urls."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.portal_home, name="portal_home"),
    path("brand/logo.png", views.portal_brand_logo, name="portal_brand_logo"),
    path("brand/style.css", views.portal_brand_css, name="portal_brand_css"),
    path("documents/<uuid:document_id>/download/", views.portal_document_download,
         name="portal_document_download"),
    path("initiatives/<uuid:initiative_id>/decide/", views.portal_initiative_decide,
         name="portal_initiative_decide"),
    path("meetings/<uuid:meeting_id>/questionnaire/", views.portal_meeting_questionnaire,
         name="portal_meeting_questionnaire"),
    path("meetings/<uuid:meeting_id>/calendar.ics", views.portal_meeting_ics, name="portal_meeting_ics"),
    path("budget-lines/<uuid:line_id>/decide/", views.portal_budget_line_decide,
         name="portal_budget_line_decide"),
    path("initiatives/<uuid:initiative_id>/undo/", views.portal_initiative_undo, name="portal_initiative_undo"),
    path("budget-lines/<uuid:line_id>/undo/", views.portal_budget_line_undo, name="portal_budget_line_undo"),
]
