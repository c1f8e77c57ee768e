"""A case's life: receipt (with what the law asks at intake), acceptance, handling, answer,
rating, reopening, refusal, reassignment, forwarding, extension and closing."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.core.audit import log_action
from danvan.organisations.kinds import CASE_HANDLERS
from danvan.organisations.models import Unit, UnitKind
from danvan.voice import intake
from danvan.voice.deadlines import clock_for
from danvan.voice.models import (
    Case,
    CaseAttachment,
    ClockEvent,
    InformationReason,
    Kind,
    LimitationObstacle,
    LimitationOutcome,
    RejectionReason,
    Status,
    VoiceSettings,
    new_tracking_code,
)
from danvan.voice.services.base import (
    Step,
    _audit,
    _event,
    _load_for_update,
    _local_day,
    _move,
    _person,
    _refuse_move,
    _require_scope,
    _set_clock,
    _start_clocks,
    _stop_clock,
    _works_in,
    clock_note,
    route,
)
from danvan.voice.services.merge import answer_merged
from danvan.voice.services.texts import embed_later


def _check_dates(**dates) -> None:
    errors = intake.date_errors(**dates)
    if errors:
        raise ValidationError(list(errors.values()), code="dates")


def _apply_limitation(case: Case, obstacles) -> None:
    """Record the case's limitation period: its rule, its last day, whether it came late."""
    limitation = intake.limitation_of(
        case.kind,
        case.category_id,
        case.decision_known_on,
        _local_day(case.received_at),
        obstacles,
    )
    case.limitation_rule = limitation.rule if limitation else None
    case.limitation_ends = limitation.ends if limitation else None
    case.time_barred = bool(limitation and limitation.late)


def intake_notice(case: Case) -> str:
    """What the sender is told at receipt beyond "received": information, missing details,
    a limitation period over."""
    if case.kind == Kind.INFORMATION:
        return str(intake.INFORMATION_NOTICE)
    if case.status == Status.AWAITING_DETAILS:
        return _(
            "The denunciation lacks: %(missing)s. %(law)s Its time limit starts when they are "
            "received."
        ) % {"missing": intake.details_text(case.missing_details), "law": intake.LEGAL_LIST}
    if case.time_barred and case.limitation_ends:
        return _(
            "Filed after the limitation period, which ended on %(ends)s: the unit decides "
            "whether the delay has a valid reason."
        ) % {"ends": case.limitation_ends.strftime("%d/%m/%Y")}
    return ""


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
    decision_date: datetime.date | None = None,
    decision_known_on: datetime.date | None = None,
    delay_reason: str = "",
    obstacles: list[intake.Obstacle] | tuple = (),
    person_denounced: str = "",
    reception_session=None,
    received_at: datetime.datetime | None = None,
    files=(),
) -> Case:
    """Receive a case from a citizen (or a clerk on their behalf), route it, start its clocks.

    A denunciation without its denouncer's name becomes information (Luật Tố cáo, Điều 25);
    one with the name but without the rest Điều 23 asks waits for it, with no clock. A case
    of a kind with a limitation period records whether it came late.
    """
    if commune.kind != UnitKind.COMMUNE or not commune.is_current():
        raise ValidationError(_("Choose a commune or ward that exists today."), code="commune")
    if not category.is_active:
        raise ValidationError(_("This category is not in use."), code="category")
    if kind not in Kind.values or kind == Kind.INFORMATION:
        raise ValidationError(_("Choose what kind of case this is."), code="kind")
    if not title.strip() or not description.strip():
        raise ValidationError(_("Give a title and a description."), code="required")
    has_contact = bool(reporter_name or reporter_phone or reporter_email or reporter_address)
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
    now = received_at or timezone.now()
    _check_dates(
        decision_date=decision_date,
        decision_known_on=decision_known_on,
        obstacles=list(obstacles),
        delay_reason=delay_reason,
        filed_on=_local_day(now),
    )
    responsible, rule = route(category, commune)
    if _person(actor) is not None and not _works_in(actor, commune):
        # A clerk logs a call, a letter or a visit for the commune they work in.
        raise PermissionDenied(_("This case is outside your scope."))
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
        decision_date=decision_date,
        decision_known_on=decision_known_on,
        delay_reason=delay_reason.strip(),
        person_denounced=person_denounced.strip(),
        responsible=responsible,
        responsible_path=responsible.path,
        routing_rule=rule,
        received_at=now,
        reception_session=reception_session,
        created_by=_person(actor),
    )
    if kind == Kind.DENUNCIATION:
        if intake.is_anonymous(case.reporter_name):
            case.kind, case.filed_as = Kind.INFORMATION, Kind.DENUNCIATION
            case.information_reason = InformationReason.ANONYMOUS
        else:
            case.missing_details = intake.missing_details(
                reporter_address=case.reporter_address,
                reporter_phone=case.reporter_phone,
                reporter_email=case.reporter_email,
                person_denounced=case.person_denounced,
            )
            if case.missing_details:
                case.status = Status.AWAITING_DETAILS
    while Case.objects.filter(code=case.code).exists():  # 60 random bits: practically never
        case.code = new_tracking_code()
    _apply_limitation(case, list(obstacles))
    if case.status == Status.RECEIVED:
        _start_clocks(case)
    case.refresh_search_text()
    case.full_clean(exclude=["category", "commune", "responsible", "created_by"])
    case.save()
    embed_later(case)
    LimitationObstacle.objects.bulk_create(
        LimitationObstacle(case=case, cause=cause, start=start, end=end)
        for cause, start, end in obstacles
    )
    for upload, content_type in files:
        attachment = CaseAttachment(
            case=case, original_name=upload.name[:255], content_type=content_type, size=upload.size
        )
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()
    received = _("Received and sent to %(unit)s.") % {"unit": responsible.name}
    _event(
        case,
        action="submit",
        actor=actor,
        at=now,
        public_note=" ".join(part for part in (received, intake_notice(case)) if part),
    )
    _audit(
        case,
        actor=actor,
        action="submit",
        after={
            "channel": channel,
            "kind": case.kind,
            "status": case.status,
            "time_barred": case.time_barred,
        },
    )
    return case


@transaction.atomic
def accept_case(
    *,
    actor,
    case: Case,
    urgency: str | None = None,
    note: str = "",
    limitation_reason: str = "",
) -> Case:
    """Accept a case for handling: the handling clock starts (from the event its rule names).

    Information is never accepted as a denunciation, a denunciation is accepted only once
    complete, and a case filed after its limitation period only with the reason recorded.
    """
    _require_scope(actor, case.responsible)
    case = _load_for_update(case)
    if case.kind == Kind.INFORMATION:
        raise ValidationError(
            _(
                "Information is not accepted as a denunciation: use it for a check, forward it "
                "or keep it for reference."
            ),
            code="information",
        )
    if case.status == Status.AWAITING_DETAILS:
        raise ValidationError(
            _("This denunciation still lacks: %(missing)s. Record them first.")
            % {"missing": intake.details_text(case.missing_details)},
            code="incomplete",
        )
    case, before = _move(case, Status.ACCEPTED)
    if case.time_barred and case.limitation_outcome != LimitationOutcome.ACCEPTED:
        if not limitation_reason.strip():
            raise ValidationError(
                _(
                    "This case came after its limitation period, which ended on %(ends)s: "
                    "record why it is accepted, or refuse it."
                )
                % {
                    "ends": case.limitation_ends.strftime("%d/%m/%Y")
                    if case.limitation_ends
                    else ""
                },
                code="time_barred",
            )
        case.limitation_outcome = LimitationOutcome.ACCEPTED
        case.limitation_note = limitation_reason.strip()
    if urgency:
        case.urgency = urgency
    now = timezone.now()
    case.accepted_at = now
    case.accepted_late = bool(case.deadline and now > case.deadline) or case.overdue
    if case.handler_id is None and _person(actor):
        case.handler = actor
    _set_clock(case, Step.HANDLE, _local_day(now))
    case.save()
    _event(
        case,
        action="accept",
        actor=actor,
        before=before,
        public_note=" ".join(part for part in (note.strip(), clock_note(case)) if part),
        internal_note=case.limitation_note if case.time_barred else "",
    )
    _audit(
        case,
        actor=actor,
        action="accept",
        before={"status": before},
        after={"status": case.status, "limitation": case.limitation_outcome},
    )
    return case


@transaction.atomic
def start_handling(*, actor, case: Case, note: str = "") -> Case:
    _require_scope(actor, case.responsible)
    case = _load_for_update(case)
    case, before = _move(case, Status.IN_PROGRESS)
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
    case, before = _move(case, Status.ANSWERED)
    now = timezone.now()
    case.answer = answer.strip()
    case.answered_at = now
    # Late if this clock ran out, or if an earlier step (acceptance) was already late.
    case.answered_late = (
        bool(case.deadline and now > case.deadline) or case.overdue or case.accepted_late
    )
    case.handling_hours = round((now - case.received_at).total_seconds() / 3600, 2)
    _stop_clock(case)
    case.save()
    _event(case, action="answer", actor=actor, before=before, public_note=case.answer)
    _audit(
        case,
        actor=actor,
        action="answer",
        before={"status": before},
        after={"late": case.answered_late},
    )
    answer_merged(case, actor=actor)
    return case


def time_barred_note(case: Case) -> str:
    """The dates a refusal for a late filing states."""
    return _(
        "The decision or act became known on %(known)s; the limitation period ended on "
        "%(ends)s; the case was received on %(filed)s."
    ) % {
        "known": case.decision_known_on.strftime("%d/%m/%Y") if case.decision_known_on else "—",
        "ends": case.limitation_ends.strftime("%d/%m/%Y") if case.limitation_ends else "—",
        "filed": timezone.localtime(case.received_at).strftime("%d/%m/%Y"),
    }


@transaction.atomic
def reject_case(*, actor, case: Case, reason: RejectionReason, note: str = "") -> Case:
    """Refuse a case with a template reason; the reason for a late filing (with its dates,
    counted apart by the scorecards) only for a case that came after its limitation period."""
    _require_scope(actor, case.responsible)
    case = _load_for_update(case)
    case, before = _move(case, Status.REJECTED)
    if reason.time_barred and not case.time_barred:
        raise ValidationError(
            _("This case came within its limitation period: choose another reason."),
            code="not_time_barred",
        )
    case.rejection_reason = reason
    public_note = reason.text
    if reason.time_barred:
        case.limitation_outcome = LimitationOutcome.REJECTED
        public_note = f"{reason.text}\n{time_barred_note(case)}"
    _stop_clock(case)
    case.closed_at = timezone.now()
    case.save()
    _event(
        case,
        action="reject",
        actor=actor,
        before=before,
        public_note=public_note,
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


def _forward_deadline(case: Case) -> datetime.datetime | None:
    """The case's forward deadline: the one recorded, or for a case received before it was
    recorded, the one its rule gives."""
    if case.forward_deadline is not None:
        return case.forward_deadline
    clock = clock_for(case, Step.FORWARD, _local_day(case.received_at))
    return clock.deadline if clock else None


@transaction.atomic
def forward_case(
    *, actor, case: Case, to_unit: Unit | None = None, to_name: str = "", note: str = ""
) -> Case:
    """Send a case outside this unit's competence.

    To a unit in the system: it becomes that unit's case, received anew (its clocks count
    from the forward). To a body outside the system (a court, a ministry): the case ends here
    as forwarded. A forward after the case's forward deadline is recorded as late.
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
    now = timezone.now()
    deadline = _forward_deadline(case)
    late = bool(deadline and now > deadline)
    before = case.status
    case.forwarded_late = case.forwarded_late or late
    if to_unit is not None:
        if to_unit.pk == case.responsible_id:
            raise ValidationError(_("The case is already with this unit."), code="same")
        case.forwarded_to_name = to_unit.name
        case.responsible = to_unit
        case.responsible_path = to_unit.path
        case.handler = None
        case.forwarded_at = now
        case.accepted_at = None
        if case.status == Status.AWAITING_DETAILS:
            _stop_clock(case)  # it still waits for its details, at the new unit
        else:
            case.status = Status.RECEIVED
            _start_clocks(case)
    else:
        case, before = _move(case, Status.FORWARDED)
        case.forwarded_to_name = to_name.strip()[:200]
        _stop_clock(case)
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
    clock = clock_for(case, Step.EXTEND, timezone.localdate())
    if clock is None or case.extensions >= clock.rule.max_extensions:
        raise ValidationError(
            _("The law allows no (further) extension for this case."), code="limit"
        )
    if not reason.strip():
        raise ValidationError(_("Give the reason for the extension."), code="reason")
    old = case.deadline
    case.deadline = clock.deadline
    case.deadline_rule = clock.rule
    case.deadline_start = clock.start
    case.deadline_start_event = clock.event
    case.extensions += 1
    case.overdue = False
    case.reminded_at = None
    case.save()
    _event(case, action="extend", actor=actor, public_note=reason.strip())
    _audit(
        case,
        actor=actor,
        action="extend",
        before={"deadline": old.isoformat()},
        after={"deadline": case.deadline.isoformat(), "rule": clock.rule.pk},
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
    """The citizen reopens an answered case within the window; handling starts again, its
    clock counting from the reopening."""
    case = _load_for_update(case)
    window = VoiceSettings.current().reopen_window_days
    if case.status != Status.ANSWERED or case.answered_at is None:
        raise ValidationError(_("Only an answered case can be reopened."), code="state")
    now = timezone.now()
    if now > case.answered_at + datetime.timedelta(days=window):
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
    case.rated_at = now
    _set_clock(case, Step.HANDLE, _local_day(now), start=(now, ClockEvent.REOPENING.value))
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
    if case.status != Status.ANSWERED:
        # RECEIVED → CLOSED is only for information, through settle_information.
        _refuse_move(case, Status.CLOSED)
    case, before = _move(case, Status.CLOSED)
    case.closed_at = timezone.now()
    case.save()
    _event(case, action="close", actor=actor, before=before, public_note=note)
    _audit(case, actor=actor, action="close")
    return case


def reporter_identity(*, actor, case: Case) -> dict | None:
    """The reporter's contact details, for those allowed to see them; every read is logged.

    A denunciation's reporter is protected (Luật Tố cáo), also when it is kept as
    information: only the assigned handler sees them. For other kinds, handlers within
    scope see them.
    """
    if not actor.has_perm("voice.handle", case.responsible):
        return None
    if case.protects_reporter and case.handler_id != actor.pk:
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
