import base64
import binascii
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django.db.models import F, FloatField, Q
from django.db.models.functions import Cast
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from .citation import cite_as

CURSOR = "cursor"


class PageNumberPagination(pagination.PageNumberPagination):
    """
    Page-number paging with a bounded ``page_size``; a size out of bounds is a
    400 naming the parameter, not a silent clamp. The page also carries the
    licence and a citation string.

    Beside page numbers, keyset paging (``?cursor=``, empty for the first page):
    ``next`` carries an opaque cursor holding the last row's values of the list's
    order (the requested or default order, then the key), and the next page is read
    from the rows that sort after them, with no OFFSET: a deep page costs what the
    first does. Same order, rows and shape as the numbered pages (``previous`` is null:
    cursors only go forward).
    """

    page_size_query_param = "page_size"
    # ``page`` is a whole number from 1, as the schema says (DRF would also take ``last``).
    last_page_strings = ()
    cursor_query_param = CURSOR

    @property
    def page_size(self):
        return settings.API_PAGE_SIZE

    @property
    def max_page_size(self):
        return settings.API_MAX_PAGE_SIZE

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {self.page_size_query_param: [f"Must be a whole number from 1 to {self.max_page_size}; got {raw!r}."]}
            )
        return size

    # Keyset paging ------------------------------------------------------------

    def paginate_queryset(self, queryset, request, view=None):
        self.keyset = self.cursor_query_param in request.query_params
        if not self.keyset:
            return super().paginate_queryset(queryset, request, view)
        if self.page_query_param in request.query_params:
            raise ValidationError({self.cursor_query_param: ["Use either cursor or page, not both."]})
        self.request = request
        size = self.get_page_size(request)
        order = self.order_of(queryset)
        keys = [f"cursor_key_{i}" for i in range(len(order))]
        ordered = queryset.annotate(
            **{key: self.key_of(queryset, name) for key, (name, _) in zip(keys, order, strict=True)}
        )
        self.count = queryset.count()
        after = self.decode(request.query_params[self.cursor_query_param], len(order))
        if after is not None:
            ordered = ordered.filter(self.after(order, keys, after, queryset.db))
        rows = list(ordered[: size + 1])
        self.has_next = len(rows) > size
        rows = rows[:size]
        self.last = [getattr(rows[-1], key) for key in keys] if rows else None
        return rows

    @staticmethod
    def key_of(queryset, name):
        """
        What the cursor holds for an ordering field. A float annotation (the search rank,
        a ``real`` on PostgreSQL) is read as double precision: its shortest text form read
        back would not equal the stored value, and the row at the boundary would repeat.
        """
        annotation = queryset.query.annotations.get(name)
        if annotation is not None and isinstance(annotation.output_field, FloatField):
            return Cast(F(name), FloatField())
        return F(name)

    @staticmethod
    def order_of(queryset):
        """``[(field, descending)]``: the queryset's order, which ends with the key (``filter_queryset``)."""
        order = []
        for item in queryset.query.order_by:
            if not isinstance(item, str) or item.lstrip("-") == "?":
                raise ValidationError({CURSOR: ["Not available for this list's order; use page."]})
            order.append((item.lstrip("-"), item.startswith("-")))
        if not order or order[-1][0] not in ("pk", "id"):
            order.append(("pk", False))
        return order

    @staticmethod
    def after(order, keys, values, using):
        """
        The rows sorting strictly after ``values`` in ``order``: (a after x) or (a = x and
        (b after y or ...)). NULLs sort as the database sorts them: last ascending on
        PostgreSQL (first descending), first ascending on SQLite.
        """
        nulls_high = connections[using].vendor != "sqlite"
        condition = None
        for (_name, descending), key, value in reversed(list(zip(order, keys, values, strict=True))):
            nulls_at_end = nulls_high != descending
            if value is None:
                later = Q(**{f"{key}__isnull": False}) if not nulls_at_end else Q(pk__in=[])
                tie = Q(**{f"{key}__isnull": True})
            else:
                later = Q(**{f"{key}__{'lt' if descending else 'gt'}": value})
                if nulls_at_end:
                    later |= Q(**{f"{key}__isnull": True})
                tie = Q(**{key: value})
            condition = later if condition is None else later | (tie & condition)
        return condition

    def decode(self, raw, length):
        if raw == "":
            return None
        try:
            values = json.loads(base64.urlsafe_b64decode(raw.encode() + b"=" * (-len(raw) % 4)))
        except (ValueError, binascii.Error, UnicodeError):
            values = None
        if not isinstance(values, list) or len(values) != length:
            # A 404, as for a page number past the end: the cursor names no page of this list.
            raise NotFound({self.cursor_query_param: ["Not a cursor this list gave; start again with cursor="]})
        return values

    def encode(self, values):
        raw = json.dumps(values, cls=DjangoJSONEncoder, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def get_next_link(self):
        if not self.keyset:
            return super().get_next_link()
        if not self.has_next:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        return replace_query_param(url, self.cursor_query_param, self.encode(self.last))

    def get_previous_link(self):
        return None if self.keyset else super().get_previous_link()

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.count if self.keyset else self.page.paginator.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "license": settings.DATA_LICENSE_NAME,
                "license_url": settings.DATA_LICENSE_URL,
                "cite_as": cite_as(self.request.build_absolute_uri()),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        result = super().get_paginated_response_schema(schema)
        result["properties"]["license"] = {"type": "string", "example": "CC BY 4.0"}
        result["properties"]["license_url"] = {"type": "string", "format": "uri"}
        result["properties"]["cite_as"] = {"type": "string", "description": "How to cite this list."}
        result["required"] = ["count", "results", "license", "license_url", "cite_as"]
        return result

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Keyset paging: empty for the first page, then the cursor in `next`. "
                "Deep pages cost what the first does. Not with `page`.",
                "schema": {"type": "string"},
            },
        ]
