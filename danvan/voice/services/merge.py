"""Merging a duplicate case into the case that says the same thing: the duplicate follows
the kept case, runs no clock of its own, and gets the kept case's answer."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.voice.models import OPEN_STATES, Case, Status
from danvan.voice.services.base import (
    _audit,
    _clear_forward_clock,
    _event,
    _load_for_update,
    _require_scope,
    _stop_clock,
)


@transaction.atomic
def merge_cases(*, actor, kept: Case, duplicate: Case, note: str = "") -> Case:
    """Merge `duplicate` into `kept` (both open, same commune, both in the actor's scope).

    The duplicate's citizen is told on their tracking page (without the other case's code,
    which is its sender's key) and receives the answer of the kept case when it comes."""
    _require_scope(actor, duplicate.responsible)
    _require_scope(actor, kept.responsible)
    if kept.pk == duplicate.pk:
        raise ValidationError(_("A case cannot be merged into itself."), code="merge_self")
    # Lock both rows in a fixed order: two clerks merging the pair both ways cannot deadlock.
    first, second = sorted([kept, duplicate], key=lambda c: c.pk)
    first, second = _load_for_update(first), _load_for_update(second)
    kept, duplicate = (first, second) if first.pk == kept.pk else (second, first)
    if kept.commune_id != duplicate.commune_id:
        raise ValidationError(
            _("Only cases of the same commune or ward can be merged."), code="merge_commune"
        )
    if kept.status == Status.MERGED:
        raise ValidationError(
            _("Case %(code)s is itself merged into another case: merge into that one.")
            % {"code": kept.code},
            code="merge_merged",
        )
    if kept.status not in OPEN_STATES:
        raise ValidationError(
            _("Case %(code)s is answered or closed: a case can only be merged into an open one.")
            % {"code": kept.code},
            code="merge_closed",
        )
    if duplicate.status not in OPEN_STATES:
        raise ValidationError(
            _("Case %(code)s is not open any more: only an open case can be merged.")
            % {"code": duplicate.code},
            code="merge_not_open",
        )
    before = duplicate.status
    duplicate.status = Status.MERGED
    duplicate.merged_into = kept
    duplicate.merged_at = timezone.now()
    _stop_clock(duplicate)
    _clear_forward_clock(duplicate)
    duplicate.save()
    # Cases merged earlier into the duplicate follow the kept case too.
    Case.objects.filter(merged_into=duplicate).update(merged_into=kept)
    _event(
        duplicate,
        action="merge",
        actor=actor,
        before=before,
        public_note=_(
            "Another case of the same commune or ward says the same thing; both are handled "
            "together and its answer will be given here."
        ),
        internal_note=" ".join(
            part for part in (_("Merged into %(code)s.") % {"code": kept.code}, note) if part
        ),
    )
    _event(
        kept,
        action="merge_in",
        actor=actor,
        before=kept.status,
        public=False,
        internal_note=_("Case %(code)s was merged into this one.") % {"code": duplicate.code},
    )
    _audit(
        duplicate,
        actor=actor,
        action="merge",
        before={"status": before},
        after={"status": duplicate.status, "merged_into": kept.code},
    )
    return duplicate


@transaction.atomic
def merge_into(*, actor, case: Case, kept: Case, note: str = "") -> Case:
    """The case page's action: merge this case into `kept`."""
    return merge_cases(actor=actor, kept=kept, duplicate=case, note=note)


def answer_merged(kept: Case, *, actor) -> int:
    """Give the kept case's answer to every case merged into it: each becomes answered, its
    citizen sees the answer on their tracking page (and may rate it or reopen it). Runs in
    answer_case's transaction; returns how many were answered."""
    merged = list(
        Case.objects.select_for_update()
        .select_related("responsible")
        .filter(merged_into=kept, status=Status.MERGED)
    )
    answered_at = kept.answered_at
    assert answered_at is not None  # answer_case has just set it
    for case in merged:
        case.status = Status.ANSWERED
        case.answer = kept.answer
        case.answered_at = answered_at
        case.answered_late = kept.answered_late
        case.handling_hours = round((answered_at - case.received_at).total_seconds() / 3600, 2)
        case.save()
        _event(
            case,
            action="answer",
            actor=actor,
            before=Status.MERGED,
            public_note=case.answer,
            internal_note=_("Answer of %(code)s.") % {"code": kept.code},
        )
        _audit(
            case,
            actor=actor,
            action="answer",
            before={"status": Status.MERGED},
            after={"merged_into": kept.code},
        )
    return len(merged)
