"""
``If-Match`` on API writes: an edit or deletion sent with the ETag the client
read answers 412 when the record has changed since (another analyst saved it),
instead of silently overwriting their work. The ETag is the one a JSON ``GET``
of the same record carries (``APIViewSetMixin.conditional``).
"""

import hashlib

from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.renderers import JSONRenderer

from core.concurrency import stored_version

UNSAFE_METHODS = {"PUT", "PATCH", "DELETE"}


def content_etag(content):
    return f'"{hashlib.sha256(content).hexdigest()[:40]}"'


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "edit_conflict"


def requested_etags(header):
    """
    The entity tags listed in an ``If-Match`` header, for the strong comparison RFC 9110
    (section 13.1.1) asks of it: a weak tag (``W/"..."``) never matches, so it is dropped.
    """
    tags = []
    for part in header.split(","):
        tag = part.strip()
        if tag and not tag.startswith("W/"):
            tags.append(tag)
    return tags


class IfMatchMixin:
    """For an API viewset: PUT, PATCH and DELETE honour ``If-Match`` (412 on a stale ETag)."""

    def get_object(self):
        instance = super().get_object()
        header = self.request.headers.get("If-Match")
        if self.request.method in UNSAFE_METHODS and header:
            stored_version(instance)  # locks the row until the request's transaction ends
            self.check_if_match(instance, requested_etags(header))
        return instance

    def current_etag(self, instance):
        data = self.get_serializer(instance).data
        return content_etag(JSONRenderer().render(data, "application/json", self.get_renderer_context()))

    def check_if_match(self, instance, tags):
        if "*" in tags:
            return
        current = self.current_etag(instance)
        if current not in tags:
            raise PreconditionFailed(
                f"This record changed since you read it (someone else saved it): your {self.request.method} "
                f"was not applied. Read it again (its ETag is now {current}), re-apply your change and send "
                "the new ETag in If-Match."
            )
