from django.urls import path

from . import views_portal

urlpatterns = [
    path("", views_portal.portal_home, name="portal_home"),
]
