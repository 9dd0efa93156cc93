"""The playbook over the API: objectives, escalations, and a vCIO's year as the monthly table."""

from __future__ import annotations

import zoneinfo

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from clients.models import Client
from msp.api import OPTIONAL_DAY, RecordViewSet, ScopedPrimaryKeyRelatedField, StaffMemberField
from msp.api_auth import RolePermission
from msp.models import User
from msp.roles import Perm, can

from . import services
from .filters import EscalationFilter, ObjectiveFilter
from .models import Escalation, Objective
from .periods import PeriodError, period_parse
from .scorecard import scorecard_build
from .selectors import ACTIVITIES, playbook_vcios, playbook_year


class PlaybookVcioField(StaffMemberField):
    """A user id that must be a vCIO with a playbook in the request's MSP (same answer for any other id)."""

    default_error_messages = {"does_not_exist": "User {pk_value} is not a vCIO of your MSP."}

    def get_queryset(self):
        msp = getattr(self.context.get("request"), "msp", None)
        return playbook_vcios(msp=msp) if msp is not None else User.objects.none()


class PlaybookObjectiveSerializer(serializers.ModelSerializer):
    vcio = PlaybookVcioField(help_text="User id of the vCIO.")
    weekly = serializers.SerializerMethodField(help_text="The weekly target: annual / 52, one decimal.")

    class Meta:
        model = Objective
        fields = ["id", "vcio", "year", "activity", "annual", "weekly", "version", "created_at", "updated_at"]
        read_only_fields = ["id", "version", "created_at", "updated_at"]

    def get_weekly(self, obj: Objective) -> str:
        return f"{obj.annual / 52:.1f}"



class PlaybookObjectiveChangeSerializer(PlaybookObjectiveSerializer):
    """Changing an objective changes its figure; who, which year and which activity stay."""

    vcio = serializers.IntegerField(source="vcio_id", read_only=True)

    class Meta(PlaybookObjectiveSerializer.Meta):
        read_only_fields = ["id", "vcio", "year", "activity", "version", "created_at", "updated_at"]


class EscalationSerializer(serializers.ModelSerializer):
    client = ScopedPrimaryKeyRelatedField(Client, help_text="The client the issue was with.")
    vcio = PlaybookVcioField(help_text="User id of the vCIO whose playbook it counts in.")

    class Meta:
        model = Escalation
        fields = ["id", "client", "vcio", "occurred_on", "summary", "source", "archived_at", "version",
                  "created_at", "updated_at"]
        read_only_fields = ["id", "archived_at", "version", "created_at", "updated_at"]



@extend_schema(tags=["playbook"])
class PlaybookObjectiveViewSet(RecordViewSet):
    """Yearly objectives per vCIO and activity (set by the owner); a vCIO sees their own."""

    model = Objective
    serializer_class = PlaybookObjectiveSerializer
    filterset_class = ObjectiveFilter
    ordering = ["year", "activity"]
    read_perm = Perm.VIEW_PLAYBOOK
    write_perm = Perm.SET_OBJECTIVES
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        qs = super().get_queryset()
        if getattr(self, "swagger_fake_view", False) or can(self.request.role, Perm.VIEW_ALL_PLAYBOOKS):
            return qs
        return qs.filter(vcio=self.request.user)

    def get_serializer_class(self):
        if self.action in {"update", "partial_update"}:
            return PlaybookObjectiveChangeSerializer
        return PlaybookObjectiveSerializer

    def create_record(self, data: dict) -> Objective:
        if Objective.objects.filter(vcio=data["vcio"], year=data["year"], activity=data["activity"]).exists():
            raise exceptions.ValidationError({"activity": ["This vCIO already has an objective for this activity "
                                                           "and year; change that one."]})
        [objective] = services.objectives_set(msp=self.request.msp, vcio=data["vcio"], year=data["year"],
                                              actor=self.request.user, annual={data["activity"]: data["annual"]})
        return objective

    def update_record(self, obj: Objective, data: dict, *, expected_version: int) -> Objective:
        [objective] = services.objectives_set(msp=self.request.msp, vcio=obj.vcio, year=obj.year,
                                              actor=self.request.user,
                                              annual={obj.activity: data.get("annual", obj.annual)})
        return objective


@extend_schema(tags=["playbook"])
class EscalationViewSet(RecordViewSet):
    """Escalated issues, each counting once in its vCIO's playbook (DELETE archives)."""

    model = Escalation
    serializer_class = EscalationSerializer
    filterset_class = EscalationFilter
    ordering = ["-occurred_on", "-created_at"]
    read_perm = Perm.VIEW_CLIENTS
    write_perm = Perm.LOG_ESCALATIONS

    def create_record(self, data: dict) -> Escalation:
        return services.escalation_create(actor=self.request.user, **data)

    def update_record(self, obj: Escalation, data: dict, *, expected_version: int) -> Escalation:
        return services.escalation_update(escalation=obj, actor=self.request.user, expected_version=expected_version,
                                          **data)

    def archive_record(self, obj: Escalation) -> None:
        services.escalation_archive(escalation=obj, actor=self.request.user)


class PaceSerializer(serializers.Serializer):
    activity = serializers.CharField()
    label = serializers.CharField()
    annual = serializers.IntegerField()
    weekly = serializers.DecimalField(max_digits=8, decimal_places=1)
    actual = serializers.IntegerField()
    expected = serializers.DecimalField(max_digits=9, decimal_places=1)
    pace = serializers.CharField(help_text="ahead, on_pace or behind")


class MonthSerializer(serializers.Serializer):
    month = serializers.CharField()
    counts = serializers.DictField(child=serializers.IntegerField())


class PlaybookYearSerializer(serializers.Serializer):
    vcio = serializers.IntegerField()
    year = serializers.IntegerField()
    as_of = serializers.DateField()
    months = MonthSerializer(many=True)
    totals = serializers.DictField(child=serializers.IntegerField())
    paces = PaceSerializer(many=True)


class PlaybookActivitiesView(APIView):
    """A vCIO's year as the monthly table of the playbook page."""

    permission_classes = [IsAuthenticated, RolePermission]
    read_perm = Perm.VIEW_PLAYBOOK

    @extend_schema(
        tags=["playbook"], summary="A vCIO's playbook year",
        parameters=[OpenApiParameter("vcio", int, description="User id; a vCIO may only ask for their own "
                                                              "(the default)."),
                    OpenApiParameter("year", int, description="2000-2100; the current year by default.")],
        responses={200: PlaybookYearSerializer, 400: OpenApiResponse(description="A bad vcio or year."),
                   404: OpenApiResponse(description="No such vCIO in your MSP.")},
    )
    def get(self, request):
        today = timezone.localdate(timezone=zoneinfo.ZoneInfo(request.msp.time_zone))
        year = _int_param(request, "year", today.year, 2000, 2100)
        vcio_id = _int_param(request, "vcio", request.user.pk, 1, 2**31 - 1)
        if vcio_id != request.user.pk and not can(request.role, Perm.VIEW_ALL_PLAYBOOKS):
            raise exceptions.NotFound("No such vCIO in your MSP.")
        vcio = playbook_vcios(msp=request.msp).filter(pk=vcio_id).first()
        if vcio is None:
            raise exceptions.NotFound("No such vCIO in your MSP.")
        data = playbook_year(msp=request.msp, vcio=vcio, year=year, as_of=today)
        return Response(PlaybookYearSerializer({
            "vcio": vcio.pk, "year": year, "as_of": data.as_of,
            "months": [{"month": name, "counts": {a.value: n for a, n in zip(ACTIVITIES, counts, strict=True)}}
                       for name, counts in data.months],
            "totals": data.totals,
            "paces": [p.__dict__ for p in data.paces],
        }).data)


def _int_param(request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name, "")
    if raw == "":
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise exceptions.ValidationError({name: [f"A whole number from {low} to {high}."]})
    return int(raw)


def register(router) -> None:
    router.register("playbook/objectives", PlaybookObjectiveViewSet, basename="playbook-objective")
    router.register("escalations", EscalationViewSet, basename="escalation")


class ScorecardFigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    guide = serializers.CharField()
    value = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True,
                                     help_text="What is rated (a share in %, a count, money per vCIO).")
    display = serializers.CharField()
    detail = serializers.CharField()
    rating = serializers.CharField(help_text="green, amber, red or none")


class ScorecardColumnSerializer(serializers.Serializer):
    vcio = serializers.IntegerField(allow_null=True, help_text="User id; null for the whole MSP.")
    label = serializers.CharField()
    figures = ScorecardFigureSerializer(many=True)


class ScorecardSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    columns = ScorecardColumnSerializer(many=True)


class ScorecardView(APIView):
    """The owner's scorecard: the page's figures per vCIO and for the MSP; a vCIO gets their own column."""

    permission_classes = [IsAuthenticated, RolePermission]
    read_perm = Perm.VIEW_SCORECARD

    @extend_schema(
        tags=["scorecard"], summary="The vCIO scorecard for a period",
        parameters=[
            OpenApiParameter("start", OPTIONAL_DAY, description="YYYY-MM-DD; a year before `end` by default."),
            OpenApiParameter("end", OPTIONAL_DAY, description="YYYY-MM-DD; today by default. At most three years.")],
        responses={200: ScorecardSerializer, 400: OpenApiResponse(description="A bad or too long period.")},
    )
    def get(self, request):
        try:
            period = period_parse(msp=request.msp, start=request.query_params.get("start", "").strip(),
                                  end=request.query_params.get("end", "").strip())
        except PeriodError as error:
            raise exceptions.ValidationError({"period": [str(error)]}) from None
        own = not can(request.role, Perm.VIEW_ALL_SCORECARD)
        card = scorecard_build(msp=request.msp, period=period, only_vcio=request.user if own else None)
        return Response(ScorecardSerializer({
            "start": period.start, "end": period.end,
            "columns": [{"vcio": c.vcio.pk if c.vcio else None, "label": c.label,
                         "figures": [{"key": f.key, "label": f.label, "guide": f.guide, "value": f.value,
                                      "display": f.display, "detail": f.detail, "rating": f.rating}
                                     for f in c.figures.values()]} for c in card.columns],
        }).data)
