"""API of the roadmap under /api/v1/: initiatives (RecordViewSet: ETag / If-Match, archive on DELETE).

Serializers validate input (foreign keys inside the tenant scope, links of the same client); every write goes
through roadmaps.services, which also checks quarters against the client's fiscal year.
"""

from __future__ import annotations

import django_filters
from django.db.models import Q
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers

from alignment.models import Recommendation
from clients.models import Asset, BusinessObjective, Client
from msp.api import ArchivedFilterSet, RecordViewSet, ScopedPrimaryKeyRelatedField, StaffMemberField
from msp.quarters import Quarter
from msp.roles import Perm
from standards.choices import Priority

from . import services
from .choices import InitiativeCategory, InitiativeStatus
from .models import Initiative


def _label(initiative: Initiative, value) -> str | None:
    if value is None:
        return None
    return Quarter.containing(value, initiative.client.fiscal_year_start_month).label


class InitiativeSerializer(serializers.ModelSerializer):
    client = ScopedPrimaryKeyRelatedField(Client, help_text="Id of the client; it never changes.")
    owner = StaffMemberField(required=False, allow_null=True,
                             help_text="User id of who carries it: an active staff member of your MSP.")
    recommendations = ScopedPrimaryKeyRelatedField(
        Recommendation, many=True, required=False, help_text="Ids of the client's recommendations it answers.")
    objectives = ScopedPrimaryKeyRelatedField(
        BusinessObjective, many=True, required=False, help_text="Ids of the client's business objectives it serves.")
    assets = ScopedPrimaryKeyRelatedField(Asset, many=True, required=False,
                                          help_text="Ids of the client's assets it concerns.")
    start_quarter_label = serializers.SerializerMethodField(help_text="E.g. “FY2027 Q2”; null in the backlog.")
    end_quarter_label = serializers.SerializerMethodField(
        help_text="The last quarter it covers, e.g. “FY2027 Q3” (the start quarter when it has no end quarter).")

    class Meta:
        model = Initiative
        fields = ["id", "client", "title", "title_confirmed", "description", "category", "priority", "status",
                  "start_quarter", "start_quarter_label", "end_quarter", "end_quarter_label", "owner",
                  "estimated_hours", "proposal_amount", "recommendations", "objectives", "assets", "decided_at",
                  "decided_by", "decision_note", "created_by", "archived_at", "version", "created_at", "updated_at"]
        read_only_fields = ["id", "decided_at", "decided_by", "decision_note", "created_by", "archived_at",
                            "version", "created_at", "updated_at"]
        extra_kwargs = {
            "start_quarter": {"help_text": "First day of a quarter of the client's fiscal year (`YYYY-MM-DD`); "
                                           "null puts it in the backlog."},
            "end_quarter": {"help_text": "First day of its last quarter; null when it lasts one quarter."},
        }

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_start_quarter_label(self, obj: Initiative) -> str | None:
        return _label(obj, obj.start_quarter)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_end_quarter_label(self, obj: Initiative) -> str | None:
        return _label(obj, obj.end_quarter or obj.start_quarter)

    def validate_client(self, client: Client) -> Client:
        if self.instance is not None:
            if client.pk != self.instance.client_id:
                raise serializers.ValidationError("An initiative cannot move to another client.")
            return client
        if client.is_archived:
            raise serializers.ValidationError("This client is archived; restore it before planning for it.")
        return client

    def validate(self, attrs):
        client = attrs.get("client") or (self.instance.client if self.instance is not None else None)
        errors = {}
        for name in services.LINKS:
            foreign = [obj for obj in attrs.get(name) or [] if obj.client_id != getattr(client, "pk", None)]
            if foreign:
                errors[name] = [f"{type(obj)._meta.verbose_name.capitalize()} {obj.pk} belongs to another client."
                                for obj in foreign]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


def _quarter_date(name: str, what: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(method=name, help_text=what)


class InitiativeFilter(ArchivedFilterSet):
    client = django_filters.UUIDFilter(field_name="client", help_text="A client id: only this client's initiatives.")
    status = django_filters.MultipleChoiceFilter(choices=InitiativeStatus.choices,
                                                 help_text="Repeat to allow several statuses.")
    category = django_filters.MultipleChoiceFilter(choices=InitiativeCategory.choices,
                                                   help_text="Repeat to allow several categories.")
    priority = django_filters.ChoiceFilter(choices=Priority.choices)
    backlog = django_filters.BooleanFilter(field_name="start_quarter", lookup_expr="isnull",
                                           help_text="`true`: only unscheduled ones; `false`: only scheduled ones.")
    quarter_from = _quarter_date("filter_quarter_from",
                                 "Scheduled initiatives still running on or after this day (their last quarter "
                                 "ends on or after it).")
    quarter_to = _quarter_date("filter_quarter_to", "Scheduled initiatives starting on or before this day.")

    def filter_quarter_from(self, queryset, name, value):
        # The last quarter's first day is at most 3 months before the day asked about.
        month = value.month - 2
        year = value.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        earliest = value.replace(year=year, month=month, day=1)
        return queryset.filter(Q(end_quarter__gte=earliest) | Q(end_quarter__isnull=True, start_quarter__gte=earliest))

    def filter_quarter_to(self, queryset, name, value):
        return queryset.filter(start_quarter__lte=value)


@extend_schema_view(
    list=extend_schema(summary="List initiatives",
                       description="In roadmap order (start quarter, backlog last, title). Live initiatives unless "
                                   "`archived` says otherwise."),
    create=extend_schema(summary="Create an initiative"),
    retrieve=extend_schema(summary="Get an initiative"),
    update=extend_schema(summary="Replace an initiative"),
    partial_update=extend_schema(summary="Change an initiative",
                                 description="Setting `status` to `proposed` with a `proposal_amount` records a "
                                             "proposal sent (once per initiative)."),
    destroy=extend_schema(summary="Archive an initiative", description="Archived, not deleted."),
)
@extend_schema(tags=["initiatives"])
class InitiativeViewSet(RecordViewSet):
    """Initiatives of the clients' three-year roadmaps, placed by fiscal quarter (or in the backlog)."""

    model = Initiative
    serializer_class = InitiativeSerializer
    filterset_class = InitiativeFilter
    search_fields = ["title", "description"]
    ordering_fields = ["start_quarter", "title", "priority", "status", "created_at", "updated_at"]
    read_perm = Perm.VIEW_CLIENTS
    write_perm = Perm.EDIT_ROADMAPS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Initiative.objects.none()
        return Initiative.objects.select_related("client").prefetch_related("recommendations", "objectives",
                                                                            "assets")

    def create_record(self, data: dict) -> Initiative:
        return services.initiative_create(actor=self.request.user, **data)

    def update_record(self, obj: Initiative, data: dict, *, expected_version: int) -> Initiative:
        data.pop("client", None)
        return services.initiative_update(initiative=obj, actor=self.request.user,
                                          expected_version=expected_version, **data)

    def archive_record(self, obj: Initiative) -> None:
        services.initiative_archive(initiative=obj, actor=self.request.user)


def register(router) -> None:
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("initiatives", InitiativeViewSet, basename="initiative")
