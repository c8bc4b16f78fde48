"""API filters for organization types, families, features and sub-conditions (see docs/api.md)."""

import django_filters
from django.db.models import Q

from core.api.filters import APIFilterSet, ChoiceListFilter, CodeListFilter, StrictBooleanFilter, UTCDateTimeFilter
from core.choices import Verification
from countries.filtersets import country_filter
from countries.models import Country, Law

from .choices import ClassificationChoice, Finding
from .models import Assessment, Family, Feature, LegalBasis, OrganizationType, Reference, SubCondition
from .querysets import Method

FEATURES_MET_CHOICES = [(n, str(n)) for n in range(7)]


def visible_laws(request):
    return Law.objects.visible_to(request.user) if request is not None else Law.objects.public()


def sub_condition_code(value):
    """A sub-condition's code from its short code (``D2``, any case) or its code."""
    by_short = SubCondition.objects.filter(short_code__iexact=value).values_list("code", flat=True).first()
    return by_short or value


def sub_condition_keys():
    """What a sub-condition filter takes: the codes, and the short codes in any case (``D2``, ``d2``)."""
    keys = []
    for code, short in SubCondition.objects.values_list("code", "short_code"):
        keys += [code, short, short.lower(), short.upper()]
    return keys


def sub_condition_filter(**kwargs):
    """One or several sub-conditions, by short code (``D2``) or code (``democratic-governance``)."""
    return CodeListFilter(
        to_field_name="code",
        queryset=SubCondition.objects.all(),
        transform=sub_condition_code,
        vocabulary=sub_condition_keys,
        **kwargs,
    )


def law_filter(**kwargs):
    """One or several laws by slug; a law the reader may not see is a 400 like an unknown one."""
    return CodeListFilter(to_field_name="slug", queryset=visible_laws, **kwargs)


class OrganizationTypeFilterSet(APIFilterSet):
    """
    Several values of one parameter match any of them; several parameters must all
    match. Every derived filter (``classification``, ``settled``, ``features_met``,
    ``feature``, ``sub_condition``, ``finding``) applies to the landscape of the day
    asked (``as_of``), today without it: the stored values are today's.
    """

    search_fields = ("name", "local_name", "description")

    country = country_filter()
    family = CodeListFilter(
        field_name="family__slug",
        to_field_name="slug",
        queryset=Family.objects.all(),
        help_text="One or several family slugs.",
    )
    classification = ChoiceListFilter(
        choices=ClassificationChoice.choices,
        method="filter_derived",
        help_text="sseoe, pho or outside: what the met findings establish (see settled).",
    )
    settled = StrictBooleanFilter(
        method="filter_derived",
        help_text="true: no cell not yet assessed could change the classification; false: provisional.",
    )
    features_met = ChoiceListFilter(
        choices=FEATURES_MET_CHOICES, method="filter_derived", help_text="How many of the features are met."
    )
    feature = CodeListFilter(
        to_field_name="code",
        queryset=Feature.objects.all(),
        method="filter_derived",
        help_text="Types meeting this feature (social, economic, democratic).",
    )
    sub_condition = sub_condition_filter(
        method="filter_derived",
        help_text="Types meeting this sub-condition, by short code or code (D2 or democratic-governance); with "
        "finding, types whose cell for it has that finding.",
    )
    finding = ChoiceListFilter(
        choices=Finding.choices,
        method="filter_derived",
        help_text="Types with a cell of this finding (met, not_stipulated, not_assessed); with sub_condition, "
        "that sub-condition's cell.",
    )
    law = law_filter(method="filter_law", help_text="Types resting on this law (slug), as legal basis or reference.")
    legally_institutionalized = StrictBooleanFilter(help_text="true for types with a legal form of their own.")
    as_of = django_filters.DateFilter(
        method="filter_as_of",
        help_text="Time travel (YYYY-MM-DD): the types that existed that day (resting on a law then in force, "
        "or on no law), with their findings, laws and classification as they stood that day. Without it: today.",
    )
    updated_since = UTCDateTimeFilter(
        method="filter_updated_since",
        help_text="Types changed at or after this ISO 8601 datetime, including changes of their classification "
        "(for whatever reason), and changes and deletions of their cells, references and legal bases "
        "(the change feed); no limit on age.",
    )

    class Meta:
        model = OrganizationType
        fields = [
            "country", "family", "classification", "settled", "features_met", "feature", "sub_condition",
            "finding", "law", "legally_institutionalized", "as_of",
        ]  # fmt: skip

    DERIVED = ("classification", "settled", "features_met", "feature", "sub_condition", "finding")

    def filter_queryset(self, queryset):
        # The derived filters are applied together, on the day's landscape, after the others.
        derived = {name: self.form.cleaned_data.get(name) for name in self.DERIVED}
        queryset = super().filter_queryset(queryset)
        return self.filter_landscape(queryset, {k: v for k, v in derived.items() if v not in (None, [], "")})

    def filter_derived(self, queryset, name, value):
        return queryset  # see filter_landscape

    def filter_as_of(self, queryset, name, value):
        return queryset  # the view narrows to the types existing that day; the serializer reads the date too

    def filter_landscape(self, queryset, wanted):
        if not wanted:
            return queryset
        day = self.form.cleaned_data.get("as_of")
        if day is None:
            return self.filter_stored(queryset, wanted)
        method = Method.read()
        codes = {pk: (code, feature) for pk, (code, _short, feature, _order) in method.sub_conditions.items()}
        keep = []
        for pk, (result, cells) in queryset.findings_on(day, method).items():
            if self.matches(result, {codes[s]: finding for s, finding in cells.items()}, wanted):
                keep.append(pk)
        return queryset.filter(pk__in=keep)

    @staticmethod
    def matches(result, cells, wanted):
        """Whether a type's result and cells ``{(code, feature): finding}`` pass every derived filter asked."""
        if "classification" in wanted and result.classification not in wanted["classification"]:
            return False
        if "settled" in wanted and result.settled != wanted["settled"]:
            return False
        if "features_met" in wanted and str(result.features_met) not in wanted["features_met"]:
            return False
        if "feature" in wanted and not {f.code for f in wanted["feature"]} & set(result.met_features):
            return False
        findings = set(wanted.get("finding") or [Finding.MET])
        if "sub_condition" in wanted:
            subs = {s.code for s in wanted["sub_condition"]}
            return any(cells[(code, f)] in findings for code, f in cells if code in subs)
        if "finding" in wanted:
            return any(finding in findings for finding in cells.values())
        return True

    def filter_stored(self, queryset, wanted):
        if "classification" in wanted:
            queryset = queryset.filter(classification__in=wanted["classification"])
        if "settled" in wanted:
            queryset = queryset.filter(settled=wanted["settled"])
        if "features_met" in wanted:
            queryset = queryset.filter(features_met__in=[int(v) for v in wanted["features_met"]])
        if "feature" in wanted:
            met = Assessment.objects.filter(finding=Finding.MET, sub_condition__feature__in=wanted["feature"])
            queryset = queryset.filter(pk__in=met.values("org_type"))
        findings = wanted.get("finding") or [Finding.MET]
        cells = Assessment.objects.filter(finding__in=findings)
        if "sub_condition" in wanted:
            cells = cells.filter(sub_condition__in=wanted["sub_condition"])
            queryset = queryset.filter(pk__in=cells.values("org_type"))
        elif "finding" in wanted:
            queryset = queryset.filter(pk__in=cells.values("org_type"))
        return queryset

    def filter_law(self, queryset, name, value):
        return queryset.filter(
            Q(pk__in=LegalBasis.objects.filter(law__in=value).values("org_type"))
            | Q(pk__in=Reference.objects.filter(law__in=value).values("assessment__org_type"))
        )

    def filter_updated_since(self, queryset, name, value):
        changed = Q(updated_at__gte=value)
        changed |= Q(pk__in=Assessment.objects.filter(updated_at__gte=value).values("org_type"))
        changed |= Q(pk__in=Reference.objects.filter(updated_at__gte=value).values("assessment__org_type"))
        changed |= Q(pk__in=LegalBasis.objects.filter(updated_at__gte=value).values("org_type"))
        deleted = Q(history_type="-", history_date__gte=value)
        changed |= Q(pk__in=LegalBasis.history.filter(deleted).values("org_type_id"))
        removed_refs = Reference.history.filter(deleted).values("assessment_id")
        changed |= Q(pk__in=Assessment.objects.filter(pk__in=removed_refs).values("org_type"))
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


def visible_org_types(request):
    return (
        OrganizationType.objects.visible_to(request.user) if request is not None else OrganizationType.objects.public()
    )


class AssessmentFilterSet(APIFilterSet):
    """
    The cells of the evidence. ``finding`` is that of the day asked (``as_of``, today
    without it); ``law`` and ``verification`` keep the cells with at least one reference
    on that law, or of that verification level.
    """

    search_fields = ("org_type__name", "org_type__local_name", "note")

    country = country_filter("org_type__country__code")
    org_type = CodeListFilter(
        field_name="org_type__slug",
        to_field_name="slug",
        queryset=visible_org_types,
        help_text="One or several organization type slugs.",
    )
    family = CodeListFilter(
        field_name="org_type__family__slug",
        to_field_name="slug",
        queryset=Family.objects.all(),
        help_text="One or several family slugs (e.g. cooperative).",
    )
    feature = CodeListFilter(
        field_name="sub_condition__feature__code",
        to_field_name="code",
        queryset=Feature.objects.all(),
        help_text="One or several feature codes (social, economic, democratic).",
    )
    sub_condition = sub_condition_filter(
        field_name="sub_condition__code",
        help_text="One or several sub-conditions, by short code or code: D2 or democratic-governance.",
    )
    finding = ChoiceListFilter(
        choices=Finding.choices,
        method="filter_nothing",
        help_text="met, not_stipulated or not_assessed, on the day asked (as_of).",
    )
    law = law_filter(method="filter_law", help_text="Cells with a reference on this law (slug).")
    verification = ChoiceListFilter(
        choices=Verification.choices, method="filter_verification", help_text="Cells with a reference of this level."
    )
    as_of = django_filters.DateFilter(
        method="filter_nothing",
        help_text="Time travel (YYYY-MM-DD): the cells of the types that existed that day, with that day's findings.",
    )
    updated_since = UTCDateTimeFilter(
        method="filter_updated_since",
        help_text="Cells changed at or after this ISO 8601 datetime, or whose references were (the change feed).",
    )

    class Meta:
        model = Assessment
        fields = [
            "country",
            "org_type",
            "family",
            "feature",
            "sub_condition",
            "finding",
            "law",
            "verification",
            "as_of",
        ]

    def filter_nothing(self, queryset, name, value):
        return queryset  # applied in filter_queryset (finding), or by the view (as_of)

    def filter_law(self, queryset, name, value):
        return queryset.filter(pk__in=Reference.objects.filter(law__in=value).values("assessment"))

    def filter_verification(self, queryset, name, value):
        return queryset.filter(pk__in=Reference.objects.filter(verification__in=value).values("assessment"))

    def filter_updated_since(self, queryset, name, value):
        changed = Q(updated_at__gte=value) | Q(
            pk__in=Reference.objects.filter(updated_at__gte=value).values("assessment")
        )
        removed = Reference.history.filter(history_type="-", history_date__gte=value).values("assessment_id")
        return queryset.filter(changed | Q(pk__in=removed))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        findings = self.form.cleaned_data.get("finding")
        if not findings:
            return queryset
        day = self.form.cleaned_data.get("as_of")
        if day is None:
            return queryset.filter(finding__in=findings)  # stored: today's
        rows = list(queryset.order_by().values_list("pk", "org_type_id", "sub_condition_id"))
        landscapes = OrganizationType.objects.filter(pk__in={t for _, t, _ in rows}).landscape_on(day)
        return queryset.filter(pk__in=[pk for pk, t, s in rows if landscapes[t].cells[s].finding in findings])
