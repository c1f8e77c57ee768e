"""Every write of a cadre, a posting or a term moves the records' version on (in the same
transaction), which retires the cached generations counts."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from danvan.cadres.models import Cadre, Posting, Term
from danvan.cadres.versions import bump


@receiver(post_save, sender=Cadre)
@receiver(post_delete, sender=Cadre)
@receiver(post_save, sender=Posting)
@receiver(post_delete, sender=Posting)
@receiver(post_save, sender=Term)
@receiver(post_delete, sender=Term)
def records_changed(sender, **kwargs) -> None:
    bump()
