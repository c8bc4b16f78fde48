"""
What curated records' API writes add to the domain's read viewsets: every
create, update and delete goes through the one write path (``curation.services``).
"""

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


class CuratedWritesMixin(WritesMixin):
    """Creates, updates and deletes through ``curation.services`` (the reason from ``X-Change-Reason``)."""

    def perform_create(self, serializer):
        model = serializer.Meta.model
        fields, m2m = _split(model, serializer.validated_data)
        record = model(**fields)
        try:
            serializer.instance = services.record_create(
                record=record,
                user=self.request.user,
                reason=_reason(self.request, "Created through the API"),
                m2m=m2m,
                duplicate_override=_override(self.request),
            )
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc

    def perform_update(self, serializer):
        instance = serializer.instance
        fields, m2m = _split(type(instance), serializer.validated_data)
        for name, value in fields.items():
            setattr(instance, name, value)
        try:
            services.record_update(
                record=instance,
                user=self.request.user,
                reason=_reason(self.request, "Edited through the API"),
                m2m=m2m,
                duplicate_override=_override(self.request),
            )
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc

    def perform_destroy(self, instance):
        try:
            services.record_delete(
                record=instance, user=self.request.user, reason=_reason(self.request, "Deleted through the API")
            )
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc


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
        serializer = self.get_serializer(instance, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        try:
            revision = services.record_update(
                record=instance,
                user=request.user,
                values=serializer.validated_data,
                reason=_reason(request, "Edited through the API"),
                duplicate_override=_override(request),
            )
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        detail = "Held for review: the published record changes once an editor approves."
        return Response({"detail": detail, "revision": revision.pk}, status=status.HTTP_202_ACCEPTED)


class LiveWritesMixin(CuratedWritesMixin):
    """
    Writes to sources and the method (features, sub-conditions, families), which the public reads
    as soon as they exist: a new record, a change and a removal are each held for review (202 with
    the request's id, ``X-Change-Reason`` as its reason) until another editor approves it.
    """

    def _held(self, action):
        return Response({"detail": HELD[action], "revision": self._revision.pk}, status=status.HTTP_202_ACCEPTED)

    def perform_create(self, serializer):
        model = serializer.Meta.model
        fields, m2m = _split(model, serializer.validated_data)
        try:
            self._revision = services.record_create(
                record=model(**fields),
                user=self.request.user,
                reason=_reason(self.request, "Proposed through the API"),
                m2m=m2m,
                duplicate_override=_override(self.request),
            )
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        assert isinstance(self._revision, Revision)  # noqa: S101 - a user's new live record is always held
        return self._held("create")

    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        try:
            self._revision = services.record_update(
                record=instance,
                user=request.user,
                values=serializer.validated_data,
                reason=_reason(request, "Edited through the API"),
                duplicate_override=_override(request),
            )
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        return self._held("update")

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        try:
            self._revision = services.record_delete(
                record=instance, user=request.user, reason=_reason(request, "Removal proposed through the API")
            )
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        return self._held("destroy")
