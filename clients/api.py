"""API of the clients app: clients, contacts, business objectives, assets and (read-only) documents
under /api/v1/.

Serializers validate input (foreign keys inside the tenant scope); every write goes through
clients.services. The shared behaviour (ETag / If-Match, archive on DELETE, pagination) comes from
msp.api.RecordViewSet.
"""

from __future__ import annotations

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse

from msp.api import (
    ETAG,
    ArchivedFilterSet,
    RecordViewSet,
    ScopedPrimaryKeyRelatedField,
    StaffMemberField,
    StandardPagination,
    etag_for,
)
from msp.api_auth import RolePermission
from msp.roles import Perm

from . import services
from .choices import ClientStatus, DocumentKind
from .filters import AssetFilter, ClientFilter, ContactFilter, ObjectiveFilter
from .models import Asset, BusinessObjective, Client, Contact, Document
from .views_documents import document_response

RECORD_READ_ONLY = ["id", "archived_at", "version", "created_at", "updated_at"]


def _current(serializer, attrs: dict, name: str, default=None):
    """The value a field will have after this write: the input's, else the stored one."""
    if name in attrs:
        return attrs[name]
    if serializer.instance is not None:
        return getattr(serializer.instance, name)
    return default


# --- serializers ------------------------------------------------------------------------------------


class ClientSerializer(serializers.ModelSerializer):
    vcio = StaffMemberField(required=False, allow_null=True,
                            help_text="User id of the vCIO: an active staff member of your MSP.")
    tam = StaffMemberField(required=False, allow_null=True,
                           help_text="User id of the TAM: an active staff member of your MSP.")

    meetings_per_year = serializers.SerializerMethodField(
        help_text="Client meetings a year in effect: the override when set, else the default rule's.")
    touches_per_month = serializers.SerializerMethodField(
        help_text="Unique touches a month in effect: the override when set, else the default rule's.")
    cadence_explanation = serializers.SerializerMethodField(help_text="Why this cadence, in one paragraph.")

    class Meta:
        model = Client
        fields = ["id", "name", "industry", "status", "churn_date", "churn_reason", "mrr", "aisp", "user_count",
                  "endpoint_count", "complexity", "fiscal_year_start_month", "vcio", "tam", "notes",
                  "meetings_per_year", "touches_per_month", "meetings_per_year_override",
                  "touches_per_month_override", "cadence_override_reason", "cadence_explanation",
                  "annual_revenue", "revenue_streams", "most_profitable_stream", "sales_goals",
                  "average_customer_size", "market_position", "profile_reviewed_at",
                  "archived_at", "version", "created_at", "updated_at"]
        read_only_fields = [*RECORD_READ_ONLY, "profile_reviewed_at"]
        extra_kwargs = {
            "fiscal_year_start_month": {"help_text": "1-12; defaults to the MSP's fiscal-year start."},
        }

    def get_meetings_per_year(self, obj: Client) -> int:
        return obj.cadence.meetings_per_year

    def get_touches_per_month(self, obj: Client) -> int:
        return obj.cadence.touches_per_month

    def get_cadence_explanation(self, obj: Client) -> str:
        return obj.cadence.explanation

    def validate(self, attrs):
        errors = {}
        if "name" in attrs:
            same_name = Client.objects.filter(name__iexact=attrs["name"], archived_at__isnull=True)
            if self.instance is not None:
                same_name = same_name.exclude(pk=self.instance.pk)
            if same_name.exists():
                errors["name"] = ["A client with this name already exists."]
        status = _current(self, attrs, "status", ClientStatus.ONBOARDING)
        if status == ClientStatus.CHURNED and not _current(self, attrs, "churn_date"):
            errors["churn_date"] = ["A churned client needs a churn date."]
        overridden = (_current(self, attrs, "meetings_per_year_override") is not None
                      or _current(self, attrs, "touches_per_month_override") is not None)
        if overridden and not (_current(self, attrs, "cadence_override_reason", "") or "").strip():
            errors["cadence_override_reason"] = ["Say why the cadence is overridden."]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class _ChildSerializer(serializers.ModelSerializer):
    """A record that belongs to one client. It stays with that client for life."""

    client = ScopedPrimaryKeyRelatedField(Client, help_text="Id of the client this belongs to.")

    def validate_client(self, client: Client) -> Client:
        if self.instance is not None:
            if client.pk != self.instance.client_id:
                raise serializers.ValidationError(
                    "A record cannot move to another client; archive it and create it there.")
            return client
        if client.is_archived:
            raise serializers.ValidationError("This client is archived; restore it before adding to it.")
        return client


class ContactSerializer(_ChildSerializer):
    class Meta:
        model = Contact
        fields = ["id", "client", "name", "title", "email", "phone", "is_decision_maker",
                  "archived_at", "version", "created_at", "updated_at"]
        read_only_fields = RECORD_READ_ONLY


class ObjectiveSerializer(_ChildSerializer):
    class Meta:
        model = BusinessObjective
        fields = ["id", "client", "title", "description", "target_date", "status",
                  "archived_at", "version", "created_at", "updated_at"]
        read_only_fields = RECORD_READ_ONLY


class AssetSerializer(_ChildSerializer):
    class Meta:
        model = Asset
        fields = ["id", "client", "kind", "name", "manufacturer", "model", "serial", "purchase_date",
                  "warranty_end", "end_of_support", "expected_life_years", "replacement_cost", "status",
                  "archived_at", "version", "created_at", "updated_at"]
        read_only_fields = RECORD_READ_ONLY

    def validate(self, attrs):
        serial = _current(self, attrs, "serial", "")
        if serial and ("serial" in attrs or "client" in attrs):
            client = _current(self, attrs, "client")
            same = Asset.objects.filter(client=client, serial=serial, archived_at__isnull=True)
            if self.instance is not None:
                same = same.exclude(pk=self.instance.pk)
            if same.exists():
                raise serializers.ValidationError(
                    {"serial": ["This client already has an asset with this serial number."]})
        return attrs


# --- viewsets ---------------------------------------------------------------------------------------


def _without_client(data: dict) -> dict:
    # The client never changes on update (the serializer refuses a different one).
    data.pop("client", None)
    return data


@extend_schema_view(
    list=extend_schema(summary="List clients", description="Active clients unless `archived` says otherwise."),
    create=extend_schema(summary="Create a client"),
    retrieve=extend_schema(summary="Get a client"),
    update=extend_schema(summary="Replace a client"),
    partial_update=extend_schema(summary="Change a client"),
    destroy=extend_schema(summary="Archive a client", description="The client is archived, not deleted."),
)
@extend_schema(tags=["clients"])
class ClientViewSet(RecordViewSet):
    """The MSP's clients: agreement figures (MRR, AISP, users, complexity), assigned vCIO and TAM."""

    model = Client
    serializer_class = ClientSerializer
    filterset_class = ClientFilter
    search_fields = ["name", "industry"]
    ordering_fields = ["name", "status", "mrr", "user_count", "complexity", "created_at", "updated_at"]
    ordering = ["name"]
    read_perm = Perm.VIEW_CLIENTS

    @property
    def write_perm(self) -> str:
        return Perm.ARCHIVE_CLIENTS if self.action in {"destroy", "restore"} else Perm.EDIT_CLIENTS

    def create_record(self, data: dict) -> Client:
        return services.client_create(msp=self.request.msp, actor=self.request.user, **data)

    def update_record(self, obj: Client, data: dict, *, expected_version: int) -> Client:
        return services.client_update(client=obj, actor=self.request.user, expected_version=expected_version,
                                      **data)

    def archive_record(self, obj: Client) -> None:
        services.client_archive(client=obj, actor=self.request.user)

    @extend_schema(summary="Restore an archived client", request=None, responses=ClientSerializer,
                   parameters=[ETAG])
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        client = services.client_restore(client=self.get_object(), actor=request.user)
        return Response(self.get_serializer(client).data, headers={"ETag": etag_for(client)})


@extend_schema_view(
    list=extend_schema(summary="List contacts"),
    create=extend_schema(summary="Create a contact"),
    retrieve=extend_schema(summary="Get a contact"),
    update=extend_schema(summary="Replace a contact"),
    partial_update=extend_schema(summary="Change a contact"),
    destroy=extend_schema(summary="Archive a contact"),
)
@extend_schema(tags=["contacts"])
class ContactViewSet(RecordViewSet):
    """People at a client; decision makers approve roadmaps and answer the survey."""

    model = Contact
    serializer_class = ContactSerializer
    filterset_class = ContactFilter
    search_fields = ["name", "title", "email"]
    ordering_fields = ["name", "is_decision_maker", "created_at", "updated_at"]
    ordering = ["-is_decision_maker", "name"]
    read_perm = Perm.VIEW_CLIENTS
    write_perm = Perm.EDIT_CLIENTS

    def create_record(self, data: dict) -> Contact:
        return services.contact_create(actor=self.request.user, **data)

    def update_record(self, obj: Contact, data: dict, *, expected_version: int) -> Contact:
        return services.contact_update(contact=obj, actor=self.request.user, expected_version=expected_version,
                                       **_without_client(data))

    def archive_record(self, obj: Contact) -> None:
        services.contact_archive(contact=obj, actor=self.request.user)


@extend_schema_view(
    list=extend_schema(summary="List business objectives"),
    create=extend_schema(summary="Create a business objective"),
    retrieve=extend_schema(summary="Get a business objective"),
    update=extend_schema(summary="Replace a business objective"),
    partial_update=extend_schema(summary="Change a business objective"),
    destroy=extend_schema(summary="Archive a business objective"),
)
@extend_schema(tags=["objectives"])
class ObjectiveViewSet(RecordViewSet):
    """A client's business objectives: what technology should serve (growth, hybrid work...)."""

    model = BusinessObjective
    serializer_class = ObjectiveSerializer
    filterset_class = ObjectiveFilter
    search_fields = ["title", "description"]
    ordering_fields = ["title", "target_date", "status", "created_at", "updated_at"]
    ordering = ["target_date", "title"]
    read_perm = Perm.VIEW_CLIENTS
    write_perm = Perm.EDIT_CLIENTS

    def create_record(self, data: dict) -> BusinessObjective:
        return services.objective_create(actor=self.request.user, **data)

    def update_record(self, obj: BusinessObjective, data: dict, *, expected_version: int) -> BusinessObjective:
        return services.objective_update(objective=obj, actor=self.request.user,
                                         expected_version=expected_version, **_without_client(data))

    def archive_record(self, obj: BusinessObjective) -> None:
        services.objective_archive(objective=obj, actor=self.request.user)


@extend_schema_view(
    list=extend_schema(summary="List assets"),
    create=extend_schema(summary="Create an asset"),
    retrieve=extend_schema(summary="Get an asset"),
    update=extend_schema(summary="Replace an asset"),
    partial_update=extend_schema(summary="Change an asset"),
    destroy=extend_schema(summary="Archive an asset"),
)
@extend_schema(tags=["assets"])
class AssetViewSet(RecordViewSet):
    """A client's hardware, software and services with their lifecycle dates."""

    model = Asset
    serializer_class = AssetSerializer
    filterset_class = AssetFilter
    search_fields = ["name", "serial", "manufacturer", "model"]
    ordering_fields = ["name", "kind", "status", "purchase_date", "warranty_end", "end_of_support",
                       "replacement_cost", "created_at", "updated_at"]
    ordering = ["kind", "name"]
    read_perm = Perm.VIEW_CLIENTS
    write_perm = Perm.EDIT_ASSETS

    def create_record(self, data: dict) -> Asset:
        return services.asset_create(actor=self.request.user, **data)

    def update_record(self, obj: Asset, data: dict, *, expected_version: int) -> Asset:
        return services.asset_update(asset=obj, actor=self.request.user, expected_version=expected_version,
                                     **_without_client(data))

    def archive_record(self, obj: Asset) -> None:
        services.asset_archive(asset=obj, actor=self.request.user)


# --- documents (read-only: they are made by report renderings, see docs/documents.md) ----------------


class DocumentFilter(ArchivedFilterSet):
    client = django_filters.UUIDFilter(field_name="client", help_text="A client id: only this client's documents.")
    kind = django_filters.ChoiceFilter(choices=DocumentKind.choices)
    published = django_filters.BooleanFilter(
        field_name="published_at", lookup_expr="isnull", exclude=True,
        help_text="`true`: only documents published to the client portal; `false`: only unpublished ones.")


class DocumentSerializer(serializers.ModelSerializer):
    client = serializers.UUIDField(source="client_id", read_only=True, help_text="Id of the client.")
    published = serializers.SerializerMethodField(help_text="Shown in the client's portal.")
    download_url = serializers.SerializerMethodField(
        help_text="Absolute URL of the file (`GET` with the same credentials).")

    class Meta:
        model = Document
        fields = ["id", "client", "kind", "title", "edition", "content_type", "size", "checksum", "source_id",
                  "created_by", "created_at", "published", "published_at", "published_by", "archived_at",
                  "download_url"]
        read_only_fields = fields
        extra_kwargs = {
            "size": {"help_text": "Bytes."},
            "checksum": {"help_text": "SHA-256 of the file, hex. The download is refused if it no longer matches."},
            "edition": {"help_text": "1, 2, 3... per client and kind."},
        }

    def get_published(self, obj: Document) -> bool:
        return obj.published_at is not None and obj.archived_at is None

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, obj: Document) -> str:
        return reverse("document-download", args=[obj.pk], request=self.context.get("request"))


@extend_schema_view(
    list=extend_schema(summary="List documents",
                       description="A client's documents (alignment reports, roadmap PDFs), newest first. "
                                   "Active documents unless `archived` says otherwise."),
    retrieve=extend_schema(summary="Get a document"),
)
@extend_schema(tags=["documents"])
class DocumentViewSet(viewsets.ReadOnlyModelViewSet):
    """Files made for clients, each edition with its size and SHA-256 checksum. Read-only: documents are
    created by rendering a report and published from the client's documents page."""

    serializer_class = DocumentSerializer
    filterset_class = DocumentFilter
    search_fields = ["title"]
    ordering_fields = ["created_at", "published_at", "edition", "kind", "title"]
    ordering = ["-created_at"]
    pagination_class = StandardPagination
    permission_classes = [IsAuthenticated, RolePermission]
    read_perm = Perm.VIEW_CLIENTS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Document.objects.none()
        return Document.objects.select_related("client")

    def filter_queryset(self, queryset):
        # Filters narrow lists only; the tenant scope is what guards a detail URL.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def perform_content_negotiation(self, request, force=False):
        # A download sends the file whatever `Accept` asks for (e.g. application/pdf) instead of 406;
        # only its errors are rendered, as JSON.
        return super().perform_content_negotiation(request, force=force or self.action == "download")

    @extend_schema(
        summary="Download a document",
        description="The file with its own content type (e.g. `application/pdf`) as an attachment. It is "
                    "checked against its checksum first; a damaged file is refused with 500.",
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The file."),
                   404: OpenApiResponse(description="No such document in your MSP.")},
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        return document_response(self.get_object())


def register(router) -> None:
    router.register("clients", ClientViewSet, basename="client")
    router.register("contacts", ContactViewSet, basename="contact")
    router.register("objectives", ObjectiveViewSet, basename="objective")
    router.register("assets", AssetViewSet, basename="asset")
    router.register("documents", DocumentViewSet, basename="document")
