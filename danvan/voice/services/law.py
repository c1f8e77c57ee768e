"""Denunciations by the letter of Luật Tố cáo 2018: the missing details of a named one
(Điều 23), and information kept from an anonymous or false one (Điều 25)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.voice import intake
from danvan.voice.models import (
    Case,
    InformationReason,
    InformationUse,
    Kind,
    Status,
)
from danvan.voice.services.base import (
    Step,
    _audit,
    _clear_forward_clock,
    _event,
    _load_for_update,
    _move,
    _person,
    _require_scope,
    _set_clock,
    _start_clocks,
    _stop_clock,
    clock_note,
)

DETAIL_FIELDS = ("reporter_address", "reporter_phone", "reporter_email", "person_denounced")


@transaction.atomic
def complete_details(
    *,
    case: Case,
    actor=None,
    reporter_address: str = "",
    reporter_phone: str = "",
    reporter_email: str = "",
    person_denounced: str = "",
    consent: bool = False,
) -> Case:
    """Record what a denunciation lacked, from its sender (by its tracking code; actor None)
    or a clerk. What is given is kept; once nothing is missing the case is received and its
    clocks start from now."""
    if actor is not None:
        _require_scope(actor, case.responsible, "voice.receive")
    case = _load_for_update(case)
    if case.status != Status.AWAITING_DETAILS:
        raise ValidationError(_("Nothing is missing from this case."), code="state")
    given = {
        "reporter_address": reporter_address.strip()[:300],
        "reporter_phone": reporter_phone.strip()[:20],
        "reporter_email": reporter_email.strip(),
        "person_denounced": person_denounced.strip()[:300],
    }
    new = {name: value for name, value in given.items() if value and not getattr(case, name)}
    if not new:
        raise ValidationError(
            _("Give at least one of the missing details: %(missing)s.")
            % {"missing": intake.details_text(case.missing_details)},
            code="empty",
        )
    if set(new) - {"person_denounced"} and not (case.consent or consent):
        raise ValidationError(
            _("Tick the consent box to let us use your contact details."), code="consent"
        )
    for name, value in new.items():
        setattr(case, name, value)
    case.consent = case.consent or consent
    case.full_clean(exclude=["category", "commune", "responsible", "created_by"])
    before = case.status
    case.missing_details = intake.missing_details(
        **{name: getattr(case, name) for name in DETAIL_FIELDS}
    )
    if not case.missing_details:
        case, before = _move(case, Status.RECEIVED)
        case.details_completed_at = timezone.now()
        _start_clocks(case)
    case.save()
    if case.missing_details:
        note = _("Details received; still missing: %(missing)s.") % {
            "missing": intake.details_text(case.missing_details)
        }
    else:
        note = " ".join(
            part for part in (_("The missing details were received."), clock_note(case)) if part
        )
    _event(case, action="details", actor=actor, before=before, public_note=note)
    _audit(
        case,
        actor=actor,
        action="details",
        before={"status": before},
        after={"given": sorted(new), "missing": case.missing_details, "status": case.status},
    )
    return case


@transaction.atomic
def treat_as_information(*, actor, case: Case, reason: str, note: str = "") -> Case:
    """Keep a denunciation as information (Luật Tố cáo 2018, Điều 25): its denouncer's
    identity is false, or the missing details never came. Its denunciation clocks stop; the
    information's own review clock runs from receipt."""
    _require_scope(actor, case.responsible)
    case = _load_for_update(case)
    if case.kind != Kind.DENUNCIATION or not case.is_open:
        raise ValidationError(
            _("Only an open denunciation can be kept as information."), code="state"
        )
    if reason not in (InformationReason.FALSE_IDENTITY, InformationReason.INCOMPLETE):
        raise ValidationError(_("Choose why it is kept as information."), code="reason")
    if reason == InformationReason.INCOMPLETE and case.status != Status.AWAITING_DETAILS:
        raise ValidationError(_("Nothing is missing from this denunciation."), code="reason")
    before = case.status
    case.kind, case.filed_as, case.information_reason = (
        Kind.INFORMATION,
        Kind.DENUNCIATION,
        reason,
    )
    case.status = Status.RECEIVED
    case.accepted_at = None
    case.missing_details = []
    _set_clock(case, Step.HANDLE, timezone.localdate())
    _clear_forward_clock(case)
    case.save()
    _event(
        case,
        action="information",
        actor=actor,
        before=before,
        public_note=str(intake.INFORMATION_NOTICE),
        internal_note=note.strip(),
    )
    _audit(
        case,
        actor=actor,
        action="information",
        before={"kind": Kind.DENUNCIATION, "status": before},
        after={"kind": case.kind, "reason": reason},
    )
    return case


@transaction.atomic
def settle_information(*, actor, case: Case, use: str, note: str = "") -> Case:
    """Record what became of information: used for an inspection or check (where it names
    the person and the act clearly enough), or kept for reference. It is then closed."""
    _require_scope(actor, case.responsible)
    case = _load_for_update(case)
    if case.kind != Kind.INFORMATION:
        raise ValidationError(_("Only information is settled this way."), code="kind")
    if use not in InformationUse.values:
        raise ValidationError(_("Choose what the information was used for."), code="use")
    case, before = _move(case, Status.CLOSED)
    case.information_use = use
    case.closed_at = timezone.now()
    if case.handler_id is None and _person(actor):
        case.handler = actor
    _stop_clock(case)
    case.save()
    label = InformationUse(use).label
    _event(
        case,
        action="settle",
        actor=actor,
        before=before,
        public_note=_("The information was %(use)s.") % {"use": label},
        internal_note=note.strip(),
    )
    _audit(case, actor=actor, action="settle", after={"use": use})
    return case
