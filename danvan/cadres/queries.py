"""Reads of cadres for screens and for other apps, always within the reader's scope.

`open_discipline` and `open_disciplines` are the reads the awards app calls to freeze
proposals; `cadres_with_postings` feeds eligibility runs.
"""

import datetime

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from danvan.cadres.models import Cadre, Discipline, Event, Posting, Training


def _int_or_404(pk) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc


def get_cadre_for_user(user, pk, *, perm: str | None = None) -> Cadre:
    """Return the cadre if the user's scope reaches them today (posted in, or their file kept
    in, the user's subtree), else 404; with perm, where the user holds that permission."""
    pk = _int_or_404(pk)
    return get_object_or_404(
        Cadre.objects.visible_to(user, perm=perm).select_related("record_unit"), pk=pk
    )


def open_discipline(cadre: Cadre | int, on: datetime.date | None = None) -> Discipline | None:
    """The discipline (or disciplinary review) in force for the cadre on a date (today), the
    most recent first; None when there is none. An open one freezes award proposals."""
    on = on or timezone.localdate()
    cadre_id = cadre if isinstance(cadre, int) else cadre.pk
    return Discipline.objects.filter(cadre_id=cadre_id).open_on(on).order_by("-date").first()


def open_disciplines(cadre_ids, on: datetime.date | None = None) -> dict[int, Discipline]:
    """The open discipline of each of many cadres on a date, in one query (for runs over a
    whole unit or city): cadre id → its most recent open discipline."""
    on = on or timezone.localdate()
    found: dict[int, Discipline] = {}
    for discipline in (
        Discipline.objects.filter(cadre_id__in=cadre_ids).open_on(on).order_by("date", "id")
    ):
        found[discipline.cadre_id] = discipline  # the latest wins
    return found


def postings_for(cadre: Cadre):
    """A cadre's postings, oldest first, with their units (closed ones included)."""
    return (
        Posting.objects.filter(cadre=cadre)
        .select_related("unit", "unit__parent", "unit__legacy_district")
        .order_by("start", "id")
    )


def trainings_for(cadre: Cadre):
    return (
        Training.objects.filter(cadre=cadre)
        .select_related("course")
        .order_by("course__start", "id")
    )


def disciplines_for(cadre: Cadre):
    return Discipline.objects.filter(cadre=cadre).order_by("-date", "-id")


def cadres_with_postings(cadre_ids, *, danvan_only: bool = False):
    """Cadres with their postings prefetched in one more query (for eligibility runs)."""
    postings = Posting.objects.select_related("unit").order_by("start", "id")
    if danvan_only:
        postings = postings.filter(is_danvan_post=True)
    return Cadre.objects.filter(pk__in=cadre_ids).prefetch_related(
        Prefetch("postings", queryset=postings)
    )


def get_event_for_user(user, pk, *, perm: str | None = None) -> Event:
    """Return the event if the user's scope reaches its organising unit, else 404."""
    pk = _int_or_404(pk)
    return get_object_or_404(
        Event.objects.visible_to(user, perm=perm).select_related("unit"), pk=pk
    )
