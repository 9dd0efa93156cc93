"""The client survey over the API.

- `/api/v1/surveys/`: surveys with their current questions; the owner creates and edits them (`question_texts`,
  one string per question; editing makes a new version, past answers keep their words). DELETE archives.
- `/api/v1/survey-campaigns/`: the yearly campaigns; the owner plans one (survey, year, date, reminders) and
  may change or cancel (DELETE) it until the daily task sends it.
- `/api/v1/survey-invitations/`: every decision maker asked, with the invitation's state and, for an open
  one, its link (to resend by hand).
- `/api/v1/survey-results/`: the figures by year for the MSP, one vCIO's clients (`vcio`) or one client
  (`client`), optionally one `year`.
- `/api/v1/public/surveys/{token}/`: the decision maker's form as JSON, no login (the signed token is the
  key): GET the questions, POST `{"answers": {"<question id>": <score>}, "comment": "..."}`. Rate limited.
"""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from clients.models import Client
from msp.api import RecordViewSet, ScopedPrimaryKeyRelatedField, StandardPagination
from msp.api_auth import RolePermission
from msp.models import User
from msp.permissions import PUBLIC
from msp.roles import Perm
from msp.tenancy import get_in_scope, tenant_scope

from . import selectors, services
from .choices import MAX_QUESTIONS, SCORE_MAX, SCORE_MIN, CampaignStatus, InvitationState
from .models import Survey, SurveyCampaign, SurveyInvitation, SurveyQuestion
from .ratelimit import client_ip, survey_link_allowed
from .tokens import survey_link
from .views_public import open_invitation

# --- surveys ---------------------------------------------------------------------------------------


class QuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = SurveyQuestion
        fields = ["id", "position", "text"]


class SurveySerializer(serializers.ModelSerializer):
    questions = QuestionSerializer(many=True, read_only=True, source="current_questions",
                                   help_text="The current questions, in order.")
    question_texts = serializers.ListField(
        child=serializers.CharField(max_length=300), write_only=True, min_length=1, max_length=MAX_QUESTIONS,
        help_text="The questions' words, in order. A question whose words change is replaced by a new one.")

    class Meta:
        model = Survey
        fields = ["id", "name", "is_default", "version", "questions", "question_texts", "archived_at",
                  "created_at", "updated_at"]
        read_only_fields = ["is_default", "version", "archived_at", "created_at", "updated_at"]


def _with_questions(queryset):
    return queryset.prefetch_related(Prefetch(
        "questions", queryset=SurveyQuestion.objects.filter(retired_at__isnull=True).order_by("position"),
        to_attr="current_questions"))


@extend_schema(tags=["surveys"])
class SurveyViewSet(RecordViewSet):
    """The MSP's surveys. Reading needs the staff's read permission; changing them is the owner's."""

    model = Survey
    serializer_class = SurveySerializer
    read_perm = Perm.VIEW_CLIENTS
    write_perm = Perm.MANAGE_SURVEYS
    ordering = ["-is_default", "name"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Survey.objects.none()
        return _with_questions(super().get_queryset())

    def _reload(self, survey: Survey) -> Survey:
        return _with_questions(Survey.objects.filter(pk=survey.pk)).get()

    def create_record(self, data: dict):
        is_default = not Survey.objects.filter(is_default=True).exists()
        return self._reload(services.survey_create(msp=self.request.msp, actor=self.request.user, name=data["name"],
                                                   questions=data["question_texts"], is_default=is_default))

    def update_record(self, obj, data: dict, *, expected_version: int):
        questions = data.get("question_texts") or [q.text for q in obj.current_questions]
        return self._reload(services.survey_update(survey=obj, actor=self.request.user, name=data.get("name"),
                                                   questions=questions, expected_version=expected_version))

    def archive_record(self, obj) -> None:
        services.survey_archive(survey=obj, actor=self.request.user)


# --- campaigns -------------------------------------------------------------------------------------


class CampaignSerializer(serializers.ModelSerializer):
    survey = ScopedPrimaryKeyRelatedField(Survey)
    reminder_days = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=119), max_length=5,
                                          help_text="Days after sending when the unanswered get a reminder.")

    class Meta:
        model = SurveyCampaign
        fields = ["id", "survey", "year", "send_on", "open_days", "reminder_days", "status", "sent_at", "closed_at",
                  "version", "created_at", "updated_at"]
        read_only_fields = ["status", "sent_at", "closed_at", "version", "created_at", "updated_at"]


class CampaignFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter()
    status = django_filters.ChoiceFilter(choices=CampaignStatus.choices)


@extend_schema(tags=["surveys"])
class CampaignViewSet(RecordViewSet):
    """The yearly campaigns. DELETE cancels a campaign that has not been sent."""

    model = SurveyCampaign
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilter
    read_perm = Perm.VIEW_CLIENTS
    write_perm = Perm.MANAGE_SURVEYS
    ordering = ["-year"]

    def get_queryset(self):
        return super().get_queryset().select_related("survey")

    def create_record(self, data: dict):
        return services.campaign_create(msp=self.request.msp, actor=self.request.user, **data)

    def update_record(self, obj, data: dict, *, expected_version: int):
        return services.campaign_update(campaign=obj, actor=self.request.user, expected_version=expected_version,
                                        **data)

    def archive_record(self, obj) -> None:
        services.campaign_cancel(campaign=obj, actor=self.request.user)


# --- invitations -----------------------------------------------------------------------------------


class InvitationSerializer(serializers.ModelSerializer):
    state = serializers.SerializerMethodField(help_text="open, answered or expired.")
    link = serializers.SerializerMethodField(help_text="The personal link of an open invitation (empty otherwise).")
    year = serializers.IntegerField(source="campaign.year", read_only=True)
    contact_name = serializers.CharField(source="contact.name", read_only=True)

    class Meta:
        model = SurveyInvitation
        fields = ["id", "campaign", "year", "client", "contact", "contact_name", "email", "sent_at", "expires_at",
                  "reminders_sent", "last_reminded_at", "answered_at", "state", "link"]

    @extend_schema_field(serializers.ChoiceField(choices=InvitationState.choices))
    def get_state(self, obj: SurveyInvitation) -> str:
        return obj.state()

    @extend_schema_field(OpenApiTypes.URI)
    def get_link(self, obj: SurveyInvitation) -> str:
        return survey_link(obj) if obj.state() == InvitationState.OPEN else ""


class InvitationFilter(django_filters.FilterSet):
    campaign = django_filters.UUIDFilter(field_name="campaign_id")
    client = django_filters.UUIDFilter(field_name="client_id")
    answered = django_filters.BooleanFilter(field_name="answered_at", lookup_expr="isnull", exclude=True,
                                            help_text="true: answered only; false: not answered.")


@extend_schema(tags=["surveys"])
class InvitationViewSet(viewsets.ReadOnlyModelViewSet):
    """Each decision maker asked, by campaign. Read-only: the daily task makes them when it sends."""

    serializer_class = InvitationSerializer
    filterset_class = InvitationFilter
    pagination_class = StandardPagination
    permission_classes = [IsAuthenticated, RolePermission]
    read_perm = Perm.EDIT_CLIENTS  # the links are keys to answer as the client
    ordering = ["client__name"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SurveyInvitation.objects.none()
        return SurveyInvitation.objects.select_related("campaign", "contact", "client")

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)


# --- results ---------------------------------------------------------------------------------------


class QuestionFiguresSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    text = serializers.CharField()
    answers = serializers.IntegerField()
    average = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    share_on_target = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True,
                                               help_text="Percent of answers of 8 or more.")
    below_target = serializers.IntegerField(help_text="Answers below 8.")


class YearFiguresSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    campaign = serializers.UUIDField(source="campaign.pk")
    invited = serializers.IntegerField()
    responded = serializers.IntegerField()
    response_rate = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True,
                                             help_text="Percent of invitations answered.")
    average = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    share_on_target = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    questions = QuestionFiguresSerializer(many=True)


class ResultsQuerySerializer(serializers.Serializer):
    client = serializers.UUIDField(required=False)
    vcio = serializers.IntegerField(required=False)
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)


class ResultsView(APIView):
    """The survey's figures by year, newest first."""

    permission_classes = [IsAuthenticated, RolePermission]
    read_perm = Perm.VIEW_CLIENTS

    @extend_schema(
        tags=["surveys"], summary="Survey results",
        parameters=[OpenApiParameter("client", OpenApiTypes.UUID, description="One client's results."),
                    OpenApiParameter("vcio", OpenApiTypes.INT, description="The clients of one vCIO (user id)."),
                    OpenApiParameter("year", OpenApiTypes.INT, description="One campaign year.")],
        responses={200: YearFiguresSerializer(many=True), 400: OpenApiResponse(description="A bad parameter."),
                   404: OpenApiResponse(description="No such client or vCIO in your MSP.")},
    )
    def get(self, request):
        query = ResultsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        client = get_in_scope(Client, pk=params["client"]) if "client" in params else None
        vcio_id = params.get("vcio")
        if vcio_id is not None and not User.objects.filter(
                pk=vcio_id, memberships__msp=request.msp, memberships__removed_at__isnull=True).exists():
            raise exceptions.NotFound()
        years = selectors.survey_results(client=client, vcio_id=vcio_id, year=params.get("year"))
        return Response(YearFiguresSerializer(years, many=True).data)


# --- the public form -------------------------------------------------------------------------------


class PublicQuestionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    position = serializers.IntegerField()
    text = serializers.CharField()


class PublicSurveySerializer(serializers.Serializer):
    msp = serializers.CharField(help_text="The MSP asking.")
    client = serializers.CharField(help_text="The client the answers are for.")
    year = serializers.IntegerField()
    state = serializers.ChoiceField(choices=InvitationState.choices)
    closes_at = serializers.DateTimeField()
    scale = serializers.ListField(child=serializers.IntegerField(), help_text="The allowed scores, 1 to 10.")
    questions = PublicQuestionSerializer(many=True)


class PublicAnswerSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.JSONField(allow_null=True), allow_empty=True,
        help_text="Question id -> score, a whole number from 1 to 10, for every question.")
    comment = serializers.CharField(required=False, allow_blank=True, max_length=services.COMMENT_LIMIT)


class PublicSurveyView(APIView):
    """The decision maker's survey as JSON: no login, the signed token is the key. A token that is not
    genuine, or names another MSP's invitation, is 404; an answered one 409; an expired one 410."""

    route_permission = PUBLIC
    authentication_classes: list = []
    permission_classes = [RolePermission]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not survey_link_allowed(ip=client_ip(request), token=kwargs.get("token", "")):
            raise exceptions.Throttled(wait=600)

    def _invitation_do(self, token: str, do):
        found = open_invitation(token)
        if found is None:
            raise exceptions.NotFound("This survey link is not valid.")
        msp, invitation_id = found
        with tenant_scope(msp):
            invitation = selectors.invitation_for_link(invitation_id=invitation_id)
            if invitation is None:
                raise exceptions.NotFound("This survey link is not valid.")
            return do(invitation)

    def _payload(self, invitation: SurveyInvitation) -> dict:
        return {
            "msp": invitation.msp.name, "client": invitation.client.name, "year": invitation.campaign.year,
            "state": invitation.state(), "closes_at": invitation.expires_at,
            "scale": list(range(SCORE_MIN, SCORE_MAX + 1)),
            "questions": [{"id": q.pk, "position": q.position, "text": q.text}
                          for q in selectors.survey_questions(survey=invitation.campaign.survey)],
        }

    @extend_schema(tags=["public"], summary="The survey behind a link", auth=[],
                   responses={200: PublicSurveySerializer, 404: OpenApiResponse(description="Not a valid link."),
                              429: OpenApiResponse(description="Too many requests; try again later.")})
    def get(self, request, token):
        return self._invitation_do(token, lambda inv: Response(PublicSurveySerializer(self._payload(inv)).data))

    @extend_schema(tags=["public"], summary="Answer the survey", auth=[], request=PublicAnswerSerializer,
                   responses={201: PublicSurveySerializer,
                              400: OpenApiResponse(description="`{\"answers\": {\"<question id>\": [message]}}` "
                                                               "for each missing, unknown or invalid answer."),
                              404: OpenApiResponse(description="Not a valid link."),
                              409: OpenApiResponse(description="Already answered."),
                              410: OpenApiResponse(description="The survey has closed."),
                              429: OpenApiResponse(description="Too many requests; try again later.")})
    def post(self, request, token):
        body = PublicAnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)

        def submit(invitation: SurveyInvitation):
            state = invitation.state()
            if state == InvitationState.ANSWERED:
                return Response({"detail": "This survey has already been answered."}, status=status.HTTP_409_CONFLICT)
            if state == InvitationState.EXPIRED:
                return Response({"detail": "This survey has closed."}, status=status.HTTP_410_GONE)
            try:
                services.survey_response_submit(invitation=invitation, answers=body.validated_data["answers"],
                                                comment=body.validated_data.get("comment", ""))
            except services.AnswersInvalid as exc:
                return Response({"answers": {qid: [msg] for qid, msg in exc.by_question.items()}},
                                status=status.HTTP_400_BAD_REQUEST)
            except ValidationError as exc:
                return Response(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages},
                                status=status.HTTP_400_BAD_REQUEST)
            invitation.refresh_from_db()
            return Response(PublicSurveySerializer(self._payload(invitation)).data, status=status.HTTP_201_CREATED)

        return self._invitation_do(token, submit)


def register(router) -> None:
    router.register("surveys", SurveyViewSet, basename="survey")
    router.register("survey-campaigns", CampaignViewSet, basename="survey-campaign")
    router.register("survey-invitations", InvitationViewSet, basename="survey-invitation")


urlpatterns = [
    path("survey-results/", ResultsView.as_view(), name="survey-results"),
    path("public/surveys/<str:token>/", PublicSurveyView.as_view(), name="public-survey"),
]
