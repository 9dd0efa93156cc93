"""Staff pages of the standards library, under /standards/. Keyword names (standard_id, category_id,
framework_id) are relied on by the isolation test harness."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.standard_list, name="standard_list"),
    path("due/", views.standard_due, name="standard_due"),
    path("new/", views.standard_create, name="standard_create"),
    path("starter/", views.standard_starter_load, name="standard_starter_load"),
    path("export.csv", views.standard_export, name="standard_export"),
    path("import/", views.standard_import, name="standard_import"),
    path("<uuid:standard_id>/", views.standard_detail, name="standard_detail"),
    path("<uuid:standard_id>/edit/", views.standard_edit, name="standard_edit"),
    path("<uuid:standard_id>/retire/", views.standard_retire, name="standard_retire"),
    path("<uuid:standard_id>/reactivate/", views.standard_reactivate, name="standard_reactivate"),
    path("<uuid:standard_id>/reviewed/", views.standard_mark_reviewed, name="standard_mark_reviewed"),
    path("categories/", views.category_list, name="category_list"),
    path("categories/<uuid:category_id>/edit/", views.category_edit, name="category_edit"),
    path("categories/<uuid:category_id>/archive/", views.category_archive, name="category_archive"),
    path("categories/<uuid:category_id>/restore/", views.category_restore, name="category_restore"),
    path("categories/<uuid:category_id>/move/", views.category_move, name="category_move"),
    path("frameworks/", views.framework_list, name="framework_list"),
    path("frameworks/<uuid:framework_id>/edit/", views.framework_edit, name="framework_edit"),
    path("frameworks/<uuid:framework_id>/archive/", views.framework_archive, name="framework_archive"),
    path("frameworks/<uuid:framework_id>/restore/", views.framework_restore, name="framework_restore"),
]
