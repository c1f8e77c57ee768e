"""Reads of citizen cases and reception sessions for staff screens, always within scope."""

import datetime

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from danvan.organisations.models import Unit
from danvan.voice import models
from danvan.voice.models import Case, ReceptionSchedule, ReceptionSession


def _int_or_404(pk) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc


def get_case_for_user(user, pk, *, handle: bool = False) -> Case:
    """Return the case if the user's scope reaches its responsible unit, else 404.

    With handle=True only the roles that act on cases count: a viewer gets the same 404
    as a stranger, so "not allowed" and "not found" look alike.
    """
    pk = _int_or_404(pk)
    units = Unit.objects.visible_to(user, perm="voice.handle" if handle else None)
    qs = Case.objects.filter(responsible__in=units).select_related(
        "category",
        "commune",
        "responsible",
        "handler",
        "deadline_rule",
        "forward_rule",
        "limitation_rule",
        "rejection_reason",
        "escalated_to",
        "reception_session",
        "created_by",
        "merged_into",
    )
    return get_object_or_404(qs, pk=pk)


def case_events(case: Case):
    """The whole history of a case, public and internal steps, oldest first."""
    return case.events.select_related("actor", "unit").order_by("at", "id")


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, timezone.get_current_timezone())


def overdue_q(now=None) -> Q:
    """Open cases past a deadline, marked by the clock job or not yet (as scorecards)."""
    return models.overdue_q(now)


def filtered_cases(user, params: dict, *, base=None):
    """The list behind the case filters, newest first.

    params: status, kind, category, overdue, unit (a Unit: its subtree), received_from,
    received_to (dates, inclusive) and q (words of the code, title or address).
    """
    qs = base if base is not None else Case.objects.visible_to(user)
    if params.get("unit"):
        qs = qs.in_subtree(params["unit"])
    if params.get("status"):
        qs = qs.filter(status=params["status"])
    if params.get("kind"):
        qs = qs.filter(kind=params["kind"])
    if params.get("category"):
        qs = qs.filter(category=params["category"])
    if params.get("overdue"):
        qs = qs.filter(overdue_q())
    if params.get("received_from"):
        qs = qs.filter(received_at__gte=_day_start(params["received_from"]))
    if params.get("received_to"):
        end = params["received_to"] + datetime.timedelta(days=1)
        qs = qs.filter(received_at__lt=_day_start(end))
    if params.get("q"):
        qs = qs.search(params["q"])
    return qs.order_by("-received_at", "-id")


# Reception


def get_session_for_user(user, pk, *, handle: bool = False) -> ReceptionSession:
    """Return the reception session if the user's scope reaches its unit, else 404."""
    pk = _int_or_404(pk)
    units = Unit.objects.visible_to(user, perm="voice.handle" if handle else None)
    return get_object_or_404(
        ReceptionSession.objects.filter(unit__in=units).select_related("unit"), pk=pk
    )


def session_visits(user, session: ReceptionSession):
    """The register of a session: the visits logged at it that the reader may open."""
    return (
        Case.objects.visible_to(user)
        .filter(reception_session=session)
        .select_related("category", "responsible", "commune")
        .order_by("received_at", "id")
    )


def schedules_for(user):
    """The weekly reception days of the units in the user's scope."""
    return (
        ReceptionSchedule.objects.filter(unit__in=Unit.objects.visible_to(user), is_active=True)
        .select_related("unit")
        .order_by("unit__path", "weekday")
    )


def sessions_for(user, *, unit: Unit | None = None):
    """Reception sessions of a unit (or of the whole scope), newest first."""
    qs = ReceptionSession.objects.filter(unit__in=Unit.objects.visible_to(user))
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.select_related("unit").order_by("-date", "-id")
