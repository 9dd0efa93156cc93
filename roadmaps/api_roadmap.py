"""The roadmap over the API: a client's 12-quarter plan as JSON, the roadmap PDF rendering started as a
background job, and the job's progress.

- `GET /api/v1/clients/{client_id}/roadmap/`: quarters (from the client's current fiscal quarter) with the
  initiatives that start in them and the budget totals (one-time, recurring, total; cost and price), the
  fiscal years, the backlog and the three-year total. Figures are budgets.selectors.client_budget's.
- `POST /api/v1/clients/{client_id}/roadmap-pdf/` (`{"publish": true}`): 202 with the queued job.
- `GET /api/v1/jobs/{id}/`: any job of the MSP (status, progress, message, errors, result); a finished
  roadmap job also names its document and download link.

Registered from msp/api_urls.py. See docs/roadmap-pdf.md.
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from budgets.selectors import NO_PRICE, client_budget, client_horizon, initiative_prices, quarter_label
from clients.api import DocumentSerializer
from clients.document_jobs import job_document
from clients.models import Client
from msp.api import JobStatusSerializer
from msp.api_auth import RolePermission
from msp.models import Job
from msp.money import quantize
from msp.roles import Perm
from msp.tenancy import get_in_scope

from . import reports
from .choices import InitiativeCategory, InitiativeStatus
from .selectors import roadmap_board

MONEY = {"max_digits": 14, "decimal_places": 2, "coerce_to_string": True}


# --- the plan -----------------------------------------------------------------------------------------


class AmountSerializer(serializers.Serializer):
    cost = serializers.DecimalField(**MONEY, help_text="What it costs the MSP.")
    price = serializers.DecimalField(**MONEY, help_text="What the client pays.")


class TotalsSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="`FY2027 Q2`, `FY2027` or `Total`.")
    one_time = AmountSerializer()
    recurring = AmountSerializer(help_text="Recurring monthly lines: three months in each quarter they run.")
    total = AmountSerializer()
    approved = serializers.DecimalField(**MONEY, help_text="Price of the lines that count as approved.")
    proposed = serializers.DecimalField(**MONEY, help_text="Price of the lines still proposed (ideas and "
                                                           "proposals).")


class PlanInitiativeSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    # Plain strings: the values are those of /api/v1/initiatives/ (a second enum of the same choices would
    # make the schema's enum names collide).
    status = serializers.CharField(help_text="One of: " + ", ".join(InitiativeStatus.values) + ".")
    category = serializers.CharField(help_text="One of: " + ", ".join(InitiativeCategory.values) + ".")
    start_quarter = serializers.DateField(allow_null=True, help_text="First day of its first quarter; null in "
                                                                      "the backlog.")
    end_quarter = serializers.DateField(allow_null=True, help_text="First day of its last quarter (null: the "
                                                                    "start quarter only).")
    start_label = serializers.CharField(help_text="`FY2027 Q2`; empty in the backlog.")
    end_label = serializers.CharField()
    price = serializers.DecimalField(**MONEY, help_text="Its price (budgets.selectors.InitiativePrice): the quoted "
                                                        "`proposal_amount` when there is one, else `budgeted`.")
    budgeted = serializers.DecimalField(**MONEY, help_text="Price of its budget lines inside the 12 quarters.")
    one_time = serializers.DecimalField(**MONEY, help_text="Price of its one-time lines inside the 12 quarters.")
    monthly = serializers.DecimalField(**MONEY, help_text="Monthly price of its recurring lines.")
    proposal_amount = serializers.DecimalField(**MONEY, allow_null=True,
                                               help_text="The price quoted to the client, if any.")


class PlanQuarterSerializer(TotalsSerializer):
    start = serializers.DateField()
    end = serializers.DateField(help_text="The quarter's last day.")
    fiscal_year = serializers.IntegerField()
    number = serializers.IntegerField(help_text="1-4 within the fiscal year.")
    initiatives = PlanInitiativeSerializer(many=True, help_text="Initiatives starting in this quarter (in the "
                                                                 "first quarter: also those already running).")


class PlanFiscalYearSerializer(TotalsSerializer):
    fiscal_year = serializers.IntegerField()
    quarters = serializers.IntegerField(help_text="How many of its quarters are in the plan.")


class RoadmapSerializer(serializers.Serializer):
    client = serializers.UUIDField()
    currency = serializers.CharField()
    fiscal_year_start_month = serializers.IntegerField()
    quarters = PlanQuarterSerializer(many=True)
    fiscal_years = PlanFiscalYearSerializer(many=True)
    backlog = PlanInitiativeSerializer(many=True, help_text="Initiatives without a start quarter.")
    total = TotalsSerializer(help_text="The whole 12 quarters.")


def _amount(amount) -> dict:
    return {"cost": quantize(amount.cost), "price": quantize(amount.price)}


def _totals(rollup, label: str) -> dict:
    return {"label": label, "one_time": _amount(rollup.one_time), "recurring": _amount(rollup.recurring),
            "total": _amount(rollup.total), "approved": quantize(rollup.approved),
            "proposed": quantize(rollup.proposed)}


def roadmap_plan(*, client: Client, today=None) -> dict:
    """The 12-quarter plan of `client` as plain values (every live initiative, whatever its status)."""
    quarters = client_horizon(client=client, today=today)
    budget = client_budget(client=client, quarters=quarters)
    board = roadmap_board(client=client, quarters=quarters)
    prices = initiative_prices(budget=budget, initiatives=board.initiatives)
    fy = client.fiscal_year_start_month

    def item(initiative) -> dict:
        cost = prices.get(initiative.pk, NO_PRICE)
        return {"id": initiative.pk, "title": initiative.title, "status": initiative.status,
                "category": initiative.category, "start_quarter": initiative.start_quarter,
                "end_quarter": initiative.end_quarter, "start_label": quarter_label(initiative.start_quarter, fy),
                "end_label": quarter_label(initiative.end_quarter or initiative.start_quarter, fy),
                "price": cost.sort_key, "budgeted": cost.budgeted, "one_time": cost.one_time,
                "monthly": cost.monthly,
                "proposal_amount": initiative.proposal_amount}

    out_quarters = []
    for index, q in enumerate(quarters):
        row = _totals(budget.quarters[q], q.label)
        row.update(start=q.start, end=q.end, fiscal_year=q.fiscal_year, number=q.number,
                   initiatives=[item(p.initiative) for p in board.columns[index]])
        out_quarters.append(row)
    years = []
    for label, rollup in budget.years.items():
        row = _totals(rollup, label)
        row.update(fiscal_year=rollup.fiscal_year,
                   quarters=sum(1 for q in quarters if q.fiscal_year == rollup.fiscal_year))
        years.append(row)
    return {"client": client.pk, "currency": client.msp.currency, "fiscal_year_start_month": fy,
            "quarters": out_quarters, "fiscal_years": years, "backlog": [item(i) for i in board.backlog],
            "total": _totals(budget.total, "Total")}


class _ClientView(APIView):
    permission_classes = [IsAuthenticated, RolePermission]
    read_perm = Perm.VIEW_CLIENTS
    # Making (and publishing) a client document: owner and vCIO, as on the pages.
    write_perm = Perm.EDIT_CLIENTS

    def client(self, client_id) -> Client:
        return get_in_scope(Client.objects.select_related("msp", "vcio"), pk=client_id)


class ClientRoadmapView(_ClientView):
    @extend_schema(
        tags=["roadmap"], summary="A client's 12-quarter roadmap and budget",
        description="The next 12 fiscal quarters of the client (three fiscal years, from the current one): each "
                    "with the initiatives starting in it and the budget totals (one-time, recurring, total; "
                    "cost and price; approved and proposed), then the fiscal years, the backlog and the total. "
                    "Money is a decimal string in the MSP's currency.",
        responses={200: RoadmapSerializer, 404: OpenApiResponse(description="No such client in your MSP.")},
    )
    def get(self, request, client_id):
        client = self.client(client_id)
        return Response(RoadmapSerializer(roadmap_plan(client=client)).data)


# --- rendering the PDF, and jobs ---------------------------------------------------------------------------


class RoadmapPdfRequestSerializer(serializers.Serializer):
    publish = serializers.BooleanField(default=False, help_text="Publish the document to the client's portal "
                                                                "when it is ready.")


class JobSerializer(JobStatusSerializer):
    document = serializers.SerializerMethodField(help_text="The document a finished rendering job made (or kept "
                                                           "when nothing had changed).")

    class Meta(JobStatusSerializer.Meta):
        fields = [*JobStatusSerializer.Meta.fields, "document"]
        read_only_fields = fields

    @extend_schema_field(DocumentSerializer(allow_null=True))
    def get_document(self, obj: Job):
        document = job_document(obj)
        return DocumentSerializer(document, context=self.context).data if document else None


class ClientRoadmapPdfView(_ClientView):
    @extend_schema(
        tags=["roadmap"], summary="Render the client's roadmap PDF",
        description="Starts a background job that renders the roadmap and budget PDF and stores it as the "
                    "client's next `roadmap` document (published to the portal when `publish` is true). "
                    "Follow the job at `status_url` (also in the `Location` header).",
        request=RoadmapPdfRequestSerializer,
        responses={202: JobSerializer, 400: OpenApiResponse(description="The client is archived."),
                   404: OpenApiResponse(description="No such client in your MSP.")},
    )
    def post(self, request, client_id):
        client = self.client(client_id)
        body = RoadmapPdfRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job = reports.roadmap_report_enqueue(client=client, actor=request.user, publish=body.validated_data["publish"])
        data = JobSerializer(job, context={"request": request}).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["status_url"]})


@extend_schema(tags=["jobs"])
class JobViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Background jobs (PDF renderings, imports) of the MSP, to follow their progress."""

    serializer_class = JobSerializer
    permission_classes = [IsAuthenticated, RolePermission]
    read_perm = Perm.VIEW_CLIENTS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Job.objects.none()
        return Job.objects.all()

    @extend_schema(summary="Get a job", description="Status and progress of a background job; when a rendering "
                                                    "job has succeeded, `document` names the PDF it made.")
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)


def register(router) -> None:
    router.register("jobs", JobViewSet, basename="job")


urlpatterns = [
    path("clients/<uuid:client_id>/roadmap/", ClientRoadmapView.as_view(), name="client-roadmap"),
    path("clients/<uuid:client_id>/roadmap-pdf/", ClientRoadmapPdfView.as_view(), name="client-roadmap-pdf"),
]
