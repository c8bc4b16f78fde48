"""
Querysets shared by the public pages, the API and the admin.

``models.py`` imports this module, so this app's models are reached through the
app registry (``model(name)``), never imported here; laws come from
``countries``, below this app.
"""

from collections import Counter, defaultdict

from django.apps import apps
from django.db import models
from django.db.models import Prefetch, Q
from django.db.models.functions import RowNumber

from caching.querysets import DataVersionQuerySet
from core.choices import PublicationStatus
from core.querysets import NaturalKeyQuerySet, PublishableQuerySet
from countries.models import Law

from . import classification as rule


def model(name):
    """A model of this app, from the app registry (see the module docstring)."""
    return apps.get_model("orgs", name)

# Long text columns of records joined to API rows that the API does not show there.
API_UNSHOWN_TEXTS = {
    "law": ("law__summary", "law__verification_note"),
    "law__country": ("law__country__narrative", "law__country__boundary"),
    "source": ("source__note", "source__locator"),
    "country": ("country__narrative", "country__boundary"),
}


class FeatureQuerySet(NaturalKeyQuerySet):
    natural_key_field = "code"

    def for_api(self, *, public=True):
        return self.prefetch_related("sub_conditions")


class SubConditionQuerySet(NaturalKeyQuerySet):
    natural_key_field = "code"

    def for_api(self, *, public=True):
        return self.select_related("feature")


class FamilyQuerySet(NaturalKeyQuerySet):
    def for_api(self, *, public=True):
        return self


class OrganizationTypeQuerySet(PublishableQuerySet):
    def public(self):
        """Published types of published countries."""
        return self.published().filter(country__publication_status=PublicationStatus.PUBLISHED)

    def with_evidence(self):
        """Everything a type's page or detail endpoint shows, in a fixed number of queries."""
        Evidence, LegalBasis = model("Evidence"), model("LegalBasis")

        return self.select_related("country", "family").prefetch_related(
            Prefetch(
                "evidence",
                queryset=Evidence.objects.select_related("sub_condition__feature", "law", "source"),
            ),
            Prefetch("legal_bases", queryset=LegalBasis.objects.select_related("law")),
        )

    def for_api(self, *, public=True):
        """
        Types with their evidence and legal bases in a fixed number of queries.

        All evidence rows are kept (the stored classification counts them
        all); when ``public``, legal bases on an unpublished law are left out,
        and serializers mask such a law on an evidence row.
        """
        Evidence, LegalBasis = model("Evidence"), model("LegalBasis")

        # The long texts of the joined records are never shown in the API's type rows: not loaded.
        evidence = Evidence.objects.select_related("sub_condition__feature", "law__country", "source").defer(
            *API_UNSHOWN_TEXTS["law"], *API_UNSHOWN_TEXTS["law__country"], *API_UNSHOWN_TEXTS["source"],
            "sub_condition__description", "sub_condition__feature__description",
        )  # fmt: skip
        legal_bases = LegalBasis.objects.on_shown_laws(public=public).select_related("law")
        legal_bases = legal_bases.defer(*API_UNSHOWN_TEXTS["law"])
        return (
            self.select_related("country", "family")
            .defer(*API_UNSHOWN_TEXTS["country"], "family__description")
            .prefetch_related(
                Prefetch("evidence", queryset=evidence),
                Prefetch("legal_bases", queryset=legal_bases),
            )
        )

    def for_api_list(self):
        """
        Types as the API's lists show them: their own columns (not the long
        description), the country's code and the family's slug, in one query.
        The evidence and legal bases are read as plain values for the whole
        page at once (``summary_rows``), not as model instances per row.
        """
        own = [f.name for f in self.model._meta.concrete_fields if f.name != "description"]
        return self.select_related("country", "family").only(*own, "country__code", "family__slug")

    def summary_rows(self):
        """
        What summarizing these types (classification, sub-conditions met,
        laws) needs, as plain values in four queries whatever their number:
        no model instances, and no join through the wide law rows.

        Returns ``(evidence, legal_bases, laws, sub_conditions)``:
        ``{type_id: [(sub_condition_id, law_id)]}``, ``{type_id: [law_id]}``,
        ``{law_id: (law published, law and its country published)}`` and
        ``{sub_condition_id: (code, (feature order, order), feature code)}``.
        """

        Evidence, LegalBasis, SubCondition = model("Evidence"), model("LegalBasis"), model("SubCondition")

        ids = self.values("pk")
        evidence, legal_bases = defaultdict(list), defaultdict(list)
        for type_id, sub_condition_id, law_id in (
            Evidence.objects.filter(org_type__in=ids)
            .order_by()
            .values_list("org_type_id", "sub_condition_id", "law_id")
        ):
            evidence[type_id].append((sub_condition_id, law_id))
        for type_id, law_id in (
            LegalBasis.objects.filter(org_type__in=ids).order_by().values_list("org_type_id", "law_id")
        ):
            legal_bases[type_id].append(law_id)
        law_ids = {law_id for rows in evidence.values() for _, law_id in rows}
        law_ids.update(law_id for rows in legal_bases.values() for law_id in rows)
        published = PublicationStatus.PUBLISHED
        laws = {
            pk: (status == published, status == published and country_status == published)
            for pk, status, country_status in Law.objects.filter(pk__in=law_ids)
            .order_by()
            .values_list("pk", "publication_status", "country__publication_status")
        }
        sub_conditions = {
            pk: (code, (feature_order, order), feature_code)
            for pk, code, order, feature_order, feature_code in SubCondition.objects.order_by().values_list(
                "pk", "code", "order", "feature__order", "feature__code"
            )
        }
        return evidence, legal_bases, laws, sub_conditions

    def existing_on(self, day):
        """
        Types that existed on ``day``: those resting on a law in force that
        day (as legal basis or evidence), and those resting on no law at all.
        """


        Evidence, LegalBasis = model("Evidence"), model("LegalBasis")

        in_force = Law.objects.in_force_on(day).values("pk")
        rests_on = Q(pk__in=LegalBasis.objects.values("org_type")) | Q(pk__in=Evidence.objects.values("org_type"))
        rests_on_in_force = Q(pk__in=LegalBasis.objects.filter(law__in=in_force).values("org_type")) | Q(
            pk__in=Evidence.objects.filter(law__in=in_force).values("org_type")
        )
        return self.filter(rests_on_in_force | ~rests_on)

    def classified_on(self, day):
        """
        ``{pk: (Classification, sub-condition codes)}`` for the types in this
        queryset, counting only the evidence whose law was in force on ``day``.

        Four queries whatever the number of types; the rule itself is the pure
        ``orgs.classification.classify``.
        """

        Evidence, Feature = model("Evidence"), model("Feature")

        laws = Law.objects.in_force_on(day)
        rows = Evidence.objects.filter(org_type__in=self.values("pk"), law__in=laws.values("pk")).values_list(
            "org_type_id", "sub_condition__code", "sub_condition__feature__code"
        )
        met = {pk: [] for pk in self.values_list("pk", flat=True)}
        for org_type_id, sub_code, feature_code in rows:
            met[org_type_id].append((sub_code, feature_code))
        features = list(Feature.objects.values_list("code", flat=True))
        return {
            pk: (rule.classify((f for _, f in pairs), features), sorted({s for s, _ in pairs}))
            for pk, pairs in met.items()
        }

    def classification_matrix(self, day=None):
        """
        The comparison matrix for the types in this queryset (those existing
        on ``day`` when given, see ``existing_on``):
        ``{country_id: {"total": n, "sseoe": n, "pho": n, "outside": n,
        "families": [{"family", "name", "total", "sseoe", "pho", "outside"}]}}``,
        classified as of ``day`` when given. A fixed number of queries.
        """

        columns = ("country_id", "family__slug", "family__name", "family__order")
        counts = Counter()
        if day is None:
            grouped = self.order_by().values_list(*columns, "classification").annotate(n=models.Count("pk"))
            for *key, n in grouped:
                counts[tuple(key)] += n
        else:
            existing = self.existing_on(day)
            landscape = existing.classified_on(day)
            for pk, *key in existing.order_by().values_list("pk", *columns):
                counts[(*key, landscape[pk][0].classification)] += 1
        matrix = {}
        for (country_id, slug, name, _order, classification), n in sorted(counts.items(), key=lambda kv: kv[0][3]):
            row = matrix.setdefault(country_id, {"total": 0, "families": {}})
            family = row["families"].setdefault(
                slug, {"family": slug, "name": name, "total": 0, **dict.fromkeys(rule.LABELS, 0)}
            )
            for target in (row, family):
                target["total"] += n
                target[classification] = target.get(classification, 0) + n
        for row in matrix.values():
            for choice in rule.LABELS:
                row.setdefault(choice, 0)
            row["families"] = list(row["families"].values())
        return matrix

    def first_of_each_cell(self, limit):
        """
        The first ``limit`` types (by name) of each (family, country) cell,
        each annotated with ``cell_size``, the number of types in its cell:
        one query, whose size is bounded by the cells, not by the types.
        """

        cell = [models.F("family_id"), models.F("country_id")]
        return self.annotate(
            cell_rank=models.Window(RowNumber(), partition_by=cell, order_by=[models.F("name").asc(), "pk"]),
            cell_size=models.Window(models.Count("pk"), partition_by=cell),
        ).filter(cell_rank__lte=limit)

    def reclassify(self, batch_size=1000):
        """
        Recompute the stored classification of these types from their evidence
        in a fixed number of queries (not two per type); write only the types
        whose classification changed. Returns how many changed.
        """
        Evidence, Feature = model("Evidence"), model("Feature")

        features = list(Feature.objects.values_list("code", flat=True))
        met = defaultdict(set)
        pairs = Evidence.objects.filter(org_type__in=self.values("pk")).values_list(
            "org_type_id", "sub_condition__feature__code"
        )
        for org_type_id, feature_code in pairs.order_by().distinct():
            met[org_type_id].add(feature_code)
        changed = []
        for org_type in self.order_by().only("pk", "classification", "features_met"):
            result = rule.classify(met[org_type.pk], features)
            if (org_type.classification, org_type.features_met) != (result.classification, result.features_met):
                org_type.classification = result.classification
                org_type.features_met = result.features_met
                changed.append(org_type)
        # bulk_update skips save(): no history row for a derived field, no signal loop.
        self.model.objects.bulk_update(changed, ["classification", "features_met"], batch_size=batch_size)
        return len(changed)

    def for_listing(self):
        """Types with country, family and their evidence (sub-condition, source), for marks, badges, citations."""
        Evidence = model("Evidence")

        return self.select_related("country", "family").prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.select_related("sub_condition__feature", "source"))
        )


class EvidenceQuerySet(DataVersionQuerySet):
    """
    Keeps the stored classification of the affected types in step even when
    rows are written in bulk, which bypasses the model signals.
    """

    def get_by_natural_key(self, org_type_slug, sub_condition_code, law_slug):
        return self.get(
            org_type__slug=org_type_slug,
            sub_condition__code=sub_condition_code,
            law__slug=law_slug,
        )

    def bulk_create(self, objs, *args, **kwargs):
        objs = super().bulk_create(objs, *args, **kwargs)
        self.reclassify_types({obj.org_type_id for obj in objs})
        return objs

    def bulk_update(self, objs, fields, *args, **kwargs):
        before = set(self.filter(pk__in=[o.pk for o in objs]).values_list("org_type_id", flat=True))
        result = super().bulk_update(objs, fields, *args, **kwargs)
        self.reclassify_types(before | {obj.org_type_id for obj in objs})
        return result

    def update(self, **kwargs):
        before = set(self.values_list("org_type_id", flat=True))
        result = super().update(**kwargs)
        after = set()
        if "org_type" in kwargs or "org_type_id" in kwargs:
            target = kwargs.get("org_type_id", kwargs.get("org_type"))
            after = {getattr(target, "pk", target)}
        self.reclassify_types(before | after)
        return result

    def reclassify_types(self, org_type_ids, chunk=900):
        """Recompute the stored classification of the types with these ids (see ``reclassify``)."""
        OrganizationType = model("OrganizationType")

        # Chunked so that the id list stays under SQLite's bound-parameter limit.
        ids = sorted(i for i in org_type_ids if i is not None)
        for start in range(0, len(ids), chunk):
            OrganizationType.objects.filter(pk__in=ids[start : start + chunk]).reclassify()


class LegalBasisQuerySet(DataVersionQuerySet):
    def on_shown_laws(self, *, public):
        """The legal bases a reader is shown: when ``public``, none on an unpublished law."""
        return self.filter(law__publication_status=PublicationStatus.PUBLISHED) if public else self

    def get_by_natural_key(self, org_type_slug, law_slug):
        return self.get(org_type__slug=org_type_slug, law__slug=law_slug)
