"""API of alignment reviews under /api/v1/: reviews (schedule, read with scores and answers, bulk answers,
complete) and recommendations (RecordViewSet style: ETag / If-Match, archive on DELETE).

Serializers validate input (foreign keys inside the tenant scope); every write goes through
alignment.services; every score comes from alignment.scoring through alignment.selectors.
"""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response as ApiResponse

from clients.models import Client
from msp.api import (
    ETAG,
    IF_MATCH_OPTIONAL,
    ArchivedFilterSet,
    RecordViewSet,
    ScopedPrimaryKeyRelatedField,
    StaffMemberField,
    check_if_match,
    etag_for,
)
from msp.roles import Perm
from standards.choices import Frequency, Priority
from standards.models import Category

from . import scoring, selectors, services
from .choices import RecommendationStatus, Response, ReviewStatus
from .models import Answer, Recommendation, Review

# --- reviews --------------------------------------------------------------------------------------------


# Frequencies and the review status are described without a second named enum: the library's standards already
# define the frequency enum, and a review's status appears in both the list and the detail component.
FREQUENCY_TEXT = "Any of: " + ", ".join(Frequency.values) + "."


@extend_schema_field({"type": "array", "items": {"type": "string"}, "description": FREQUENCY_TEXT})
class FrequencyListField(serializers.ListField):
    child = serializers.ChoiceField(choices=Frequency.choices)


@extend_schema_field({"$ref": "#/components/schemas/ReviewStatusEnum"})
class ReviewStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=ReviewStatus.choices, **kwargs)


class CategoryScoreSerializer(serializers.Serializer):
    category = serializers.UUIDField(source="category_id", help_text="Id of the category.")
    name = serializers.CharField()
    aligned = serializers.IntegerField(source="tally.aligned")
    misaligned = serializers.IntegerField(source="tally.misaligned")
    not_applicable = serializers.IntegerField(source="tally.not_applicable")
    unanswered = serializers.IntegerField(source="tally.unanswered")
    score = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True,
                                     help_text="0-100 with one decimal; null when nothing in it is applicable.")


class EvidenceRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    content_type = serializers.CharField()
    size = serializers.IntegerField(help_text="Bytes.")
    original_name = serializers.CharField()


class AnswerSerializer(serializers.ModelSerializer):
    """An answer with the exact text it was asked with (the standard's pinned revision)."""

    standard_name = serializers.CharField(source="standard.name", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    revision = serializers.IntegerField(source="revision.number", read_only=True,
                                        help_text="Number of the standard's text revision the answer is pinned to.")
    question = serializers.CharField(source="revision.question", read_only=True)
    why = serializers.CharField(source="revision.why", read_only=True)
    how = serializers.CharField(source="revision.how", read_only=True)
    evidence = serializers.SerializerMethodField()
    # Declared so the schema's enum includes the empty value an unanswered answer carries.
    response = serializers.ChoiceField(choices=Response.choices, allow_blank=True, read_only=True,
                                       help_text="`aligned`, `misaligned` or `not_applicable`; empty (`\"\"`) "
                                                 "while the standard is not answered yet.")

    class Meta:
        model = Answer
        fields = ["id", "standard", "standard_name", "category", "category_name", "revision", "question", "why",
                  "how", "priority", "position", "response", "note", "answered_by", "answered_at", "evidence",
                  "version"]
        read_only_fields = fields

    @extend_schema_field(EvidenceRefSerializer(many=True))
    def get_evidence(self, obj: Answer):
        return EvidenceRefSerializer([e for e in obj.evidence.all() if e.archived_at is None], many=True).data


class ReviewSerializer(serializers.ModelSerializer):
    """A review as listed: status, progress and score."""

    categories = serializers.PrimaryKeyRelatedField(source="scope_categories", many=True, read_only=True,
                                                    pk_field=serializers.UUIDField())
    tags = serializers.ListField(source="scope_tags", child=serializers.CharField(), read_only=True)
    frequencies = FrequencyListField(source="scope_frequencies", read_only=True)
    score = serializers.SerializerMethodField(
        help_text="The alignment score (0-100, one decimal): stored at completion; for an open review, the score of "
                  "the answers given so far. Null when nothing applicable is answered.")
    answered = serializers.SerializerMethodField()
    total = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = ["id", "client", "title", "scheduled_for", "tam", "status", "categories", "tags", "frequencies",
                  "created_by", "started_at", "completed_at", "completed_by", "score", "answered", "total",
                  "summary", "summary_completed_at", "summary_completed_by", "version", "created_at", "updated_at"]
        read_only_fields = fields

    def _tally(self, obj: Review) -> scoring.Tally:
        cached = getattr(obj, "_tally", None)
        if cached is None:
            cached = obj._tally = selectors.review_progress(review=obj)
        return cached

    @extend_schema_field(serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True))
    def get_score(self, obj: Review):
        value = obj.score if obj.status == ReviewStatus.COMPLETED else self._tally(obj).score
        return None if value is None else f"{value:.1f}"

    @extend_schema_field(serializers.IntegerField(help_text="Standards answered so far."))
    def get_answered(self, obj: Review) -> int:
        return self._tally(obj).answered

    @extend_schema_field(serializers.IntegerField(help_text="Standards in the review."))
    def get_total(self, obj: Review) -> int:
        return self._tally(obj).total


class ReviewDetailSerializer(ReviewSerializer):
    """A review with its per-category scores and every answer (each with its version)."""

    status = ReviewStatusField(read_only=True)
    category_scores = serializers.SerializerMethodField()
    answers = serializers.SerializerMethodField()

    class Meta(ReviewSerializer.Meta):
        fields = [*ReviewSerializer.Meta.fields, "category_scores", "answers"]
        read_only_fields = fields

    @extend_schema_field(CategoryScoreSerializer(many=True))
    def get_category_scores(self, obj: Review):
        return CategoryScoreSerializer(selectors.review_scores(review=obj).categories, many=True).data

    @extend_schema_field(AnswerSerializer(many=True))
    def get_answers(self, obj: Review):
        return AnswerSerializer(selectors.review_answers(review=obj), many=True).data


class ReviewScheduleSerializer(serializers.Serializer):
    """Schedule a review: one unanswered answer per active standard in the scope."""

    client = ScopedPrimaryKeyRelatedField(Client, help_text="Id of the client to review.")
    title = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                  help_text="Default: “Alignment review <Month YYYY>” of the date.")
    scheduled_for = serializers.DateField(required=False, allow_null=True)
    tam = StaffMemberField(help_text="User id of who answers on site: a TAM, vCIO or owner of your MSP.")
    categories = ScopedPrimaryKeyRelatedField(Category, many=True, required=False,
                                              help_text="Only standards in these categories (empty: all).")
    tags = serializers.ListField(child=serializers.CharField(max_length=40), required=False,
                                 help_text="Only standards carrying one of these tags (empty: any).")
    frequencies = FrequencyListField(required=False,
                                     help_text="Only standards with one of these review frequencies (empty: all).")


class AnswerChangeSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="Id of an answer of this review.")
    response = serializers.ChoiceField(choices=Response.choices, required=False,
                                       help_text="Omit to keep the stored response.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000,
                                 help_text="Omit to keep the stored note.")
    version = serializers.IntegerField(min_value=1, help_text="The answer's version as you last read it.")


STALE_ANSWERS = inline_serializer("StaleAnswers", fields={
    "detail": serializers.CharField(),
    "stale": inline_serializer("StaleAnswer", fields={
        "id": serializers.UUIDField(), "version": serializers.IntegerField(help_text="Its current version.")},
        many=True),
})


def _attach_tallies(reviews: list[Review]) -> None:
    """Progress and live score of a page of reviews from one query (not one per review)."""
    rows = Answer.objects.filter(review__in=reviews).values_list("review_id", "response", "priority")
    tallies = scoring.tally_by_category(rows)
    for review in reviews:
        review._tally = tallies.get(review.pk, scoring.Tally())


class ReviewFilter(django_filters.FilterSet):
    client = django_filters.UUIDFilter(field_name="client_id", help_text="Reviews of this client.")
    status = django_filters.ChoiceFilter(choices=ReviewStatus.choices)
    tam = django_filters.NumberFilter(field_name="tam_id", help_text="Reviews assigned to this user id.")


@extend_schema_view(
    list=extend_schema(summary="List reviews", description="Newest first. Each carries its score and progress."),
    create=extend_schema(summary="Schedule a review", request=ReviewScheduleSerializer,
                         responses={201: ReviewDetailSerializer}),
    retrieve=extend_schema(summary="Get a review",
                           description="With `score`, `category_scores` and every answer (with its version)."),
)
@extend_schema(tags=["reviews"])
class ReviewViewSet(RecordViewSet):
    """Alignment reviews of the MSP's clients."""

    model = Review
    serializer_class = ReviewSerializer
    filterset_class = ReviewFilter
    search_fields = ["title", "client__name"]
    ordering_fields = ["scheduled_for", "completed_at", "created_at", "status", "score"]
    ordering = ["-scheduled_for", "-created_at"]
    read_perm = Perm.VIEW_CLIENTS
    http_method_names = ["get", "post", "head", "options"]

    @property
    def write_perm(self) -> str:
        if self.action in {"answers", "complete"}:
            return Perm.ANSWER_REVIEWS
        return Perm.SCHEDULE_REVIEWS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Review.objects.none()
        return Review.objects.select_related("client").prefetch_related("scope_categories")

    def get_serializer_class(self):
        if self.action == "create":
            return ReviewScheduleSerializer
        if self.action == "list":
            return ReviewSerializer
        return ReviewDetailSerializer

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        reviews = list(page if page is not None else queryset)
        _attach_tallies(reviews)
        data = self.get_serializer(reviews, many=True).data
        return self.get_paginated_response(data) if page is not None else ApiResponse(data)

    def create(self, request, *args, **kwargs):
        serializer = ReviewScheduleSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        review = services.review_schedule(actor=request.user, **data)
        headers = {"ETag": etag_for(review), "Location": self.reverse_action("detail", args=[review.pk])}
        return ApiResponse(ReviewDetailSerializer(review, context=self.get_serializer_context()).data,
                           status=status.HTTP_201_CREATED, headers=headers)

    @extend_schema(
        summary="Save answers in bulk",
        description="A list of `{id, response, note, version}`. Every item is checked first; when any answer's "
                    "version is not current, nothing is written and the answer is 412 listing the stale ids with "
                    "their current versions. Returns the saved answers with their new versions.",
        request=AnswerChangeSerializer(many=True),
        responses={200: AnswerSerializer(many=True), 412: OpenApiResponse(STALE_ANSWERS, "Stale versions")},
    )
    @action(detail=True, methods=["post"], url_path="answers")
    def answers(self, request, pk=None):
        review = self.get_object()
        serializer = AnswerChangeSerializer(data=request.data, many=True, allow_empty=False)
        serializer.is_valid(raise_exception=True)
        changes = [services.AnswerChange(answer_id=item["id"], version=item["version"],
                                         response=item.get("response"), note=item.get("note"))
                   for item in serializer.validated_data]
        try:
            saved = services.answers_bulk_set(review=review, actor=request.user, changes=changes)
        except services.StaleAnswersError as exc:
            return ApiResponse({
                "detail": "Some answers were changed by someone else; nothing was saved. Read the review again and "
                          "reapply your answers.",
                "stale": [{"id": str(pk_), "version": v} for pk_, v in exc.current.items()],
            }, status=status.HTTP_412_PRECONDITION_FAILED)
        answers = selectors.review_answers(review=review).filter(pk__in=[a.pk for a in saved])
        order = {a.pk: i for i, a in enumerate(saved)}
        return ApiResponse(AnswerSerializer(sorted(answers, key=lambda a: order[a.pk]), many=True).data)

    @extend_schema(
        summary="Complete a review",
        description="Every standard must be answered. Stores the score and notifies the client's vCIO.",
        request=None, responses={200: ReviewDetailSerializer}, parameters=[IF_MATCH_OPTIONAL, ETAG],
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        review = self.get_object()
        version = check_if_match(request, review, required=False)
        review = services.review_complete(review=review, actor=request.user, expected_version=version)
        return ApiResponse(ReviewDetailSerializer(review, context=self.get_serializer_context()).data,
                           headers={"ETag": etag_for(review)})


# --- recommendations ------------------------------------------------------------------------------------


class RecommendationSerializer(serializers.ModelSerializer):
    client = ScopedPrimaryKeyRelatedField(Client, help_text="Id of the client this is for.")
    review = ScopedPrimaryKeyRelatedField(Review, required=False, allow_null=True,
                                          help_text="Id of the review it came from (a review of the same client).")
    findings = ScopedPrimaryKeyRelatedField(
        Answer, many=True, required=False,
        help_text="Ids of the findings it covers: misaligned answers of the same client.")

    class Meta:
        model = Recommendation
        fields = ["id", "client", "review", "title", "title_confirmed", "description", "impact", "impact_description",
                  "priority", "one_time_cost", "monthly_cost", "findings", "status", "created_by", "archived_at",
                  "version", "created_at", "updated_at"]
        read_only_fields = ["id", "created_by", "archived_at", "version", "created_at", "updated_at"]

    def validate_client(self, client: Client) -> Client:
        if self.instance is not None and client.pk != self.instance.client_id:
            raise serializers.ValidationError("A recommendation cannot move to another client.")
        return client

    def validate_review(self, review: Review | None) -> Review | None:
        if self.instance is not None and (review.pk if review else None) != self.instance.review_id:
            raise serializers.ValidationError("A recommendation stays with the review it came from.")
        return review


class RecommendationFilter(ArchivedFilterSet):
    client = django_filters.UUIDFilter(field_name="client_id", help_text="Recommendations for this client.")
    review = django_filters.UUIDFilter(field_name="review_id", help_text="Recommendations from this review.")
    status = django_filters.ChoiceFilter(choices=RecommendationStatus.choices)
    priority = django_filters.ChoiceFilter(choices=Priority.choices)


@extend_schema_view(
    list=extend_schema(summary="List recommendations"),
    create=extend_schema(summary="Create a recommendation"),
    retrieve=extend_schema(summary="Get a recommendation"),
    update=extend_schema(summary="Replace a recommendation"),
    partial_update=extend_schema(summary="Change a recommendation"),
    destroy=extend_schema(summary="Archive a recommendation", description="Archived, not deleted."),
)
@extend_schema(tags=["recommendations"])
class RecommendationViewSet(RecordViewSet):
    """What the vCIO advises a client, in business language, covering one or more findings."""

    model = Recommendation
    serializer_class = RecommendationSerializer
    filterset_class = RecommendationFilter
    search_fields = ["title", "description"]
    ordering_fields = ["created_at", "updated_at", "priority", "status", "title"]
    ordering = ["-created_at"]
    read_perm = Perm.VIEW_CLIENTS
    write_perm = Perm.EDIT_RECOMMENDATIONS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Recommendation.objects.none()
        return Recommendation.objects.prefetch_related("findings")

    def create_record(self, data: dict) -> Recommendation:
        return services.recommendation_create(actor=self.request.user, **data)

    def update_record(self, obj: Recommendation, data: dict, *, expected_version: int) -> Recommendation:
        return services.recommendation_update(recommendation=obj, actor=self.request.user,
                                              expected_version=expected_version, **data)

    def archive_record(self, obj: Recommendation) -> None:
        services.recommendation_archive(recommendation=obj, actor=self.request.user)


def register(router) -> None:
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("reviews", ReviewViewSet, basename="review")
    router.register("recommendations", RecommendationViewSet, basename="recommendation")
