"""A case's step, once recorded, queues the notices to its citizen and the notifications of
its staff; each run of the voice clock looks for deadlines near and sends the daily digests."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from danvan.notices.services import notify_case_event, queue_for_event, run_periodic
from danvan.voice.models import CaseEvent
from danvan.voice.signals import clock_ran


@receiver(post_save, sender=CaseEvent, dispatch_uid="notices.case_event")
def case_event_recorded(sender, instance: CaseEvent, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        queue_for_event(instance)
        notify_case_event(instance)


@receiver(clock_ran, dispatch_uid="notices.clock")
def clock_ran_notices(sender, now, **kwargs) -> dict[str, int]:
    return run_periodic(now=now)
