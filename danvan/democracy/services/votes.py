"""Petitions, matters put to the households' vote, ballots, tallies, minutes and the
chair's recognition."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.core.workdays import WorkCalendar
from danvan.democracy.models import (
    Ballot,
    Choice,
    DecidedBy,
    Household,
    Matter,
    MatterKind,
    MatterStatus,
    Outcome,
    Petition,
    PetitionRule,
    VoteMethod,
    VoteRule,
    VotingCode,
    meets_share,
    needed_for_share,
    new_voting_code,
    share_text,
)
from danvan.democracy.rollup import households_of
from danvan.democracy.services.common import (
    _audit,
    _check_hamlet,
    _date,
    _not_future,
    _person,
    _require,
    _text,
    commune_of,
    touch,
)
from danvan.organisations.models import Unit

# Petitions and votes -------------------------------------------------------------------------


def find_vote_rule(kind: str, on: datetime.date) -> VoteRule | None:
    return (
        VoteRule.objects.in_force(on).filter(matter_kind=kind).order_by("-effective_from").first()
    )


def find_petition_rule(on: datetime.date) -> PetitionRule | None:
    return PetitionRule.objects.in_force(on).order_by("-effective_from").first()


@transaction.atomic
def receive_petition(
    *,
    actor,
    hamlet: Unit,
    kind: str,
    title: str,
    signatures: int,
    received_on: datetime.date | None = None,
) -> Petition:
    """Receive households' proposal of a matter; refused when fewer households signed it than
    the dated rule asks (a share of ALL the households on the hamlet's register)."""
    _require(actor, hamlet)
    _check_hamlet(hamlet)
    received_on = received_on or timezone.localdate()
    title = _text(title, _("Say what the households propose."))
    if kind not in MatterKind.values:
        raise ValidationError(_("Choose the kind of matter."), code="kind")
    total = households_of(hamlet)
    if total == 0:
        raise ValidationError(
            _("The hamlet has no household on its register yet."), code="no_households"
        )
    if signatures < 0 or signatures > total:
        raise ValidationError(
            _(
                "%(count)d households cannot have signed: the hamlet's register has "
                "%(total)d households."
            )
            % {"count": signatures, "total": total},
            code="too_many",
        )
    rule = find_petition_rule(received_on)
    if rule is None:
        raise ValidationError(_("No petition rule is in force on this date."), code="rule")
    strict = rule.share_strict
    if not meets_share(signatures, total, rule.share_num, rule.share_den, strict=strict):
        raise ValidationError(
            _(
                "A petition needs %(share)s of the hamlet's %(total)d households, that is "
                "%(need)d; it has %(count)d. (%(basis)s)"
            )
            % {
                "share": share_text(rule.share_num, rule.share_den, strict=strict),
                "total": total,
                "need": needed_for_share(total, rule.share_num, rule.share_den, strict=strict),
                "count": signatures,
                "basis": rule.legal_basis,
            },
            code="below_threshold",
        )
    petition = Petition.objects.create(
        hamlet=hamlet,
        kind=kind,
        title=title[:300],
        signatures=signatures,
        households_total=total,
        received_on=received_on,
        rule=rule,
        created_by=_person(actor),
    )
    _audit(
        actor,
        "petition",
        petition,
        hamlet,
        after={"signatures": signatures, "households": total, "rule": rule.pk},
    )
    return petition


@transaction.atomic
def open_matter(
    *,
    actor,
    hamlet: Unit,
    kind: str,
    title: str,
    method: str,
    vote_date: datetime.date,
    description: str = "",
    petition: Petition | None = None,
) -> Matter:
    """Put a matter to the households of a hamlet, by meeting, paper or (where the dated rule
    of its kind allows) online."""
    _require(actor, hamlet)
    _check_hamlet(hamlet)
    title = _text(title, _("Say what is put to the vote."))
    if kind not in MatterKind.values:
        raise ValidationError(_("Choose the kind of matter."), code="kind")
    if method not in VoteMethod.values:
        raise ValidationError(_("Choose how the households vote."), code="method")
    rule = find_vote_rule(kind, vote_date)
    if rule is None:
        raise ValidationError(
            _("No vote rule for this kind of matter is in force on %(date)s.")
            % {"date": _date(vote_date)},
            code="rule",
        )
    if method == VoteMethod.ONLINE and not rule.online_allowed:
        raise ValidationError(
            _(
                "The law does not let “%(kind)s” be voted online: put it to a hamlet meeting "
                "or a paper ballot. (%(basis)s)"
            )
            % {"kind": MatterKind(kind).label, "basis": rule.legal_basis},
            code="online_not_allowed",
        )
    if petition is not None:
        if petition.hamlet_id != hamlet.pk:
            raise ValidationError(_("The petition is of another hamlet."), code="petition")
        if Matter.objects.filter(petition=petition).exists():
            raise ValidationError(_("This petition is already put to the vote."), code="petition")
    commune = commune_of(hamlet)
    matter = Matter.objects.create(
        commune=commune,
        hamlet=hamlet,
        kind=kind,
        title=title[:300],
        description=description.strip(),
        method=method,
        vote_date=vote_date,
        petition=petition,
        rule=rule,
        created_by=_person(actor),
    )
    _audit(actor, "matter_open", matter, hamlet, after={"method": method, "rule": rule.pk})
    touch(commune)
    return matter


@transaction.atomic
def issue_voting_codes(*, actor, matter: Matter) -> int:
    """Give each household on the register a code to vote online with (once each); return
    how many were issued now."""
    matter = Matter.objects.select_for_update().select_related("hamlet").get(pk=matter.pk)
    _require(actor, matter.hamlet)
    if matter.method != VoteMethod.ONLINE or matter.status != MatterStatus.OPEN:
        raise ValidationError(_("Codes are issued for an open online vote only."), code="state")
    have = set(VotingCode.objects.filter(matter=matter).values_list("household_id", flat=True))
    households = Household.objects.filter(hamlet=matter.hamlet_id, is_active=True).exclude(
        pk__in=have
    )
    codes = [
        VotingCode(matter=matter, household_id=pk, code=new_voting_code())
        for pk in households.values_list("pk", flat=True)
    ]
    taken = set(
        VotingCode.objects.filter(code__in=[c.code for c in codes]).values_list("code", flat=True)
    )
    for code in codes:
        while code.code in taken:  # 40 random bits: practically never
            code.code = new_voting_code()
        taken.add(code.code)
    VotingCode.objects.bulk_create(codes, batch_size=1000)
    _audit(actor, "codes", matter, matter.hamlet, after={"issued": len(codes)})
    return len(codes)


def normalise_code(text: str) -> str:
    raw = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == 8 else raw


@transaction.atomic
def cast_ballot(*, matter: Matter, code: str, choice: str, now=None) -> Ballot:
    """A household's online ballot, with the code of its slip: one per household, which the
    database holds to even when two ballots arrive at once."""
    if choice not in Choice.values:
        raise ValidationError(_("Choose for, against or blank."), code="choice")
    matter = Matter.objects.get(pk=matter.pk)
    today = timezone.localdate(now)
    if matter.method != VoteMethod.ONLINE or matter.status != MatterStatus.OPEN:
        raise ValidationError(_("This vote is not open online."), code="closed")
    if today > matter.vote_date:
        raise ValidationError(
            _("Online voting closed on %(date)s.") % {"date": _date(matter.vote_date)},
            code="closed",
        )
    found = (
        VotingCode.objects.filter(matter=matter, code=normalise_code(code))
        .values_list("household_id", flat=True)
        .first()
    )
    if found is None:
        raise ValidationError(_("This code is not valid for this vote."), code="code")
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(
                matter=matter, household_id=found, choice=choice, cast_at=now or timezone.now()
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("This household has already voted: one ballot per household."), code="voted"
        ) from exc
    return ballot


def decide(rule: VoteRule, total: int, participated: int, yes: int) -> tuple[str, str]:
    """The outcome and the rule that decided it: the quorum first, then the share of ALL the
    households on the register."""
    if not meets_share(
        participated, total, rule.quorum_num, rule.quorum_den, strict=rule.quorum_strict
    ):
        return Outcome.FAILED, DecidedBy.QUORUM
    passed = meets_share(yes, total, rule.share_num, rule.share_den, strict=rule.share_strict)
    return (Outcome.PASSED if passed else Outcome.FAILED), DecidedBy.THRESHOLD


@transaction.atomic
def tally_vote(
    *,
    actor,
    matter: Matter,
    minutes: str,
    participated: int | None = None,
    yes: int | None = None,
    no: int | None = None,
    invalid: int = 0,
    calendar: WorkCalendar | None = None,
    today: datetime.date | None = None,
) -> Matter:
    """Close a vote with its count: entered from the paper minutes of a meeting or ballot,
    or counted from the online ballots. The dated rule of the matter's kind decides."""
    matter = (
        Matter.objects.select_for_update()
        .select_related("hamlet", "rule", "commune")
        .get(pk=matter.pk)
    )
    _require(actor, matter.hamlet)
    today = today or timezone.localdate()
    if matter.status != MatterStatus.OPEN:
        raise ValidationError(_("This vote is already tallied."), code="tallied")
    if today < matter.vote_date:
        raise ValidationError(
            _("The vote takes place on %(date)s: tally it from that day.")
            % {"date": _date(matter.vote_date)},
            code="early",
        )
    total = households_of(matter.hamlet)
    if matter.method == VoteMethod.ONLINE:
        counts = dict.fromkeys(Choice.values, 0)
        for choice in Ballot.objects.filter(matter=matter).values_list("choice", flat=True):
            counts[choice] += 1
        yes, no, invalid = counts[Choice.YES], counts[Choice.NO], counts[Choice.BLANK]
        participated = yes + no + invalid
        minutes = minutes.strip() or _("Counted from %(n)d online ballots.") % {"n": participated}
    else:
        minutes = _text(minutes, _("Enter the minutes of the meeting or of the count."))
        if participated is None or yes is None or no is None:
            raise ValidationError(
                _("Enter the households that took part, for and against."), code="counts"
            )
        if min(participated, yes, no, invalid) < 0:
            raise ValidationError(_("Counts cannot be negative."), code="counts")
        if yes + no + invalid > participated:
            raise ValidationError(
                _(
                    "For, against and blank add up to %(sum)d, more than the %(n)d households "
                    "that took part."
                )
                % {"sum": yes + no + invalid, "n": participated},
                code="counts",
            )
    if participated > total:
        raise ValidationError(
            _(
                "The tally counts %(n)d households, but the hamlet's register has only "
                "%(total)d: correct the count or the register first."
            )
            % {"n": participated, "total": total},
            code="above_register",
        )
    outcome, decided_by = decide(matter.rule, total, participated, yes)
    calendar = calendar or WorkCalendar.from_db()
    matter.households_total = total
    matter.participated, matter.yes, matter.no, matter.invalid = participated, yes, no, invalid
    matter.outcome, matter.decided_by = outcome, decided_by
    matter.minutes = minutes
    matter.tallied_at = timezone.now()
    matter.minutes_due = calendar.add_working_days(
        matter.vote_date, matter.rule.minutes_within_days
    )
    matter.status = MatterStatus.TALLIED
    matter.save()
    _audit(
        actor,
        "tally",
        matter,
        matter.hamlet,
        after={
            "households": total,
            "participated": participated,
            "yes": yes,
            "outcome": outcome,
            "decided_by": decided_by,
            "rule": matter.rule_id,
        },
    )
    touch(matter.commune)
    return matter


@transaction.atomic
def send_minutes(
    *, actor, matter: Matter, sent_on: datetime.date, today: datetime.date | None = None
) -> Matter:
    """Record the day the vote's minutes reached the commune; late past the rule's days."""
    matter = (
        Matter.objects.select_for_update().select_related("hamlet", "commune").get(pk=matter.pk)
    )
    _require(actor, matter.hamlet)
    if matter.status != MatterStatus.TALLIED or matter.minutes_due is None:
        raise ValidationError(_("Only a tallied vote's minutes are sent."), code="state")
    if matter.minutes_sent_on is not None:
        raise ValidationError(_("The minutes were already sent."), code="sent")
    if sent_on < matter.vote_date:
        raise ValidationError(_("The minutes cannot be sent before the vote."), code="early")
    _not_future(sent_on, today or timezone.localdate(), _("The date the minutes were sent"))
    matter.minutes_sent_on = sent_on
    matter.minutes_late = sent_on > matter.minutes_due
    matter.save(update_fields=["minutes_sent_on", "minutes_late"])
    _audit(actor, "minutes_sent", matter, matter.hamlet, after={"late": matter.minutes_late})
    touch(matter.commune)
    return matter


@transaction.atomic
def recognise_result(
    *, actor, matter: Matter, number: str, recognised_on: datetime.date | None = None
) -> Matter:
    """The commune chair recognises a tallied vote whose minutes reached the commune."""
    matter = (
        Matter.objects.select_for_update().select_related("hamlet", "commune").get(pk=matter.pk)
    )
    _require(actor, matter.commune, "democracy.recognise")
    recognised_on = recognised_on or timezone.localdate()
    if matter.status != MatterStatus.TALLIED:
        raise ValidationError(_("Only a tallied vote can be recognised."), code="state")
    if matter.minutes_sent_on is None:
        raise ValidationError(_("The minutes have not reached the commune yet."), code="no_minutes")
    number = _text(number, _("Give the number of the recognition decision."))
    matter.status = MatterStatus.RECOGNISED
    matter.recognised_on = recognised_on
    matter.recognition_number = number[:60]
    matter.recognised_by = _person(actor)
    matter.save()
    _audit(actor, "recognise", matter, matter.commune, after={"number": number})
    touch(matter.commune)
    return matter
