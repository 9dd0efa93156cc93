"""API plumbing shared by every app: errors, ETags and If-Match."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

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


def expected_version(request) -> int:
    """The version the client last saw, from If-Match. Required for every change."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired()
    value = header.removeprefix("W/").strip('"')
    try:
        return int(value)
    except ValueError as exc:
        raise PreconditionFailed("If-Match must be an ETag this API returned.") from exc


def exception_handler(exc, context):
    if isinstance(exc, StaleVersionError):
        exc = PreconditionFailed()
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
