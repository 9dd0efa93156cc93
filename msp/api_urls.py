"""The /api/v1/ router: every app registers its viewsets here."""

from rest_framework.routers import DefaultRouter

from alignment.api import register as register_alignment
from clients.api import register as register_clients
from standards.api import register as register_standards

router = DefaultRouter()
register_clients(router)
register_standards(router)
register_alignment(router)

urlpatterns = router.urls
