"""Serializer building blocks shared by the apps' API serializers."""

import copy
import operator
import re

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.urls import get_script_prefix, get_urlconf, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import MANY_RELATION_KWARGS, PKOnlyObject

from core.querysets import prefetched_as


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


class CiteAsField(serializers.Field):
    """A short citation string for the object, read-only."""

    def __init__(self, **kwargs):
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        request = self.context.get("request")
        if request is None:
            return self.context["cite_as"]("")
        url = self.parent.fields.get("url") if self.parent is not None else None
        if request.method not in ("GET", "HEAD") and url is not None:
            # A write's answer cites the record as a GET of it does (the request's URL may be the list's).
            return self.context["cite_as"](url.to_representation(value))
        return self.context["cite_as"](request.build_absolute_uri())


extend_schema_field(OpenApiTypes.STR)(CiteAsField)


# A key made only of these characters appears in a reversed URL as it is (no quoting).
_PLAIN_KEY = re.compile(r"[-\w]+", re.ASCII)
_URL_TEMPLATES = {}
# A path that build_absolute_uri() only prefixes with the scheme and host (no dot segments, nothing to quote).
_PLAIN_PATH = re.compile(r"/[-\w/]*", re.ASCII)


def _template_key(view_name, kwarg):
    return (view_name, kwarg, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


def object_path(view_name, kwarg, value):
    """
    ``reverse(view_name, kwargs={kwarg: value})``, without resolving the URL
    patterns again for every row of a list: the first plain key reversed gives
    the path around the key, which later plain keys are put into.
    """
    value = str(value)
    plain = _PLAIN_KEY.fullmatch(value) is not None
    where = _template_key(view_name, kwarg)
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
        value = str(getattr(obj, self.lookup_field))
        # Within one request, a plain key goes straight into the absolute URL worked out for the
        # first one: no URL resolving, no parsing, per row of a list.
        known = getattr(self, "_absolute_template", None)
        if known is not None and known[0] is request and _PLAIN_KEY.fullmatch(value):
            return known[1] + value + known[2]
        path = object_path(view_name, self.lookup_url_kwarg, value)
        if request is None:
            return path
        suffix = release_query(request)
        if not _PLAIN_PATH.fullmatch(path):
            return request.build_absolute_uri(path) + suffix
        # What build_absolute_uri() gives for a path it leaves as it is.
        url = request.build_absolute_uri("/")[:-1] + path
        template = _URL_TEMPLATES.get(_template_key(view_name, self.lookup_url_kwarg))
        if template is not None and _PLAIN_KEY.fullmatch(value):
            base = url[: len(url) - len(path)]
            self._absolute_template = (request, base + template[0], template[1] + suffix)
        return url + suffix


# Fields whose representation of a row depends only on the attribute their source names.
_PLAIN_FIELDS = (
    serializers.BooleanField,
    serializers.CharField,
    serializers.ChoiceField,
    serializers.DateField,
    serializers.DateTimeField,
    serializers.IntegerField,
    serializers.SlugRelatedField,
)


class PlannedListSerializer(serializers.ListSerializer):
    """
    A list serializer that works out once per list, not once per row and
    field, how each field of its child reads a row: a method field calls its
    method, an identity field (``source='*'``) gets the row, a plain field reads
    its attribute path and formats it (``None`` stays ``None``), a related record
    named in the child's ``Meta.list_sources`` is linked from the key the row
    carries; any other field goes through DRF as usual. The output is what ``ListSerializer``
    gives, field for field (tests compare the two).
    """

    def plan(self):
        child, steps = self.child, []
        model_fields = {f.name for f in child.Meta.model._meta.concrete_fields}
        # A related record's key as the list's queryset annotates it (``Meta.list_sources``, e.g.
        # ``{"country": "country_code"}``): no related instance per row.
        list_sources = getattr(child.Meta, "list_sources", {})
        for field in child._readable_fields:
            if isinstance(field, LinkField) and field.field_name in list_sources:
                how = (field.view_name, field.lookup_url_kwarg, operator.attrgetter(list_sources[field.field_name]))
                steps.append((field.field_name, "link", how))
            elif isinstance(field, serializers.SerializerMethodField):
                steps.append((field.field_name, "method", getattr(child, field.method_name)))
            elif field.source == "*":
                steps.append((field.field_name, "identity", field.to_representation))
            elif (type(field) in _PLAIN_FIELDS or type(field) is KeyField) and field.source in model_fields:
                if isinstance(field, serializers.DateTimeField) and not hasattr(field, "timezone"):
                    # What the field would look up for every value: the current time zone, once per list.
                    field.timezone = field.default_timezone()
                steps.append((field.field_name, "plain", (operator.attrgetter(field.source), field.to_representation)))
            else:
                steps.append((field.field_name, "drf", field))
        return steps

    @staticmethod
    def drf_value(field, item):
        """What ``Serializer.to_representation`` gives for one field of one row."""
        attribute = field.get_attribute(item)
        check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
        return None if check_for_none is None else field.to_representation(attribute)

    def to_representation(self, data):
        items = list(data.all() if isinstance(data, models.manager.BaseManager) else data)
        self.before_rows(items)
        steps = self.plan()
        request = self.context.get("request")
        rows = []
        for item in items:
            row = {}
            for name, kind, how in steps:
                if kind == "method" or kind == "identity":
                    row[name] = how(item)
                elif kind == "link":
                    row[name] = link(request, how[0], how[1], how[2](item))
                elif kind == "plain":
                    value = how[0](item)
                    row[name] = None if value is None else how[1](value)
                else:
                    try:
                        row[name] = self.drf_value(how, item)
                    except SkipField:
                        pass
            rows.append(row)
        return rows

    def before_rows(self, items):
        """A hook run once with the whole list before any row is serialized (e.g. to read related rows)."""


# Related records ----------------------------------------------------------------

LINK_SCHEMA = {
    "type": "object",
    "description": "A related record: its public key and its API URL.",
    "properties": {"key": {"type": "string"}, "url": {"type": "string", "format": "uri"}},
    "required": ["key", "url"],
}


# Set on a request read from a release (``releases.middleware``): the release's version, which
# every record URL in the answer then carries (``?release=``), so a link leads to the frozen record.
READ_RELEASE = "_sse_map_release"


def release_query(request):
    """``?release=<version>`` when ``request`` reads a release, else ``""``."""
    version = getattr(getattr(request, "_request", request), READ_RELEASE, None)
    return f"?release={version}" if version else ""


def absolute_url(request, path):
    """
    ``request.build_absolute_uri(path)`` for a plain path, the scheme and host worked out once per
    request; a record's path read from a release carries the release.
    """
    if request is None:
        return path
    suffix = release_query(request) if path.startswith("/api/") and "?" not in path else ""
    if not _PLAIN_PATH.fullmatch(path):
        return request.build_absolute_uri(path) + suffix
    base = getattr(request, "_sse_map_base_url", None)
    if base is None:
        base = request.build_absolute_uri("/")[:-1]
        request._sse_map_base_url = base
    return base + path + suffix


def link(request, view_name, kwarg, key):
    """
    A related record as the API shows it: ``{"key": ..., "url": ...}`` (None without a key).
    Within one request, a plain key goes straight into the absolute URL worked out for the
    first key of the same view (a list links hundreds of records to a handful of views).
    """
    if key is None or key == "":
        return None
    key = str(key)
    if request is None or not _PLAIN_KEY.fullmatch(key):
        return {"key": key, "url": absolute_url(request, object_path(view_name, kwarg, key))}
    templates = getattr(request, "_sse_map_link_templates", None)
    if templates is None:
        templates = request._sse_map_link_templates = {}
    template = templates.get((view_name, kwarg))
    if template is not None:
        return {"key": key, "url": template[0] + key + template[1]}
    url = absolute_url(request, object_path(view_name, kwarg, key))
    if url.count(key) == 1:
        templates[(view_name, kwarg)] = tuple(url.split(key))
    return {"key": key, "url": url}


class PrefetchedManyRelatedField(serializers.ManyRelatedField):
    """A to-many field that reads the list a ``to_attr`` prefetch left (``prefetched_as``), else the relation."""

    def get_attribute(self, instance):
        rows = getattr(instance, prefetched_as(self.source), None)
        return rows if rows is not None else super().get_attribute(instance)


class PrefetchedListSerializer(serializers.ListSerializer):
    """A nested list that reads the list a ``to_attr`` prefetch left (``prefetched_as``), else the relation."""

    def get_attribute(self, instance):
        rows = getattr(instance, prefetched_as(self.source), None)
        return rows if rows is not None else super().get_attribute(instance)


class LinkField(serializers.SlugRelatedField):
    """
    A related record by its public key: read as ``{"key", "url"}``, written as the key
    (or the same object: its ``key`` is read).
    """

    def __init__(self, view_name, slug_field, lookup_url_kwarg=None, **kwargs):
        self.view_name = view_name
        self.lookup_url_kwarg = lookup_url_kwarg or slug_field
        super().__init__(slug_field=slug_field, **kwargs)

    @classmethod
    def many_init(cls, *args, **kwargs):
        # DRF's own, with the to-many field that reads a ``to_attr`` prefetch (DRF documents this hook).
        many_kwargs = {key: value for key, value in kwargs.items() if key in MANY_RELATION_KWARGS}
        return PrefetchedManyRelatedField(child_relation=cls(*args, **kwargs), **many_kwargs)

    def to_representation(self, obj):
        return link(self.context.get("request"), self.view_name, self.lookup_url_kwarg, getattr(obj, self.slug_field))

    def to_internal_value(self, data):
        if isinstance(data, dict):
            data = data.get("key")
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)

    def get_choices(self, cutoff=None):
        # The browsable API's form: keys, not the objects' representations (unhashable dicts).
        queryset = self.get_queryset()
        if queryset is None:
            return {}
        if cutoff is not None:
            queryset = queryset[:cutoff]
        return {getattr(item, self.slug_field): str(item) for item in queryset}


class KeyField(serializers.CharField):
    """The record's public key (slug or code), the one its URL is made of."""

    def __init__(self, source, **kwargs):
        super().__init__(source=source, read_only=True, **kwargs)
