"""Filter building blocks shared by the apps' filtersets."""

import django_filters
from django import forms
from django.conf import settings
from django.db import connection
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


class StrictBooleanFilter(django_filters.TypedChoiceFilter):
    """``true``/``false`` (or ``1``/``0``); anything else is a 400 rather than ignored."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [(v, v) for v in ("true", "false", "1", "0")])
        kwargs.setdefault("coerce", lambda value: value in ("true", "1"))
        super().__init__(*args, **kwargs)
        document(self, {"type": "boolean"})


class StrictOrderingFilter(drf_filters.OrderingFilter):
    """``ordering=`` on the view's ``ordering_fields``; an unknown field is a 400, not ignored."""

    def remove_invalid_fields(self, queryset, fields, view, request):
        valid = super().remove_invalid_fields(queryset, fields, view, request)
        invalid = [term for term in fields if term not in valid]
        if invalid:
            allowed = sorted(name for name, _ in self.get_valid_fields(queryset, view, {"request": request}))
            raise ValidationError(
                {self.ordering_param: [f"Unknown field(s) {', '.join(invalid)}; use one of: {', '.join(allowed)}."]}
            )
        return valid


def search(queryset, fields, value):
    """
    Full-text search over ``fields``. Ranked (``search_rank``, best first) on
    PostgreSQL; on other databases every word must occur in one of the
    fields, in the queryset's own order.
    """
    value = value.strip()
    if not value:
        return queryset
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        config = settings.API_SEARCH_CONFIG
        vector = SearchVector(*fields, config=config)
        query = SearchQuery(value, config=config, search_type="websearch")
        return (
            queryset.annotate(search_document=vector, search_rank=SearchRank(vector, query))
            .filter(search_document=query)
            .order_by("-search_rank")
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
