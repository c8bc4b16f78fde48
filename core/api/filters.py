"""Filter building blocks shared by the apps' filtersets."""

import datetime
import itertools

import django_filters
from django import forms
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan, LessThan
from django.utils import timezone
from django_filters import fields as filter_fields
from rest_framework import filters as drf_filters
from rest_framework.exceptions import ValidationError

from core.search import normalise, search_text_field

# The largest key a database integer column holds (signed 64-bit).
MAX_ID = 2**63 - 1


BLANK_MESSAGE = "Empty; give a value or leave the parameter out."


def list_values(value):
    """
    The parts of a repeated or comma-separated parameter, stripped. An empty part
    (``?country=``, ``?country=PH,``) is an error, as the schema says: the schema types
    every multi-value filter as a non-empty array of keys.
    """
    parts = [part.strip() for item in value or () for part in str(item).split(",")]
    if any(not part for part in parts):
        raise forms.ValidationError(BLANK_MESSAGE, code="blank")
    return parts


def document(filter_, schema):
    """Give a filter its OpenAPI schema, keeping its help text as the description."""
    description = filter_.extra.get("help_text")
    filter_._spectacular_annotation = {"field": {**schema, **({"description": description} if description else {})}}


def key_vocabulary(values, *, case_insensitive=False):
    """
    The keys a filter takes as a sorted list. With ``case_insensitive`` (two-letter country
    codes), every spelling the server takes: ``PH``, ``ph``, ``Ph``, ``pH``.
    """
    keys = {str(value) for value in values if value not in (None, "")}
    if case_insensitive:
        keys = {"".join(s) for key in keys for s in itertools.product(*({c.upper(), c.lower()} for c in key))}
    return sorted(keys)


class CodeListField(filter_fields.ModelMultipleChoiceField):
    """Accepts repeated parameters and comma-separated lists, normalized by ``transform``."""

    def __init__(self, *args, transform=None, **kwargs):
        self.transform = transform or (lambda value: value)
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = [self.transform(part) for part in list_values(value)]
        if not value and not self.required:
            # An empty list, not an empty queryset: method filters skip empty values only.
            return []
        return super().clean(value)


class CodeListFilter(django_filters.ModelMultipleChoiceFilter):
    """
    One or several keys (``?country=PH,KR`` or ``?country=PH&country=KR``). A
    key outside the filter's queryset (unknown, or not visible to the reader)
    is a 400 naming the parameter. The schema lists the keys an anonymous reader
    may give (``vocabulary``), read from the database when the schema is made.
    """

    field_class = CodeListField
    item_schema = {"type": "string"}

    def __init__(self, *args, transform=None, vocabulary=None, case_insensitive=False, **kwargs):
        if transform is not None:
            kwargs["transform"] = transform
        self.vocabulary_of = vocabulary
        self.case_insensitive = case_insensitive
        super().__init__(*args, **kwargs)
        document(self, self.item_schema)

    def vocabulary(self):
        """The keys an anonymous reader may give, as the schema lists them."""
        if self.vocabulary_of is not None:
            values = self.vocabulary_of()
        else:
            values = self.get_queryset(None).values_list(self.extra.get("to_field_name") or "pk", flat=True)
        return key_vocabulary(values, case_insensitive=self.case_insensitive)


class IdListField(CodeListField):
    def clean(self, value):
        ids = list_values(value)
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
        return super().clean(list_values(value))


class ChoiceListFilter(django_filters.MultipleChoiceFilter):
    """One or several of a vocabulary's values, repeated or comma-separated; any other value is a 400."""

    field_class = ChoiceListField

    def vocabulary(self):
        return [value for value, _ in self.extra["choices"]]


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
        names = list(getattr(view, "ordering_fields", ()))
        for parameter in parameters:
            parameter["description"] = (
                "Sort by these fields, comma-separated, `-` for descending: " + ", ".join(names) + "."
            )
            parameter.update(style="form", explode=False)
            parameter["schema"] = {
                "type": "array",
                "minItems": 1,
                "items": {"type": "string", "enum": [*names, *(f"-{name}" for name in names)]},
            }
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
    The PostgreSQL full-text document of ``fields``, as the GIN indexes of the 0004 migrations
    indexed it. Nothing searches with it any more (``search`` reads the stored search text,
    ``core.search``); the migrations that made and dropped those indexes still need it.
    """
    return SearchVector(*fields, config=settings.API_SEARCH_CONFIG)


def search_index_operation(indexes):
    """
    A migration operation creating a GIN index on ``search_vector(fields)``
    for each ``(model name, index name, fields)`` of ``indexes``, on
    PostgreSQL only (other databases search without an index). Kept for the
    migrations: orgs 0011 and countries 0013 drop these indexes again.
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


# The fuzzy fallback compares at most this many candidate records (in Python, on every database).
SEARCH_FUZZY_MAX_CANDIDATES = 5000
# A query word matches a word of the record at this trigram similarity (pg_trgm's default threshold).
SEARCH_SIMILARITY_THRESHOLD = 0.3


def trigrams(word):
    """The trigrams of a word as pg_trgm makes them: two spaces before, one after."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a, b):
    """pg_trgm's similarity of two words: shared trigrams over all trigrams."""
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


# Long texts are left out of the misspelling pass: it compares names, titles, citations and labels.
LONG_TEXT_FIELDS = {"description", "summary", "narrative", "note"}
# Longer words are no misspelling of a name (and would make the comparison costly).
SEARCH_FUZZY_MAX_WORD = 40


def fuzzy_fields(fields):
    """The fields the misspelling pass compares: ``fields`` without long texts."""
    return [f for f in fields if f.rsplit("__", 1)[-1] not in LONG_TEXT_FIELDS]


def fuzzy_score(words, texts):
    """The similarity of a record to the query: the worst, over query words, of each word's best match."""
    text_grams = [trigrams(w) for w in set(normalise(" ".join(t for t in texts if isinstance(t, str))).split())]
    score = 1.0
    for word in words:
        grams = trigrams(word)
        best = max((len(grams & g) / len(grams | g) for g in text_grams), default=0.0)
        score = min(score, best)
    return score


def stored_search_field(model, fields):
    """``model``'s stored search text when it holds exactly ``fields`` (``core.search``), else ``None``."""
    field = search_text_field(model)
    return field if field is not None and field.sources == tuple(fields) else None


def substring_match(queryset, fields, words, value):
    """
    The records where every word occurs in one of ``fields``, with their rank (the first field
    equal to ``value``: 3, starting with it: 2, containing it: 1, else 0).

    Read from the stored search text when the model keeps one of exactly these fields: one
    ``LIKE`` per word on one column (a trigram index scan on PostgreSQL), the rank from the
    column's first line. Otherwise (the cells, searched by their type's names through a join,
    and the matrix's countries by two of their fields) over the fields themselves.
    """
    stored = stored_search_field(queryset.model, fields)
    if stored is not None:
        column = stored.name
        matched = queryset
        for word in words:
            matched = matched.filter(**{f"{column}__contains": word})
        # The first line is the first field: found before the first newline.
        at, first_break = StrIndex(column, Value(value)), StrIndex(column, Value("\n"))
        rank = Case(
            When(**{f"{column}__startswith": value + "\n"}, then=Value(3)),
            When(**{f"{column}__startswith": value}, then=Value(2)),
            When(GreaterThan(at, 0), then=Case(When(LessThan(at, first_break), then=Value(1)), default=Value(0))),
            default=Value(0),
            output_field=IntegerField(),
        )
        return matched, rank
    matched = queryset
    for word in words:
        match = Q()
        for field in fields:
            match |= Q(**{f"{field}__icontains": word})
        matched = matched.filter(match)
    first = fields[0]
    rank = Case(
        When(**{f"{first}__iexact": value}, then=Value(3)),
        When(**{f"{first}__istartswith": value}, then=Value(2)),
        When(**{f"{first}__icontains": value}, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return matched, rank


def search(queryset, fields, value):
    """
    Search over ``fields``, the same on every database (issue 16: SQLite and PostgreSQL found
    different records when PostgreSQL used full-text search and SQLite substrings).

    1. Every word of the query occurs, as a substring, case-insensitively, in one of the fields
       (so ``coop`` finds cooperatives, ``협동조합`` finds 소비자협동조합 in any language and script).
       Ranked: the name or title (the first field) equal to the query, then starting with it,
       then containing it, then the others; then the queryset's own order. Read from the
       stored, normalised search text (``core.search``; ``substring_match``).
    2. When nothing matches, a misspelling: every query word must be similar (trigram similarity,
       as pg_trgm counts it, at least ``SEARCH_SIMILARITY_THRESHOLD``) to a word of the record's
       names, titles, citations or labels (``fuzzy_fields``: long texts left out);
       ranked by that similarity. Computed in Python over the candidates (the queryset, at most
       ``SEARCH_FUZZY_MAX_CANDIDATES``), so every database gives the same answer.
    """
    words = normalise(value).split()
    if not words:
        return queryset
    value = " ".join(words)
    order = list(queryset.query.order_by or queryset.model._meta.ordering or ["pk"])
    matched, rank = substring_match(queryset, fields, words, value)
    if matched.exists():
        return matched.annotate(search_rank=rank).order_by("-search_rank", *order)
    if len(words) > 10 or any(len(word) > SEARCH_FUZZY_MAX_WORD for word in words):
        return queryset.none()
    candidates = queryset.values_list("pk", *fuzzy_fields(fields))[:SEARCH_FUZZY_MAX_CANDIDATES]
    scores = {}
    for pk, *texts in candidates:
        score = fuzzy_score(words, texts)
        if score >= SEARCH_SIMILARITY_THRESHOLD:
            scores[pk] = max(score, scores.get(pk, 0.0))
    if not scores:
        return queryset.none()
    # Ranked by similarity, in thousandths (an integer, the same on every database).
    rank = Case(
        *(When(pk=pk, then=Value(round(score * 1000))) for pk, score in scores.items()),
        default=Value(0),
        output_field=IntegerField(),
    )
    return queryset.filter(pk__in=list(scores)).annotate(search_rank=rank).order_by("-search_rank", *order)


def as_utc(moment):
    """
    A moment in UTC. PostgreSQL refuses a UTC offset past 15:59 (``-23:42``, valid in RFC 3339:
    a 400 although the schema allows it), and a moment past the first or last year Python holds
    in UTC is taken as that year's bound (for ``updated_since``: everything, or nothing).
    """
    if moment is None or timezone.is_naive(moment):
        return moment
    try:
        return moment.astimezone(datetime.UTC)
    except OverflowError:
        return (datetime.datetime.min if moment.year < 5000 else datetime.datetime.max).replace(tzinfo=datetime.UTC)


class UTCDateTimeField(filter_fields.IsoDateTimeField):
    def to_python(self, value):
        return as_utc(super().to_python(value))


class UTCDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 datetime with any UTC offset RFC 3339 allows, compared in UTC (``as_utc``)."""

    field_class = UTCDateTimeField


class APIFilterSet(django_filters.FilterSet):
    """Base of the API filtersets: the change feed (``updated_since``) and ``search``."""

    search_fields = ()

    updated_since = UTCDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Only records changed at or after this ISO 8601 datetime (the change feed); no limit on age.",
    )
    search = django_filters.CharFilter(
        method="filter_search",
        help_text="Search names, titles and texts: every word as a substring, or, when nothing matches, "
        "a misspelling by trigram similarity; ranked; the same on every database.",
    )

    def filter_search(self, queryset, name, value):
        return search(queryset, self.search_fields, value)

    @property
    def user(self):
        return self.request.user if self.request is not None else None
