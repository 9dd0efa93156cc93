"""API of the standards library under /api/v1/: standard-categories, frameworks, standards (with their text
revisions), the CSV import and export.

Serializers validate input (foreign keys inside the tenant scope, unknown fields refused); every write goes
through standards.services or standards.csv_io. ETag / If-Match, pagination and DELETE come from
msp.api.RecordViewSet: DELETE archives a category or framework and retires a standard.
"""

from __future__ import annotations

from collections.abc import Mapping

import django_filters
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db.models import Prefetch
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import parsers, renderers, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from msp.api import (
    ETAG,
    ArchivedFilterSet,
    JobStatusSerializer,
    RecordViewSet,
    ScopedPrimaryKeyRelatedField,
    etag_for,
    job_accepted,
)
from msp.roles import Perm

from . import csv_io, selectors, services
from .choices import Frequency, Priority, StandardStatus
from .models import Category, Framework, Standard, StandardRevision
from .validators import validate_yes_no_question

RECORD_READ_ONLY = ["id", "archived_at", "version", "created_at", "updated_at"]


class StrictFieldsMixin:
    """Refuse fields the resource does not have, so a misspelt field is an error, not silently ignored."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [
                    f"Unknown field{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}. "
                    f"The fields are: {', '.join(n for n, f in self.fields.items() if not f.read_only)}."]})
        return super().to_internal_value(data)


# --- serializers ------------------------------------------------------------------------------------


class CategorySerializer(StrictFieldsMixin, serializers.ModelSerializer):
    active_standards = serializers.SerializerMethodField(help_text="How many active standards it holds.")

    class Meta:
        model = Category
        fields = ["id", "name", "description", "position", "active_standards", "archived_at", "version",
                  "created_at", "updated_at"]
        read_only_fields = RECORD_READ_ONLY
        extra_kwargs = {
            "position": {"required": False, "help_text": "Order in the library (ascending). New: last."},
            "name": {"validators": []},  # the service checks uniqueness (ignoring letter case)
        }

    @extend_schema_field(OpenApiTypes.INT)
    def get_active_standards(self, obj: Category) -> int:
        count = getattr(obj, "active_count", None)
        if count is None:
            count = obj.standards.filter(status=StandardStatus.ACTIVE).count()
        return count


class FrameworkSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Framework
        fields = ["id", "code", "name", "archived_at", "version", "created_at", "updated_at"]
        read_only_fields = RECORD_READ_ONLY
        extra_kwargs = {"name": {"required": False, "help_text": "Full name; defaults to the code."},
                        "code": {"validators": []}}


class StandardRevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = StandardRevision
        fields = ["number", "question", "why", "how", "reference_url", "created_by", "created_at", "updated_at"]
        read_only_fields = fields


class StandardSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    category = ScopedPrimaryKeyRelatedField(Category, help_text="Id of the category.")
    frameworks = ScopedPrimaryKeyRelatedField(Framework, many=True, required=False,
                                              help_text="Ids of the frameworks it serves; replaces the list.")
    tags = serializers.ListField(child=serializers.CharField(max_length=services.TAG_MAX_LENGTH), required=False,
                                 help_text="Stored lowercase, trimmed, without duplicates, sorted.")

    revisions = StandardRevisionSerializer(many=True, read_only=True,
                                           help_text="Every revision of the text, oldest first.")

    class Meta:
        model = Standard
        fields = ["id", "category", "name", "question", "why", "how", "reference_url", "priority", "frequency",
                  "tags", "frameworks", "status", "retired_at", "last_reviewed_on", "revision", "revisions",
                  "version", "created_at", "updated_at"]
        read_only_fields = ["id", "status", "retired_at", "last_reviewed_on", "revision", "revisions", "version",
                            "created_at", "updated_at"]
        extra_kwargs = {
            "name": {"validators": []},
            "question": {"help_text": "A yes/no question whose “yes” is the healthy answer."},
            "revision": {"help_text": "Number of the current text revision."},
            "status": {"help_text": "`retired` standards are left out of new reviews. DELETE retires; "
                                    "POST …/reactivate/ brings one back."},
        }

    def validate_question(self, value: str) -> str:
        validate_yes_no_question(value)
        return value

    def validate_category(self, category: Category) -> Category:
        changing = self.instance is None or self.instance.category_id != category.pk
        if changing and category.archived_at is not None:
            raise serializers.ValidationError(f"The category “{category.name}” is archived; restore it first.")
        return category


class MarkReviewedSerializer(StrictFieldsMixin, serializers.Serializer):
    standards = ScopedPrimaryKeyRelatedField(Standard, many=True, allow_empty=False,
                                             help_text="Ids of the standards the committee reviewed.")


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
    last_reviewed_on = serializers.DateField()


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The library CSV (UTF-8).")


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, help_text="Spreadsheet row number (the header is row 1).")
    column = serializers.CharField(allow_null=True)
    message = serializers.CharField()
    text = serializers.CharField(help_text="“row N, column X: reason”.")


class ImportErrorsSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = RowErrorSerializer(many=True)


# --- filters ----------------------------------------------------------------------------------------


class CategoryFilter(ArchivedFilterSet):
    pass


class FrameworkFilter(ArchivedFilterSet):
    pass


class StandardFilter(django_filters.FilterSet):
    """Lists show active standards unless `status` says otherwise."""

    status = django_filters.ChoiceFilter(
        choices=[("active", "Active (the default)"), ("retired", "Retired"), ("all", "Active and retired")],
        method="filter_status", help_text="`active` (default), `retired` or `all`.")
    category = django_filters.UUIDFilter(field_name="category", help_text="A category id.")
    tag = django_filters.CharFilter(method="filter_tag", help_text="Standards carrying this tag.")
    framework = django_filters.UUIDFilter(field_name="frameworks", help_text="A framework id.")
    priority = django_filters.ChoiceFilter(choices=Priority.choices)
    frequency = django_filters.ChoiceFilter(choices=Frequency.choices)
    due = django_filters.BooleanFilter(
        method="filter_due", help_text="`true`: only active standards due for the yearly committee review "
                                       "(never reviewed, or 12 months or more ago).")

    def filter_status(self, queryset, name: str, value: str):
        return queryset  # applied in filter_queryset, where the default lives

    def filter_tag(self, queryset, name: str, value: str):
        return queryset.filter(tags__contains=[value.strip().lower()])

    def filter_due(self, queryset, name: str, value: bool | None):
        if value is None:
            return queryset
        today = services.msp_today(self.request.msp)
        due = selectors.standards_due_for_review(today=today).values("pk")
        return queryset.filter(pk__in=due) if value else queryset.exclude(pk__in=due)

    def filter_queryset(self, queryset):
        wanted = self.form.cleaned_data.get("status") or "active"
        if wanted != "all":
            queryset = queryset.filter(status=wanted)
        return super().filter_queryset(queryset)


# --- CSV in and out ---------------------------------------------------------------------------------


class CSVTextParser(parsers.BaseParser):
    """A `text/csv` request body, as text."""

    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read() if stream is not None else b""


class CSVRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, str | bytes) else str(data)


# --- viewsets ---------------------------------------------------------------------------------------


def _with_etag(serializer_data, obj) -> Response:
    return Response(serializer_data, headers={"ETag": etag_for(obj)})


@extend_schema_view(
    list=extend_schema(summary="List standard categories",
                       description="Live categories in library order unless `archived` says otherwise."),
    create=extend_schema(summary="Create a category", description="Without `position` it goes last."),
    retrieve=extend_schema(summary="Get a category"),
    update=extend_schema(summary="Replace a category"),
    partial_update=extend_schema(summary="Change a category", description="Change `position` to reorder."),
    destroy=extend_schema(summary="Archive a category",
                          description="Refused (400) while it holds active standards: move or retire them."),
)
@extend_schema(tags=["standards library"])
class CategoryViewSet(RecordViewSet):
    """Chapters of the standards library (backup, firewalls, email...), in `position` order."""

    model = Category
    serializer_class = CategorySerializer
    filterset_class = CategoryFilter
    search_fields = ["name", "description"]
    ordering_fields = ["position", "name", "created_at", "updated_at"]
    ordering = ["position", "name"]
    read_perm = Perm.VIEW_STANDARDS
    write_perm = Perm.EDIT_STANDARDS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Category.objects.none()
        return selectors.category_list(include_archived=True)

    def create_record(self, data: dict) -> Category:
        return services.category_create(msp=self.request.msp, actor=self.request.user, **data)

    def update_record(self, obj: Category, data: dict, *, expected_version: int) -> Category:
        return services.category_update(category=obj, actor=self.request.user, expected_version=expected_version,
                                        **data)

    def archive_record(self, obj: Category) -> None:
        services.category_archive(category=obj, actor=self.request.user)

    @extend_schema(summary="Restore an archived category", request=None, responses=CategorySerializer,
                   parameters=[ETAG])
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        category = services.category_restore(category=self.get_object(), actor=request.user)
        return _with_etag(self.get_serializer(category).data, category)


@extend_schema_view(
    list=extend_schema(summary="List compliance frameworks"),
    create=extend_schema(summary="Create a framework"),
    retrieve=extend_schema(summary="Get a framework"),
    update=extend_schema(summary="Replace a framework"),
    partial_update=extend_schema(summary="Change a framework"),
    destroy=extend_schema(summary="Archive a framework",
                          description="Standards mapped to it keep it; it is no longer offered for new mappings."),
)
@extend_schema(tags=["standards library"])
class FrameworkViewSet(RecordViewSet):
    """Compliance frameworks standards can serve (HIPAA, PCI DSS, NIST CSF 2.0, CIS...)."""

    model = Framework
    serializer_class = FrameworkSerializer
    filterset_class = FrameworkFilter
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name", "created_at", "updated_at"]
    ordering = ["code"]
    read_perm = Perm.VIEW_STANDARDS
    write_perm = Perm.EDIT_STANDARDS

    def create_record(self, data: dict) -> Framework:
        return services.framework_create(msp=self.request.msp, actor=self.request.user, **data)

    def update_record(self, obj: Framework, data: dict, *, expected_version: int) -> Framework:
        return services.framework_update(framework=obj, actor=self.request.user,
                                         expected_version=expected_version, **data)

    def archive_record(self, obj: Framework) -> None:
        services.framework_archive(framework=obj, actor=self.request.user)

    @extend_schema(summary="Restore an archived framework", request=None, responses=FrameworkSerializer,
                   parameters=[ETAG])
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        framework = services.framework_restore(framework=self.get_object(), actor=request.user)
        return _with_etag(self.get_serializer(framework).data, framework)


# The job's title names the uploaded file; a text/csv body has no name.
API_UPLOAD_NAME = "library CSV (API)"


def _import_errors(errors: list[csv_io.RowError]) -> Response:
    return Response({
        "detail": f"Nothing was imported: {len(errors)} problem{'s' if len(errors) != 1 else ''}.",
        "errors": [e.as_dict() for e in errors],
    }, status=status.HTTP_400_BAD_REQUEST)


@extend_schema_view(
    list=extend_schema(summary="List standards",
                       description="Active standards in library order unless `status` says otherwise."),
    create=extend_schema(summary="Create a standard", description="Creates revision 1 of its text."),
    retrieve=extend_schema(summary="Get a standard, with every revision of its text"),
    update=extend_schema(summary="Replace a standard"),
    partial_update=extend_schema(
        summary="Change a standard",
        description="Changing question, why, how or reference_url of a standard that reviews have answered "
                    "makes a new revision; without answers the current revision is corrected."),
    destroy=extend_schema(summary="Retire a standard",
                          description="It stays in the library and in past reviews; new reviews leave it out."),
)
@extend_schema(tags=["standards library"])
class StandardViewSet(RecordViewSet):
    """Yes/no questions whose “yes” is the healthy answer, with why we ask and how to check."""

    model = Standard
    filterset_class = StandardFilter
    search_fields = ["name", "question"]
    ordering_fields = ["name", "priority", "frequency", "last_reviewed_on", "created_at", "updated_at"]
    ordering = list(selectors.LIBRARY_ORDER)
    read_perm = Perm.VIEW_STANDARDS
    write_perm = Perm.EDIT_STANDARDS

    serializer_class = StandardSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Standard.objects.none()
        return Standard.objects.select_related("category").prefetch_related(
            "frameworks", Prefetch("revisions", queryset=StandardRevision.objects.order_by("number")))

    def create_record(self, data: dict) -> Standard:
        return services.standard_create(msp=self.request.msp, actor=self.request.user, **data)

    def update_record(self, obj: Standard, data: dict, *, expected_version: int) -> Standard:
        standard = services.standard_update(standard=obj, actor=self.request.user,
                                            expected_version=expected_version, **data)
        return self.get_queryset().get(pk=standard.pk)

    def archive_record(self, obj: Standard) -> None:
        services.standard_retire(standard=obj, actor=self.request.user)

    @extend_schema(summary="Reactivate a retired standard", request=None, responses=StandardSerializer,
                   parameters=[ETAG])
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        standard = services.standard_reactivate(standard=self.get_object(), actor=request.user)
        return _with_etag(self.get_serializer(standard).data, standard)

    @extend_schema(summary="Mark a standard reviewed by the standards committee today", request=None,
                   operation_id="v1_standards_mark_reviewed_one",
                   responses=StandardSerializer, parameters=[ETAG])
    @action(detail=True, methods=["post"], url_path="mark-reviewed")
    def mark_reviewed(self, request, pk=None):
        standard = services.standard_mark_reviewed(standard=self.get_object(), actor=request.user)
        return _with_etag(self.get_serializer(standard).data, standard)

    @extend_schema(summary="Mark several standards reviewed today", request=MarkReviewedSerializer,
                   operation_id="v1_standards_mark_reviewed_many",
                   responses=MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="mark-reviewed", serializer_class=MarkReviewedSerializer,
            filterset_class=None, pagination_class=None)
    def mark_many_reviewed(self, request):
        serializer = MarkReviewedSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        today = services.msp_today(request.msp)
        count = services.standards_mark_reviewed(msp=request.msp, actor=request.user,
                                                 standards=serializer.validated_data["standards"], on=today)
        return Response({"marked": count, "last_reviewed_on": today})

    @extend_schema(
        summary="Export the library as CSV",
        description="Every standard, active and retired, in library order; the columns are in docs/standards.md. "
                    "Importing the file into an empty library and exporting again gives the same bytes.",
        responses={(200, "text/csv"): OpenApiTypes.STR}, filters=False,
    )
    @action(detail=False, methods=["get"], renderer_classes=[renderers.JSONRenderer, CSVRenderer],
            filterset_class=None, pagination_class=None)
    def export(self, request):
        response = HttpResponse(csv_io.export_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="standards-library.csv"'
        return response

    @extend_schema(
        summary="Import a library CSV",
        description="Send the CSV as a `text/csv` body or as the `file` of a multipart form. The whole file is "
                    "checked at once, as the import page's preview does (size, encoding, header, the row cap of "
                    f"{settings.CSV_IMPORT_MAX_ROWS:,} rows and every cell against the library): with any problem "
                    "nothing is queued and the answer (400) lists each one as “row N, column X: reason”. "
                    "Otherwise the answer is 202 with the import's background job (also in the `Location` "
                    "header): poll `status_url` until `status` is `succeeded` (its `result` counts created, "
                    "updated, unchanged, categories_created and frameworks_created) or `failed` (`errors`, e.g. "
                    "a standard edited between the check and the job; nothing is written then). Rows match "
                    "existing standards by name (any letter case) and update them; others are created, with "
                    "unknown categories and frameworks. All rows are written or none.",
        request={"text/csv": OpenApiTypes.STR, "multipart/form-data": ImportUploadSerializer},
        responses={202: JobStatusSerializer, 400: ImportErrorsSerializer}, filters=False,
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[CSVTextParser, parsers.MultiPartParser],
            filterset_class=None, pagination_class=None)
    def import_csv(self, request):
        content_type = (request.content_type or "").split(";")[0].strip().lower()
        name = API_UPLOAD_NAME
        try:
            if content_type == "multipart/form-data":
                upload = request.FILES.get("file")
                if upload is None:
                    return _import_errors([csv_io.RowError("Send the CSV file in the form field “file”.")])
                if upload.size > csv_io.MAX_BYTES:
                    return _import_errors([csv_io.RowError("The file is larger than 5 MB.")])
                content, name = upload.read(), (upload.name or name)[:150]
            elif content_type in ("text/csv", "text/plain"):
                content = request.body
            else:
                return _import_errors([csv_io.RowError(
                    "Send the CSV as a text/csv request body or as the “file” of a multipart/form-data form.")])
        except RequestDataTooBig:
            return _import_errors([csv_io.RowError("The file is larger than 5 MB.")])
        try:
            job = csv_io.library_import_submit(msp=request.msp, actor=request.user, content=content, name=name)
        except csv_io.ImportRefused as exc:
            return _import_errors(exc.errors)
        return job_accepted(job, request)


def register(router) -> None:
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("standard-categories", CategoryViewSet, basename="standard-category")
    router.register("frameworks", FrameworkViewSet, basename="framework")
    router.register("standards", StandardViewSet, basename="standard")
