"""Reads of cadres for screens and for other apps, always within the reader's scope.

`open_discipline` and `open_disciplines` are the reads the awards app calls to freeze
proposals; `cadres_with_postings` feeds eligibility runs.
"""

import datetime

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from danvan.cadres.models import Cadre, Discipline, Event, Invitee, Posting, Training


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


def status_q(status: str, on: datetime.date | None = None) -> Q:
    """Cadres serving (neither retired nor dead), retired (living) or deceased on a date."""
    on = on or timezone.localdate()
    dead = Q(died_on__isnull=False)
    retired = Q(retired_on__isnull=False, retired_on__lte=on) & ~dead
    return {"serving": ~dead & ~retired, "retired": retired, "deceased": dead}[status]


def filtered_cadres(user, params: dict, *, base=None):
    """The list behind the cadres' filters: q (name or file number), status, sex, level
    (trained at), unit (posted in its subtree now, or filed there)."""
    qs = base if base is not None else Cadre.objects.visible_to(user)
    if params.get("unit"):
        qs = qs.filter(pk__in=Cadre.objects.in_paths([params["unit"].path]).values("pk"))
    if params.get("status"):
        qs = qs.filter(status_q(params["status"]))
    if params.get("sex"):
        qs = qs.filter(sex=params["sex"])
    if params.get("level"):
        qs = qs.filter(
            pk__in=Training.objects.filter(course__level=params["level"]).values("cadre_id")
        )
    if params.get("q"):
        qs = qs.search(params["q"])
    return qs


def with_current_postings(qs, on: datetime.date | None = None):
    """Cadres with `current_postings` (their posts on a date, units named): one more query."""
    current = (
        Posting.objects.current(on)
        .select_related("unit")
        .only("id", "cadre_id", "position", "unit__id", "unit__name", "start", "end")
        .order_by("-full_time", "start", "id")
    )
    return qs.prefetch_related(Prefetch("postings", queryset=current, to_attr="current_postings"))


def events_for(user):
    return Event.objects.visible_to(user).select_related("unit").annotate(invited=Count("invitees"))


def invitees_of(event: Event):
    return (
        Invitee.objects.filter(event=event)
        .select_related("cadre")
        .order_by("cadre__search_text", "id")
    )


def readable_cadre_ids(user, cadre_ids) -> set[int]:
    """Which of these cadres the user may open (the others are shown without a link)."""
    return set(
        Cadre.objects.visible_to(user).filter(pk__in=list(cadre_ids)).values_list("pk", flat=True)
    )


def reaches_cadre(user, cadre: Cadre, perm: str, postings=None) -> bool:
    """Whether the user holds perm where the cadre is (as `Cadre.objects.in_paths` says),
    from the cadre's postings already read: no query of its own."""
    paths = user.paths_for(perm)
    if paths is None:
        return True
    if postings is None:
        postings = list(Posting.objects.filter(cadre=cadre).select_related("unit"))
    today = timezone.localdate()
    where = [p.unit.path for p in postings if p.is_current(today)] or [cadre.record_unit.path]
    return any(target.startswith(path) for target in where for path in paths)
