"""The /api/v1/ router: every app registers its viewsets here."""

from rest_framework.routers import DefaultRouter

from clients.api import register as register_clients

router = DefaultRouter()
register_clients(router)

urlpatterns = router.urls
