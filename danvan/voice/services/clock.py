"""The clock job (reminders, overdue marks, escalations) over both clocks of a case: the
running step's and, until the unit accepts the case, the forward deadline; and the
recomputation of existing cases under the rules in force."""

import datetime
from collections import Counter
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.accounts.models import RoleAssignment
from danvan.accounts.rules import roles_for
from danvan.core.workdays import WorkCalendar
from danvan.organisations.models import Unit, UnitKind
from danvan.voice import intake
from danvan.voice.deadlines import cached_rules
from danvan.voice.models import (
    OPEN_STATES,
    Case,
    InformationReason,
    Kind,
    LimitationOutcome,
    Status,
    VoiceSettings,
)
from danvan.voice.services.base import (
    Step,
    _audit,
    _clear_forward_clock,
    _event,
    _local_day,
    _set_clock,
    _start_clocks,
    _stop_clock,
    clock_note,
)
from danvan.voice.services.cases import _apply_limitation, intake_notice
from danvan.voice.signals import clock_ran

CLAIM_BATCH = 5000


def due_cases(now=None):
    """Open cases whose running deadline has passed and which are not yet marked overdue."""
    now = now or timezone.now()
    return Case.objects.filter(status__in=OPEN_STATES, deadline__lt=now, overdue=False)


def forward_due_cases(now=None):
    """Cases not yet accepted whose forward deadline has passed, not yet marked."""
    now = now or timezone.now()
    return Case.objects.filter(
        status=Status.RECEIVED, forward_deadline__lt=now, forward_overdue=False
    )


def _date(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def mark_overdue(*, now=None, calendar=None) -> int:
    """Mark late cases overdue, once each, even with two workers running at the same time:
    past their running deadline, or still not accepted past their forward deadline.

    Each case is claimed with a conditional UPDATE (False → True); only the worker whose
    UPDATE changed the row records the event.
    """
    now = now or timezone.now()
    marked = 0
    for case_id in list(due_cases(now).values_list("pk", flat=True)[:CLAIM_BATCH]):
        with transaction.atomic():
            claimed = Case.objects.filter(
                pk=case_id, overdue=False, status__in=OPEN_STATES, deadline__lt=now
            ).update(overdue=True)
            if not claimed:
                continue
            case = Case.objects.select_related("responsible").get(pk=case_id)
            assert case.deadline is not None  # claimed above by deadline__lt
            information = case.kind == Kind.INFORMATION
            _event(
                case,
                action="overdue",
                public=not information,
                public_note=_("The review period of this information has passed.")
                if information
                else _("The legal deadline has passed."),
            )
            _audit(
                case, actor=None, action="overdue", after={"deadline": case.deadline.isoformat()}
            )
            marked += 1
    for case_id in list(forward_due_cases(now).values_list("pk", flat=True)[:CLAIM_BATCH]):
        with transaction.atomic():
            claimed = Case.objects.filter(
                pk=case_id,
                forward_overdue=False,
                status=Status.RECEIVED,
                forward_deadline__lt=now,
            ).update(forward_overdue=True)
            if not claimed:
                continue
            case = Case.objects.select_related("responsible").get(pk=case_id)
            assert case.forward_deadline is not None
            _event(
                case,
                action="forward_overdue",
                public_note=_(
                    "The deadline to forward it to the competent unit, if it is outside this "
                    "unit's competence, passed on %(deadline)s."
                )
                % {"deadline": _date(case.forward_deadline)},
            )
            _audit(
                case,
                actor=None,
                action="forward_overdue",
                after={"forward_deadline": case.forward_deadline.isoformat()},
            )
            marked += 1
    return marked


def escalate_overdue(*, now=None) -> int:
    """Escalate to the parent unit the cases overdue for longer than the grace period, once.
    Information is never escalated: it is not a denunciation (Luật Tố cáo 2018, Điều 25)."""
    now = now or timezone.now()
    grace = datetime.timedelta(hours=VoiceSettings.current().escalation_grace_hours)
    escalated = 0
    candidates = (
        Case.objects.filter(
            status__in=OPEN_STATES,
            overdue=True,
            escalated_at__isnull=True,
            deadline__lt=now - grace,
        )
        .exclude(kind=Kind.INFORMATION)
        .values_list("pk", flat=True)[:CLAIM_BATCH]
    )
    for case_id in list(candidates):
        with transaction.atomic():
            claimed = Case.objects.filter(
                ~Q(kind=Kind.INFORMATION), pk=case_id, escalated_at__isnull=True
            ).update(escalated_at=now)
            if not claimed:
                continue
            case = Case.objects.select_related("responsible__parent").get(pk=case_id)
            supervisor = _supervisor_of(case.responsible)
            Case.objects.filter(pk=case_id).update(escalated_to=supervisor)
            case.escalated_to = supervisor
            _event(
                case,
                action="escalate",
                public=True,
                public_note=_("Overdue: reported to %(unit)s.") % {"unit": supervisor.name},
            )
            _audit(case, actor=None, action="escalate", after={"to": supervisor.pk})
            escalated += 1
    return escalated


def _supervisor_of(unit: Unit) -> Unit:
    """The level above: the commune's parent (the city) for a commune's committee."""
    territory = unit
    while territory.parent and territory.kind not in (UnitKind.COMMUNE, UnitKind.PROVINCE):
        territory = territory.parent
    return territory.parent or territory


def cases_due_for_reminder(now=None):
    now = now or timezone.now()
    hours = VoiceSettings.current().reminder_hours
    return Case.objects.filter(
        status__in=OPEN_STATES,
        overdue=False,
        reminded_at__isnull=True,
        deadline__gte=now,
        deadline__lt=now + datetime.timedelta(hours=hours),
    )


def forward_cases_due_for_reminder(now=None):
    now = now or timezone.now()
    hours = VoiceSettings.current().reminder_hours
    return Case.objects.filter(
        status=Status.RECEIVED,
        forward_overdue=False,
        forward_reminded_at__isnull=True,
        forward_deadline__gte=now,
        forward_deadline__lt=now + datetime.timedelta(hours=hours),
    )


def send_reminders(*, now=None) -> int:
    """Remind the handlers (or, for a case nobody handles yet, its unit's receivers) of the
    cases whose deadline or forward deadline is near, once per clock."""
    now = now or timezone.now()
    sent = 0
    for case_id in list(cases_due_for_reminder(now).values_list("pk", flat=True)[:CLAIM_BATCH]):
        claimed = Case.objects.filter(pk=case_id, reminded_at__isnull=True).update(reminded_at=now)
        if claimed:
            case = Case.objects.select_related("handler", "responsible").get(pk=case_id)
            _notify(case, _("The deadline of case %(code)s is near.") % {"code": case.code})
            sent += 1
    forward = forward_cases_due_for_reminder(now).values_list("pk", flat=True)[:CLAIM_BATCH]
    for case_id in list(forward):
        claimed = Case.objects.filter(pk=case_id, forward_reminded_at__isnull=True).update(
            forward_reminded_at=now
        )
        if claimed:
            case = Case.objects.select_related("handler", "responsible").get(pk=case_id)
            assert case.forward_deadline is not None
            _notify(
                case,
                _(
                    "Case %(code)s: if it is outside your unit's competence, forward it to the "
                    "competent unit before %(deadline)s."
                )
                % {"code": case.code, "deadline": _date(case.forward_deadline)},
            )
            sent += 1
    return sent


def _recipients(case: Case) -> list[str]:
    """The handler's address; for a case nobody handles yet, those of the people who receive
    cases for its unit (a role on it, or on a unit above it below the city)."""
    handler = case.handler
    if handler is not None:
        return [handler.email] if handler.email else []
    units = [case.responsible.path, *case.responsible.ancestor_paths()[1:]]
    roles = RoleAssignment.objects.active().filter(
        role__in=roles_for("voice.receive"), unit__path__in=units
    )
    return list(
        get_user_model()
        .objects.filter(is_active=True, pk__in=roles.values("user"))
        .exclude(email="")
        .values_list("email", flat=True)
    )


def _notify(case: Case, message: str) -> None:
    recipients = _recipients(case)
    if not recipients:
        return
    transaction.on_commit(
        lambda: send_mail(
            subject=message,
            message=message,
            from_email=None,
            recipient_list=recipients,
            fail_silently=True,
        )
    )


def run_clock_job(*, now=None, calendar: WorkCalendar | None = None) -> dict:
    """The periodic job: reminders, overdue marks, escalations. Safe to run twice at once."""
    now = now or timezone.now()
    return {
        "reminded": send_reminders(now=now),
        "overdue": mark_overdue(now=now, calendar=calendar),
        "escalated": escalate_overdue(now=now),
    }


def run_clock_hooks(*, now=None) -> dict:
    """The periodic work of the apps above, run with the clock (notices: deadlines near,
    daily digests) through the `clock_ran` signal; their counts, merged."""
    now = now or timezone.now()
    result: dict = {}
    for _receiver, counts in clock_ran.send(sender=Case, now=now):
        if isinstance(counts, dict):
            result.update(counts)
    return result


# Recomputing existing cases

# What a recomputation may change on a case.
RECOMPUTED = [
    "kind",
    "filed_as",
    "information_reason",
    "status",
    "missing_details",
    "accepted_at",
    "limitation_rule",
    "limitation_ends",
    "time_barred",
    "limitation_outcome",
    "deadline",
    "deadline_step",
    "deadline_rule",
    "deadline_start",
    "deadline_start_event",
    "overdue",
    "reminded_at",
    "forward_deadline",
    "forward_rule",
    "forward_start",
    "forward_start_event",
    "forward_overdue",
    "forward_reminded_at",
]
RUNNING = (Status.RECEIVED, Status.ACCEPTED, Status.IN_PROGRESS)


def candidates():
    """The cases the rules of intake and clocks can change: denunciations, complaints with a
    known date, refusals for a late filing, and every case whose clocks run."""
    return Case.objects.filter(
        Q(kind=Kind.DENUNCIATION)
        | Q(kind=Kind.COMPLAINT, decision_known_on__isnull=False)
        | Q(status=Status.REJECTED, rejection_reason__time_barred=True)
        | Q(status__in=RUNNING)
    )


def _recompute_intake(case: Case) -> None:
    """Anonymous denunciations become information; named ones not yet accepted that lack
    what the law asks wait for it; a complaint's limitation period; a refusal for a late
    filing is counted as one."""
    if case.kind == Kind.DENUNCIATION and intake.is_anonymous(case.reporter_name):
        case.kind, case.filed_as = Kind.INFORMATION, Kind.DENUNCIATION
        case.information_reason = InformationReason.ANONYMOUS
        if case.status in (Status.AWAITING_DETAILS, Status.ACCEPTED, Status.IN_PROGRESS):
            case.status, case.accepted_at, case.missing_details = Status.RECEIVED, None, []
    if (
        case.kind == Kind.DENUNCIATION
        and case.status == Status.RECEIVED
        and case.accepted_at is None
    ):
        case.missing_details = intake.missing_details(
            reporter_address=case.reporter_address,
            reporter_phone=case.reporter_phone,
            reporter_email=case.reporter_email,
            person_denounced=case.person_denounced,
        )
        if case.missing_details:
            case.status = Status.AWAITING_DETAILS
    if case.decision_known_on is not None:
        obstacles = [(o.cause, o.start, o.end) for o in case.obstacles.all()]
        _apply_limitation(case, obstacles)
    reason = case.rejection_reason
    if case.status == Status.REJECTED and reason is not None and reason.time_barred:
        case.limitation_outcome = LimitationOutcome.REJECTED


def _recompute_clocks(case: Case, calendar: WorkCalendar, now: datetime.datetime) -> None:
    """The clocks of a case whose clocks run, under the rules in force on their start; a
    deadline extended or restarted by a reopening was set by a decision and stays."""
    if case.status == Status.AWAITING_DETAILS:
        _stop_clock(case)
        _clear_forward_clock(case)
        return
    if case.status not in RUNNING or case.extensions or case.reopened_count:
        return
    overdue, forward_overdue = case.overdue, case.forward_overdue
    if case.status == Status.RECEIVED:
        _start_clocks(case, calendar)
    else:
        on = _local_day(case.accepted_at or case.received_at)
        _set_clock(case, Step.HANDLE, on, calendar)
    # A mark the job made stays while its deadline is still past: no second event.
    case.overdue = bool(overdue and case.deadline and case.deadline < now) or case.overdue
    case.forward_overdue = bool(
        forward_overdue and case.forward_deadline and case.forward_deadline < now
    ) or (case.forward_overdue)


def _notes(case: Case, changed: set[str]) -> str:
    parts = []
    if {"kind", "status", "time_barred"} & changed:
        parts.append(intake_notice(case))
    if {"deadline", "deadline_start_event"} & changed and case.deadline:
        parts.append(_("The time limit was recomputed under the rules in force."))
        parts.append(clock_note(case))
    if "forward_deadline" in changed and case.forward_deadline and case.status == Status.RECEIVED:
        parts.append(
            _(
                "If it is outside the unit's competence, it goes to the competent unit before "
                "%(deadline)s."
            )
            % {"deadline": _date(case.forward_deadline)}
        )
    return " ".join(part for part in parts if part)


def recompute_case(case: Case, *, calendar: WorkCalendar, now=None, actor=None) -> list[str]:
    """Bring one case in line with the rules of intake and the clocks in force; record what
    changed (an audit entry and a step of its history). Return the names of the fields
    changed: none the second time."""
    now = now or timezone.now()
    with transaction.atomic():
        # Only inner joins: PostgreSQL locks no row of an outer join's nullable side.
        case = Case.objects.select_for_update().select_related("responsible").get(pk=case.pk)
        before = _values(case)
        _recompute_intake(case)
        _recompute_clocks(case, calendar, now)
        after = _values(case)
        # Moments compare as instants (one read in UTC, one computed in local time).
        changed = [name for name in RECOMPUTED if before[name] != after[name]]
        if not changed:
            return []
        case.save(update_fields=changed)
        note = _notes(case, set(changed))
        _event(
            case,
            action="recompute",
            before=before["status"],
            public=bool(note),
            public_note=note,
        )
        _audit(
            case,
            actor=actor,
            action="recompute",
            before={name: _jsonable(before[name]) for name in changed},
            after={name: _jsonable(after[name]) for name in changed},
        )
        return changed


ATTNAMES = {field.name: field.attname for field in Case._meta.concrete_fields}


def _values(case: Case) -> dict:
    return {name: getattr(case, ATTNAMES[name]) for name in RECOMPUTED}


def _jsonable(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def recompute_clocks(
    *, actor=None, now=None, progress: Callable[[int, int], None] | None = None
) -> Counter:
    """Recompute every case the rules may change; safe to run again (it then changes
    nothing). Returns how many cases changed, and how many changed each field."""
    now = now or timezone.now()
    calendar = WorkCalendar.from_db()
    counts: Counter = Counter()
    ids = list(candidates().order_by("pk").values_list("pk", flat=True))
    with cached_rules():
        for done, pk in enumerate(ids, 1):
            changed = recompute_case(Case(pk=pk), calendar=calendar, now=now, actor=actor)
            counts["examined"] += 1
            if changed:
                counts["changed"] += 1
                counts.update(changed)
            if progress is not None and (done % 1000 == 0 or done == len(ids)):
                progress(done, len(ids))
    return counts
