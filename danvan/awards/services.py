"""Every change in emulation and commendation: nomination files, council votes, decisions,
external decisions, revocation, the commendation of practice models and the cases that
freeze a nomination. Views, imports, commands, the demo and tests all call these."""

import datetime
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.awards.evidence import offered_prizes, prize_label, prizes_of_nominee
from danvan.awards.models import (
    Authority,
    Award,
    AwardType,
    BaseSalary,
    CaseLink,
    Council,
    Decision,
    Evidence,
    EvidenceKind,
    Level,
    Nomination,
    NominationStatus,
    NominationStep,
    StepAction,
    Vote,
)
from danvan.cadres.models import Cadre, Sex
from danvan.cadres.queries import open_discipline
from danvan.contests.models import Prize
from danvan.core.audit import log_action
from danvan.organisations.kinds import ISSUERS
from danvan.organisations.models import Branch, Unit, UnitKind
from danvan.organisations.queries import territory_of
from danvan.registry import services as registry_services
from danvan.registry.models import PracticeModel, Recognition
from danvan.registry.models import Status as ModelStatus
from danvan.voice.models import OPEN_STATES as OPEN_CASE_STATES
from danvan.voice.models import Case
from danvan.voice.models import Kind as CaseKind

# Citizens' cases that freeze a nomination while they are open (the law: complaints and
# denunciations; voice's feedback and recommendations do not).
FREEZING_CASE_KINDS = (CaseKind.COMPLAINT, CaseKind.DENUNCIATION)
EDITABLE = ["women_share", "submission", "achievements"]
# The states in which the proposing unit completes its file.
EDITABLE_STATES = (NominationStatus.DRAFT, NominationStatus.RETURNED)
# Before the council's vote: the file may still gain evidence or be withdrawn.
BEFORE_VOTE_STATES = (*EDITABLE_STATES, NominationStatus.IN_TRANSIT, NominationStatus.SUBMITTED)


def require_perm(actor, perm: str, unit: Unit | None) -> None:
    """Refuse an actor without the named permission (awards/rules.py) on the unit; None is
    the system (imports run as their user, the demo as the system)."""
    if actor is not None and (unit is None or not actor.has_perm(perm, unit)):
        raise PermissionDenied(_("This unit is outside your scope."))


def _person(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _today() -> datetime.date:
    return timezone.localdate()


# --- The rules in force -----------------------------------------------------------------------


def level_of(unit: Unit) -> str:
    """The level of a body: a former district (an issuer until 30 June 2025), the city, or a
    commune."""
    if unit.kind == UnitKind.LEGACY_DISTRICT:
        return Level.DISTRICT
    return Level.CITY if territory_of(unit).kind == UnitKind.PROVINCE else Level.COMMUNE


def award_type_on(code: str, on: datetime.date) -> AwardType:
    """The catalogue row of an award in force on a date; refuse an award not in force."""
    found = AwardType.objects.in_force(on).filter(code=code).first()
    if found is None:
        raise ValidationError(
            _("The award “%(code)s” is not in the catalogue on %(date)s.")
            % {"code": code, "date": on.strftime("%d/%m/%Y")},
            code="award_type",
        )
    return found


def authority_for(code: str, issuer: Unit, on: datetime.date) -> Authority | None:
    """The row of the authority table that lets this body award this on a date, if any."""
    return (
        Authority.objects.in_force(on)
        .filter(award_code=code, level=level_of(issuer), issuer_kind=issuer.kind)
        .order_by("-effective_from")
        .first()
    )


def require_authority(award_type: AwardType, issuer: Unit, on: datetime.date) -> Authority:
    found = authority_for(award_type.code, issuer, on)
    if found is None:
        raise ValidationError(
            _(
                "%(body)s has no power to award “%(award)s” on %(date)s (authority table): "
                "send the file to a body that has it."
            )
            % {"body": issuer.name, "award": award_type.name, "date": on.strftime("%d/%m/%Y")},
            code="authority",
        )
    return found


def deciding_bodies(code: str, below: Unit, on: datetime.date) -> list[tuple[Unit, Authority]]:
    """The bodies above (or at) a unit that may award this on a date, nearest first."""
    rows = list(Authority.objects.in_force(on).filter(award_code=code))
    found = []
    candidates = Unit.objects.filter(
        parent__in=[*Unit.objects.ancestors_of(below, include_self=True)], kind__in=ISSUERS
    ) | Unit.objects.ancestors_of(below, include_self=True).filter(kind__in=ISSUERS)
    for unit in candidates.current(on).distinct().order_by("-depth", "name"):
        for row in rows:
            if row.issuer_kind == unit.kind and row.level == level_of(unit):
                found.append((unit, row))
                break
    return found


def base_salary_on(on: datetime.date) -> BaseSalary | None:
    return BaseSalary.objects.in_force(on).order_by("-effective_from").first()


def money_for(award_type: AwardType, *, collective: bool, on: datetime.date):
    """(multiple, base salary row, amount in đồng) of an award decided on a date."""
    multiple = award_type.money_multiple(collective=collective)
    salary = base_salary_on(on)
    if multiple is None or salary is None:
        return multiple, salary, None
    amount = (multiple * salary.amount).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return multiple, salary, int(amount)


# --- What freezes a nomination ----------------------------------------------------------------


def pending_cases(*, unit: Unit | None = None, cadre: Cadre | None = None) -> list[Case]:
    """The open complaints and denunciations recorded as concerning a person or a collective."""
    links = CaseLink.objects.filter(
        case__status__in=OPEN_CASE_STATES, case__kind__in=FREEZING_CASE_KINDS
    ).select_related("case")
    links = links.filter(cadre=cadre) if cadre is not None else links.filter(unit=unit)
    return [link.case for link in links]


def freeze_reasons(
    *, unit: Unit | None = None, cadre: Cadre | None = None, on: datetime.date | None = None
) -> list[str]:
    """Why a proposal for this person or collective is frozen on a date (empty: it is not)."""
    on = on or _today()
    reasons = []
    if cadre is not None:
        discipline = open_discipline(cadre, on=on)
        if discipline is not None:
            reasons.append(
                _("A discipline is in force (%(form)s, %(date)s).")
                % {
                    "form": discipline.get_form_display(),
                    "date": discipline.date.strftime("%d/%m/%Y"),
                }
            )
    for case in pending_cases(unit=unit, cadre=cadre):
        reasons.append(
            _("A %(kind)s is pending (case %(code)s).")
            % {"kind": case.get_kind_display().lower(), "code": case.code}
        )
    return reasons


def nomination_freeze(nomination: Nomination, on: datetime.date | None = None) -> list[str]:
    return freeze_reasons(unit=nomination.unit, cadre=nomination.cadre, on=on)


def _refuse_if_frozen(nomination: Nomination) -> None:
    reasons = nomination_freeze(nomination)
    if reasons:
        raise ValidationError(
            _("The proposal is frozen: %(reasons)s") % {"reasons": " ".join(reasons)},
            code="frozen",
        )


def _check_person(award_type: AwardType, cadre: Cadre, *, on: datetime.date) -> None:
    """Refuse an award to a person who has died (unless it may be posthumous) or who already
    holds an award given once only."""
    if not award_type.posthumous and cadre.died_on is not None and cadre.died_on <= on:
        raise ValidationError(
            _("“%(award)s” is never awarded posthumously: %(name)s died on %(date)s.")
            % {
                "award": award_type.name,
                "name": cadre.full_name,
                "date": cadre.died_on.strftime("%d/%m/%Y"),
            },
            code="posthumous",
        )
    if award_type.once_only:
        held = (
            Award.objects.active()
            .filter(cadre=cadre, award_type__code=award_type.code)
            .select_related("decision")
            .first()
        )
        if held is not None:
            raise ValidationError(
                _("%(name)s already holds “%(award)s” (decision %(decision)s).")
                % {"name": cadre.full_name, "award": award_type.name, "decision": held.decision},
                code="once_only",
            )


# --- Nomination files -------------------------------------------------------------------------


def achievement_template(
    award_type: AwardType, *, year: int, unit: Unit | None, cadre: Cadre | None
) -> str:
    """The achievement report's outline (báo cáo thành tích, NĐ 152/2025), to fill in."""
    if cadre is not None:
        return "\n".join(
            [
                f"BÁO CÁO THÀNH TÍCH đề nghị tặng {award_type.name} năm {year}",
                f"I. SƠ LƯỢC LÝ LỊCH: {cadre.full_name}, sinh năm {cadre.birth_year}.",
                "II. THÀNH TÍCH ĐẠT ĐƯỢC",
                "1. Quyền hạn, nhiệm vụ được giao:",
                "2. Thành tích đạt được (kết quả thực hiện nhiệm vụ, mô hình, sáng kiến):",
                "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG:",
            ]
        )
    assert unit is not None  # one of the two is given
    return "\n".join(
        [
            f"BÁO CÁO THÀNH TÍCH đề nghị tặng {award_type.name} năm {year}",
            f"I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH: {unit.name}.",
            "II. THÀNH TÍCH ĐẠT ĐƯỢC",
            "1. Kết quả thực hiện nhiệm vụ được giao:",
            "2. Các phong trào thi đua, mô hình “Dân vận khéo”, sáng kiến:",
            "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG:",
        ]
    )


def _check_women_share(value) -> None:
    if value is not None and not (0 <= Decimal(value) <= 100):
        raise ValidationError(
            _("The share of women is a percentage between 0 and 100."), code="women_share"
        )


@transaction.atomic
def open_nomination(
    *,
    actor,
    award_code: str,
    year: int,
    proposer: Unit,
    decider: Unit,
    unit: Unit | None = None,
    cadre: Cadre | None = None,
    women_share=None,
    submission: str = "",
    achievements: str = "",
) -> Nomination:
    """Open a nomination file in a proposing unit, addressed to a body with the power to
    award it (or to compile it for an external authority)."""
    require_perm(actor, "awards.nominate", proposer)
    if (unit is None) == (cadre is None):
        raise ValidationError(_("Name either a person or a collective."), code="recipient")
    on = _today()
    award_type = award_type_on(award_code, on)
    if not award_type.accepts(collective=unit is not None):
        raise ValidationError(
            _("“%(award)s” is not awarded to %(whom)s.")
            % {
                "award": award_type.name,
                "whom": _("collectives") if unit is not None else _("individuals"),
            },
            code="recipient_kind",
        )
    authority = require_authority(award_type, decider, on)
    if not proposer.path.startswith(territory_of(decider).path):
        raise ValidationError(
            _("The file goes up the tree: %(body)s is not above %(unit)s.")
            % {"body": decider.name, "unit": proposer.name},
            code="not_above",
        )
    if unit is not None:
        if not unit.path.startswith(territory_of(proposer).path):
            raise ValidationError(
                _("%(unit)s is not a collective of the proposing unit's area.")
                % {"unit": unit.name},
                code="collective",
            )
        _check_women_share(women_share)
    else:
        assert cadre is not None
        if (
            actor is not None
            and not Cadre.objects.visible_to(actor, perm="awards.nominate")
            .filter(pk=cadre.pk)
            .exists()
        ):
            raise PermissionDenied(_("This person is outside your scope."))
        _check_person(award_type, cadre, on=on)
        women_share = None
    duplicate = Nomination.objects.open().filter(
        award_type__code=award_code, year=year, unit=unit, cadre=cadre
    )
    if duplicate.exists():
        raise ValidationError(
            _("A nomination for this award and year is already open for this recipient."),
            code="duplicate",
        )
    nomination = Nomination.objects.create(
        award_type=award_type,
        year=year,
        proposer=proposer,
        decider=decider,
        authority=authority,
        holder=proposer,
        unit=unit,
        cadre=cadre,
        women_share=women_share,
        submission=submission.strip(),
        achievements=achievements.strip()
        or achievement_template(award_type, year=year, unit=unit, cadre=cadre),
        created_by=_person(actor),
    )
    log_action(
        actor=actor,
        action="awards.nominate",
        obj=nomination,
        unit=proposer,
        after={"award": award_code, "year": year, "decider": decider.pk},
    )
    return nomination


def _require_status(nomination: Nomination, *allowed: str) -> None:
    if nomination.status not in allowed:
        raise ValidationError(
            _("A nomination that is “%(status)s” cannot be changed this way.")
            % {"status": nomination.get_status_display()},
            code="status",
        )


def _require_arrived(nomination: Nomination) -> None:
    """The council votes only at the level of the body with the power to award."""
    if nomination.status == NominationStatus.IN_TRANSIT:
        raise ValidationError(
            _(
                "The file is on its way up, at %(office)s: the council of %(body)s votes when it "
                "arrives."
            )
            % {"office": nomination.holder.name, "body": nomination.decider.name},  # type: ignore[union-attr]
            code="not_arrived",
        )
    _require_status(nomination, NominationStatus.SUBMITTED)


def _locked(nomination: Nomination) -> Nomination:
    return Nomination.objects.select_for_update().get(pk=nomination.pk)


@transaction.atomic
def update_nomination(*, actor, nomination: Nomination, **changes) -> Nomination:
    require_perm(actor, "awards.nominate", nomination.proposer)
    nomination = _locked(nomination)
    _require_status(nomination, *EDITABLE_STATES)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    if "women_share" in changes:
        if nomination.cadre_id is not None:
            changes.pop("women_share")
        else:
            _check_women_share(changes["women_share"])
    before = {name: str(getattr(nomination, name)) for name in changes}
    for name, value in changes.items():
        setattr(nomination, name, value.strip() if isinstance(value, str) else value)
    nomination.save()
    log_action(
        actor=actor,
        action="awards.change_nomination",
        obj=nomination,
        unit=nomination.proposer,
        before=before,
        after={name: str(getattr(nomination, name)) for name in changes},
    )
    return nomination


@transaction.atomic
def add_evidence(
    *,
    actor,
    nomination: Nomination,
    kind: str,
    description: str = "",
    practice_model: PracticeModel | None = None,
    prize: Prize | None = None,
) -> Evidence:
    """Add a piece of evidence: a recognised model of the registry, a contest prize the
    nominee won (awards/evidence.py), an initiative."""
    require_perm(actor, "awards.nominate", nomination.proposer)
    _require_status(nomination, *BEFORE_VOTE_STATES)
    if kind not in EvidenceKind.values:
        raise ValidationError(_("Choose the kind of evidence."), code="kind")
    if kind == EvidenceKind.MODEL:
        if practice_model is None or not practice_model.is_recognised:
            raise ValidationError(
                _("Choose a “Dân vận khéo” model recognised in the registry."), code="model"
            )
        description = description.strip() or practice_model.name
    if kind == EvidenceKind.PRIZE:
        _check_prize(actor, nomination, prize)
        assert prize is not None
        description = description.strip() or prize_label(prize)
    if not description.strip():
        raise ValidationError(_("Describe the evidence."), code="description")
    evidence = Evidence.objects.create(
        nomination=nomination,
        kind=kind,
        practice_model=practice_model if kind == EvidenceKind.MODEL else None,
        prize=prize if kind == EvidenceKind.PRIZE else None,
        description=description.strip()[:500],
    )
    log_action(
        actor=actor,
        action="awards.add_evidence",
        obj=nomination,
        unit=nomination.proposer,
        after={
            "kind": kind,
            "description": evidence.description,
            **({"prize": prize.pk} if evidence.prize_id else {}),  # type: ignore[union-attr]
        },
    )
    return evidence


def _check_prize(actor, nomination: Nomination, prize: Prize | None) -> None:
    """Refuse a prize that is not the nominee's, not confirmed, outside the actor's scope or
    already in the file."""
    if prize is None:
        raise ValidationError(_("Choose a contest prize won by the nominee."), code="prize")
    if not prizes_of_nominee(nomination).filter(pk=prize.pk).exists():
        raise ValidationError(
            _(
                "“%(prize)s” was won by %(winner)s, not by %(nominee)s: only the nominee's own "
                "confirmed prizes, up to %(year)s, are evidence of this file."
            )
            % {
                "prize": prize.title,
                "winner": prize.unit.name,
                "nominee": nomination.recipient_name,
                "year": nomination.year,
            },
            code="prize_not_nominee",
        )
    if actor is not None and not offered_prizes(actor, nomination).filter(pk=prize.pk).exists():
        raise PermissionDenied(_("This prize is outside your scope."))
    if nomination.evidence.filter(prize=prize).exists():
        raise ValidationError(_("This prize is already in the file."), code="prize_twice")


# --- Up the tree, level by level -------------------------------------------------------------

HEAD_OF_BRANCH: dict[str, str] = {
    Branch.STATE: UnitKind.PEOPLES_COMMITTEE,
    Branch.PARTY: UnitKind.PARTY_COMMITTEE,
    Branch.FRONT: UnitKind.FRONT_COMMITTEE,
}
TERRITORIES = (UnitKind.COMMUNE, UnitKind.PROVINCE)
# The audit trail's name of each step.
STEP_ACTIONS: dict[str, str] = {
    StepAction.SENT: "awards.submit",
    StepAction.FORWARDED: "awards.forward",
    StepAction.RETURNED: "awards.return",
}


def office_at(territory: Unit, decider: Unit, on: datetime.date) -> Unit | None:
    """The body of a commune or city whose emulation office receives files bound for the
    decider: a body of the decider's kind, else the head of its branch (the Party committee,
    the people's committee, the Front committee), else the people's committee."""
    bodies = {
        unit.kind: unit
        for unit in Unit.objects.current(on)
        .filter(parent=territory, kind__in=ISSUERS)
        .order_by("-id")
    }
    for kind in (decider.kind, HEAD_OF_BRANCH.get(decider.branch), UnitKind.PEOPLES_COMMITTEE):
        if kind in bodies:
            return bodies[kind]
    return None


def route(start: Unit, decider: Unit, on: datetime.date | None = None) -> list[Unit]:
    """The bodies a file passes from a unit up to the deciding body, one per level (the
    commune's office, then the city's), the start left out and the decider last."""
    on = on or _today()
    top = territory_of(decider)
    levels = [
        unit
        for unit in Unit.objects.ancestors_of(start, include_self=True)
        if unit.kind in TERRITORIES and unit.depth > top.depth
    ]
    stops = []
    for territory in reversed(levels):  # the nearest level first
        office = office_at(territory, decider, on)
        if office is not None and not office.path.startswith(start.path):
            stops.append(office)
    return [*stops, decider]


def route_ahead(nomination: Nomination) -> list[Unit]:
    """Where the file still goes: from its proposing unit (not sent yet) or from the office
    holding it (on its way up)."""
    if nomination.status in EDITABLE_STATES:
        return route(nomination.proposer, nomination.decider)
    if nomination.status == NominationStatus.IN_TRANSIT and nomination.holder is not None:
        return route(nomination.holder, nomination.decider)
    return []


def _move(actor, nomination: Nomination, action: str, to: Unit, reason: str = "") -> None:
    """Record a step and move the file: before the council when it reaches the decider, on
    its way up otherwise."""
    from_unit = nomination.holder or nomination.proposer
    NominationStep.objects.create(
        nomination=nomination,
        action=action,
        from_unit=from_unit,
        to_unit=to,
        reason=reason,
        actor=_person(actor),
    )
    nomination.holder = to
    if action == StepAction.RETURNED:
        nomination.status = NominationStatus.RETURNED
    elif to == nomination.decider:
        nomination.status = NominationStatus.SUBMITTED
        nomination.submitted_at = timezone.now()
    else:
        nomination.status = NominationStatus.IN_TRANSIT
    nomination.save(update_fields=["holder", "status", "submitted_at"])
    log_action(
        actor=actor,
        action=STEP_ACTIONS[action],
        obj=nomination,
        unit=from_unit,
        after={"from": from_unit.pk, "to": to.pk, **({"reason": reason} if reason else {})},
    )


def _check_on_the_way(nomination: Nomination) -> None:
    """What the file must still meet at every step up: the authority of its decider on the
    day, the person's standing, no pending freeze."""
    require_authority(nomination.award_type, nomination.decider, _today())
    if nomination.cadre is not None:
        _check_person(nomination.award_type, nomination.cadre, on=_today())
    _refuse_if_frozen(nomination)


@transaction.atomic
def submit_nomination(*, actor, nomination: Nomination) -> Nomination:
    """Send the file up to the office of the level above the proposing unit (the deciding
    body itself when it is the next level): complete, within the authority, not frozen."""
    require_perm(actor, "awards.nominate", nomination.proposer)
    nomination = _locked(nomination)
    _require_status(nomination, *EDITABLE_STATES)
    labels = {"submission": _("submission (tờ trình)"), "achievements": _("achievement report")}
    missing = [
        str(label) for name, label in labels.items() if not getattr(nomination, name).strip()
    ]
    if missing:
        raise ValidationError(
            _("Required items are missing: %(fields)s.") % {"fields": ", ".join(missing)},
            code="required",
        )
    _check_on_the_way(nomination)
    nomination.holder = nomination.proposer
    _move(actor, nomination, StepAction.SENT, route(nomination.proposer, nomination.decider)[0])
    return nomination


@transaction.atomic
def forward_nomination(*, actor, nomination: Nomination) -> Nomination:
    """The office holding a file on its way up sends it to the next level, towards the body
    with the power to award it (the authority table); the council votes only there."""
    nomination = _locked(nomination)
    holder = nomination.holder
    require_perm(actor, "awards.forward", holder)
    _require_status(nomination, NominationStatus.IN_TRANSIT)
    assert holder is not None
    _check_on_the_way(nomination)
    _move(actor, nomination, StepAction.FORWARDED, route(holder, nomination.decider)[0])
    return nomination


@transaction.atomic
def return_nomination(*, actor, nomination: Nomination, reason: str) -> Nomination:
    """The office holding the file sends it back to the proposing unit with the reason (to
    complete it and send it again); the deciding body may too, before any vote."""
    nomination = _locked(nomination)
    require_perm(actor, "awards.forward", nomination.holder)
    _require_status(nomination, NominationStatus.IN_TRANSIT, NominationStatus.SUBMITTED)
    if nomination.status == NominationStatus.SUBMITTED and nomination.votes.exists():
        raise ValidationError(
            _("The council has started voting: the file can no longer be returned."),
            code="voting",
        )
    if not (reason or "").strip():
        raise ValidationError(_("Give the reason for returning the file."), code="reason")
    _move(actor, nomination, StepAction.RETURNED, nomination.proposer, reason.strip())
    return nomination


@transaction.atomic
def withdraw_nomination(*, actor, nomination: Nomination, note: str = "") -> Nomination:
    require_perm(actor, "awards.nominate", nomination.proposer)
    nomination = _locked(nomination)
    _require_status(nomination, *BEFORE_VOTE_STATES)
    before = nomination.status
    nomination.status = NominationStatus.WITHDRAWN
    nomination.save(update_fields=["status"])
    log_action(
        actor=actor,
        action="awards.withdraw",
        obj=nomination,
        unit=nomination.proposer,
        before={"status": before},
        after={"note": note},
    )
    return nomination


# --- The council and its votes ----------------------------------------------------------------


@transaction.atomic
def set_up_council(*, actor, unit: Unit, year: int, name: str, members: Iterable) -> Council:
    """Set up (or change the members of) a body's emulation council for a year."""
    require_perm(actor, "awards.decide", unit)
    if unit.kind not in ISSUERS:
        raise ValidationError(_("Only a deciding body has an emulation council."), code="kind")
    members = list(members)
    if not members:
        raise ValidationError(_("A council needs members."), code="members")
    council, created = Council.objects.get_or_create(
        unit=unit, year=year, defaults={"name": name.strip()}
    )
    if not created and council.nominations.filter(votes__isnull=False).exists():
        raise ValidationError(
            _("Votes were cast before this council: its members can no longer change."),
            code="voted",
        )
    if name.strip():
        council.name = name.strip()
        council.save(update_fields=["name"])
    council.members.set(members)
    log_action(
        actor=actor,
        action="awards.council",
        obj=council,
        unit=unit,
        after={"year": year, "members": sorted(m.pk for m in members)},
    )
    return council


def council_for(nomination: Nomination) -> Council | None:
    if nomination.council_id is not None:
        return nomination.council
    return Council.objects.filter(unit=nomination.decider, year=nomination.year).first()


@transaction.atomic
def cast_vote(*, actor, nomination: Nomination, approve: bool) -> Vote:
    """Record one member's vote on a file before the council; one vote per member."""
    nomination = _locked(nomination)
    council = council_for(nomination)
    if council is None or not council.members.filter(pk=actor.pk).exists():
        raise PermissionDenied(_("Only members of the body's emulation council may vote."))
    _require_arrived(nomination)
    _refuse_if_frozen(nomination)
    if Vote.objects.filter(nomination=nomination, member=actor).exists():
        raise ValidationError(
            _("You have already voted on this nomination: a vote is cast once."), code="twice"
        )
    if nomination.council_id is None:
        nomination.council = council
        nomination.save(update_fields=["council"])
    vote = Vote.objects.create(nomination=nomination, member=actor, approve=bool(approve))
    log_action(
        actor=actor,
        action="awards.vote",
        obj=nomination,
        unit=nomination.decider,
        after={"approve": bool(approve)},
    )
    return vote


def passes(votes_for: int, members: int, threshold: Decimal) -> bool:
    """Whether votes in favour reach the threshold, as a share of ALL the members."""
    return members > 0 and Decimal(votes_for) * 100 >= threshold * members


@transaction.atomic
def close_vote(*, actor, nomination: Nomination) -> Nomination:
    """Close the council's vote: approved when the votes in favour reach the dated threshold
    of the award, counted over all members (a member who did not vote counts against)."""
    require_perm(actor, "awards.decide", nomination.decider)
    nomination = _locked(nomination)
    _require_arrived(nomination)
    _refuse_if_frozen(nomination)
    council = council_for(nomination)
    if council is None:
        raise ValidationError(
            _("%(body)s has no emulation council for %(year)s.")
            % {"body": nomination.decider.name, "year": nomination.year},
            code="no_council",
        )
    rule = award_type_on(nomination.award_type.code, _today())
    members = council.members.count()
    votes_for = nomination.votes.filter(approve=True).count()
    approved = passes(votes_for, members, rule.vote_threshold)
    nomination.council = council
    nomination.votes_for = votes_for
    nomination.members_count = members
    nomination.threshold = rule.vote_threshold
    nomination.outcome_rule = rule
    nomination.voted_at = timezone.now()
    nomination.status = NominationStatus.APPROVED if approved else NominationStatus.REJECTED
    nomination.save()
    log_action(
        actor=actor,
        action="awards.close_vote",
        obj=nomination,
        unit=nomination.decider,
        after={
            "for": votes_for,
            "members": members,
            "threshold": str(rule.vote_threshold),
            "rule": rule.pk,
            "result": nomination.status,
        },
    )
    return nomination


def has_priority(nomination: Nomination) -> bool:
    """On a tie, women and collectives with enough women go first (the share is dated data
    of the award's catalogue row)."""
    if nomination.cadre is not None:
        return nomination.cadre.sex == Sex.FEMALE
    share = nomination.women_share
    return share is not None and share >= nomination.award_type.women_priority_share


def ranked(nominations: Sequence[Nomination], votes: dict[int, int]) -> list[Nomination]:
    """Nominations best first: most votes in favour; on a tie, priority (women, collectives
    with enough women), then the earliest file."""
    return sorted(
        nominations,
        key=lambda n: (-votes.get(n.pk, 0), not has_priority(n), n.created_at, n.pk),
    )


# --- Decisions --------------------------------------------------------------------------------


def check_number_free(issuer: Unit, year: int, number: int) -> None:
    """Refuse a decision number already used in the issuer's register of the year (award
    decisions and the registry's recognition decisions share the register)."""
    used = Decision.objects.filter(issuer=issuer, year=year, number=number).exists()
    used = (
        used
        or Recognition.objects.filter(
            issuer=issuer, decision_date__year=year, decision_number=number
        ).exists()
    )
    if used:
        raise ValidationError(
            _("Number %(number)s is already used in the register of %(body)s for %(year)s.")
            % {"number": number, "body": issuer.name, "year": year},
            code="number_used",
        )


def default_symbol(issuer: Unit) -> str:
    if issuer.branch == "party":
        return "QĐ/TU" if level_of(issuer) == Level.CITY else "QĐ/ĐU"
    if issuer.kind == UnitKind.PEOPLES_COMMITTEE:
        return "QĐ-UBND"
    if issuer.kind == UnitKind.FRONT_COMMITTEE:
        return "QĐ-MTTQ"
    return "QĐ"


def _check_decision_fields(number, date, signer_name: str) -> None:
    if not number or int(number) < 1:
        raise ValidationError(_("The decision needs a number from 1."), code="number")
    if date is None:
        raise ValidationError(_("The decision needs a date."), code="date")
    if not signer_name.strip():
        raise ValidationError(_("The decision needs its signer."), code="signer")


def _scope_of(*, unit: Unit | None, cadre: Cadre | None, fallback: Unit) -> Unit:
    """The unit whose staff read an award: the collective, or the person's posting then."""
    if unit is not None:
        return unit
    assert cadre is not None
    posting = cadre.postings.current(_today()).select_related("unit").order_by("-start").first()
    return posting.unit if posting is not None else (cadre.record_unit or fallback)


def _create_award(
    decision: Decision,
    *,
    award_type: AwardType,
    year: int,
    unit: Unit | None,
    cadre: Cadre | None,
    achievement: str,
    nomination: Nomination | None = None,
    practice_model: PracticeModel | None = None,
    fallback_scope: Unit,
    with_money: bool = True,
) -> Award:
    multiple, salary, amount = (
        money_for(award_type, collective=unit is not None, on=decision.date)
        if with_money
        else (None, None, None)
    )
    scope_unit = _scope_of(unit=unit, cadre=cadre, fallback=fallback_scope)
    return Award.objects.create(
        decision=decision,
        award_type=award_type,
        year=year,
        unit=unit,
        cadre=cadre,
        recipient_name=cadre.full_name if cadre is not None else unit.name,  # type: ignore[union-attr]
        practice_model=practice_model,
        nomination=nomination,
        achievement=achievement,
        money_multiple=multiple,
        base_salary=salary,
        amount=amount,
        scope_unit=scope_unit,
        scope_path=scope_unit.path,
    )


def _approved_batch(nominations: Sequence[Nomination], status: str) -> list[Nomination]:
    if not nominations:
        raise ValidationError(_("Choose the nominations the decision awards."), code="empty")
    locked = list(
        # Lock the nominations only: PostgreSQL locks no row of an outer join's nullable side.
        Nomination.objects.select_for_update(of=("self",))
        .filter(pk__in=[n.pk for n in nominations])
        .select_related("award_type", "decider", "unit", "cadre", "authority")
    )
    codes = {n.award_type.code for n in locked}
    deciders = {n.decider_id for n in locked}
    if len(codes) > 1 or len(deciders) > 1:
        raise ValidationError(
            _("One decision awards one title or form, by one body."), code="mixed"
        )
    for nomination in locked:
        if nomination.status != status:
            raise ValidationError(
                _("“%(name)s” is “%(status)s”, not ready for this step.")
                % {"name": nomination.recipient_name, "status": nomination.get_status_display()},
                code="status",
            )
        _refuse_if_frozen(nomination)
    # The decision lists its recipients as the council ranked them.
    return ranked(locked, {n.pk: n.votes_for or 0 for n in locked})


@transaction.atomic
def issue_decision(
    *,
    actor,
    issuer: Unit,
    nominations: Sequence[Nomination],
    number: int,
    date: datetime.date,
    signer_name: str,
    signer_title: str,
    symbol: str = "",
) -> Decision:
    """Issue the decision that awards the approved nominations sent to a body: its number is
    new in the body's register of the year, its power is in the authority table on its date;
    each nomination becomes an award with its money."""
    require_perm(actor, "awards.decide", issuer)
    _check_decision_fields(number, date, signer_name)
    batch = _approved_batch(nominations, NominationStatus.APPROVED)
    if batch[0].decider_id != issuer.pk:
        raise ValidationError(
            _("The decision is issued by the body the files were sent to."), code="issuer"
        )
    award_type = award_type_on(batch[0].award_type.code, date)
    authority = require_authority(award_type, issuer, date)
    if authority.is_external:
        raise ValidationError(
            _("“%(award)s” is decided by %(body)s: send the file up and record its decision.")
            % {"award": award_type.name, "body": authority.external_body},
            code="external",
        )
    for nomination in batch:
        if nomination.cadre is not None:
            _check_person(award_type, nomination.cadre, on=date)
    check_number_free(issuer, date.year, int(number))
    decision = Decision.objects.create(
        issuer=issuer,
        issuer_name=issuer.name,
        number=int(number),
        symbol=symbol.strip() or default_symbol(issuer),
        year=date.year,
        date=date,
        signer_name=signer_name.strip(),
        signer_title=signer_title.strip(),
        award_type=award_type,
        authority=authority,
        created_by=_person(actor),
    )
    _award_batch(decision, batch, award_type)
    log_action(
        actor=actor,
        action="awards.decide",
        obj=decision,
        unit=issuer,
        after={"number": decision.number_line, "awards": len(batch), "award": award_type.code},
    )
    return decision


def _award_batch(decision: Decision, batch: list[Nomination], award_type: AwardType) -> None:
    for nomination in batch:
        _create_award(
            decision,
            award_type=award_type,
            year=nomination.year,
            unit=nomination.unit,
            cadre=nomination.cadre,
            achievement=nomination.achievements.splitlines()[0] if nomination.achievements else "",
            nomination=nomination,
            fallback_scope=nomination.proposer,
        )
        nomination.status = NominationStatus.DECIDED
        nomination.save(update_fields=["status"])


@transaction.atomic
def send_up(
    *, actor, nominations: Sequence[Nomination], number: int, date: datetime.date
) -> list[Nomination]:
    """Send approved files to the external authority (the city's submission, number and
    date); its decision is recorded when it comes back."""
    batch = _approved_batch(nominations, NominationStatus.APPROVED)
    decider = batch[0].decider
    require_perm(actor, "awards.decide", decider)
    authority = require_authority(batch[0].award_type, decider, date)
    if not authority.is_external:
        raise ValidationError(
            _("%(body)s decides this award itself: issue its decision.") % {"body": decider.name},
            code="not_external",
        )
    if not number or int(number) < 1:
        raise ValidationError(_("The submission needs a number from 1."), code="number")
    for nomination in batch:
        nomination.status = NominationStatus.SENT_UP
        nomination.sent_number = int(number)
        nomination.sent_on = date
        nomination.save(update_fields=["status", "sent_number", "sent_on"])
    log_action(
        actor=actor,
        action="awards.send_up",
        obj=batch[0],
        unit=decider,
        after={"to": authority.external_body, "files": [n.pk for n in batch], "number": number},
    )
    return batch


@transaction.atomic
def record_external_decision(
    *,
    actor,
    nominations: Sequence[Nomination],
    number: int,
    date: datetime.date,
    symbol: str,
    signer_name: str,
    signer_title: str = "",
) -> Decision:
    """Record the external authority's decision on files the city sent up."""
    _check_decision_fields(number, date, signer_name)
    batch = _approved_batch(nominations, NominationStatus.SENT_UP)
    decider = batch[0].decider
    require_perm(actor, "awards.decide", decider)
    authority = batch[0].authority
    award_type = award_type_on(batch[0].award_type.code, date)
    for nomination in batch:
        if nomination.cadre is not None:
            _check_person(award_type, nomination.cadre, on=date)
    body = authority.external_body or decider.name
    if Decision.objects.filter(
        issuer__isnull=True, issuer_name=body, year=date.year, number=int(number)
    ).exists():
        raise ValidationError(
            _("Decision %(number)s of %(body)s for %(year)s is already recorded.")
            % {"number": number, "body": body, "year": date.year},
            code="number_used",
        )
    decision = Decision.objects.create(
        issuer=None,
        issuer_name=body,
        number=int(number),
        symbol=symbol.strip() or "QĐ",
        year=date.year,
        date=date,
        signer_name=signer_name.strip(),
        signer_title=signer_title.strip(),
        award_type=award_type,
        authority=authority,
        created_by=_person(actor),
    )
    _award_batch(decision, batch, award_type)
    log_action(
        actor=actor,
        action="awards.record_external",
        obj=decision,
        unit=decider,
        after={"body": body, "number": decision.number_line, "awards": len(batch)},
    )
    return decision


def revoking_unit(award: Award) -> Unit:
    """Who may revoke: the issuing body, or for an external decision the body that sent the
    file up (it records the revocation as it recorded the award)."""
    if award.decision.issuer is not None:
        return award.decision.issuer
    if award.nomination is not None:
        return award.nomination.decider
    return award.scope_unit


@transaction.atomic
def revoke_award(
    *,
    actor,
    award: Award,
    reason: str,
    on: datetime.date | None = None,
    money_to_recover: int | None = None,
) -> Award:
    """Revoke an award (fraud, a false file): the reason and the money to recover are kept;
    the award no longer counts anywhere."""
    require_perm(actor, "awards.decide", revoking_unit(award))
    award = Award.objects.select_for_update().get(pk=award.pk)
    if award.revoked_on is not None:
        raise ValidationError(_("This award is already revoked."), code="revoked")
    if not reason.strip():
        raise ValidationError(_("Give the reason for the revocation."), code="reason")
    if money_to_recover is None:
        money_to_recover = award.amount
    if money_to_recover is not None and (
        money_to_recover < 0 or (award.amount is not None and money_to_recover > award.amount)
    ):
        raise ValidationError(
            _("The money to recover is between 0 and the money awarded (%(amount)s đ).")
            % {"amount": f"{award.amount or 0:,}".replace(",", ".")},
            code="money",
        )
    award.revoked_on = on or _today()
    award.revoke_reason = reason.strip()
    award.money_to_recover = money_to_recover
    award.revoked_by = _person(actor)
    award.save(update_fields=["revoked_on", "revoke_reason", "money_to_recover", "revoked_by"])
    log_action(
        actor=actor,
        action="awards.revoke",
        obj=award,
        unit=award.scope_unit,
        after={"reason": award.revoke_reason, "recover": money_to_recover},
    )
    return award


@transaction.atomic
def present_at(*, actor, award: Award, event) -> Award:
    """Record that an award was handed over at an event (a generations meeting)."""
    require_perm(actor, "awards.decide", event.unit)
    award.presented_at = event
    award.save(update_fields=["presented_at"])
    log_action(
        actor=actor,
        action="awards.decide",
        obj=award,
        unit=event.unit,
        after={"presented_at": event.pk},
    )
    return award


# --- Commendation of practice models ----------------------------------------------------------


@transaction.atomic
def commend_model(
    *,
    actor,
    model: PracticeModel,
    issuer: Unit,
    award_code: str,
    number: int,
    date: datetime.date,
    signer_name: str,
    signer_title: str,
    symbol: str = "",
) -> Decision:
    """Commend a recognised “Dân vận khéo” model: an award decision for the collective that
    runs it, by a body of its commune or city with the power to award it."""
    require_perm(actor, "awards.decide", issuer)
    _check_decision_fields(number, date, signer_name)
    if issuer.kind not in ISSUERS or not model.unit.path.startswith(territory_of(issuer).path):
        raise ValidationError(
            _("The issuing body must be a committee or board of the model's commune or city."),
            code="issuer",
        )
    if model.status != ModelStatus.RECOGNISED:
        raise ValidationError(_("Only a recognised model can be commended."), code="status")
    award_type = award_type_on(award_code, date)
    if not award_type.accepts(collective=True):
        raise ValidationError(
            _("“%(award)s” is not awarded to collectives.") % {"award": award_type.name},
            code="recipient_kind",
        )
    authority = require_authority(award_type, issuer, date)
    check_number_free(issuer, date.year, int(number))
    decision = Decision.objects.create(
        issuer=issuer,
        issuer_name=issuer.name,
        number=int(number),
        symbol=symbol.strip() or default_symbol(issuer),
        year=date.year,
        date=date,
        signer_name=signer_name.strip(),
        signer_title=signer_title.strip(),
        award_type=award_type,
        authority=authority,
        created_by=_person(actor),
    )
    _create_award(
        decision,
        award_type=award_type,
        year=date.year,
        unit=model.unit,
        cadre=None,
        achievement=f"Mô hình “Dân vận khéo” “{model.name}”",
        practice_model=model,
        fallback_scope=model.unit,
    )
    registry_services.transition(
        actor=None, model=model, to=ModelStatus.COMMENDED, note=decision.number_line
    )
    log_action(
        actor=actor,
        action="awards.commend_model",
        obj=model,
        unit=model.unit,
        after={"decision": decision.number_line, "award": award_code},
    )
    return decision


# --- Cases that freeze ------------------------------------------------------------------------


@transaction.atomic
def link_case(
    *, actor, case: Case, unit: Unit | None = None, cadre: Cadre | None = None, note: str = ""
) -> CaseLink:
    """Record that a complaint or denunciation concerns a person or a collective: their
    proposals are frozen while it is open."""
    if (unit is None) == (cadre is None):
        raise ValidationError(_("Name either a person or a collective."), code="subject")
    if case.kind not in FREEZING_CASE_KINDS:
        raise ValidationError(
            _("Only a complaint or a denunciation freezes a proposal."), code="kind"
        )
    if unit is not None:
        require_perm(actor, "awards.nominate", unit)
        subject_unit = unit
    else:
        assert cadre is not None
        if (
            actor is not None
            and not Cadre.objects.visible_to(actor, perm="awards.nominate")
            .filter(pk=cadre.pk)
            .exists()
        ):
            raise PermissionDenied(_("This person is outside your scope."))
        subject_unit = cadre.record_unit
    link, created = CaseLink.objects.get_or_create(
        case=case,
        unit=unit,
        cadre=cadre,
        defaults={"note": note.strip()[:300], "recorded_by": _person(actor)},
    )
    if created:
        log_action(
            actor=actor,
            action="awards.link_case",
            obj=link,
            unit=subject_unit,
            after={"case": case.code},
        )
    return link


# --- Import of earlier awards -----------------------------------------------------------------


def award_type_for_record(code: str, on: datetime.date) -> AwardType:
    """The catalogue row of an award given on a date: the row in force then, else the
    earliest (an award older than the catalogue's first row keeps its name and code)."""
    rows = AwardType.objects.filter(code=code)
    found = rows.in_force(on).first() or rows.order_by("effective_from").first()
    if found is None:
        raise ValidationError(_("“%(code)s” is not in the catalogue.") % {"code": code})
    return found


@transaction.atomic
def import_awards(*, actor, rows: Iterable[dict]) -> tuple[int, int]:
    """Record earlier awards (checked rows of the import): their decisions are found or
    recorded as imported, in the issuer's register of the year; an award already there
    (same decision and recipient) is skipped. Return (created, skipped).

    The actor must hold "awards.nominate" where each award belongs; each unit gets one
    audit entry with the number imported into it."""
    created = skipped = 0
    per_unit: dict[Unit, int] = {}
    decisions: dict[tuple, Decision] = {}
    cadres: dict[int, Cadre] = {}
    for row in rows:
        cadre = None
        if row["cadre_id"] is not None:
            cadre = cadres.get(row["cadre_id"]) or Cadre.objects.get(pk=row["cadre_id"])
            cadres[cadre.pk] = cadre
        unit = row["unit"]
        scope_unit = _scope_of(unit=unit, cadre=cadre, fallback=unit or cadre.record_unit)  # type: ignore[union-attr]
        if scope_unit not in per_unit:
            require_perm(actor, "awards.nominate", scope_unit)
            per_unit[scope_unit] = 0
        award_type = award_type_for_record(row["award_code"], row["date"])
        issuer = row["issuer"]
        key = (
            issuer.pk if issuer else row["issuer_name"],
            row["date"].year,
            row["number"],
        )
        decision = decisions.get(key)
        if decision is None:
            lookup = (
                {"issuer": issuer}
                if issuer is not None
                else {"issuer__isnull": True, "issuer_name": row["issuer_name"]}
            )
            decision = Decision.objects.filter(
                **lookup, year=row["date"].year, number=row["number"]
            ).first()
            if decision is None:
                decision = Decision.objects.create(
                    issuer=issuer,
                    issuer_name=issuer.name if issuer else row["issuer_name"],
                    number=row["number"],
                    symbol=row["symbol"],
                    year=row["date"].year,
                    date=row["date"],
                    award_type=award_type,
                    imported=True,
                    created_by=_person(actor),
                )
            decisions[key] = decision
        duplicate = Award.objects.filter(decision=decision, cadre=cadre, unit=unit).exists()
        if duplicate:
            skipped += 1
            continue
        Award.objects.create(
            decision=decision,
            award_type=award_type,
            year=row["year"],
            unit=unit,
            cadre=cadre,
            recipient_name=cadre.full_name if cadre else unit.name,
            achievement=row["achievement"],
            scope_unit=scope_unit,
            scope_path=scope_unit.path,
        )
        created += 1
        per_unit[scope_unit] += 1
    for unit, count in per_unit.items():
        log_action(
            actor=actor, action="awards.import", obj=unit, unit=unit, after={"created": count}
        )
    return created, skipped
