"""
Keep ``OrganizationType.classification`` in step with its evidence.

Every path that writes evidence goes through one of these receivers: model
``save()`` and ``delete()`` (admin, inlines, API, ORM), cascades from deleting
a law or a sub-condition, and ``loaddata`` (raw saves). Bulk writes go
through ``EvidenceQuerySet``.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Evidence, OrganizationType, SubCondition

# The types whose evidence changed inside ``reclassify_at_end()``, or None outside it.
_pending: ContextVar[set | None] = ContextVar("pending_reclassification", default=None)


@contextmanager
def reclassify_at_end():
    """
    Within this block, evidence saves and deletions note the types they touch
    instead of reclassifying each type at once; the noted types are
    reclassified together, in a fixed number of queries, when the block ends
    without an error. Use it inside the transaction that writes the evidence
    (an import of thousands of rows: one reclassification, not one per row).
    Nested blocks leave the work to the outermost one.
    """
    if _pending.get() is not None:
        yield
        return
    pending = set()
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    Evidence.objects.reclassify_types(pending)


def _reclassify(org_type_id):
    pending = _pending.get()
    if pending is not None:
        pending.add(org_type_id)
        return
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
