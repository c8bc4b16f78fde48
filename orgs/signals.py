"""
Keep ``OrganizationType.classification`` in step with its evidence.

Every path that writes evidence goes through one of these receivers: model
``save()`` and ``delete()`` (admin, inlines, API, ORM), cascades from deleting
a law or a sub-condition, and ``loaddata`` (raw saves). Bulk writes go
through ``EvidenceQuerySet``.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Evidence, OrganizationType, SubCondition


def _reclassify(org_type_id):
    org_type = OrganizationType.objects.filter(pk=org_type_id).first()
    if org_type is not None:
        org_type.refresh_classification()


@receiver(post_save, sender=Evidence)
def evidence_saved(sender, instance, **kwargs):
    _reclassify(instance.org_type_id)
    previous = getattr(instance, "_loaded_org_type_id", None)
    if previous and previous != instance.org_type_id:
        _reclassify(previous)


@receiver(post_delete, sender=Evidence)
def evidence_deleted(sender, instance, **kwargs):
    _reclassify(instance.org_type_id)


@receiver(post_save, sender=OrganizationType)
def org_type_saved(sender, instance, raw=False, **kwargs):
    # A fixture may load a type after its evidence, carrying a stale value.
    if raw:
        _reclassify(instance.pk)


@receiver(post_save, sender=SubCondition)
def sub_condition_saved(sender, instance, **kwargs):
    # Moving a sub-condition to another feature changes every type using it.
    for org_type in OrganizationType.objects.filter(evidence__sub_condition=instance).distinct():
        org_type.refresh_classification()
