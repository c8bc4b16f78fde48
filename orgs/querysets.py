"""Querysets shared by the public pages, the API and the admin."""

from django.db import models
from django.db.models import Prefetch

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


    def for_listing(self):
        """Types with country, family and their evidence (sub-condition, source), for marks, badges, citations."""
        from .models import Evidence

        return self.select_related("country", "family").prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.select_related("sub_condition__feature", "source"))
        )


class EvidenceQuerySet(models.QuerySet):
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

    def _reclassify(self, org_type_ids):
        from .models import OrganizationType

        for org_type in OrganizationType.objects.filter(pk__in=org_type_ids):
            org_type.refresh_classification()


class LegalBasisQuerySet(models.QuerySet):
    def get_by_natural_key(self, org_type_slug, law_slug):
        return self.get(org_type__slug=org_type_slug, law__slug=law_slug)
