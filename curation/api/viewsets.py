"""
What curated records' API writes add to the domain's read viewsets: every
create, update and delete goes through the one write path (``curation.services``).
"""

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core.api.viewsets import WritesMixin
from countries.models import Revision
from curation import services

HELD = {
    "create": "Held for review: the new record exists once another editor approves it.",
    "update": "Held for review: the record changes once another editor approves.",
    "destroy": "Held for review: the record is removed once another editor approves.",
}


def _reason(request, default):
    return request.headers.get("X-Change-Reason", "").strip() or default


def _override(request):
    """The near-duplicate override's reason (``duplicate_override_reason`` in the body), if given."""
    data = request.data if isinstance(request.data, dict) else {}
    return str(data.get("duplicate_override_reason") or "").strip()


def _split(model, validated):
    m2m_names = {f.name for f in model._meta.many_to_many}
    fields = {k: v for k, v in validated.items() if k not in m2m_names}
    m2m = {k: v for k, v in validated.items() if k in m2m_names}
    return fields, m2m


@contextmanager
def _as_api_refusal():
    """A refusal of the write path as the API's 403, its message kept (DRF's own mapping drops it)."""
    try:
        yield
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc


class CuratedWritesMixin(WritesMixin):
    """Creates, updates and deletes through ``curation.services`` (the reason from ``X-Change-Reason``)."""

    create_reason = "Created through the API"

    def perform_create(self, serializer):
        model = serializer.Meta.model
        fields, m2m = _split(model, serializer.validated_data)
        with _as_api_refusal():
            created = services.record_create(
                record=model(**fields),
                user=self.request.user,
                reason=_reason(self.request, self.create_reason),
                m2m=m2m,
                duplicate_override=_override(self.request),
            )
        if isinstance(created, Revision):  # a source or method record: held for review
            self._revision = created
            return
        serializer.instance = self.as_read(created)

    def perform_update(self, serializer):
        instance = serializer.instance
        fields, m2m = _split(type(instance), serializer.validated_data)
        for name, value in fields.items():
            setattr(instance, name, value)
        with _as_api_refusal():
            services.record_update(
                record=instance,
                user=self.request.user,
                reason=_reason(self.request, "Edited through the API"),
                m2m=m2m,
                duplicate_override=_override(self.request),
            )
        serializer.instance = self.as_read(instance)

    def as_read(self, record):
        """
        The record as a GET of it reads it (the view's queryset adds what is counted and
        prefetched, none of it from before the write), so the answer's ETag is the next GET's.
        """
        return self.get_queryset().filter(pk=record.pk).first() or record

    def perform_destroy(self, instance):
        with _as_api_refusal():
            return services.record_delete(
                record=instance, user=self.request.user, reason=_reason(self.request, "Deleted through the API")
            )

    def held_update(self, request, instance, partial):
        """Propose the request's values for ``instance`` as a change set; the pending ``Revision``."""
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        with _as_api_refusal():
            return services.record_update(
                record=instance,
                user=request.user,
                values=serializer.validated_data,
                reason=_reason(request, "Edited through the API"),
                duplicate_override=_override(request),
            )


class PublishableWritesMixin(CuratedWritesMixin):
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
        revision = self.held_update(request, instance, kwargs.get("partial", False))
        detail = "Held for review: the published record changes once an editor approves."
        return Response({"detail": detail, "revision": revision.pk}, status=status.HTTP_202_ACCEPTED)


class LiveWritesMixin(CuratedWritesMixin):
    """
    Writes to sources and the method (features, sub-conditions, families), which the public reads
    as soon as they exist: a new record, a change and a removal are each held for review (202 with
    the request's id, ``X-Change-Reason`` as its reason) until another editor approves it.
    """

    create_reason = "Proposed through the API"

    def _held(self, action, revision):
        return Response({"detail": HELD[action], "revision": revision.pk}, status=status.HTTP_202_ACCEPTED)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        return self._held("create", self._revision)

    def update(self, request, *args, **kwargs):
        return self._held("update", self.held_update(request, self.get_object(), kwargs.get("partial", False)))

    def destroy(self, request, *args, **kwargs):
        return self._held("destroy", self.perform_destroy(self.get_object()))
