"""The decision maker's survey link, mounted at s/ by msp/urls.py (no login; the token is the key)."""

from django.urls import path

from . import views_public

urlpatterns = [
    path("<str:token>/", views_public.survey_answer, name="survey_answer"),
]
