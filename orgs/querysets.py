"""Querysets shared by the public pages, the API and the admin."""

from collections import defaultdict

from django.db.models import Prefetch

from caching.querysets import DataVersionQuerySet
from countries.choices import PublicationStatus
from countries.querysets import NaturalKeyQuerySet, PublishableQuerySet


class FeatureQuerySet(NaturalKeyQuerySet):
    natural_key_field = "code"


class SubConditionQuerySet(NaturalKeyQuerySet):
    natural_key_field = "code"


class FamilyQuerySet(NaturalKeyQuerySet):
    pass


class OrganizationTypeQuerySet(PublishableQuerySet):
    def public(self):
        """Published types of published countries."""
        return self.published().filter(country__publication_status=PublicationStatus.PUBLISHED)

    def with_evidence(self):
        """Everything a type's page or detail endpoint shows, in a fixed number of queries."""
        from .models import Evidence, LegalBasis

        return self.select_related("country", "family").prefetch_related(
            Prefetch(
                "evidence",
                queryset=Evidence.objects.select_related("sub_condition__feature", "law", "source"),
            ),
            Prefetch("legal_bases", queryset=LegalBasis.objects.select_related("law")),
        )

    def reclassify(self, batch_size=1000):
        """
        Recompute the stored classification of these types from their evidence
        in a fixed number of queries (not two per type); write only the types
        whose classification changed. Returns how many changed.
        """
        from . import classification as rule
        from .models import Evidence, Feature

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
        self._reclassify({obj.org_type_id for obj in objs})
        return objs

    def bulk_update(self, objs, fields, *args, **kwargs):
        before = set(self.filter(pk__in=[o.pk for o in objs]).values_list("org_type_id", flat=True))
        result = super().bulk_update(objs, fields, *args, **kwargs)
        self._reclassify(before | {obj.org_type_id for obj in objs})
        return result

    def update(self, **kwargs):
        before = set(self.values_list("org_type_id", flat=True))
        result = super().update(**kwargs)
        after = set()
        if "org_type" in kwargs or "org_type_id" in kwargs:
            target = kwargs.get("org_type_id", kwargs.get("org_type"))
            after = {getattr(target, "pk", target)}
        self._reclassify(before | after)
        return result

    def _reclassify(self, org_type_ids, chunk=900):
        from .models import OrganizationType

        # Chunked so that the id list stays under SQLite's bound-parameter limit.
        ids = sorted(i for i in org_type_ids if i is not None)
        for start in range(0, len(ids), chunk):
            OrganizationType.objects.filter(pk__in=ids[start : start + chunk]).reclassify()


class LegalBasisQuerySet(DataVersionQuerySet):
    def get_by_natural_key(self, org_type_slug, law_slug):
        return self.get(org_type__slug=org_type_slug, law__slug=law_slug)
