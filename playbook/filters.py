"""Query filters of the playbook API, declared explicitly (generated ones would query outside the scope)."""

from __future__ import annotations

import django_filters

from msp.api import ArchivedFilterSet

from .choices import EscalationSource, PlaybookActivity


class ObjectiveFilter(django_filters.FilterSet):
    vcio = django_filters.NumberFilter(field_name="vcio_id", help_text="A vCIO's user id.")
    year = django_filters.NumberFilter(field_name="year", help_text="A calendar year.")
    activity = django_filters.ChoiceFilter(choices=PlaybookActivity.choices)


class EscalationFilter(ArchivedFilterSet):
    client = django_filters.UUIDFilter(field_name="client", help_text="A client id: only this client's escalations.")
    vcio = django_filters.NumberFilter(field_name="vcio_id", help_text="A vCIO's user id.")
    source = django_filters.ChoiceFilter(choices=EscalationSource.choices)
    occurred_after = django_filters.DateFilter(field_name="occurred_on", lookup_expr="gte",
                                               help_text="On or after this day.")
    occurred_before = django_filters.DateFilter(field_name="occurred_on", lookup_expr="lte",
                                                help_text="On or before this day.")
