"""A database that is still busy after waiting answers a JSON 503 with Retry-After, never a 500 page."""

import logging

from django.db import OperationalError
from django.http import JsonResponse

logger = logging.getLogger(__name__)

# What SQLite (and PostgreSQL's lock timeout) say when a write could not get its lock in time.
BUSY_MESSAGES = ("database is locked", "database table is locked", "database is busy", "lock timeout")


def is_busy(exc) -> bool:
    text = str(exc).lower()
    return isinstance(exc, OperationalError) and any(message in text for message in BUSY_MESSAGES)


class DatabaseBusyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_busy(exception):
            return None
        logger.warning("Database busy on %s %s: %s", request.method, request.path, exception)
        response = JsonResponse(
            {"detail": "The database is busy with other changes; nothing was saved. Try again in a moment."},
            status=503,
        )
        response["Retry-After"] = "2"
        return response
