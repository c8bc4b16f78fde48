"""The OpenAPI schema generator: says truthfully which operations need no credentials."""

import django_filters
from django.conf import settings
from django.db import DatabaseError
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import permissions

from .filters import CodeListFilter
from .serializers import LINK_SCHEMA

# ``?release=`` on every read of a viewset that can be read as a release (releases/middleware.py).
RELEASE_PARAMETER = OpenApiParameter(
    "release",
    OpenApiTypes.STR,
    pattern=r"^[0-9]{4}\.[1-9][0-9]{0,3}$",
    description="Read this release (e.g. `2027.1`, see `releases/`): its frozen data, as published then. "
    "An unknown release is a 400.",
)


# The versions ``?release=`` can read: set by the app that answers it (releases/apps.py), which
# this layer does not import. Until then, or while no release is cut, the parameter is undocumented.
RELEASE_VERSIONS = {"of": lambda: []}


def database_values(read):
    """``read()``, or None where the database cannot answer (no tables yet: ``spectacular`` in CI)."""
    try:
        return list(read())
    except DatabaseError:
        return None


# A free-text parameter: any text without a NUL character (core.api.viewsets refuses one).
NO_NUL = "^[^\\u0000]*$"


class AutoSchema(SpectacularAutoSchema):
    """
    Reads are open to anonymous callers under ``DjangoModelPermissionsOrAnonReadOnly``
    (drf-spectacular only knows ``AllowAny`` and ``IsAuthenticatedOrReadOnly``), so a
    safe method's security requirements include ``{}``: no credentials needed.

    A read's query parameters say what the server takes, so that a request the schema calls
    valid is answered 2xx and one it calls invalid 4xx (schemathesis checks both,
    tests/core/api/test_fuzz.py):

    - only the parameters the view takes (``allowed_query_parameters``);
    - multi-value filters, ``ordering``, ``fields`` and ``include`` as non-empty comma lists
      (``style: form, explode: false``; repeats work too) of the values they take: the keys
      in the database when the schema is made (countries, families, features, sub-conditions,
      laws, organization types), a vocabulary's values, the serializer's fields;
    - ``page`` from 1, ``page_size`` within its bounds, a number filter within its bounds;
    - ``release`` among the releases cut (undocumented before the first).
    """

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self.method == "GET" and getattr(self.view, "release_readable", False):
            parameters = [*parameters, RELEASE_PARAMETER]
        return parameters

    def _get_parameters(self):
        parameters = super()._get_parameters()
        if self.method != "GET":
            return parameters
        allowed = self.view.allowed_query_parameters() if hasattr(self.view, "allowed_query_parameters") else None
        filterset_class = getattr(self.view, "filterset_class", None)
        filters = filterset_class.base_filters if filterset_class is not None else {}
        out = []
        for parameter in parameters:
            if parameter["in"] == "query":
                if allowed is not None and parameter["name"] not in allowed:
                    continue
                parameter = self.describe_query_parameter(parameter, filters.get(parameter["name"]))
                if parameter is None:
                    continue
            out.append(parameter)
        return out

    def describe_query_parameter(self, parameter, filter_):
        """The parameter as the server takes it (see the class); None to leave it out."""
        name, schema = parameter["name"], parameter.setdefault("schema", {})
        if name == "page":
            schema["minimum"] = 1
        elif name == "page_size":
            schema.update(minimum=1, maximum=settings.API_MAX_PAGE_SIZE)
        elif name == "release":
            versions = database_values(RELEASE_VERSIONS["of"])
            if not versions:
                return None
            schema.pop("pattern", None)
            schema["enum"] = versions
        elif name == "fields":
            names = self.serializer_field_names()
            if names:
                parameter["schema"] = {"type": "array", "items": {"type": "string", "enum": names}}
        elif filter_ is not None and hasattr(filter_, "vocabulary"):
            keys = database_values(filter_.vocabulary)
            if keys and isinstance(filter_, CodeListFilter):
                schema["items"] = {**schema.get("items", {}), "enum": keys}
        elif schema.get("type") == "string" and not set(schema) & {"enum", "format", "pattern"}:
            # Free text: any string but one with a NUL, which no database column holds (a 400).
            schema["pattern"] = NO_NUL
        elif isinstance(filter_, django_filters.NumberFilter):
            for bound, key in (("min_value", "minimum"), ("max_value", "maximum")):
                if filter_.extra.get(bound) is not None:
                    schema[key] = filter_.extra[bound]
        if parameter["schema"].get("type") == "array" and (name in ("fields", "include") or filter_ is not None):
            parameter.update(style="form", explode=False)
            parameter["schema"]["minItems"] = 1
        return parameter

    def serializer_field_names(self):
        """Every field ``fields=`` may name: the serializer's, the optional ones included."""
        serializer_class = self.view.get_serializer_class()
        return list(serializer_class().fields) if serializer_class is not None else []

    def get_auth(self):
        auths = super().get_auth()
        anon_read = any(
            isinstance(p, permissions.DjangoModelPermissionsOrAnonReadOnly) for p in self.view.get_permissions()
        )
        if anon_read and self.method in permissions.SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths


# Errors every operation may answer, always as problem details (core/api/exceptions.py).
ERROR_STATUSES = {
    "400": "A parameter or field is invalid; ``errors`` names it.",
    "404": "No such record (or page), or not visible to you.",
    "405": "The endpoint does not take this method; see Allow.",
    "406": "The Accept header asks for a format the API does not offer.",
    "414": "The query string is too long.",
    "429": "Too many requests; see Retry-After and RateLimit.",
    "500": "Something went wrong on our side (logged).",
}
WRITE_ERROR_STATUSES = {
    "401": "Credentials are needed for writes.",
    "403": "Your account lacks the permission for this write.",
    "409": "The record is in a state that forbids this change, or others depend on it.",
    "412": "If-Match does not match the record's current ETag: it changed since you read it.",
    "413": "The request body is too large.",
}
# Reads that need credentials: the audit log (curation/api/audit.py), editors only.
PRIVATE_READ_PATHS = ("/api/v1/audit/",)
PRIVATE_READ_STATUSES = {
    "401": "Credentials are needed: the audit log is for editors.",
    "403": "Your account is not an editor's.",
}
ERROR_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details. ``errors`` names each invalid parameter or field with its messages.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
    "required": ["type", "title", "status", "detail"],
    "additionalProperties": True,
}


# The first edition's law URLs by numeric id redirect to the law's URL by slug
# (countries.api.views.law_by_id), so an all-digit slug answers a permanent redirect.
LEGACY_ID_PATHS = ("/api/v1/laws/{slug}/",)
LEGACY_REDIRECT = {
    "301": "An all-digit key is a law's former id: moved permanently to its URL by slug (Location).",
    "308": "As 301, for writes: the method and body are kept.",
}


HELD_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}, "revision": {"type": "integer"}},
    "required": ["detail", "revision"],
}

# The other formats reshape the JSON body (core/api/renderers.py), so they get their own schema.
FORMAT_SCHEMAS = {
    "text/csv": {"type": "string", "description": "CSV: a header row, then one row per record."},
    "application/geo+json": {
        "type": "object",
        "description": "A GeoJSON FeatureCollection (list) or Feature (detail).",
        "required": ["type"],
        "properties": {"type": {"type": "string", "enum": ["FeatureCollection", "Feature"]}},
    },
    "application/ld+json": {
        "type": "object",
        "description": "schema.org JSON-LD: a node, or a list page as ``@graph``.",
        "required": ["@context"],
    },
}


# The collections whose every write is held for review (curation.api.viewsets.LiveWritesMixin).
LIVE_COLLECTIONS = [["sources"], ["families"], ["features"], ["sub-conditions"]]


def document_errors(result, generator, request, public):
    """
    Postprocessing hook: every operation documents its JSON error answers, and
    the CSV, GeoJSON and JSON-LD bodies their own shapes.
    """
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = ERROR_SCHEMA
    selectable = set()
    error = {"content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    for path, methods in result.get("paths", {}).items():
        for method, operation in methods.items():
            responses = operation.setdefault("responses", {})
            for code, response in responses.items():
                if code.startswith("2"):
                    for media_type, content in response.get("content", {}).items():
                        if media_type in FORMAT_SCHEMAS:
                            content["schema"] = FORMAT_SCHEMAS[media_type]
            statuses = dict(ERROR_STATUSES)
            if method.upper() not in permissions.SAFE_METHODS:
                statuses.update(WRITE_ERROR_STATUSES)
            if path in PRIVATE_READ_PATHS:
                statuses.update(PRIVATE_READ_STATUSES)
            for code, description in statuses.items():
                responses.setdefault(code, {"description": description, **error})
            if path in LEGACY_ID_PATHS:
                code = "301" if method.upper() in permissions.SAFE_METHODS else "308"
                responses.setdefault(code, {"description": LEGACY_REDIRECT[code]})
            if method == "get" and any(p.get("name") == "fields" for p in operation.get("parameters", ())):
                selectable.update(record_components(result, responses))
            if method.upper() in ("PUT", "PATCH") and "202" not in responses:
                responses["202"] = {
                    "description": "Held for review: the published record changes once an editor approves.",
                    "content": {"application/json": {"schema": HELD_SCHEMA}},
                }
            if method.upper() in ("POST", "DELETE") and path.split("/")[3:4] in LIVE_COLLECTIONS:
                responses.pop("201", None)  # never created or removed at once: always held (202)
                responses.pop("204", None)
                responses["202"] = {
                    "description": "Held for review: sources and the method are public as soon as they exist, so "
                    "a new one or a removal applies once another editor approves.",
                    "content": {"application/json": {"schema": HELD_SCHEMA}},
                }
    # ``fields=`` may leave out any field of a record: none is required in a read's answer.
    for name in selectable:
        result["components"]["schemas"][name].pop("required", None)
    return result


def component_name(schema):
    ref = (schema or {}).get("$ref", "")
    return ref.rsplit("/", 1)[-1] if ref.startswith("#/components/schemas/") else None


def record_components(result, responses):
    """The components a read's 200 JSON answer holds its records in: the record's, or a page's results'."""
    components = result["components"]["schemas"]
    name = component_name(responses.get("200", {}).get("content", {}).get("application/json", {}).get("schema"))
    if name is None:
        return set()
    results = components[name].get("properties", {}).get("results")
    if results is not None:
        name = component_name(results.get("items"))
    return {name} if name else set()


class LinkFieldExtension(OpenApiSerializerFieldExtension):
    """A related record reads as ``{key, url}`` and is written as its key."""

    target_class = "core.api.serializers.LinkField"

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return {"type": "string", "description": "The related record's key."}
        return LINK_SCHEMA
