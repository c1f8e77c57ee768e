"""The records' version: one row, moved on by every change (see signals) and read once per
generations page to key its cached counts."""

from django.db.models import F

from danvan.cadres.models import RecordsVersion


def bump() -> None:
    """Move the version on (bulk loads, which send no signals, call this themselves)."""
    if not RecordsVersion.objects.filter(pk=1).update(value=F("value") + 1):
        RecordsVersion.objects.get_or_create(pk=1)


def current() -> int:
    return RecordsVersion.objects.filter(pk=1).values_list("value", flat=True).first() or 0
