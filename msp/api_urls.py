"""The /api/v1/ router: every app registers its viewsets here."""

from django.urls import path
from rest_framework.routers import APIRootView, DefaultRouter

from alignment.api import register as register_alignment
from budgets.api import register as register_budgets
from clients.api import register as register_clients
from meetings.api import register as register_meetings
from meetings.views_feeds import ClientCalendarView
from playbook.api import PlaybookActivitiesView, ScorecardView
from playbook.api import register as register_playbook
from roadmaps.api import register as register_roadmaps
from roadmaps.api_roadmap import register as register_roadmap_plan
from roadmaps.api_roadmap import urlpatterns as roadmap_plan_urls
from standards.api import register as register_standards
from surveys.api import register as register_surveys
from surveys.api import urlpatterns as survey_urls

from .roles import Perm


class ApiRoot(APIRootView):
    """The API's index: links to every collection."""

    read_perm = Perm.USE_API


class Router(DefaultRouter):
    """One URL per resource: no `.json` / `.csv` suffix routes (the Accept header chooses the format; the
    viewsets' extra actions do not take the `format` argument those routes would pass)."""

    include_format_suffixes = False
    APIRootView = ApiRoot


router = Router()
register_clients(router)
register_standards(router)
register_alignment(router)
register_roadmaps(router)
register_budgets(router)
register_meetings(router)
register_roadmap_plan(router)  # jobs
register_playbook(router)
register_surveys(router)

# The client's 12-quarter plan and the roadmap PDF render (plain views under clients/{client_id}/); the
# survey results and the public survey form.
urlpatterns = router.urls + roadmap_plan_urls + survey_urls + [
    path("playbook/activities/", PlaybookActivitiesView.as_view(), name="playbook-activities"),
    # A client's meetings as an iCalendar feed (meetings/views_feeds.py).
    path("clients/<uuid:client_id>/calendar.ics", ClientCalendarView.as_view(), name="client-calendar"),
    path("scorecard/", ScorecardView.as_view(), name="scorecard-api"),
]
