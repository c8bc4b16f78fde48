"""API filters for organization types, families, features and sub-conditions (see docs/api.md)."""

import django_filters
from django.db.models import Q

from core.api.filters import APIFilterSet, CodeListFilter, IdListFilter, StrictBooleanFilter
from countries.filtersets import country_filter
from countries.models import Country, Law

from .choices import ClassificationChoice
from .models import Evidence, Family, Feature, LegalBasis, OrganizationType, SubCondition

FEATURES_MET_CHOICES = [(n, str(n)) for n in range(4)]


def visible_laws(request):
    return Law.objects.visible_to(request.user) if request is not None else Law.objects.public()


class OrganizationTypeFilterSet(APIFilterSet):
    """
    Several values of one parameter match any of them; several parameters
    must all match. With ``as_of``, the derived filters (``classification``,
    ``features_met``, ``feature``, ``sub_condition``) apply to the landscape
    of that day.
    """

    search_fields = ("name", "local_name", "description")

    country = country_filter()
    family = CodeListFilter(
        field_name="family__slug",
        to_field_name="slug", queryset=Family.objects.all(), help_text="One or several family slugs."
    )
    classification = django_filters.MultipleChoiceFilter(
        choices=ClassificationChoice.choices, method="filter_derived", help_text="sseoe, pho or outside."
    )
    features_met = django_filters.MultipleChoiceFilter(
        choices=FEATURES_MET_CHOICES, method="filter_derived", help_text="How many of the three features are met."
    )
    feature = CodeListFilter(
        to_field_name="code",
        queryset=Feature.objects.all(),
        method="filter_derived",
        help_text="Types meeting this feature (social, economic, democratic).",
    )
    sub_condition = CodeListFilter(
        to_field_name="code",
        queryset=SubCondition.objects.all(),
        method="filter_derived",
        help_text="Types meeting this sub-condition, by code (e.g. democratic-governance).",
    )
    law = IdListFilter(
        queryset=visible_laws,
        method="filter_law",
        help_text="Types resting on this law (id), as legal basis or evidence.",
    )
    legally_institutionalized = StrictBooleanFilter(help_text="true for types with a legal form of their own.")
    as_of = django_filters.DateFilter(
        method="filter_as_of",
        help_text="Time travel (YYYY-MM-DD): the types that existed that day (resting on a law then in force, "
        "or on no law), with their evidence, laws and classification as they stood that day.",
    )
    updated_since = django_filters.IsoDateTimeFilter(
        method="filter_updated_since",
        help_text="Types changed at or after this ISO 8601 datetime, including changes and deletions of "
        "their evidence and legal bases (the change feed); no limit on age.",
    )

    class Meta:
        model = OrganizationType
        fields = [
            "country", "family", "classification", "features_met", "feature", "sub_condition", "law",
            "legally_institutionalized", "as_of",
        ]  # fmt: skip

    def filter_as_of(self, queryset, name, value):
        # The derived filters and the serializer read the date too.
        return queryset.existing_on(value)

    def filter_derived(self, queryset, name, value):
        day = self.form.cleaned_data.get("as_of")
        if day is None:
            if name == "classification":
                return queryset.filter(classification__in=value)
            if name == "features_met":
                return queryset.filter(features_met__in=[int(v) for v in value])
            evidence = Evidence.objects.all()
            if name == "feature":
                evidence = evidence.filter(sub_condition__feature__in=value)
            else:
                evidence = evidence.filter(sub_condition__in=value)
            return queryset.filter(pk__in=evidence.values("org_type"))
        wanted = {str(v) if name in ("classification", "features_met") else v.code for v in value}
        keep = []
        for pk, (result, sub_conditions) in queryset.classified_on(day).items():
            if name == "classification":
                found = {result.classification}
            elif name == "features_met":
                found = {str(result.features_met)}
            elif name == "feature":
                found = set(result.met_features)
            else:
                found = set(sub_conditions)
            if found & wanted:
                keep.append(pk)
        return queryset.filter(pk__in=keep)

    def filter_law(self, queryset, name, value):
        return queryset.filter(
            Q(pk__in=LegalBasis.objects.filter(law__in=value).values("org_type"))
            | Q(pk__in=Evidence.objects.filter(law__in=value).values("org_type"))
        )

    def filter_updated_since(self, queryset, name, value):
        changed = Q(updated_at__gte=value)
        for model in (Evidence, LegalBasis):
            changed |= Q(pk__in=model.objects.filter(updated_at__gte=value).values("org_type"))
            changed |= Q(pk__in=model.history.filter(history_type="-", history_date__gte=value).values("org_type_id"))
        return queryset.filter(changed)


class FamilyFilterSet(APIFilterSet):
    search_fields = ("name", "description")

    class Meta:
        model = Family
        fields = []


class FeatureFilterSet(APIFilterSet):
    search_fields = ("name", "description")

    class Meta:
        model = Feature
        fields = []


class SubConditionFilterSet(APIFilterSet):
    search_fields = ("name", "description")

    feature = CodeListFilter(
        field_name="feature__code", to_field_name="code", queryset=Feature.objects.all(), help_text="Feature code(s)."
    )

    class Meta:
        model = SubCondition
        fields = ["feature"]


class ClassificationFilterSet(APIFilterSet):
    """Rows of the comparison matrix, one per country; ``as_of`` classifies as of that day."""

    search_fields = ("name", "local_name")

    country = country_filter(field_name="code")
    as_of = django_filters.DateFilter(
        method="filter_as_of", help_text="Time travel (YYYY-MM-DD): count the classifications of that day."
    )

    class Meta:
        model = Country
        fields = ["country", "as_of"]

    def filter_as_of(self, queryset, name, value):
        # Read by the view, which classifies the types as of that day.
        return queryset
