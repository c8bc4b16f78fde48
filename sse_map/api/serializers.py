"""Serializer building blocks shared by the apps' API serializers."""

import copy
import re

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import get_script_prefix, get_urlconf, reverse
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


# A key made only of these characters appears in a reversed URL as it is (no quoting).
_PLAIN_KEY = re.compile(r"[-\w]+", re.ASCII)
_URL_TEMPLATES = {}


def object_path(view_name, kwarg, value):
    """
    ``reverse(view_name, kwargs={kwarg: value})``, without resolving the URL
    patterns again for every row of a list: the first plain key reversed gives
    the path around the key, which later plain keys are put into.
    """
    value = str(value)
    plain = _PLAIN_KEY.fullmatch(value) is not None
    where = (view_name, kwarg, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    template = _URL_TEMPLATES.get(where)
    if template is not None and plain:
        return template[0] + value + template[1]
    path = reverse(view_name, kwargs={kwarg: value})
    if plain and path.count(value) == 1:
        _URL_TEMPLATES[where] = tuple(path.split(value))
    return path


class ObjectURLField(serializers.HyperlinkedIdentityField):
    """The object's canonical API URL, without the request's ``format`` parameter."""

    def get_url(self, obj, view_name, request, format):
        path = object_path(view_name, self.lookup_url_kwarg, getattr(obj, self.lookup_field))
        return request.build_absolute_uri(path) if request is not None else path
