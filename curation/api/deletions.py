"""
Tombstones for the change feed, read from django-simple-history with no limit
on age: records deleted (``history_type='-'``), and published records taken
back to draft, in review or archived ("withdrawn"), which vanish from the
anonymous lists just as deleted ones do.
"""

from django import forms
from django.db.models import Case, CharField, Exists, OuterRef, Q, Value, When
from django.db.models.functions import Cast
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from core.api.filters import as_utc
from core.api.viewsets import ListViewSet
from core.choices import PublicationStatus
from core.querysets import can_see_drafts
from countries.models import Country, Law, Source, Statistic
from orgs.models import Family, Feature, OrganizationType, SubCondition

# API name of each model, and the field its URL is looked up by.
TRACKED = {
    "country": (Country, "code"),
    "law": (Law, "slug"),
    "statistic": (Statistic, "slug"),
    "source": (Source, "slug"),
    "org-type": (OrganizationType, "slug"),
    "family": (Family, "slug"),
    "feature": (Feature, "code"),
    "sub-condition": (SubCondition, "code"),
}


def removals(model, user):
    """
    The history rows that took a record out of ``user``'s view. Readers
    without the view permission only learn of records they could have seen:
    deleted while published, or withdrawn after having been published.
    """
    deleted = Q(history_type="-")
    if not hasattr(model, "publication_status") or can_see_drafts(user, model):
        return model.history.filter(deleted).annotate(action=Value("deleted"))
    published = PublicationStatus.PUBLISHED
    was_public = Exists(
        model.history.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date"), publication_status=published)
    )
    return model.history.filter(
        (deleted & Q(publication_status=published))
        | (Q(history_type="~") & ~Q(publication_status=published) & was_public)
    ).annotate(action=Case(When(deleted, then=Value("deleted")), default=Value("withdrawn")))


def deletions(user, *, since=None, models=None):
    """Removals of the tracked models' records, oldest first (see ``removals``)."""
    parts = []
    for name, (model, key) in TRACKED.items():
        if models and name not in models:
            continue
        rows = removals(model, user)
        if since is not None:
            rows = rows.filter(history_date__gte=since)
        parts.append(
            rows.order_by()
            .annotate(model=Value(name, output_field=CharField()), key=Cast(key, CharField()))
            .values("model", "key", "action", "history_date")
        )
    if not parts:
        return Law.history.none().values("history_date")
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return union.order_by("history_date", "model", "key")


class DeletionSerializer(serializers.Serializer):
    model = serializers.ChoiceField(choices=list(TRACKED), help_text="The endpoint the record was listed under.")
    key = serializers.CharField(help_text="Its lookup key in that endpoint's URL (code or slug).")
    action = serializers.ChoiceField(
        choices=["deleted", "withdrawn"], help_text="Deleted, or withdrawn from publication."
    )
    deleted_at = serializers.DateTimeField(source="history_date")


class DeletionViewSet(ListViewSet):
    """Records deleted or withdrawn from publication since ``updated_since`` (tombstones), so a mirror can drop them."""

    serializer_class = DeletionSerializer

    def allowed_query_parameters(self):
        return {"format", "page", "page_size", "updated_since", "model"}

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "updated_since",
                OpenApiTypes.DATETIME,
                description="Deletions at or after this ISO 8601 datetime; no limit on age.",
            ),
            OpenApiParameter("model", OpenApiTypes.STR, enum=list(TRACKED), many=True, explode=True),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        since = None
        if params.get("updated_since"):
            try:
                since = as_utc(forms.DateTimeField().clean(params["updated_since"]))
            except forms.ValidationError as exc:
                raise ValidationError({"updated_since": exc.messages}) from exc
        models = set(params.getlist("model"))
        unknown = sorted(models - set(TRACKED))
        if unknown:
            raise ValidationError({"model": [f"Unknown model(s) {', '.join(unknown)}; use: {', '.join(TRACKED)}."]})
        return deletions(self.request.user, since=since, models=models)

    def filter_queryset(self, queryset):
        return queryset
