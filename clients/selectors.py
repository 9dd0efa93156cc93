"""Reads of the clients app."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from msp.models import User

from .cadence import Cadence, client_cadence
from .models import Client, ClientAccess


def client_list(*, search: str = "", vcio: str = "", tam: str = "", status: str = "",
                archived: bool = False) -> QuerySet[Client]:
    """Clients of the active MSP, filtered as the list page and the API allow."""
    qs = Client.objects.select_related("vcio", "tam")
    qs = qs.filter(archived_at__isnull=not archived)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(industry__icontains=search) | Q(notes__icontains=search))
    if vcio == "none":
        qs = qs.filter(vcio__isnull=True)
    elif vcio:
        qs = qs.filter(vcio_id=vcio)
    if tam == "none":
        qs = qs.filter(tam__isnull=True)
    elif tam:
        qs = qs.filter(tam_id=tam)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("name")


def client_totals(qs: QuerySet[Client]) -> dict:
    agg = qs.order_by().aggregate(count=Count("id"), mrr=Sum("mrr"))
    return {"count": agg["count"], "mrr": agg["mrr"] or Decimal("0.00")}


def portal_access_for(user: User) -> ClientAccess | None:
    """The live portal access of a client user in the active MSP (None for staff)."""
    if not user.is_authenticated:
        return None
    return (
        ClientAccess.objects.select_related("client", "contact")
        .filter(user=user, accepted_at__isnull=False, revoked_at__isnull=True, client__archived_at__isnull=True,
                contact__archived_at__isnull=True)
        .first()
    )


def client_cadence_get(*, client: Client) -> Cadence:
    """The client's meetings a year and unique touches a month in effect, with "why this cadence"."""
    return client_cadence(client)
