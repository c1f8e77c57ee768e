"""Cases keep a copy of their responsible unit's path; it follows the unit when it moves.
And the signal of the clock job, for the apps above that run periodic work with it."""

from django.db.models import Value
from django.db.models.functions import Concat, Length, Substr
from django.dispatch import Signal, receiver

from danvan.organisations.signals import unit_moved
from danvan.voice.models import Case

# Sent by the clock job after each run with `now`; a receiver returns a dict of counts that
# the job adds to its result (notices: deadlines near, daily digests).
clock_ran = Signal()


@receiver(unit_moved)
def follow_moved_units(sender, old_path: str, new_path: str, **kwargs) -> None:
    Case.objects.filter(responsible_path__startswith=old_path).update(
        responsible_path=Concat(
            Value(new_path), Substr("responsible_path", Length(Value(old_path)) + 1)
        )
    )
