"""Bump the data version on every model-level write to curated data."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .version import bump_on_commit

# Apps whose models hold the published data.
CURATED_APPS = frozenset({"countries", "orgs"})


def _is_curated(sender):
    meta = getattr(sender, "_meta", None)
    # simple_history's Historical* models are written alongside the real ones.
    return meta is not None and meta.app_label in CURATED_APPS and not hasattr(sender, "instance_type")


@receiver(post_save)
@receiver(post_delete)
def curated_row_written(sender, using=None, **kwargs):
    if _is_curated(sender):
        bump_on_commit(using)


@receiver(m2m_changed)
def curated_relation_changed(sender, action, using=None, **kwargs):
    if action.startswith("post_") and _is_curated(sender):
        bump_on_commit(using)
