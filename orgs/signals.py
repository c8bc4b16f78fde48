"""
Keep the stored landscape (each cell's finding and each type's classification, today's)
in step on every model-level write that can change it: a reference saved, moved or
deleted (admin, inlines, API, ORM, ``loaddata``); a type saved (its cells are created
with it; a history revert never writes a classification back, the field is not in its
history); a sub-condition added, moved to another feature or removed; a feature added
or removed; a law's dated events changed (``countries.querysets.laws_changed``). Bulk
writes of references go through ``ReferenceQuerySet``; the passing of a dated event
through ``orgs.landscape.ensure_current``.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from countries.querysets import laws_changed

from .models import Assessment, Feature, OrganizationType, Reference, SubCondition
from .querysets import reclassify_types

# What was touched inside ``reclassify_at_end()`` (type ids, and cell ids whose types are
# looked up at the end, once), or None outside it.
_pending: ContextVar[dict | None] = ContextVar("pending_reclassification", default=None)


@contextmanager
def reclassify_at_end():
    """
    Within this block, writes note the types they touch instead of reclassifying each
    type at once; the noted types are reclassified together, in a fixed number of
    queries, when the block ends. Use it inside the transaction that writes the rows (an
    import of thousands of rows: one reclassification, not one per row). Nested blocks
    leave the work to the outermost one.
    """
    if _pending.get() is not None:
        yield
        return
    pending = {"types": set(), "cells": set()}
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    reclassify_types(pending["types"] | _types_of_assessments(*pending["cells"]))


def _reclassify(org_type_ids):
    pending = _pending.get()
    if pending is not None:
        pending["types"].update(org_type_ids)
        return
    reclassify_types(org_type_ids)


def _reclassify_cells(*assessment_ids):
    pending = _pending.get()
    if pending is not None:
        pending["cells"].update(pk for pk in assessment_ids if pk is not None)
        return
    reclassify_types(_types_of_assessments(*assessment_ids))


def _everyone():
    return set(OrganizationType.objects.values_list("pk", flat=True))


def _types_of_assessments(*assessment_ids):
    ids = {pk for pk in assessment_ids if pk is not None}
    return set(Assessment.objects.filter(pk__in=ids).values_list("org_type_id", flat=True))


@receiver(post_save, sender=Reference)
def reference_saved(sender, instance, **kwargs):
    _reclassify_cells(instance.assessment_id, getattr(instance, "_loaded_assessment_id", None))


@receiver(post_delete, sender=Reference)
def reference_deleted(sender, instance, **kwargs):
    _reclassify_cells(instance.assessment_id)


@receiver(post_save, sender=OrganizationType)
def org_type_saved(sender, instance, created=False, **kwargs):
    # Its cells exist from the start (a reference written next names one); a fixture or a
    # revert may carry a stale classification.
    if created:
        OrganizationType.objects.filter(pk=instance.pk).ensure_cells()
    _reclassify({instance.pk})


@receiver(post_save, sender=SubCondition)
@receiver(post_delete, sender=SubCondition)
@receiver(post_save, sender=Feature)
@receiver(post_delete, sender=Feature)
def method_changed(sender, instance, **kwargs):
    # A sub-condition added, moved to another feature or removed, a feature added or
    # removed: every type's cells or features change.
    _reclassify(_everyone())


@receiver(laws_changed)
def law_force_changed(sender, law_ids, **kwargs):
    _reclassify(set(Reference.objects.filter(law__in=law_ids).values_list("assessment__org_type_id", flat=True)))
