"""Staff pages of the clients app, under /clients/. Keyword names (client_id, contact_id, objective_id,
asset_id, access_id, document_id) are relied on by the isolation test harness."""

from django.urls import path

from . import views, views_documents, views_history, views_profile

urlpatterns = [
    path("", views.client_list, name="client_list"),
    path("new/", views.client_create, name="client_create"),
    path("<uuid:client_id>/", views.client_detail, name="client_detail"),
    path("<uuid:client_id>/edit/", views.client_edit, name="client_edit"),
    path("<uuid:client_id>/archive/", views.client_archive, name="client_archive"),
    path("<uuid:client_id>/business-profile/", views_profile.business_profile, name="client_business_profile"),
    path("<uuid:client_id>/restore/", views.client_restore, name="client_restore"),
    path("<uuid:client_id>/contacts/new/", views.contact_create, name="contact_create"),
    path("<uuid:client_id>/contacts/<uuid:contact_id>/edit/", views.contact_edit, name="contact_edit"),
    path("<uuid:client_id>/contacts/<uuid:contact_id>/archive/", views.contact_archive, name="contact_archive"),
    path("<uuid:client_id>/objectives/new/", views.objective_create, name="objective_create"),
    path("<uuid:client_id>/objectives/<uuid:objective_id>/edit/", views.objective_edit, name="objective_edit"),
    path("<uuid:client_id>/objectives/<uuid:objective_id>/archive/", views.objective_archive,
         name="objective_archive"),
    path("<uuid:client_id>/assets/new/", views.asset_create, name="asset_create"),
    path("<uuid:client_id>/assets/import/", views.asset_import, name="asset_import"),
    path("<uuid:client_id>/assets/import/template.csv", views.asset_import_template,
         name="asset_import_template"),
    path("<uuid:client_id>/assets/<uuid:asset_id>/edit/", views.asset_edit, name="asset_edit"),
    path("<uuid:client_id>/assets/<uuid:asset_id>/archive/", views.asset_archive, name="asset_archive"),
    path("<uuid:client_id>/portal/invite/", views.portal_access_invite, name="portal_access_invite"),
    path("<uuid:client_id>/portal/<uuid:access_id>/revoke/", views.portal_access_revoke,
         name="portal_access_revoke"),
    path("<uuid:client_id>/history/", views_history.client_history, name="client_history"),
    path("<uuid:client_id>/documents/", views_documents.client_documents, name="client_documents"),
    path("<uuid:client_id>/documents/<uuid:document_id>/download/", views_documents.document_download,
         name="document_download"),
    path("<uuid:client_id>/documents/<uuid:document_id>/publish/", views_documents.document_publish,
         name="document_publish"),
    path("<uuid:client_id>/documents/<uuid:document_id>/unpublish/", views_documents.document_unpublish,
         name="document_unpublish"),
    path("<uuid:client_id>/documents/<uuid:document_id>/archive/", views_documents.document_archive,
         name="document_archive"),
]
