"""Serializer building blocks shared by the apps' API serializers."""

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class FullCleanMixin:
    """Runs the model's own ``full_clean`` (field checks, ``clean()``, constraints) on writes."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        many_to_many = {field.name for field in model._meta.many_to_many}
        instance = copy.copy(self.instance) if self.instance is not None else model()
        for name, value in attrs.items():
            if name not in many_to_many:
                setattr(instance, name, value)
        try:
            instance.full_clean(exclude=many_to_many)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        return attrs


def law_shown(context, law):
    """Whether a referenced law may be named to this reader (see ``drafts_of_laws_visible``)."""
    from countries.querysets import is_public

    return law is not None and (context.get("drafts_of_laws_visible") or is_public(law))


class CiteAsField(serializers.Field):
    """A short citation string for the object, read-only."""

    def __init__(self, **kwargs):
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        request = self.context.get("request")
        return self.context["cite_as"](request.build_absolute_uri() if request is not None else "")


extend_schema_field(OpenApiTypes.STR)(CiteAsField)


class ObjectURLField(serializers.HyperlinkedIdentityField):
    """The object's canonical API URL, without the request's ``format`` parameter."""

    def get_url(self, obj, view_name, request, format):
        from django.urls import reverse

        path = reverse(view_name, kwargs={self.lookup_url_kwarg: getattr(obj, self.lookup_field)})
        return request.build_absolute_uri(path) if request is not None else path
