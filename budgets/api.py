"""API of budgets under /api/v1/: budget lines (read and write) and presented budget versions (read-only).

Serializers validate input (foreign keys inside the tenant scope); every write goes through
budgets.services. ETag / If-Match, archive on DELETE and pagination come from msp.api.RecordViewSet.
"""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from clients.models import Client
from msp.api import ArchivedFilterSet, RecordViewSet, ScopedPrimaryKeyRelatedField, StandardPagination
from msp.api_auth import RolePermission
from msp.roles import Perm
from roadmaps.models import Initiative

from . import services
from .choices import LineCategory, LineKind
from .models import MAX_LINE_PRICE, MAX_QUANTITY, MAX_UNIT_COST, BudgetLine, BudgetVersion
from .selectors import quarter_label

RECORD_READ_ONLY = ["id", "archived_at", "version", "created_at", "updated_at"]


class BudgetLineFilter(ArchivedFilterSet):
    client = django_filters.UUIDFilter(field_name="client", help_text="A client id: only this client's lines.")
    initiative = django_filters.UUIDFilter(field_name="initiative",
                                           help_text="An initiative id: only the lines of this initiative.")
    kind = django_filters.ChoiceFilter(choices=LineKind.choices)
    category = django_filters.ChoiceFilter(choices=LineCategory.choices)


class BudgetLineSerializer(serializers.ModelSerializer):
    client = ScopedPrimaryKeyRelatedField(Client, help_text="Id of the client whose budget this line is in.")
    initiative = ScopedPrimaryKeyRelatedField(
        Initiative, required=False, allow_null=True,
        help_text="Id of one of the same client's initiatives, or null. A line of an initiative counts as "
                  "approved when the initiative is approved / scheduled / in progress / done, proposed when it "
                  "is an idea or proposed, and is left out of totals when it is declined or cancelled. A line "
                  "without one follows its own `decision`: proposed until the client approves it.")
    start_quarter_label = serializers.SerializerMethodField(help_text="E.g. `FY2027 Q2`.")
    end_quarter_label = serializers.SerializerMethodField(help_text="E.g. `FY2028 Q1`; null when open-ended.")
    unit_price = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, source="price_per_unit",
        help_text="Price of one unit (per month for a recurring line), from `unit_cost`, `pricing` and `rate`: "
                  "markup: cost × (1 + rate/100); margin: cost ÷ (1 − rate/100); rounded half-up to cents.")

    class Meta:
        model = BudgetLine
        fields = ["id", "client", "initiative", "description", "category", "expense_type", "kind",
                  "start_quarter", "start_quarter_label", "end_quarter", "end_quarter_label", "quantity",
                  "unit_cost", "pricing", "rate", "unit_price", "decision", "decided_at", "decided_by",
                  "decision_note", "archived_at", "version", "created_at", "updated_at"]
        # The client's decision is recorded in the portal or on the budget page, never set over the API.
        read_only_fields = [*RECORD_READ_ONLY, "decision", "decided_at", "decided_by", "decision_note"]
        extra_kwargs = {
            "start_quarter": {"help_text": "The first day of one of the client's fiscal quarters (ISO date): a "
                                           "one-time cost's quarter or when a recurring one starts."},
            "end_quarter": {"help_text": "Recurring only: the first day of the last quarter it runs (included); "
                                         "null: open-ended."},
            "quantity": {"max_value": MAX_QUANTITY,
                         "help_text": f"How many units, from 0.01 to {MAX_QUANTITY:,}. Quantity × unit price is at "
                                      f"most {MAX_LINE_PRICE:,.2f} (in total, or a month for a recurring line)."},
            "unit_cost": {"max_value": MAX_UNIT_COST,
                          "help_text": f"Per unit; per month for a recurring line. At most {MAX_UNIT_COST:,.2f}."},
            "rate": {"help_text": "Percent: the markup on cost, or the margin on price (below 100)."},
        }

    def _fy(self, obj: BudgetLine) -> int:
        return obj.client.fiscal_year_start_month

    def get_start_quarter_label(self, obj: BudgetLine) -> str:
        return quarter_label(obj.start_quarter, self._fy(obj))

    def get_end_quarter_label(self, obj: BudgetLine) -> str | None:
        return quarter_label(obj.end_quarter, self._fy(obj)) or None

    def validate_client(self, client: Client) -> Client:
        if self.instance is not None:
            if client.pk != self.instance.client_id:
                raise serializers.ValidationError(
                    "A line cannot move to another client; archive it and create it there.")
            return client
        if client.is_archived:
            raise serializers.ValidationError("This client is archived; restore it before changing its budget.")
        return client


@extend_schema_view(
    list=extend_schema(summary="List budget lines", description="Active lines unless `archived` says otherwise."),
    create=extend_schema(summary="Create a budget line"),
    retrieve=extend_schema(summary="Get a budget line"),
    update=extend_schema(summary="Replace a budget line"),
    partial_update=extend_schema(summary="Change a budget line"),
    destroy=extend_schema(summary="Archive a budget line", description="The line is archived, not deleted."),
)
@extend_schema(tags=["budget-lines"])
class BudgetLineViewSet(RecordViewSet):
    """Costs in a client's budget: one-time in one fiscal quarter, or recurring monthly from a start quarter
    to an optional end quarter; the price to the client by a markup or a margin (see docs/budgets.md)."""

    model = BudgetLine
    serializer_class = BudgetLineSerializer
    filterset_class = BudgetLineFilter
    search_fields = ["description"]
    ordering_fields = ["start_quarter", "description", "unit_cost", "created_at", "updated_at"]
    ordering = ["start_quarter", "description"]
    read_perm = Perm.VIEW_CLIENTS
    write_perm = Perm.EDIT_BUDGETS

    def get_queryset(self):
        return super().get_queryset().select_related("client")

    def create_record(self, data: dict) -> BudgetLine:
        return services.budget_line_create(actor=self.request.user, **data)

    def update_record(self, obj: BudgetLine, data: dict, *, expected_version: int) -> BudgetLine:
        data.pop("client", None)
        return services.budget_line_update(line=obj, actor=self.request.user, expected_version=expected_version,
                                           **data)

    def archive_record(self, obj: BudgetLine) -> None:
        services.budget_line_archive(line=obj, actor=self.request.user)


class BudgetVersionFilter(django_filters.FilterSet):
    client = django_filters.UUIDFilter(field_name="client", help_text="A client id: only this client's versions.")


class BudgetVersionSerializer(serializers.ModelSerializer):
    client = serializers.UUIDField(source="client_id", read_only=True, help_text="Id of the client.")

    class Meta:
        model = BudgetVersion
        fields = ["id", "client", "number", "note", "presented_by", "presented_at", "created_at"]
        read_only_fields = fields
        extra_kwargs = {"number": {"help_text": "1, 2, 3... per client (v1, v2...)."},
                        "presented_by": {"help_text": "User id of who presented it."}}


class BudgetVersionDetailSerializer(BudgetVersionSerializer):
    class Meta(BudgetVersionSerializer.Meta):
        fields = [*BudgetVersionSerializer.Meta.fields, "snapshot"]
        read_only_fields = fields
        extra_kwargs = {
            **BudgetVersionSerializer.Meta.extra_kwargs,
            "snapshot": {"help_text": "The budget as presented: `horizon` (quarter first days), `quarters` and "
                                      "`years` (one_time / recurring / total as {cost, price}, approved, "
                                      "proposed), `total`, and `lines` with their amounts. Money as strings."},
        }


@extend_schema_view(
    list=extend_schema(summary="List presented budget versions",
                       description="Newest first; filter by `client`. The snapshot is in the detail."),
    retrieve=extend_schema(summary="Get a presented budget version with its snapshot"),
)
@extend_schema(tags=["budget-versions"])
class BudgetVersionViewSet(viewsets.ReadOnlyModelViewSet):
    """Budgets as presented to the client (v1, v2...), frozen. Presenting happens on the budget page."""

    filterset_class = BudgetVersionFilter
    ordering_fields = ["presented_at", "number"]
    ordering = ["-presented_at", "-number"]
    pagination_class = StandardPagination
    permission_classes = [IsAuthenticated, RolePermission]
    read_perm = Perm.VIEW_CLIENTS

    def get_serializer_class(self):
        return BudgetVersionDetailSerializer if self.action == "retrieve" else BudgetVersionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return BudgetVersion.objects.none()
        return BudgetVersion.objects.all()

    def filter_queryset(self, queryset):
        # Filters narrow lists only; the tenant scope is what guards a detail URL.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)


def register(router) -> None:
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("budget-lines", BudgetLineViewSet, basename="budget-line")
    router.register("budget-versions", BudgetVersionViewSet, basename="budget-version")
