"""
Keep each law's stored status (today's) in step with its dated events on every
model-level write, and announce that its force may have changed
(``querysets.laws_changed``, which ``orgs`` listens to). Bulk writes of events go
through ``LawEventQuerySet``, which does the same.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Law, LawEvent
from .querysets import law_events_changed


@receiver(post_save, sender=LawEvent)
@receiver(post_delete, sender=LawEvent)
def event_written(sender, instance, **kwargs):
    law_events_changed({instance.law_id, getattr(instance, "_loaded_law_id", None)})


@receiver(post_save, sender=Law)
def law_saved(sender, instance, **kwargs):
    # Its kind (a bill or not) bears on its status; a law loaded from a fixture carries none.
    law_events_changed({instance.pk})
