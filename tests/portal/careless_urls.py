"""A test urlconf: the project's routes plus deliberately careless views that read every tenant table with
no filter at all. tests/portal/test_confinement.py proves they still return only the portal user's client."""

from __future__ import annotations

from django.apps import apps
from django.http import JsonResponse
from django.urls import path

from clients.models import Client
from msp.confinement import ClientConfinedManager
from msp.permissions import SIGNED_IN, declare_permission
from msp.urls import urlpatterns as project_urlpatterns
from portal.views import portal_view


def confined_models() -> list:
    """Every model whose default manager is the tenant manager (TenantModel's, and the core's Job,
    Notification and Activity)."""
    return sorted((m for m in apps.get_models() if isinstance(m._default_manager, ClientConfinedManager)),
                  key=lambda m: m._meta.label)


def everything() -> dict[str, list[str]]:
    """Every row of every tenant table the request can reach, by model label: no filter anywhere."""
    return {model._meta.label: sorted(str(pk) for pk in model.objects.all().values_list("pk", flat=True))
            for model in confined_models()}


def through_relations() -> dict[str, list[str]]:
    """Reverse and many-to-many managers of every client, reached around the managers on purpose (the base
    manager is not confined): related managers still are."""
    out: dict[str, set[str]] = {"documents": set(), "initiatives": set(), "budget_lines": set(), "assets": set()}
    for client in Client._base_manager.all():
        out["documents"] |= {str(pk) for pk in client.documents.values_list("pk", flat=True)}
        out["initiatives"] |= {str(pk) for pk in client.initiatives.values_list("pk", flat=True)}
        out["budget_lines"] |= {str(pk) for pk in client.budget_lines.values_list("pk", flat=True)}
        for initiative in client.initiatives.all():
            out["assets"] |= {str(pk) for pk in initiative.assets.values_list("pk", flat=True)}
    return {key: sorted(values) for key, values in out.items()}


@portal_view
def careless_portal_view(request):
    """A portal page that forgot every filter."""
    return JsonResponse({"tables": everything(), "related": through_relations()})


def careless_view(request):
    """A page that forgot the portal decorator too (any signed-in member may open it)."""
    return JsonResponse({"tables": everything(), "related": through_relations()})


declare_permission(careless_view, SIGNED_IN)

urlpatterns = [
    path("careless/portal/", careless_portal_view, name="careless_portal"),
    path("careless/any/", careless_view, name="careless_any"),
    *project_urlpatterns,
]
