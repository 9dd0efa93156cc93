"""A test urlconf: the project's routes plus views that forgot to declare a permission.

tests/msp/test_permission_table.py proves each is refused to everyone, and that the table test names them.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from msp.roles import Perm
from msp.urls import urlpatterns as project_urlpatterns


def undeclared_page(request):
    """A page with no declaration at all."""
    return HttpResponse("undeclared page content")


class UndeclaredApi(APIView):
    """An API view with no read_perm or write_perm."""

    def get(self, request):
        return Response({"seen": True})


class HalfDeclaredApi(APIView):
    """Declares reads only: its write is refused."""

    read_perm = Perm.VIEW_CLIENTS

    def get(self, request):
        return Response({"seen": True})

    def post(self, request):
        return Response({"written": True})


urlpatterns = [
    path("undeclared/", undeclared_page, name="undeclared_page"),
    path("api/v1/undeclared/", UndeclaredApi.as_view(), name="undeclared_api"),
    path("api/v1/half-declared/", HalfDeclaredApi.as_view(), name="half_declared_api"),
    *project_urlpatterns,
]
