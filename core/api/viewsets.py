"""The base every API viewset builds on: visibility, strict parameters, formats, caching."""

import io

import django_filters
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, StreamingHttpResponse
from django.utils.cache import get_conditional_response
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.exceptions import NotAcceptable, NotFound, ValidationError
from rest_framework.renderers import JSONRenderer

from core.memory import collector_paused
from core.querysets import can_see_drafts

from .citation import cite_as
from .concurrency import IfMatchMixin, content_etag
from .filters import BLANK_MESSAGE, list_values
from .renderers import write_csv
from .throttling import ratelimit_headers

# Parameters every endpoint understands besides its filters.
COMMON_PARAMETERS = {"format", "page", "page_size", "cursor", "ordering", "all", "fields", "release"}
# Set on the request by the layer that answers ``?release=`` (releases.middleware): the reader
# is shown what an anonymous reader saw, whoever they are.
READ_AS_PUBLIC = "sse_map_read_as_public"
# Records per chunk of a streamed CSV. Each chunk costs a few queries whatever its size, and
# its references are read in one query whose time is mostly per row: at scale 100 (10,200
# types) 2,000 a chunk read the export in 23 queries and 0.7 s of SQL, 500 in 83 and 1.3 s.
STREAM_CHUNK = 2000
TRUE_VALUES = {"1", "true", "yes"}
FALSE_VALUES = {"0", "false", "no"}

FIELDS_PARAMETER = OpenApiParameter(
    "fields",
    OpenApiTypes.STR,
    description="Only these fields of each record, comma-separated (e.g. `fields=key,name,classification`).",
)


def include_parameter(names):
    return OpenApiParameter(
        "include",
        {"type": "array", "items": {"type": "string", "enum": sorted(names)}},
        style="form",
        explode=False,
        description="Embed these related records, comma-separated: " + ", ".join(sorted(names)) + ".",
    )


def comma_list(request, name):
    """The comma-separated (or repeated) values of a parameter, as a set; an empty one is a 400."""
    try:
        return set(list_values(request.query_params.getlist(name)))
    except DjangoValidationError as exc:
        raise ValidationError({name: exc.messages}) from None


ALL_PARAMETER = OpenApiParameter(
    "all",
    OpenApiTypes.BOOL,
    description="With format=csv: every matching row in one streamed file instead of one page.",
)


def latest_update(data):
    """The latest ``updated_at`` anywhere in a response body, or None."""
    latest = None
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            value = item.get("updated_at")
            moment = parse_datetime(value) if isinstance(value, str) else None
            if moment and (latest is None or moment > latest):
                latest = moment
            stack.extend(v for v in item.values() if isinstance(v, dict | list))
        elif isinstance(item, list):
            # Only what may hold a date goes on the stack: not the ids and codes lists are made of.
            stack.extend(v for v in item if isinstance(v, dict | list))
    return latest


class APIViewSetMixin:
    """
    - readers without the model's view permission get ``public()`` records only;
    - an unknown query parameter, format or ``page_size`` is a 400 naming it;
    - errors are JSON whatever format was asked for;
    - GET answers carry ``ETag`` and ``Last-Modified`` and honour conditional requests (304);
    - ``?format=csv&all=true`` streams every matching row.
    """

    detail_serializer_class = None
    # ``?release=`` reads a frozen release of this endpoint (documented in the schema).
    release_readable = True
    # Slugs, codes and ids: a stray byte in the URL is a 404, not a database error.
    lookup_value_regex = r"[-\w]+"
    # Parameters whose empty value means something (besides the filterset's text filters):
    # ``cursor=`` is the first page, ``search=`` searches nothing. Any other empty value is a 400.
    blank_parameters = frozenset({"cursor", "search"})

    def get_serializer_class(self):
        if self.action != "list" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return super().get_serializer_class()

    def requested_format(self):
        renderer = getattr(getattr(self, "request", None), "accepted_renderer", None)
        return getattr(renderer, "format", None)

    def can_see_drafts(self):
        return can_see_drafts(self.request.user, self.queryset.model)

    def get_queryset(self):
        return self.queryset.model.objects.visible_to(self.request.user).for_api(public=not self.can_see_drafts())

    # Parameters -------------------------------------------------------------

    def allowed_query_parameters(self):
        allowed = set(COMMON_PARAMETERS)
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is not None:
            allowed |= set(filterset_class.base_filters)
        if self.optional_fields():
            allowed.add("include")
        return allowed

    def blank_allowed(self):
        """The parameters an empty value is valid for: the schema types them as free text."""
        allowed = set(self.blank_parameters)
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is not None:
            filters = filterset_class.base_filters.items()
            allowed |= {name for name, f in filters if type(f) is django_filters.CharFilter}
        return allowed

    # Fields: fields= and include= ---------------------------------------------

    def optional_fields(self):
        """The related records a reader may embed with ``include=`` (the serializer's ``Meta.optional_fields``)."""
        serializer_class = self.get_serializer_class()
        return set(getattr(getattr(serializer_class, "Meta", None), "optional_fields", ()))

    def included(self):
        """What ``include=`` asks to embed; an unknown name is a 400 naming the ones there are."""
        optional = self.optional_fields()
        asked = comma_list(self.request, "include") if optional else set()
        unknown = sorted(asked - optional)
        if unknown:
            raise ValidationError(
                {"include": [f"Unknown: {', '.join(unknown)}; this endpoint embeds: {', '.join(sorted(optional))}."]}
            )
        return asked

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if getattr(self, "request", None) is not None and self.get_serializer_class() is type(
            getattr(serializer, "child", serializer)
        ):
            self.select_fields(getattr(serializer, "child", serializer))
        return serializer

    def select_fields(self, serializer):
        """
        Leave out the optional fields not asked for with ``include=`` (on every method, so the ETag
        If-Match compares is that of a plain GET) and, on reads, the fields ``fields=`` does not name.
        """
        optional = self.optional_fields()
        include = self.included()
        wanted = comma_list(self.request, "fields") if self.request.method in ("GET", "HEAD") else set()
        names = list(serializer.fields)
        unknown = sorted(wanted - set(names) - (optional - include))
        if unknown:
            raise ValidationError(
                {"fields": [f"Unknown field(s) {', '.join(unknown)}; this endpoint has: {', '.join(names)}."]}
            )
        if self.requested_format() == "jsonld":
            # A JSON-LD node maps the whole record onto schema.org terms: fields= selects JSON and CSV fields.
            wanted = set()
        for name in names:
            if (name in optional and name not in include) or (wanted and name not in wanted):
                serializer.fields.pop(name)

    def initial(self, request, *args, **kwargs):
        self.check_query_size(request)
        super().initial(request, *args, **kwargs)
        if getattr(request._request, READ_AS_PUBLIC, False):
            request.user = AnonymousUser()
        if request.method in ("GET", "HEAD"):
            unknown = sorted(set(request.query_params) - self.allowed_query_parameters())
            nul = sorted(name for name, values in request.query_params.lists() if any("\x00" in v for v in values))
            if nul:
                raise ValidationError({name: ["Contains a NUL character."] for name in nul})
            if unknown:
                known = ", ".join(sorted(self.allowed_query_parameters()))
                raise ValidationError({name: [f"Unknown parameter; this endpoint takes: {known}."] for name in unknown})
            if "format" in request.query_params and not request.query_params.get("format"):
                formats = ", ".join(sorted({r.format for r in self.get_renderers()} - {"api"}))
                raise ValidationError({"format": [f"Empty; use one of: {formats}."]})
            allowed_blank = self.blank_allowed()
            blank = sorted(
                name
                for name, values in request.query_params.lists()
                if name not in allowed_blank and any(not value.strip() for value in values)
            )
            if blank:
                raise ValidationError({name: [BLANK_MESSAGE] for name in blank})

    def check_query_size(self, request):
        """
        A query string with too many fields is a 400 (one over SSE_MAP_API_MAX_QUERY_STRING
        bytes never gets here: ``ProblemDetailsMiddleware`` answers 414).
        """
        problem = None
        try:
            request.query_params  # noqa: B018 - parsing it is the check
        except TooManyFieldsSent:
            problem = f"Too many parameters (more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS})."
        if problem:
            # Answer in JSON without parsing the parameters again for ?format=.
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
            raise ValidationError({"detail": [problem]})

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force)
        except (Http404, NotAcceptable):
            # Answer in JSON whatever went wrong; an unknown ?format= is a 400 naming it.
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
            if force or "format" not in request.query_params:
                raise
            formats = ", ".join(sorted({r.format for r in self.get_renderers()} - {"api"}))
            requested = request.query_params.get("format")
            raise ValidationError({"format": [f"Unknown format {requested!r}; use one of: {formats}."]}) from None

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # A stable order for paging: the requested or default order, then the key.
        ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
        return queryset.order_by(*ordering, "pk")

    # Responses --------------------------------------------------------------

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["cite_as"] = cite_as
        return context

    def wants_all_rows(self):
        raw = self.request.query_params.get("all")
        if raw is None:
            return False
        if raw.lower() not in TRUE_VALUES | FALSE_VALUES:
            raise ValidationError({"all": [f"Must be true or false; got {raw!r}."]})
        if raw.lower() in FALSE_VALUES:
            return False
        if self.requested_format() != "csv":
            raise ValidationError({"all": ["Only applies with format=csv; JSON is paged."]})
        return True

    @extend_schema(parameters=[ALL_PARAMETER, FIELDS_PARAMETER])
    def list(self, request, *args, **kwargs):
        if self.wants_all_rows():
            self.check_paging(request)
            return self.stream_csv()
        return super().list(request, *args, **kwargs)

    def check_paging(self, request):
        """
        The whole file has no pages, so ``page`` and ``page_size`` do not apply, but an invalid one
        is refused as on a paged list (a 404, a 400): the schema says what a valid one is.
        """
        self.paginator.get_page_size(request)
        raw = request.query_params.get(self.paginator.page_query_param)
        if raw is not None and not (raw.isdigit() and int(raw) >= 1):
            raise NotFound({self.paginator.page_query_param: ["Invalid page."]})

    def stream_csv(self):
        queryset = self.filter_queryset(self.get_queryset())
        # ``fields=`` and ``include=`` are checked before the first byte: once the stream has
        # started, a 400 can no longer be sent (the client would get a cut-off 200).
        self.get_serializer([], many=True)
        # One context for every chunk: what a serializer reads once per list (the method, say) is read once.
        context = self.get_serializer_context()

        def chunks():
            # The keys in order first (one query), then each chunk by its keys: every chunk
            # is an index lookup, where OFFSET paging grew slower with each chunk.
            keys = list(queryset.values_list("pk", flat=True))
            header = None
            for start in range(0, len(keys), STREAM_CHUNK):
                part = keys[start : start + STREAM_CHUNK]
                position = {pk: i for i, pk in enumerate(part)}
                out = io.StringIO()
                # Thousands of rows, cells and dicts per chunk: the cyclic collector waits for the
                # chunk's end instead of walking them over and over (what a chunk leaves is freed then).
                with collector_paused():
                    objects = sorted(queryset.filter(pk__in=part), key=lambda obj: position[obj.pk])
                    header = write_csv(self.get_serializer(objects, many=True, context=context).data, out, header)
                yield out.getvalue()

        response = StreamingHttpResponse(chunks(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.basename}.csv"'
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        if response.status_code >= 400 and getattr(request, "accepted_renderer", None) is not None:
            # One error shape for every format, the browsable API's included: a problem, as JSON
            # (an HTML page sent as application/problem+json would contradict its own type).
            if request.accepted_renderer.format != "json":
                request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
        response = super().finalize_response(request, response, *args, **kwargs)
        for header, value in ratelimit_headers(request).items():
            response[header] = value
        if request.method in ("GET", "HEAD") and response.status_code == 200 and not response.streaming:
            response = self.conditional(request, response)
        elif request.method in ("POST", "PUT", "PATCH") and response.status_code in (200, 201):
            # The ETag a GET of the record now answers: send it back in If-Match on the next edit.
            response["ETag"] = content_etag(
                JSONRenderer().render(response.data, "application/json", self.get_renderer_context())
            )
        return response

    def conditional(self, request, response):
        response.render()
        etag = content_etag(response.content)
        response["ETag"] = etag
        last_modified = latest_update(getattr(response, "data", None))
        timestamp = None
        if last_modified is not None:
            timestamp = int(last_modified.timestamp())
            response["Last-Modified"] = http_date(timestamp)
        return get_conditional_response(request, etag=etag, last_modified=timestamp, response=response)


class ReadOnlyViewSet(APIViewSetMixin, viewsets.ReadOnlyModelViewSet):
    @extend_schema(parameters=[FIELDS_PARAMETER])
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)


class WritesMixin(IfMatchMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin):
    """
    Writes for a read-only viewset: they need a token (or session) and the model's
    add/change/delete permission; with ``If-Match`` an edit or deletion of a record
    changed since is refused (412). Put it first: ``class X(WritesMixin, ReadViewSet)``.
    """


class ListViewSet(APIViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    pass
