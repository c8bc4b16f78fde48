"""
Spreadsheet import/export of organization types, their legal bases and their
sub-condition evidence (see ``countries.resources`` for the shared rules).

A type's ``classification`` and ``features_met`` are never read from a file:
they are derived from the evidence rows by ``orgs.signals`` (and by
``EvidenceQuerySet`` on bulk writes) whenever evidence is imported.
"""

from django.db import transaction

from countries.resources import CuratedResource, SingleKeyLoader

from .models import Evidence, LegalBasis, OrganizationType
from .signals import reclassify_at_end


class OrganizationTypeResource(CuratedResource):
    export_order_by = ("slug",)
    derived_fields = ("classification", "features_met")
    ignored_columns = frozenset(derived_fields)

    class Meta(CuratedResource.Meta):
        model = OrganizationType
        import_id_fields = ["slug"]
        instance_loader_class = SingleKeyLoader
        fields = [
            "slug",
            "country",
            "family",
            "name",
            "local_name",
            "description",
            "legally_institutionalized",
            "publication_status",
            "last_verified",
        ]


class LegalBasisResource(CuratedResource):
    parent_attr = "org_type"
    export_order_by = ("org_type__slug", "law__slug")

    class Meta(CuratedResource.Meta):
        model = LegalBasis
        import_id_fields = ["org_type", "law"]
        fields = ["org_type", "law", "provision", "note"]


class EvidenceResource(CuratedResource):
    parent_attr = "org_type"
    export_order_by = ("org_type__slug", "sub_condition__code", "law__slug")

    def import_data(self, dataset, *args, **kwargs):
        # The types touched by the file are reclassified once, at its end and in its
        # transaction, rather than once per evidence row (orgs.signals).
        with transaction.atomic(), reclassify_at_end():
            return super().import_data(dataset, *args, **kwargs)

    class Meta(CuratedResource.Meta):
        model = Evidence
        import_id_fields = ["org_type", "sub_condition", "law"]
        fields = ["org_type", "sub_condition", "law", "provision", "note", "source", "verification"]
