"""
Every error under ``/api/`` answers one shape: RFC 9457 problem details
(``application/problem+json``) with ``type``, ``title``, ``status`` and ``detail``, and,
for invalid parameters or fields, ``errors``: ``{name: [message, ...]}``. DRF's errors
go through ``exception_handler``; what happens outside DRF (an unknown path, a CSRF
refusal, a body or URL too large, a server error) is reshaped by
``core.api.middleware.ProblemDetailsMiddleware`` with the same ``problem``.
"""

from http import HTTPStatus

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.db.models import ProtectedError
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import WorkflowError

PROBLEM_MEDIA_TYPE = "application/problem+json"


def problem(status_code, detail=None, errors=None, **extra):
    """
    The body of an RFC 9457 problem. ``type`` is ``about:blank`` (the problem is what the
    status says; RFC 9457 section 4.2.1), ``title`` the status phrase, ``detail`` what
    was wrong in this request.
    """
    try:
        title = HTTPStatus(status_code).phrase
    except ValueError:
        title = "Error"
    body = {
        "type": "about:blank",
        "title": title,
        "status": status_code,
        "detail": detail or title,
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    return body


def problem_response(status_code, detail=None, errors=None, **extra):
    """A plain Django response (outside DRF) carrying a problem."""
    return JsonResponse(
        problem(status_code, detail, errors, **extra),
        status=status_code,
        content_type=PROBLEM_MEDIA_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def _messages(value):
    if isinstance(value, list):
        out = []
        for item in value:
            out.extend(_messages(item) if isinstance(item, list | dict) else [str(item)])
        return out
    if isinstance(value, dict):
        return [f"{key}: {message}" for key, item in value.items() for message in _messages(item)]
    return [str(value)]


def as_problem(data, status_code):
    """A DRF error body (``{"detail": ...}``, ``{name: [...]}`` or a list) as a problem."""
    if isinstance(data, dict) and set(data) <= {"detail"} and not isinstance(data.get("detail"), list | dict):
        return problem(status_code, str(data.get("detail", "")) or None)
    if isinstance(data, dict):
        extra = {}
        errors = {}
        for key, value in data.items():
            if key == "detail" and isinstance(value, list) and len(value) == 1:
                extra["detail"] = str(value[0])
            elif key == "blocking":
                extra["blocking"] = value
            elif key == "revision":
                extra["revision"] = value
            else:
                errors[key] = _messages(value)
        detail = extra.pop("detail", None)
        if detail is None and errors:
            detail = (
                "Invalid "
                + ", ".join(sorted(errors))
                + ": "
                + " ".join(f"{name}: {messages[0]}" for name, messages in sorted(errors.items()))
            )
        return problem(status_code, detail, errors or None, **extra)
    return problem(status_code, " ".join(_messages(data)) or None)


def exception_handler(exc, context):
    """
    DRF's handler, plus: a model validation error is a 400 naming the fields,
    deleting a record others depend on is a 409 naming them; every answer is a problem.
    """
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, OverflowError | DataError):
        # A value the database cannot hold, past the filters' own checks.
        exc = exceptions.ValidationError({"detail": ["A parameter or field value is out of range."]})
    if isinstance(exc, WorkflowError):
        response = Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    elif isinstance(exc, ProtectedError):
        blocking = sorted({str(obj) for obj in exc.protected_objects})[:10]
        response = Response(
            {"detail": "Other records depend on this one; remove or reassign them first.", "blocking": blocking},
            status=status.HTTP_409_CONFLICT,
        )
    else:
        response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a server error: ProblemDetailsMiddleware answers the 500
    response.data = as_problem(response.data, response.status_code)
    response.content_type = PROBLEM_MEDIA_TYPE
    return response


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Any other URL under the API prefix, whatever the method: a 404 problem, never the site's HTML page."""
    return problem_response(404, f"No API endpoint at {request.path}; see /api/v1/.")
