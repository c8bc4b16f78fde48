from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.db.models import ProtectedError
from django.http import JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import WorkflowError


def exception_handler(exc, context):
    """
    DRF's handler, plus: a model validation error is a 400 naming the fields,
    and deleting a record others depend on is a 409 naming them.
    """
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, OverflowError | DataError):
        # A value the database cannot hold, past the filters' own checks.
        exc = exceptions.ValidationError({"detail": ["A parameter or field value is out of range."]})
    if isinstance(exc, WorkflowError):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, ProtectedError):
        blocking = sorted({str(obj) for obj in exc.protected_objects})[:10]
        return Response(
            {"detail": "Other records depend on this one; remove or reassign them first.", "blocking": blocking},
            status=status.HTTP_409_CONFLICT,
        )
    return drf_exception_handler(exc, context)


def not_found(request, *args, **kwargs):
    """Any other URL under the API prefix: a JSON 404 like the API's own, never the site's HTML page."""
    return JsonResponse({"detail": f"No API endpoint at {request.path}; see /api/v1/."}, status=404)
