"""What every service of the citizen's voice shares: scope checks, routing, the clocks of a
case, its history and its audit entries."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.core.audit import log_action
from danvan.core.workdays import WorkCalendar
from danvan.organisations.models import Unit, UnitKind
from danvan.voice.deadlines import clock_for, receipt_of
from danvan.voice.models import (
    TRANSITIONS,
    Case,
    CaseEvent,
    ClockEvent,
    DeadlineRule,
    RoutingRule,
    Status,
)

Step = DeadlineRule.Step


def _require_scope(actor, unit: Unit, perm: str = "voice.handle") -> None:
    """Refuse an actor without the named permission (voice/rules.py) on the unit; None is
    the system."""
    if actor is not None and not actor.has_perm(perm, unit):
        raise PermissionDenied(_("This case is outside your scope."))


def _works_in(actor, commune: Unit) -> bool:
    """Whether the actor receives cases for the commune or a unit inside it."""
    paths = actor.paths_for("voice.receive")
    return paths is None or any(
        p.startswith(commune.path) or commune.path.startswith(p) for p in paths
    )


def _person(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def route(category, commune: Unit) -> tuple[Unit, RoutingRule | None]:
    """The unit responsible for a category at a place: the most specific rule wins.

    Without a matching rule, the commune's people's committee handles the case.
    """
    ancestors = commune.ancestor_paths() + [commune.path]
    rules = list(
        RoutingRule.objects.in_force()
        .filter(
            Q(category=category) | Q(category__isnull=True),
            Q(place__isnull=True) | Q(place__path__in=ancestors),
        )
        .select_related("place", "responsible")
    )
    if rules:
        rules.sort(
            key=lambda r: (
                r.category_id is not None,
                r.place.depth if r.place is not None else -1,
                r.priority,
            ),
            reverse=True,
        )
        return rules[0].responsible, rules[0]
    committee = (
        Unit.objects.filter(parent=commune, kind=UnitKind.PEOPLES_COMMITTEE).current().first()
    )
    return committee or commune, None


# The clocks of a case


def _local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)


def _set_clock(
    case: Case,
    step: str,
    on: datetime.date,
    calendar: WorkCalendar | None = None,
    *,
    start: tuple[datetime.datetime, str] | None = None,
) -> bool:
    """Run the clock of a step from its dated rule and the event the rule counts from; no
    rule (or an event still to come), no clock. A clock that ends where it already did keeps
    its overdue mark and reminder."""
    clock = clock_for(case, step, on, calendar, start=start)
    deadline = clock.deadline if clock else None
    if deadline != case.deadline or (clock and step != case.deadline_step):
        case.overdue = False
        case.reminded_at = None
    case.deadline_step = step if clock else ""
    case.deadline_rule = clock.rule if clock else None
    case.deadline = deadline
    case.deadline_start = clock.start if clock else None
    case.deadline_start_event = clock.event if clock else ""
    return clock is not None


def _stop_clock(case: Case) -> None:
    case.deadline = None
    case.deadline_step = ""
    case.overdue = False


def _set_forward_clock(case: Case, on: datetime.date, calendar: WorkCalendar | None = None):
    """Run the forward clock: a case outside the unit's competence must reach the competent
    unit by its end. It runs until the unit accepts the case (and stays recorded)."""
    clock = clock_for(case, Step.FORWARD, on, calendar)
    deadline = clock.deadline if clock else None
    if deadline != case.forward_deadline:
        case.forward_overdue = False
        case.forward_reminded_at = None
    case.forward_deadline = deadline
    case.forward_rule = clock.rule if clock else None
    case.forward_start = clock.start if clock else None
    case.forward_start_event = clock.event if clock else ""


def _clear_forward_clock(case: Case) -> None:
    case.forward_deadline = None
    case.forward_rule = None
    case.forward_start = None
    case.forward_start_event = ""
    case.forward_overdue = False
    case.forward_reminded_at = None


def _start_clocks(case: Case, calendar: WorkCalendar | None = None) -> None:
    """The clocks of a case its unit has just received: acceptance, or, for a kind whose
    reply runs from receipt without an acceptance step (reception, information), the reply;
    and the forward clock."""
    calendar = calendar or WorkCalendar.from_db()
    on = _local_day(receipt_of(case)[0])
    if not _set_clock(case, Step.ACCEPT, on, calendar):
        _set_clock(case, Step.HANDLE, on, calendar)
    _set_forward_clock(case, on, calendar)


def clock_note(case: Case) -> str:
    """The running deadline in words, with the event it counts from."""
    if case.deadline is None:
        return ""
    start = case.deadline_start
    return _("Deadline: %(deadline)s, counted from %(event)s (%(start)s).") % {
        "deadline": timezone.localtime(case.deadline).strftime("%d/%m/%Y %H:%M"),
        "event": ClockEvent(case.deadline_start_event).label
        if case.deadline_start_event
        else _("receipt"),
        "start": timezone.localtime(start).strftime("%d/%m/%Y %H:%M") if start else "—",
    }


# History and audit


def _event(
    case, *, action, actor=None, before="", public_note="", internal_note="", public=True, at=None
):
    CaseEvent.objects.create(
        case=case,
        at=at or timezone.now(),
        action=action,
        from_status=before,
        to_status=case.status,
        public_note=public_note,
        internal_note=internal_note,
        is_public=public,
        unit=case.responsible,
        actor=_person(actor),
    )


def _audit(case, *, actor, action, before=None, after=None):
    log_action(
        actor=actor,
        action=f"voice.{action}",
        obj=case,
        unit=case.responsible,
        before=before,
        after=after,
    )


def _load_for_update(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("responsible").get(pk=case.pk)


def _refuse_move(case: Case, to: str) -> None:
    raise ValidationError(
        _("A case that is “%(current)s” cannot become “%(target)s”.")
        % {"current": Status(case.status).label, "target": Status(to).label},
        code="transition",
    )


def _move(case: Case, to: str) -> tuple[Case, str]:
    if to not in TRANSITIONS.get(case.status, set()):
        _refuse_move(case, to)
    before = case.status
    case.status = to
    return case, before
