"""Middleware for everything under ``/api/``: the licence link, and one error shape outside DRF."""

import json
import logging

from django.conf import settings

from .citation import license_link_header
from .exceptions import PROBLEM_MEDIA_TYPE, as_problem, problem_response

logger = logging.getLogger("django.request")


def is_api(request):
    return request.path_info.startswith("/api/")


class LicenseLinkMiddleware:
    """Adds ``Link: <licence>; rel="license"`` to every response under the API prefix."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            existing = response.get("Link")
            link = license_link_header()
            response["Link"] = f"{existing}, {link}" if existing else link
        return response


class ProblemDetailsMiddleware:
    """
    Under ``/api/``, every 4xx and 5xx is a problem (``core.api.exceptions``), whoever
    answered it: a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is a 413 before anything
    reads it, a query string over ``SSE_MAP_API_MAX_QUERY_STRING`` bytes a 414, an unhandled exception a
    500 (logged, never shown), and any other error page (CSRF, Django's own 400 or 404)
    is reshaped. Put it outermost, so it sees the other middleware's answers too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_api(request):
            return self.get_response(request)
        early = self.refuse_early(request)
        response = early if early is not None else self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(PROBLEM_MEDIA_TYPE):
            response = self.reshape(response)
        return response

    def refuse_early(self, request):
        length, limit = len(request.META.get("QUERY_STRING", "")), settings.SSE_MAP_API_MAX_QUERY_STRING
        if length > limit:
            return problem_response(414, f"The query string is over the {limit}-byte limit ({length} bytes).")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return problem_response(400, "The Content-Length header is not a number.")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            return problem_response(413, f"The request body is {length} bytes; the API takes at most {limit}.")
        return None

    def process_exception(self, request, exception):
        if not is_api(request):
            return None
        logger.error("Internal Server Error: %s", request.path, exc_info=exception, extra={"status_code": 500})
        return problem_response(500, "Something went wrong on our side; it has been logged. Please try again later.")

    @staticmethod
    def reshape(response):
        data = None
        if response.get("Content-Type", "").startswith("application/json") and not response.streaming:
            try:
                data = json.loads(response.content)
            except ValueError:
                data = None
        if response.status_code >= 500:
            data = {"detail": "Something went wrong on our side; it has been logged. Please try again later."}
        elif response.status_code == 403 and data is None:
            data = {"detail": "Forbidden (a CSRF check failed: API writes use a token, not a session form)."}
        body = as_problem(data if data is not None else {}, response.status_code)
        new = problem_response(response.status_code)
        new.content = json.dumps(body, ensure_ascii=False).encode()
        for header in ("Allow", "Retry-After", "Link", "Location", "Vary", "WWW-Authenticate"):
            if header in response:
                new[header] = response[header]
        return new
