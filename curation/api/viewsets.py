"""
What curated records' API writes add to the domain's read viewsets: the
review workflow (``curation.services``).
"""

from rest_framework import status
from rest_framework.response import Response

from core.api.viewsets import WritesMixin
from curation.services import revision_propose


class PublishableWritesMixin(WritesMixin):
    """
    Writes that follow the review workflow: records are created as drafts and
    published in the admin's review queue, never through ``publication_status``;
    an edit to a published record is held as a change for review (202 with the
    revision's id) instead of being applied, with the ``X-Change-Reason`` header
    as its reason.
    """

    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        if not instance.is_published:
            return super().update(request, *args, **kwargs)
        serializer = self.get_serializer(instance, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        reason = request.headers.get("X-Change-Reason", "").strip() or "Edited through the API"
        revision = revision_propose(record=instance, user=request.user, values=serializer.validated_data, reason=reason)
        detail = "Held for review: the published record changes once an editor approves."
        return Response({"detail": detail, "revision": revision.pk}, status=status.HTTP_202_ACCEPTED)
