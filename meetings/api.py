"""API of meetings under /api/v1/: meetings, action items and touches.

Meetings and action items are versioned records (ETag on read, If-Match required to change them); they
are never deleted (a meeting is cancelled, an action item is closed as done or dropped). Changing a
meeting's `starts_at` moves it (the invited get an update); cancelling, marking held, sending the
invitation and building the agenda are actions. Every write goes through the app's services.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time, timedelta

import django_filters
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from clients.models import Client, Contact
from msp.api import (
    ETAG,
    IF_MATCH_OPTIONAL,
    RecordViewSet,
    ScopedPrimaryKeyRelatedField,
    StaffMemberField,
    StandardPagination,
    check_if_match,
    etag_for,
)
from msp.roles import Perm

from . import agendas, services
from .choices import ActionItemSource, ActionItemStatus, MeetingKind, MeetingStatus, TouchKind
from .models import ActionItem, Meeting, Touch

READ = Perm.VIEW_CLIENTS
WRITE = Perm.EDIT_CLIENTS
NO_DELETE = ["get", "post", "put", "patch", "head", "options"]


# --- meetings ---------------------------------------------------------------------------------------------


class MeetingSerializer(serializers.ModelSerializer):
    client = ScopedPrimaryKeyRelatedField(Client, required=False, allow_null=True,
                                          help_text="Id of the client; null only for a steering meeting. "
                                                    "It never changes.")
    organizer = StaffMemberField(required=False, allow_null=True, help_text="User id of the vCIO who leads it.")
    tam = StaffMemberField(required=False, allow_null=True, help_text="User id of the TAM (steering meetings).")
    attendees = ScopedPrimaryKeyRelatedField(
        Contact, many=True, required=False,
        help_text="Ids of the client's contacts invited. Setting it replaces the list (an update is sent once "
                  "invitations went out).")

    class Meta:
        model = Meeting
        fields = ["id", "client", "kind", "status", "title", "starts_at", "duration_minutes", "time_zone",
                  "organizer", "tam", "location", "agenda", "notes", "outcome", "decision_maker_attended",
                  "attendees", "sequence", "invited_at", "reminded_at", "planned_by_scheduler", "touched",
                  "slot_date", "held_at", "cancelled_at", "cancel_reason", "version", "created_at", "updated_at"]
        read_only_fields = ["id", "status", "time_zone", "sequence", "invited_at", "reminded_at",
                            "planned_by_scheduler", "touched", "slot_date", "held_at", "cancelled_at",
                            "cancel_reason", "version", "created_at", "updated_at"]
        extra_kwargs = {
            "starts_at": {"help_text": "ISO 8601 with an offset. Changing it moves the meeting (a future time; "
                                       "the invited get an update)."},
            "title": {"required": False},
            "duration_minutes": {"required": False},
        }

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["attendees"] = [str(a.contact_id) for a in instance.attendees.all()]
        return data

    def validate(self, attrs):
        instance = self.instance
        if instance is not None:
            if "client" in attrs and (attrs["client"].pk if attrs["client"] else None) != instance.client_id:
                raise serializers.ValidationError({"client": "A meeting cannot move to another client."})
        client = attrs.get("client") if instance is None else instance.client
        foreign = [c for c in attrs.get("attendees") or [] if client is None or c.client_id != client.pk]
        if foreign:
            raise serializers.ValidationError(
                {"attendees": [f"Contact {c.pk} is not a contact of the meeting's client." for c in foreign]})
        return attrs


def _day_start(value, zone):
    return datetime.combine(value, time(0), tzinfo=zone)


class MeetingFilter(django_filters.FilterSet):
    client = django_filters.UUIDFilter(field_name="client", help_text="A client id: only this client's meetings.")
    kind = django_filters.MultipleChoiceFilter(choices=MeetingKind.choices, help_text="Repeat for several kinds.")
    status = django_filters.MultipleChoiceFilter(choices=MeetingStatus.choices,
                                                 help_text="Repeat for several statuses.")
    starts_from = django_filters.DateFilter(method="filter_from",
                                            help_text="Meetings starting on or after this day (the MSP's time zone).")
    starts_to = django_filters.DateFilter(method="filter_to",
                                          help_text="Meetings starting on or before this day (the MSP's time zone).")
    organizer = django_filters.NumberFilter(field_name="organizer", help_text="A user id: the vCIO's meetings.")

    def _zone(self):
        return zoneinfo.ZoneInfo(self.request.msp.time_zone)

    def filter_from(self, queryset, name, value):
        return queryset.filter(starts_at__gte=_day_start(value, self._zone()))

    def filter_to(self, queryset, name, value):
        return queryset.filter(starts_at__lt=_day_start(value, self._zone()) + timedelta(days=1))


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, allow_blank=True, required=False, default="",
                                   help_text="Sent to everyone invited with the cancellation.")


class HeldSerializer(serializers.Serializer):
    attended = ScopedPrimaryKeyRelatedField(Contact, many=True, required=False,
                                            help_text="Ids of the invited contacts who came.")
    decision_maker_attended = serializers.BooleanField(required=False, allow_null=True, default=None,
                                                       help_text="Worked out from `attended` when left out.")
    outcome = serializers.CharField(required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None)


class BuildAgendaSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=[("records", "records"), ("template", "template")], default="records",
                                     help_text="`records` (default): the business-first QBR agenda from the "
                                               "client's records; `template`: the template of the meeting's kind.")


@extend_schema_view(
    list=extend_schema(summary="List meetings", description="In time order. Filter by client, kind, status and "
                                                            "date range."),
    create=extend_schema(summary="Plan a meeting",
                         description="A meeting planned by hand; nothing is sent until `send` is called."),
    retrieve=extend_schema(summary="Get a meeting"),
    update=extend_schema(summary="Replace a meeting"),
    partial_update=extend_schema(summary="Change a meeting",
                                 description="A new `starts_at` moves it and sends the update to everyone invited."),
)
@extend_schema(tags=["meetings"])
class MeetingViewSet(RecordViewSet):
    """Client meetings (pre-planning, strategy, business reviews, check-ins) and internal steering meetings."""

    model = Meeting
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    search_fields = ["title", "agenda", "notes"]
    ordering_fields = ["starts_at", "title", "status", "kind", "created_at", "updated_at"]
    ordering = ["starts_at"]
    read_perm = READ
    write_perm = WRITE
    http_method_names = NO_DELETE

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Meeting.objects.none()
        return Meeting.objects.select_related("client").prefetch_related("attendees")

    def create_record(self, data: dict) -> Meeting:
        attendees = data.pop("attendees", [])
        for name in ("notes", "outcome", "decision_maker_attended"):
            data.pop(name, None)
        return services.meeting_create(msp=self.request.msp, actor=self.request.user, attendees=attendees,
                                       send_invitations=False, **data)

    def update_record(self, obj: Meeting, data: dict, *, expected_version: int) -> Meeting:
        data.pop("client", None)
        attendees = data.pop("attendees", None)
        starts_at = data.pop("starts_at", None)
        if starts_at is not None and starts_at != obj.starts_at:
            obj = services.meeting_move(meeting=obj, actor=self.request.user, starts_at=starts_at,
                                        duration_minutes=data.pop("duration_minutes", None),
                                        expected_version=expected_version)
            expected_version = obj.version
        if data:
            obj = services.meeting_update(meeting=obj, actor=self.request.user, expected_version=expected_version,
                                          **data)
        if attendees is not None:
            services.meeting_attendees_set(meeting=obj, contacts=attendees, actor=self.request.user)
        return Meeting.objects.prefetch_related("attendees").get(pk=obj.pk)

    def _answer(self, meeting: Meeting) -> Response:
        meeting = Meeting.objects.select_related("client").prefetch_related("attendees").get(pk=meeting.pk)
        return Response(self.get_serializer(meeting).data, headers={"ETag": etag_for(meeting)})

    @extend_schema(summary="Cancel a meeting", request=CancelSerializer, responses=MeetingSerializer,
                   parameters=[IF_MATCH_OPTIONAL, ETAG],
                   description="Everyone invited gets METHOD:CANCEL once invitations went out.")
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        meeting = self.get_object()
        version = check_if_match(request, meeting, required=False)
        body = CancelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._answer(services.meeting_cancel(meeting=meeting, actor=request.user,
                                                    reason=body.validated_data["reason"], expected_version=version))

    @extend_schema(summary="Mark a meeting held", request=HeldSerializer, responses=MeetingSerializer,
                   parameters=[IF_MATCH_OPTIONAL, ETAG])
    @action(detail=True, methods=["post"])
    def held(self, request, pk=None):
        meeting = self.get_object()
        version = check_if_match(request, meeting, required=False)
        body = HeldSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        return self._answer(services.meeting_mark_held(
            meeting=meeting, actor=request.user, attended=data.get("attended", []),
            decision_maker_attended=data["decision_maker_attended"], outcome=data["outcome"], notes=data["notes"],
            expected_version=version))

    @extend_schema(summary="Send the invitation", request=None, responses=MeetingSerializer, parameters=[ETAG],
                   description="Sends the invitation with the agenda (or, after a change, the update) to everyone "
                               "invited, after the request commits.")
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        return self._answer(services.meeting_invite(meeting=self.get_object(), actor=request.user))

    @extend_schema(summary="Build the agenda", request=BuildAgendaSerializer, responses=MeetingSerializer,
                   parameters=[IF_MATCH_OPTIONAL, ETAG],
                   description="Fills `agenda` from the client's records (the business-first QBR agenda: goals, "
                               "roadmap this quarter, budget, alignment, recommendations, the open action items "
                               "carried forward, the questionnaire's gaps) or from the template of the meeting's "
                               "kind. Edit it afterwards; nothing is sent.")
    @action(detail=True, methods=["post"], url_path="build-agenda")
    def build_agenda(self, request, pk=None):
        meeting = self.get_object()
        version = check_if_match(request, meeting, required=False)
        body = BuildAgendaSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        build = (agendas.meeting_agenda_build if body.validated_data["source"] == "records"
                 else agendas.meeting_agenda_from_template)
        return self._answer(build(meeting=meeting, actor=request.user, expected_version=version))


# --- action items -----------------------------------------------------------------------------------------


class ActionItemSerializer(serializers.ModelSerializer):
    meeting = ScopedPrimaryKeyRelatedField(Meeting, required=False, allow_null=True,
                                           help_text="Id of the meeting it was agreed in; it never changes.")
    client = ScopedPrimaryKeyRelatedField(Client, required=False,
                                          help_text="Id of the client; taken from the meeting when one is given.")
    owner = StaffMemberField(required=False, allow_null=True, help_text="User id of a staff member who owns it.")
    owner_contact = ScopedPrimaryKeyRelatedField(Contact, required=False, allow_null=True,
                                                 help_text="Or the id of a contact of the client who owns it.")

    class Meta:
        model = ActionItem
        fields = ["id", "meeting", "client", "source", "text", "owner", "owner_contact", "due_on", "status",
                  "done_at", "version", "created_at", "updated_at"]
        read_only_fields = ["id", "source", "done_at", "version", "created_at", "updated_at"]

    def validate(self, attrs):
        instance = self.instance
        if instance is not None:
            for name in ("meeting", "client"):
                if name in attrs and getattr(attrs[name], "pk", None) != getattr(instance, f"{name}_id"):
                    raise serializers.ValidationError({name: "An action item stays with its meeting and client."})
        elif attrs.get("meeting") is None and attrs.get("client") is None:
            raise serializers.ValidationError({"client": "Give the meeting or the client."})
        return attrs


class ActionItemFilter(django_filters.FilterSet):
    client = django_filters.UUIDFilter(field_name="client")
    meeting = django_filters.UUIDFilter(field_name="meeting")
    status = django_filters.MultipleChoiceFilter(choices=ActionItemStatus.choices)
    owner = django_filters.NumberFilter(field_name="owner", help_text="A user id.")
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte", help_text="Due on or before.")
    due_after = django_filters.DateFilter(field_name="due_on", lookup_expr="gte", help_text="Due on or after.")
    overdue = django_filters.BooleanFilter(method="filter_overdue",
                                           help_text="`true`: open and past their due date (the MSP's today).")

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate(timezone=zoneinfo.ZoneInfo(self.request.msp.time_zone))
        overdue = {"status": ActionItemStatus.OPEN, "due_on__lt": today}
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)


@extend_schema_view(
    list=extend_schema(summary="List action items"),
    create=extend_schema(summary="Add an action item"),
    retrieve=extend_schema(summary="Get an action item"),
    update=extend_schema(summary="Replace an action item"),
    partial_update=extend_schema(summary="Change an action item",
                                 description="Close it by setting `status` to `done` or `dropped`."),
)
@extend_schema(tags=["action-items"])
class ActionItemViewSet(RecordViewSet):
    """What was agreed with a client: text, owner (staff or a client contact), due date, status. Open ones
    carry forward into the client's next meeting."""

    model = ActionItem
    serializer_class = ActionItemSerializer
    filterset_class = ActionItemFilter
    search_fields = ["text"]
    ordering_fields = ["due_on", "status", "created_at", "updated_at"]
    ordering = ["due_on", "created_at"]
    read_perm = READ
    write_perm = WRITE
    http_method_names = NO_DELETE

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ActionItem.objects.none()
        return ActionItem.objects.select_related("client", "meeting")

    def create_record(self, data: dict) -> ActionItem:
        status = data.pop("status", ActionItemStatus.OPEN)
        source = ActionItemSource.MEETING if data.get("meeting") else ActionItemSource.OTHER
        item = services.action_item_create(actor=self.request.user, source=source, **data)
        if status != ActionItemStatus.OPEN:
            item = services.action_item_update(item=item, actor=self.request.user, status=status)
        return item

    def update_record(self, obj: ActionItem, data: dict, *, expected_version: int) -> ActionItem:
        data.pop("meeting", None)
        data.pop("client", None)
        return services.action_item_update(item=obj, actor=self.request.user, expected_version=expected_version,
                                           **data)


# --- touches ----------------------------------------------------------------------------------------------


class TouchSerializer(serializers.ModelSerializer):
    client = ScopedPrimaryKeyRelatedField(Client, help_text="Id of the client.")
    contact = ScopedPrimaryKeyRelatedField(Contact, required=False, allow_null=True,
                                           help_text="Id of the client's contact it was with.")

    class Meta:
        model = Touch
        fields = ["id", "client", "kind", "at", "by", "contact", "note", "created_at"]
        read_only_fields = ["id", "by", "created_at"]
        extra_kwargs = {"at": {"required": False, "help_text": "When it happened; now when left out."}}


class TouchFilter(django_filters.FilterSet):
    client = django_filters.UUIDFilter(field_name="client")
    kind = django_filters.MultipleChoiceFilter(choices=TouchKind.choices)
    at_from = django_filters.DateTimeFilter(field_name="at", lookup_expr="gte")
    at_to = django_filters.DateTimeFilter(field_name="at", lookup_expr="lt")


@extend_schema_view(
    list=extend_schema(summary="List unique touches"),
    create=extend_schema(summary="Log a unique touch"),
    retrieve=extend_schema(summary="Get a unique touch"),
)
@extend_schema(tags=["touches"])
class TouchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                   viewsets.GenericViewSet):
    """Proactive contacts with a client's decision maker (call, email, visit, video call). Logged, never
    changed."""

    serializer_class = TouchSerializer
    filterset_class = TouchFilter
    pagination_class = StandardPagination
    ordering_fields = ["at", "created_at"]
    ordering = ["-at"]
    permission_classes = RecordViewSet.permission_classes
    read_perm = READ
    write_perm = WRITE

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Touch.objects.none()
        return Touch.objects.select_related("client")

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.touch_log(client=data["client"], actor=self.request.user, kind=data["kind"],
                                                 at=data.get("at"), contact=data.get("contact"),
                                                 note=data.get("note", ""))


def register(router) -> None:
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("meetings", MeetingViewSet, basename="meeting")
    router.register("action-items", ActionItemViewSet, basename="action-item")
    router.register("touches", TouchViewSet, basename="touch")

