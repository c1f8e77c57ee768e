"""A case's step, once recorded, queues the notices to its citizen."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from danvan.notices.services import queue_for_event
from danvan.voice.models import CaseEvent


@receiver(post_save, sender=CaseEvent, dispatch_uid="notices.case_event")
def case_event_recorded(sender, instance: CaseEvent, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        queue_for_event(instance)
