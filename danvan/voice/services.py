"""Every change to a citizen case: receipt, routing, the legal clocks, handling, answers,
ratings, reopening, forwarding and escalation. Portal, staff pages, Open311 and the
escalation job all call these."""

import datetime
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.core.audit import log_action
from danvan.core.workdays import WorkCalendar
from danvan.organisations.kinds import CASE_HANDLERS
from danvan.organisations.models import Unit, UnitKind
from danvan.voice.deadlines import deadline_for, find_rule
from danvan.voice.models import (
    OPEN_STATES,
    TRANSITIONS,
    ApiKey,
    Case,
    CaseAttachment,
    CaseEvent,
    DeadlineRule,
    Kind,
    ReceptionSession,
    RejectionReason,
    RoutingRule,
    Status,
    VoiceSettings,
    new_tracking_code,
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


def _set_clock(case: Case, step: str, start: datetime.datetime, calendar=None) -> None:
    """Start the clock of a step from its dated rule; no rule, no clock."""
    rule = find_rule(case.kind, case.urgency, step, timezone.localdate(start))
    case.deadline_step = step if rule else ""
    case.deadline_rule = rule
    case.deadline = deadline_for(rule, start, calendar) if rule else None
    case.overdue = False
    case.reminded_at = None


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


@transaction.atomic
def submit_case(
    *,
    channel: str,
    kind: str,
    category,
    commune: Unit,
    title: str,
    description: str,
    actor=None,
    urgency: str = "normal",
    address: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_email: str = "",
    reporter_address: str = "",
    consent: bool = False,
    decision_complained: str = "",
    decision_known_on: datetime.date | None = None,
    person_denounced: str = "",
    reception_session=None,
    received_at: datetime.datetime | None = None,
    files=(),
) -> Case:
    """Receive a case from a citizen (or a clerk on their behalf), route it, start the clock."""
    if commune.kind != UnitKind.COMMUNE or not commune.is_current():
        raise ValidationError(_("Choose a commune or ward that exists today."), code="commune")
    if not category.is_active:
        raise ValidationError(_("This category is not in use."), code="category")
    if not title.strip() or not description.strip():
        raise ValidationError(_("Give a title and a description."), code="required")
    has_contact = bool(reporter_name or reporter_phone or reporter_email)
    if has_contact and not consent:
        raise ValidationError(
            _("Tick the consent box to let us use your contact details, or leave them empty."),
            code="consent",
        )
    if kind == Kind.COMPLAINT and not (reporter_name and (reporter_phone or reporter_address)):
        raise ValidationError(
            _("A complaint needs the complainant's name and a phone number or address."),
            code="complainant",
        )
    if kind == Kind.COMPLAINT and not decision_complained.strip():
        raise ValidationError(
            _("Say which decision or act the complaint is about."), code="decision"
        )
    responsible, rule = route(category, commune)
    if _person(actor) is not None and not _works_in(actor, commune):
        # A clerk logs a call, a letter or a visit for the commune they work in.
        raise PermissionDenied(_("This case is outside your scope."))
    now = received_at or timezone.now()
    case = Case(
        code=new_tracking_code(),
        channel=channel,
        kind=kind,
        urgency=urgency,
        category=category,
        commune=commune,
        title=title.strip()[:200],
        description=description.strip(),
        address=address.strip()[:300],
        latitude=latitude,
        longitude=longitude,
        reporter_name=reporter_name.strip(),
        reporter_phone=reporter_phone.strip(),
        reporter_email=reporter_email.strip(),
        reporter_address=reporter_address.strip(),
        consent=consent,
        decision_complained=decision_complained.strip(),
        decision_known_on=decision_known_on,
        person_denounced=person_denounced.strip(),
        # An anonymous denunciation is kept as information, not handled as a denunciation.
        processable=not (kind == Kind.DENUNCIATION and not reporter_name.strip()),
        responsible=responsible,
        responsible_path=responsible.path,
        routing_rule=rule,
        received_at=now,
        reception_session=reception_session,
        created_by=_person(actor),
    )
    while Case.objects.filter(code=case.code).exists():  # 60 random bits: practically never
        case.code = new_tracking_code()
    _set_clock(case, Step.ACCEPT, now)
    case.refresh_search_text()
    case.full_clean(exclude=["category", "commune", "responsible", "created_by"])
    case.save()
    for upload, content_type in files:
        attachment = CaseAttachment(
            case=case, original_name=upload.name[:255], content_type=content_type, size=upload.size
        )
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()
    _event(
        case,
        action="submit",
        actor=actor,
        at=now,
        public_note=_("Received and sent to %(unit)s.") % {"unit": responsible.name},
    )
    _audit(case, actor=actor, action="submit", after={"channel": channel, "kind": kind})
    return case


def _load_for_update(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("responsible").get(pk=case.pk)


def _move(
    case: Case, to: str, *, actor, action: str, public_note: str = "", internal_note: str = ""
) -> tuple[Case, str]:
    if to not in TRANSITIONS.get(case.status, set()):
        raise ValidationError(
            _("A case that is “%(current)s” cannot become “%(target)s”.")
            % {"current": Status(case.status).label, "target": Status(to).label},
            code="transition",
        )
    before = case.status
    case.status = to
    return case, before


@transaction.atomic
def accept_case(*, actor, case: Case, urgency: str | None = None, note: str = "") -> Case:
    """Accept a case for handling: the handling clock starts."""
    _require_scope(actor, case.responsible)
    case = _load_for_update(case)
    case, before = _move(case, Status.ACCEPTED, actor=actor, action="accept")
    if urgency:
        case.urgency = urgency
    now = timezone.now()
    case.accepted_at = now
    case.accepted_late = bool(case.deadline and now > case.deadline) or case.overdue
    if case.handler_id is None and _person(actor):
        case.handler = actor
    _set_clock(case, Step.HANDLE, now)
    case.save()
    _event(case, action="accept", actor=actor, before=before, public_note=note)
    _audit(
        case, actor=actor, action="accept", before={"status": before}, after={"status": case.status}
    )
    return case


@transaction.atomic
def start_handling(*, actor, case: Case, note: str = "") -> Case:
    _require_scope(actor, case.responsible)
    case = _load_for_update(case)
    case, before = _move(case, Status.IN_PROGRESS, actor=actor, action="start")
    case.save()
    _event(case, action="start", actor=actor, before=before, public_note=note)
    _audit(
        case, actor=actor, action="start", before={"status": before}, after={"status": case.status}
    )
    return case


@transaction.atomic
def answer_case(*, actor, case: Case, answer: str) -> Case:
    """Publish the answer; the clock stops and lateness is recorded."""
    _require_scope(actor, case.responsible)
    if not answer.strip():
        raise ValidationError(_("Write the answer."), code="answer")
    case = _load_for_update(case)
    case, before = _move(case, Status.ANSWERED, actor=actor, action="answer")
    now = timezone.now()
    case.answer = answer.strip()
    case.answered_at = now
    # Late if this clock ran out, or if an earlier step (acceptance) was already late.
    case.answered_late = (
        bool(case.deadline and now > case.deadline) or case.overdue or case.accepted_late
    )
    case.handling_hours = round((now - case.received_at).total_seconds() / 3600, 2)
    case.deadline = None
    case.deadline_step = ""
    case.overdue = False
    case.save()
    _event(case, action="answer", actor=actor, before=before, public_note=case.answer)
    _audit(
        case,
        actor=actor,
        action="answer",
        before={"status": before},
        after={"late": case.answered_late},
    )
    return case


@transaction.atomic
def reject_case(*, actor, case: Case, reason: RejectionReason, note: str = "") -> Case:
    _require_scope(actor, case.responsible)
    case = _load_for_update(case)
    case, before = _move(case, Status.REJECTED, actor=actor, action="reject")
    case.rejection_reason = reason
    case.deadline = None
    case.overdue = False
    case.closed_at = timezone.now()
    case.save()
    _event(
        case,
        action="reject",
        actor=actor,
        before=before,
        public_note=reason.text,
        internal_note=note,
    )
    _audit(case, actor=actor, action="reject", after={"reason": reason.code})
    return case


@transaction.atomic
def assign_case(*, actor, case: Case, unit: Unit | None = None, handler=None) -> Case:
    """Reassign a case to another unit and/or handler within the actor's scope."""
    _require_scope(actor, case.responsible)
    case = _load_for_update(case)
    if not case.is_open:
        raise ValidationError(_("Only an open case can be reassigned."), code="closed")
    before = {"unit": case.responsible_id, "handler": case.handler_id}
    if unit is not None:
        _require_scope(actor, unit)
        case.responsible = unit
        case.responsible_path = unit.path
    if handler is not None:
        if not handler.has_perm("voice.handle", case.responsible):
            raise ValidationError(
                _("This person does not work for the responsible unit."), code="handler"
            )
        case.handler = handler
    case.save()
    _event(
        case,
        action="assign",
        actor=actor,
        public=unit is not None,
        public_note=_("Now handled by %(unit)s.") % {"unit": case.responsible.name} if unit else "",
    )
    _audit(
        case,
        actor=actor,
        action="assign",
        before=before,
        after={"unit": case.responsible_id, "handler": case.handler_id},
    )
    return case


@transaction.atomic
def forward_case(
    *, actor, case: Case, to_unit: Unit | None = None, to_name: str = "", note: str = ""
) -> Case:
    """Send a case outside this unit's competence.

    To a unit in the system: it becomes that unit's case, received anew (its clock restarts).
    To a body outside the system (a court, a ministry): the case ends here as forwarded.
    The forward itself has a legal deadline counted from receipt; lateness is recorded.
    """
    _require_scope(actor, case.responsible)
    case = _load_for_update(case)
    if not case.is_open:
        raise ValidationError(_("Only an open case can be forwarded."), code="closed")
    if (to_unit is None) == (not to_name.strip()):
        raise ValidationError(
            _("Forward either to a unit of the system or to a named outside body."),
            code="target",
        )
    if to_unit is not None and (not to_unit.is_current() or to_unit.kind not in CASE_HANDLERS):
        raise ValidationError(
            _("Cases can be forwarded to committees, agencies and schools that exist today."),
            code="target",
        )
    rule = find_rule(case.kind, case.urgency, Step.FORWARD, timezone.localdate(case.received_at))
    now = timezone.now()
    late = bool(rule and now > deadline_for(rule, case.received_at))
    before = case.status
    case.forwarded_late = case.forwarded_late or late
    if to_unit is not None:
        if to_unit.pk == case.responsible_id:
            raise ValidationError(_("The case is already with this unit."), code="same")
        case.forwarded_to_name = to_unit.name
        case.responsible = to_unit
        case.responsible_path = to_unit.path
        case.handler = None
        case.status = Status.RECEIVED
        case.accepted_at = None
        _set_clock(case, Step.ACCEPT, now)
    else:
        case, before = _move(case, Status.FORWARDED, actor=actor, action="forward")
        case.forwarded_to_name = to_name.strip()[:200]
        case.deadline = None
        case.overdue = False
        case.closed_at = now
    case.save()
    _event(
        case,
        action="forward",
        actor=actor,
        before=before,
        public_note=_("Forwarded to %(target)s.") % {"target": case.forwarded_to_name},
        internal_note=note,
    )
    _audit(case, actor=actor, action="forward", after={"to": case.forwarded_to_name, "late": late})
    return case


@transaction.atomic
def extend_case(*, actor, case: Case, reason: str) -> Case:
    """Extend the handling deadline where the law allows (denunciations: once or twice)."""
    _require_scope(actor, case.responsible)
    case = _load_for_update(case)
    if not case.is_open or case.deadline_step != Step.HANDLE or case.deadline is None:
        raise ValidationError(_("Only a case being handled can be extended."), code="state")
    rule = find_rule(case.kind, case.urgency, Step.EXTEND, timezone.localdate())
    if rule is None or case.extensions >= rule.max_extensions:
        raise ValidationError(
            _("The law allows no (further) extension for this case."), code="limit"
        )
    if not reason.strip():
        raise ValidationError(_("Give the reason for the extension."), code="reason")
    old = case.deadline
    case.deadline = deadline_for(rule, old)
    case.extensions += 1
    case.overdue = False
    case.save()
    _event(case, action="extend", actor=actor, public_note=reason.strip())
    _audit(
        case,
        actor=actor,
        action="extend",
        before={"deadline": old.isoformat()},
        after={"deadline": case.deadline.isoformat(), "rule": rule.pk},
    )
    return case


@transaction.atomic
def rate_case(*, case: Case, satisfied: bool, reason: str = "") -> Case:
    """The citizen rates the answer from the tracking page."""
    case = _load_for_update(case)
    if case.status not in (Status.ANSWERED, Status.CLOSED) or case.answered_at is None:
        raise ValidationError(_("The case has no answer to rate yet."), code="state")
    if case.rated_at is not None and case.status == Status.CLOSED:
        raise ValidationError(_("This answer was already rated."), code="rated")
    if not satisfied and not reason.strip():
        raise ValidationError(_("Tell us why you are not satisfied."), code="reason")
    case.satisfied = satisfied
    case.rating_reason = reason.strip()[:500]
    case.rated_at = timezone.now()
    before = case.status
    if satisfied and case.status == Status.ANSWERED:
        case.status = Status.CLOSED
        case.closed_at = case.rated_at
    case.save()
    _event(
        case,
        action="rate",
        before=before,
        public_note=_("Rated: satisfied.") if satisfied else _("Rated: not satisfied."),
    )
    _audit(case, actor=None, action="rate", after={"satisfied": satisfied})
    return case


@transaction.atomic
def reopen_case(*, case: Case, reason: str) -> Case:
    """The citizen reopens an answered case within the window; handling starts again."""
    case = _load_for_update(case)
    window = VoiceSettings.current().reopen_window_days
    if case.status != Status.ANSWERED or case.answered_at is None:
        raise ValidationError(_("Only an answered case can be reopened."), code="state")
    if timezone.now() > case.answered_at + datetime.timedelta(days=window):
        raise ValidationError(
            _("A case can be reopened within %(days)d days of its answer.") % {"days": window},
            code="window",
        )
    if not reason.strip():
        raise ValidationError(
            _("Tell us why the answer does not settle the matter."), code="reason"
        )
    before = case.status
    case.status = Status.IN_PROGRESS
    case.reopened_count += 1
    case.satisfied = False
    case.rating_reason = reason.strip()[:500]
    case.rated_at = timezone.now()
    _set_clock(case, Step.HANDLE, timezone.now())
    case.save()
    _event(case, action="reopen", before=before, public_note=reason.strip())
    _audit(case, actor=None, action="reopen", after={"count": case.reopened_count})
    return case


@transaction.atomic
def close_case(*, actor, case: Case, note: str = "") -> Case:
    """Close an answered case (after the reopening window, or by the handler)."""
    if actor is not None:
        _require_scope(actor, case.responsible)
    case = _load_for_update(case)
    case, before = _move(case, Status.CLOSED, actor=actor, action="close")
    case.closed_at = timezone.now()
    case.save()
    _event(case, action="close", actor=actor, before=before, public_note=note)
    _audit(case, actor=actor, action="close")
    return case


def reporter_identity(*, actor, case: Case) -> dict | None:
    """The reporter's contact details, for those allowed to see them; every read is logged.

    A denunciation's reporter is protected (Luật Tố cáo): only the assigned handler sees
    them. For other kinds, handlers within scope see them.
    """
    if not actor.has_perm("voice.handle", case.responsible):
        return None
    if case.kind == Kind.DENUNCIATION and case.handler_id != actor.pk:
        return None
    details = {
        "name": case.reporter_name,
        "phone": case.reporter_phone,
        "email": case.reporter_email,
        "address": case.reporter_address,
    }
    if any(details.values()):
        log_action(
            actor=actor,
            action="voice.reporter_read",
            obj=case,
            unit=case.responsible,
            after={"kind": case.kind},
        )
    return details


def due_cases(now=None):
    """Open cases whose deadline has passed and which are not yet marked overdue."""
    now = now or timezone.now()
    return Case.objects.filter(status__in=OPEN_STATES, deadline__lt=now, overdue=False)


def mark_overdue(*, now=None, calendar=None) -> int:
    """Mark late cases overdue, once each, even with two workers running at the same time.

    Each case is claimed with a conditional UPDATE (overdue=False → True); only the worker
    whose UPDATE changed the row records the event.
    """
    now = now or timezone.now()
    marked = 0
    for case_id in list(due_cases(now).values_list("pk", flat=True)[:5000]):
        with transaction.atomic():
            claimed = Case.objects.filter(
                pk=case_id, overdue=False, status__in=OPEN_STATES, deadline__lt=now
            ).update(overdue=True)
            if not claimed:
                continue
            case = Case.objects.select_related("responsible").get(pk=case_id)
            assert case.deadline is not None  # claimed above by deadline__lt
            _event(
                case, action="overdue", public=True, public_note=_("The legal deadline has passed.")
            )
            _audit(
                case, actor=None, action="overdue", after={"deadline": case.deadline.isoformat()}
            )
            marked += 1
    return marked


def escalate_overdue(*, now=None) -> int:
    """Escalate to the parent unit the cases overdue for longer than the grace period, once."""
    now = now or timezone.now()
    grace = datetime.timedelta(hours=VoiceSettings.current().escalation_grace_hours)
    escalated = 0
    candidates = Case.objects.filter(
        status__in=OPEN_STATES, overdue=True, escalated_at__isnull=True, deadline__lt=now - grace
    ).values_list("pk", flat=True)[:5000]
    for case_id in list(candidates):
        with transaction.atomic():
            claimed = Case.objects.filter(pk=case_id, escalated_at__isnull=True).update(
                escalated_at=now
            )
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


def send_reminders(*, now=None) -> int:
    """Remind the handlers of cases whose deadline is near, once per clock."""
    now = now or timezone.now()
    sent = 0
    for case_id in list(cases_due_for_reminder(now).values_list("pk", flat=True)[:5000]):
        claimed = Case.objects.filter(pk=case_id, reminded_at__isnull=True).update(reminded_at=now)
        if claimed:
            case = Case.objects.select_related("handler", "responsible").get(pk=case_id)
            _notify_handler(case, _("The deadline of case %(code)s is near.") % {"code": case.code})
            sent += 1
    return sent


def _notify_handler(case: Case, message: str) -> None:
    handler = case.handler
    if handler is None or not handler.email:
        return
    transaction.on_commit(
        lambda: send_mail(
            subject=message,
            message=message,
            from_email=None,
            recipient_list=[handler.email],
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


# Reception of citizens


@transaction.atomic
def open_reception_session(
    *, actor, unit: Unit, date: datetime.date, host: str, place: str = "", notes: str = ""
) -> ReceptionSession:
    """Open a reception session (buổi tiếp công dân) of a unit the actor receives for."""
    _require_scope(actor, unit, "voice.receive")
    session = ReceptionSession(unit=unit, date=date, host=host, place=place, notes=notes)
    session.full_clean()
    session.save()
    log_action(
        actor=actor,
        action="voice.session",
        obj=session,
        unit=unit,
        after={"date": date.isoformat(), "host": host},
    )
    return session


# Open311 clients


def _keys_unit(actor) -> Unit | None:
    """The root unit (the city) whose administrators issue keys, and whose scope holds the
    audit entries; the system (None) takes the first."""
    roots = Unit.objects.filter(parent__isnull=True).order_by("path")
    for root in roots:
        if actor is None or actor.has_perm("voice.manage_api_keys", root):
            return root
    if actor is None:
        return None
    raise PermissionDenied(_("Only the city's administrators manage API keys."))


@transaction.atomic
def issue_api_key(*, actor, name: str) -> tuple[ApiKey, str]:
    """Issue a key to an Open311 client; return it with the raw key, shown only this once
    (only its hash is kept)."""
    city = _keys_unit(actor)
    raw = secrets.token_urlsafe(32)
    key = ApiKey(
        name=name.strip(), key_hash=hashlib.sha256(raw.encode()).hexdigest(), prefix=raw[:8]
    )
    key.full_clean()
    key.save()
    log_action(actor=actor, action="voice.api_key", obj=key, unit=city, after={"name": key.name})
    return key, raw


@transaction.atomic
def revoke_api_key(*, actor, key: ApiKey) -> ApiKey:
    """Stop a client's key from working; a revoked key stays listed."""
    city = _keys_unit(actor)
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.is_active:
        key.is_active = False
        key.save(update_fields=["is_active"])
        log_action(actor=actor, action="voice.api_key_revoke", obj=key, unit=city)
    return key
