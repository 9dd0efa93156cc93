"""Reads of the tenancy core that the apps share."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Msp, User
from .roles import STAFF_ROLES


def staff_users(*, msp: Msp) -> QuerySet[User]:
    """Active staff members of `msp` (owner, vCIO, TAM, viewer): who may be a client's vCIO or TAM,
    an initiative's owner or a review's assignee."""
    return (
        User.objects.filter(
            memberships__msp=msp,
            memberships__removed_at__isnull=True,
            memberships__role__in=[r.value for r in STAFF_ROLES],
            is_active=True,
        )
        .distinct()
        .order_by("full_name", "email")
    )
