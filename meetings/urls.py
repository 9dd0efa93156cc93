"""Pages of meetings, under /meetings/. Keyword names (meeting_id, action_item_id,
questionnaire_statement_id) are relied on by the isolation test harness."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("new/", views.meeting_plan, name="meeting_plan"),
    path("questionnaire/", views.questionnaire_settings, name="questionnaire_settings"),
    path("questionnaire/<uuid:questionnaire_statement_id>/", views.questionnaire_statement_edit,
         name="questionnaire_statement_edit"),
    path("questionnaire/<uuid:questionnaire_statement_id>/archive/", views.questionnaire_statement_archive,
         name="questionnaire_statement_archive"),
    path("action-items/<uuid:action_item_id>/", views.action_item_edit, name="action_item_edit"),
    path("action-items/<uuid:action_item_id>/close/", views.action_item_close, name="action_item_close"),
    path("<uuid:meeting_id>/", views.meeting_detail, name="meeting_detail"),
    path("<uuid:meeting_id>/edit/", views.meeting_edit, name="meeting_edit"),
    path("<uuid:meeting_id>/move/", views.meeting_move, name="meeting_move"),
    path("<uuid:meeting_id>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("<uuid:meeting_id>/held/", views.meeting_held, name="meeting_held"),
    path("<uuid:meeting_id>/send/", views.meeting_send, name="meeting_send"),
    path("<uuid:meeting_id>/agenda/", views.meeting_agenda, name="meeting_agenda"),
    path("<uuid:meeting_id>/action-items/new/", views.action_item_create, name="action_item_create"),
    path("<uuid:meeting_id>/questionnaire/", views.meeting_questionnaire, name="meeting_questionnaire"),
    path("<uuid:meeting_id>/qbr-report/", views.meeting_qbr_report, name="meeting_qbr_report"),
    path("<uuid:meeting_id>/qbr-deck/", views.meeting_qbr_deck, name="meeting_qbr_deck"),
]
