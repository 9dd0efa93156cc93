"""Query filters of the clients API (django-filter). Every list hides archived rows by default.

Filters are declared explicitly: django-filter's generation from Meta.fields queries the default
manager at import time, which the tenant scope forbids.
"""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

from msp.api import ArchivedFilterSet

from .choices import AssetKind, AssetStatus, ClientStatus, ObjectiveStatus


def _on_or_before(field: str, what: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(field_name=field, lookup_expr="lte", help_text=f"{what} on or before this day.")


def _on_or_after(field: str, what: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(field_name=field, lookup_expr="gte", help_text=f"{what} on or after this day.")


class ClientFilter(ArchivedFilterSet):
    status = django_filters.ChoiceFilter(choices=ClientStatus.choices)
    vcio = django_filters.CharFilter(method="filter_person",
                                     help_text="A user id, or `none` for clients without a vCIO.")
    tam = django_filters.CharFilter(method="filter_person",
                                    help_text="A user id, or `none` for clients without a TAM.")

    @extend_schema_field({"type": "string", "pattern": "^(none|[0-9]{1,18})$"})
    def filter_person(self, queryset, name: str, value: str):
        if value == "none":
            return queryset.filter(**{f"{name}__isnull": True})
        if not (value.isascii() and value.isdigit() and len(value) <= 19):
            raise ValidationError({name: [f"Give a user id or “none”, not “{value[:40]}”."]})
        return queryset.filter(**{f"{name}_id": int(value)})


class _ChildFilter(ArchivedFilterSet):
    client = django_filters.UUIDFilter(field_name="client", help_text="A client id: only this client's records.")


class ContactFilter(_ChildFilter):
    is_decision_maker = django_filters.BooleanFilter()


class ObjectiveFilter(_ChildFilter):
    status = django_filters.ChoiceFilter(choices=ObjectiveStatus.choices)
    target_date_before = _on_or_before("target_date", "Target date")
    target_date_after = _on_or_after("target_date", "Target date")


class AssetFilter(_ChildFilter):
    kind = django_filters.ChoiceFilter(choices=AssetKind.choices)
    status = django_filters.ChoiceFilter(choices=AssetStatus.choices)
    warranty_end_before = _on_or_before("warranty_end", "Warranty ends")
    warranty_end_after = _on_or_after("warranty_end", "Warranty ends")
    end_of_support_before = _on_or_before("end_of_support", "Support ends")
    end_of_support_after = _on_or_after("end_of_support", "Support ends")
