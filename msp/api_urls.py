"""The /api/v1/ router: every app registers its viewsets here."""

from rest_framework.routers import DefaultRouter

from alignment.api import register as register_alignment
from budgets.api import register as register_budgets
from clients.api import register as register_clients
from roadmaps.api import register as register_roadmaps
from standards.api import register as register_standards

router = DefaultRouter()
register_clients(router)
register_standards(router)
register_alignment(router)
register_roadmaps(router)
register_budgets(router)

urlpatterns = router.urls
