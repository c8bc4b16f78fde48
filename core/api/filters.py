"""Filter building blocks shared by the apps' filtersets."""

import django_filters
from django import forms
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, migrations
from django.db.models import Q
from django_filters import fields as filter_fields
from rest_framework import filters as drf_filters
from rest_framework.exceptions import ValidationError

# The largest key a database integer column holds (signed 64-bit).
MAX_ID = 2**63 - 1


class CodeListField(filter_fields.ModelMultipleChoiceField):
    """Accepts repeated parameters and comma-separated lists, normalized by ``transform``."""

    def __init__(self, *args, transform=None, **kwargs):
        self.transform = transform or (lambda value: value)
        super().__init__(*args, **kwargs)

    def clean(self, value):
        if value:
            value = [self.transform(part.strip()) for item in value for part in str(item).split(",") if part.strip()]
        if not value and not self.required:
            # An empty list, not an empty queryset: method filters skip empty values only.
            return []
        return super().clean(value)


def document(filter_, schema):
    """Give a filter its OpenAPI schema, keeping its help text as the description."""
    description = filter_.extra.get("help_text")
    filter_._spectacular_annotation = {"field": {**schema, **({"description": description} if description else {})}}


class CodeListFilter(django_filters.ModelMultipleChoiceFilter):
    """
    One or several keys (``?country=PH,KR`` or ``?country=PH&country=KR``). A
    key outside the filter's queryset (unknown, or not visible to the reader)
    is a 400 naming the parameter.
    """

    field_class = CodeListField
    item_schema = {"type": "string"}

    def __init__(self, *args, transform=None, **kwargs):
        if transform is not None:
            kwargs["transform"] = transform
        super().__init__(*args, **kwargs)
        document(self, self.item_schema)


class IdListField(CodeListField):
    def clean(self, value):
        ids = [part.strip() for item in value or () for part in str(item).split(",") if part.strip()]
        for part in ids:
            if not part.isdigit() or int(part) > MAX_ID:
                raise forms.ValidationError(f"{part!r} is not a record id.", code="invalid_pk_value")
        return super().clean(ids)


class IdListFilter(CodeListFilter):
    """One or several record ids (``?law=3,7``); an id outside the filter's queryset is a 400."""

    field_class = IdListField
    item_schema = {"type": "integer"}


class ChoiceListField(filter_fields.MultipleChoiceField):
    """Choices as repeated parameters or comma-separated lists (``?status=in_force,amended``)."""

    def clean(self, value):
        if value:
            value = [part.strip() for item in value for part in str(item).split(",") if part.strip()]
        return super().clean(value)


class ChoiceListFilter(django_filters.MultipleChoiceFilter):
    """One or several of a vocabulary's values, repeated or comma-separated; any other value is a 400."""

    field_class = ChoiceListField


class StrictBooleanFilter(django_filters.TypedChoiceFilter):
    """``true``/``false`` (or ``1``/``0``); anything else is a 400 rather than ignored."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [(v, v) for v in ("true", "false", "1", "0")])
        kwargs.setdefault("coerce", lambda value: value in ("true", "1"))
        super().__init__(*args, **kwargs)
        document(self, {"type": "boolean"})


class StrictOrderingFilter(drf_filters.OrderingFilter):
    """
    ``ordering=`` on the view's ``ordering_fields``, public field names (``country``, not
    ``country__code``); the view's ``ordering_sources`` maps a public name to the columns it
    sorts by. A comma list sorts by several; an unknown field is a 400, not ignored.
    """

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if not ordering:
            return ordering
        sources = getattr(view, "ordering_sources", {})
        out = []
        for term in ordering:
            descending, name = term.startswith("-"), term.lstrip("-")
            for column in sources.get(name, (name,)):
                out.append(f"-{column}" if descending else column)
        return out

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        names = [name for name in getattr(view, "ordering_fields", ())]
        for parameter in parameters:
            parameter["description"] = (
                "Sort by these fields, comma-separated, `-` for descending: " + ", ".join(names) + "."
            )
        return parameters

    def remove_invalid_fields(self, queryset, fields, view, request):
        valid = super().remove_invalid_fields(queryset, fields, view, request)
        invalid = [term for term in fields if term not in valid]
        if invalid:
            allowed = sorted(name for name, _ in self.get_valid_fields(queryset, view, {"request": request}))
            raise ValidationError(
                {self.ordering_param: [f"Unknown field(s) {', '.join(invalid)}; use one of: {', '.join(allowed)}."]}
            )
        return valid


def search_vector(fields):
    """
    The PostgreSQL full-text document of ``fields``. The GIN indexes made by
    ``search_index_operation`` index exactly this expression, so the search
    filter is answered from the index.
    """
    return SearchVector(*fields, config=settings.API_SEARCH_CONFIG)


def search_index_operation(indexes):
    """
    A migration operation creating a GIN index on ``search_vector(fields)``
    for each ``(model name, index name, fields)`` of ``indexes``, on
    PostgreSQL only (other databases search without an index).
    """

    def build(apps, schema_editor):
        for model_name, index_name, fields in indexes:
            yield apps.get_model(model_name), GinIndex(search_vector(fields), name=index_name)

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for model, index in build(apps, schema_editor):
                schema_editor.add_index(model, index)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for model, index in build(apps, schema_editor):
                schema_editor.remove_index(model, index)

    return migrations.RunPython(forwards, backwards, elidable=False)


def search(queryset, fields, value):
    """
    Full-text search over ``fields``. On PostgreSQL the match is answered by
    the GIN index on ``search_vector(fields)`` and ranked (``search_rank``,
    best first) by how well the first field (the record's name or title)
    matches, then in the queryset's own order: ranking on the whole document
    would rebuild it for every matching row (seconds when thousands match).
    On other databases every word must occur in one of the fields, in the
    queryset's own order.
    """
    value = value.strip()
    if not value:
        return queryset
    if connection.vendor == "postgresql":
        config = settings.API_SEARCH_CONFIG
        query = SearchQuery(value, config=config, search_type="websearch")
        order = queryset.query.order_by or queryset.model._meta.ordering or ["pk"]
        return (
            queryset.alias(search_document=search_vector(fields))
            .annotate(search_rank=SearchRank(search_vector(fields[:1]), query))
            .filter(search_document=query)
            .order_by("-search_rank", *order)
        )
    for word in value.split():
        match = Q()
        for field in fields:
            match |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(match)
    return queryset


class APIFilterSet(django_filters.FilterSet):
    """Base of the API filtersets: the change feed (``updated_since``) and ``search``."""

    search_fields = ()

    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Only records changed at or after this ISO 8601 datetime (the change feed); no limit on age.",
    )
    search = django_filters.CharFilter(
        method="filter_search",
        help_text="Full-text search; results ranked by relevance on PostgreSQL.",
    )

    def filter_search(self, queryset, name, value):
        return search(queryset, self.search_fields, value)

    @property
    def user(self):
        return self.request.user if self.request is not None else None
