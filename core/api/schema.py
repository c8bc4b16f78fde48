"""The OpenAPI schema generator: says truthfully which operations need no credentials."""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import permissions

from .serializers import LINK_SCHEMA

# ``?release=`` on every read of a viewset that can be read as a release (releases/middleware.py).
RELEASE_PARAMETER = OpenApiParameter(
    "release",
    OpenApiTypes.STR,
    pattern=r"^[0-9]{4}\.[1-9][0-9]{0,3}$",
    description="Read this release (e.g. `2027.1`, see `releases/`): its frozen data, as published then. "
    "An unknown release is a 400.",
)


class AutoSchema(SpectacularAutoSchema):
    """
    Reads are open to anonymous callers under ``DjangoModelPermissionsOrAnonReadOnly``
    (drf-spectacular only knows ``AllowAny`` and ``IsAuthenticatedOrReadOnly``), so a
    safe method's security requirements include ``{}``: no credentials needed.
    """

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self.method == "GET" and getattr(self.view, "release_readable", False):
            parameters = [*parameters, RELEASE_PARAMETER]
        return parameters

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
    return result


class LinkFieldExtension(OpenApiSerializerFieldExtension):
    """A related record reads as ``{key, url}`` and is written as its key."""

    target_class = "core.api.serializers.LinkField"

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return {"type": "string", "description": "The related record's key."}
        return LINK_SCHEMA
