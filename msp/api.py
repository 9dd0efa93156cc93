"""API plumbing shared by every app: errors, ETags and If-Match, pagination, scoped foreign keys."""

from __future__ import annotations

import re

import django_filters
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from .api_auth import RolePermission
from .api_input import FILTER_NUMBER_MAX, SEARCH_MAX_CHARS
from .models import Job, User
from .roles import STAFF_ROLES
from .tenancy import StaleVersionError


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = "Send the record's ETag in an If-Match header to change it."
    default_code = "precondition_required"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The record was changed by someone else; fetch it again and reapply your change."
    default_code = "precondition_failed"


def etag_for(obj) -> str:
    return f'"{obj.version}"'


_ENTITY_TAG = re.compile(r'\s*(?:W/)?"([^"]*)"\s*|\s*([^",\s]+)\s*')


def if_match_tags(header: str) -> list[str]:
    """The opaque tags of an If-Match header (`"3"`, `W/"3"`, `"3", "4"`; a bare `3` is read as `"3"`)."""
    tags = []
    for part in header.split(","):
        found = _ENTITY_TAG.fullmatch(part)
        if found:
            tags.append(found.group(1) if found.group(1) is not None else found.group(2))
    return tags


def exception_handler(exc, context):
    if isinstance(exc, StaleVersionError):
        exc = PreconditionFailed()
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
        # Model-wide errors (constraints over several fields) under DRF's usual key.
        if NON_FIELD_ERRORS in detail:
            detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, IntegrityError):
        # Two saves raced past validation; the database constraint kept the data right.
        return Response(
            {api_settings.NON_FIELD_ERRORS_KEY: [
                "This conflicts with a record saved at the same moment (for example the same name); "
                "reload and try again."]},
            status=status.HTTP_409_CONFLICT,
        )
    return drf_exception_handler(exc, context)


# --- error responses in the schema ------------------------------------------------------------------
# Every operation documents the errors the API can answer (docs/api.md "Errors"), so a client generator
# and a schema-driven test know every status code: the shared error body below, and 304/412/428 where
# the operation takes If-None-Match / If-Match.

ERROR_SCHEMA = {
    "type": "object",
    "description": "An error: `detail` for the request as a whole, otherwise each invalid field (or "
                   "`non_field_errors`) with its messages; nested records nest the same way.",
    "properties": {
        "detail": {"type": "string"},
        "non_field_errors": {"type": "array", "items": {"type": "string"}},
    },
    "additionalProperties": {},
}
ERRORS = {
    "400": "Invalid input (body, filter, ordering, page or header): the message names what to fix.",
    "401": "No or invalid credentials.",
    "403": "Your role may not do this.",
    "404": "No such record in your MSP (or no MSP for these credentials).",
    "503": "The request ran past the server's time bound and was stopped; nothing was changed. Try again, or "
           "ask for less (a narrower filter, a smaller page).",
}
WRITE_ERRORS = {
    "409": "Conflicts with a record saved at the same moment; reload and try again.",
    "415": "The body is not JSON, form or multipart data.",
}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# What msp.api_input accepts in a query string, as schema bounds: whole numbers a bigint holds, no empty
# value, no NUL character, days from 1900 to 2999 (the pattern stays inside every month's length).
_DAY = r"(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])"
# A day, or empty for the parameter's default (the scorecard's period).
OPTIONAL_DAY = {"type": "string", "pattern": f"^({_DAY})?$"}
QUERY_BOUNDS = {
    "integer": {"minimum": 0, "maximum": FILTER_NUMBER_MAX},
    "date": {"pattern": f"^{_DAY}$"},
    "date-time": {"pattern": f"^{_DAY}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z$"},
    "string": {"minLength": 1, "pattern": "^[^\\x00]+$"},
}
PAGE_PARAMETERS = {"page", "page_size"}


def bound_query_parameter(parameter: dict) -> None:
    """Give one query parameter's schema the bounds the API enforces (unless it states its own)."""
    schema = parameter.get("schema", {})
    if schema.get("type") == "number":  # number filters take whole numbers only (msp.api_input)
        schema["type"] = "integer"
    kind = schema.get("format") if schema.get("format") in QUERY_BOUNDS else schema.get("type")
    if kind not in QUERY_BOUNDS or "enum" in schema or schema.get("format") == "uuid":
        return
    for key, value in QUERY_BOUNDS[kind].items():
        schema.setdefault(key, value)
    if parameter["name"] in PAGE_PARAMETERS:
        schema["minimum"] = 1
    if parameter["name"] == "search":
        schema.setdefault("maxLength", SEARCH_MAX_CHARS)


class ErrorResponsesAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema plus the API's error responses on every operation."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        component = ResolvedComponent(name="Error", type=ResolvedComponent.SCHEMA, object="Error",
                                      schema=ERROR_SCHEMA)
        registry.register_on_missing(component)
        body = {"content": {"application/json": {"schema": component.ref}}}
        for parameter in operation.get("parameters", []):
            if parameter.get("in") == "query":
                bound_query_parameter(parameter)
        self._enumerate_ordering(operation)
        responses = operation.setdefault("responses", {})
        headers = {p["name"]: p for p in operation.get("parameters", []) if p.get("in") == "header"}
        errors = dict(ERRORS)
        if method.upper() in WRITE_METHODS:
            errors.update(WRITE_ERRORS)
        if "If-Match" in headers:
            errors["412"] = "The If-Match ETag is stale, or not one this API sends."
            if headers["If-Match"].get("required"):
                errors["428"] = "If-Match is missing."
        for code, description in errors.items():
            responses.setdefault(code, {"description": description, **body})
        if "If-None-Match" in headers:
            responses.setdefault("304", {"description": "Not modified: the record still has this ETag."})
        return operation

    def _enumerate_ordering(self, operation) -> None:
        """`ordering` lists the fields the endpoint sorts by, each ascending or with `-` descending."""
        fields = getattr(self.view, "ordering_fields", None)
        if not fields or fields == "__all__":
            return
        for parameter in operation.get("parameters", []):
            if parameter.get("in") == "query" and parameter["name"] == "ordering":
                names = [f for f in fields if isinstance(f, str)]
                parameter["schema"] = {"type": "string", "enum": [*names, *(f"-{f}" for f in names)]}


# --- background jobs ------------------------------------------------------------------------------------


class JobStatusSerializer(serializers.ModelSerializer):
    """A background job as an endpoint that starts one answers (202, `Location` = `status_url`)."""

    percent = serializers.IntegerField(read_only=True, help_text="0-100.")
    errors = serializers.ListField(child=serializers.CharField(), read_only=True,
                                   help_text="Why it failed, one problem each.")
    result = serializers.DictField(read_only=True, help_text="What was done, when it succeeded.")
    status_url = serializers.SerializerMethodField(help_text="The job's resource: poll it until `status` is "
                                                             "`succeeded` or `failed`.")

    class Meta:
        model = Job
        fields = ["id", "kind", "title", "status", "progress_done", "progress_total", "percent", "message",
                  "errors", "result", "created_at", "started_at", "finished_at", "status_url"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_status_url(self, obj: Job) -> str:
        return reverse("job-detail", args=[obj.pk], request=self.context.get("request"))


def job_accepted(job: Job, request) -> Response:
    """The answer of an endpoint that queued `job`: 202 with the job, `Location` naming where to follow it."""
    data = JobStatusSerializer(job, context={"request": request}).data
    return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["status_url"]})


# --- tenant records over the API ---------------------------------------------------------------------
# The pieces every app's viewsets share: pagination, foreign keys looked up inside the tenant scope,
# the archived filter, and a viewset base that sends ETags, requires If-Match and archives on DELETE.


def _whole_number(raw: str) -> int | None:
    """`raw` as a positive whole number of ASCII digits (at most 19 of them), else None."""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 19 else None


class StandardPagination(PageNumberPagination):
    """50 a page; `page_size` up to 200 (more is read as 200); a page or size that is not a number is a 400."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        size = _whole_number(raw)
        if not size:
            raise exceptions.ValidationError({self.page_size_query_param: [
                f"`{self.page_size_query_param}` must be a whole number from 1 to {self.max_page_size}, "
                f"not `{raw[:40]}`."]})
        return min(size, self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and raw not in self.last_page_strings and not _whole_number(raw):
            raise exceptions.ValidationError({self.page_query_param: [
                f"`{self.page_query_param}` must be a page number (1, 2, ...) or `last`, not `{raw[:40]}`."]})
        return super().paginate_queryset(queryset, request, view)


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key in input, looked up inside the request's tenant scope.

    Another tenant's id reads as "object does not exist". The class-level queryset is empty and only
    tells DRF and the schema the target model; the real one is built per request, inside the scope.
    """

    def __init__(self, model, **kwargs):
        self.scoped_model = model
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", model._base_manager.none())
        kwargs.setdefault("pk_field", serializers.UUIDField())
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.scoped_model.objects.all()


class StaffMemberField(serializers.PrimaryKeyRelatedField):
    """A user id that must belong to an active staff member (not a portal user) of the request's MSP."""

    default_error_messages = {
        "does_not_exist": "User {pk_value} is not an active staff member of your MSP.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", User.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self):
        msp = getattr(self.context.get("request"), "msp", None)
        if msp is None:
            return User.objects.none()
        return User.objects.filter(
            is_active=True,
            memberships__msp=msp,
            memberships__removed_at__isnull=True,
            memberships__role__in=STAFF_ROLES,
        ).distinct()


ARCHIVED_CHOICES = [
    ("false", "Active records only (the default)"),
    ("true", "Archived records only"),
    ("all", "Active and archived records"),
]


class ArchivedFilterSet(django_filters.FilterSet):
    """Lists show active records unless `?archived=true` (archived only) or `?archived=all`."""

    archived = django_filters.ChoiceFilter(
        choices=ARCHIVED_CHOICES, method="filter_archived",
        help_text="`false` (default): active records; `true`: archived records only; `all`: both.",
    )

    def filter_archived(self, queryset, name: str, value: str):
        if value == "true":
            return queryset.filter(archived_at__isnull=False)
        if value == "all":
            return queryset
        return queryset.filter(archived_at__isnull=True)

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("archived"):
            queryset = queryset.filter(archived_at__isnull=True)
        return super().filter_queryset(queryset)


IF_MATCH = OpenApiParameter(
    "If-Match", str, OpenApiParameter.HEADER, required=True,
    description='The ETag from the last read of the record, e.g. `"3"` (weak `W/"3"` too). Missing: 428; '
                'stale or not an ETag of this API (such as `*`): 412.',
)
IF_MATCH_OPTIONAL = OpenApiParameter(
    "If-Match", str, OpenApiParameter.HEADER, required=False,
    description="Optional: refuse with 412 when the record changed since this ETag.",
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match", str, OpenApiParameter.HEADER, required=False,
    description="An ETag you hold: 304 Not Modified when the record is unchanged.",
)
ETAG = OpenApiParameter(
    "ETag", str, OpenApiParameter.HEADER, response=[200, 201],
    description='The record\'s version as an ETag, e.g. `"3"`. Send it back in If-Match to change it.',
)


def check_if_match(request, obj, *, required: bool) -> int | None:
    """The record's version when If-Match names its current ETag; 412 when it does not.

    If-Match is read as a list of entity tags (RFC 9110; weak ones match too, a bare `3` is taken as
    `"3"`). A tag of an earlier version is "changed by someone else"; a value this API never sends
    (`*`, `abc`) is compared like any other and fails, with a message saying what to send: `*` would
    overwrite whatever is there, which the API never does silently. Missing: 428 when required.
    """
    header = request.headers.get("If-Match", "").strip()
    if not header:
        if required:
            raise PreconditionRequired()
        return None
    tags = if_match_tags(header)
    if str(obj.version) in tags:
        return obj.version
    if any(tag.isdigit() for tag in tags):
        raise PreconditionFailed()
    raise PreconditionFailed(
        f"If-Match must hold the ETag of your last read of the record, such as \"3\"; {header[:40]} is not an "
        "ETag this API sends.")


class RecordViewSet(viewsets.ModelViewSet):
    """A tenant's versioned, archivable record over the API.

    GET of one record sends `ETag`; PUT/PATCH need `If-Match` (428 without, 412 when stale); DELETE
    archives (the row stays). Lists are filtered and paginated; a detail URL finds any record of the
    tenant, archived ones too. Subclasses set `model` and write through their app's services in
    `create_record`, `update_record` and `archive_record`.
    """

    model: type | None = None
    pagination_class = StandardPagination
    # IsAuthenticated first so an anonymous request gets 401 (with WWW-Authenticate: Bearer) rather
    # than RolePermission's 404 for "no tenant".
    permission_classes = [IsAuthenticated, RolePermission]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        return self.model.objects.all()

    def filter_queryset(self, queryset):
        # Filters narrow lists only; the tenant scope is what guards a detail URL.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def create_record(self, data: dict):
        raise NotImplementedError

    def update_record(self, obj, data: dict, *, expected_version: int):
        raise NotImplementedError

    def archive_record(self, obj) -> None:
        raise NotImplementedError

    @extend_schema(parameters=[IF_NONE_MATCH, ETAG])
    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        etag = etag_for(obj)
        held = [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]
        if etag in held or f"W/{etag}" in held:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return Response(self.get_serializer(obj).data, headers={"ETag": etag})

    @extend_schema(parameters=[ETAG])
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obj = self.create_record(dict(serializer.validated_data))
        headers = {"ETag": etag_for(obj), "Location": self.reverse_action("detail", args=[obj.pk])}
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED, headers=headers)

    @extend_schema(parameters=[IF_MATCH, ETAG])
    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        obj = self.get_object()
        serializer = self.get_serializer(obj, data=request.data, partial=partial)
        # Bad input is a 400 whatever If-Match holds; a valid change then needs the current ETag.
        serializer.is_valid(raise_exception=True)
        version = check_if_match(request, obj, required=True)
        obj = self.update_record(obj, dict(serializer.validated_data), expected_version=version)
        return Response(self.get_serializer(obj).data, headers={"ETag": etag_for(obj)})

    @extend_schema(parameters=[IF_MATCH, ETAG])
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(parameters=[IF_MATCH_OPTIONAL])
    def destroy(self, request, *args, **kwargs):
        obj = self.get_object()
        check_if_match(request, obj, required=False)
        self.archive_record(obj)
        return Response(status=status.HTTP_204_NO_CONTENT)
