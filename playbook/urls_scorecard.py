"""Pages of the owner's scorecard, under /scorecard/ (the owner's home at / sends there)."""

from django.urls import path

from . import views_scorecard as views

urlpatterns = [
    path("", views.scorecard, name="scorecard"),
    path("export.csv", views.scorecard_csv, name="scorecard_csv"),
    path("figure/<slug:figure>/", views.scorecard_figure, name="scorecard_figure"),
    path("assessment/", views.assessment, name="assessment"),
]
