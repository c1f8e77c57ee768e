"""Every change of grassroots democracy's records: publications and their clocks, household
registers, petitions, votes and their tallies, consultations and their answers, the
supervision boards and the annual dialogue. Staff pages, the portal, imports, the demo
and the tests all call these.

Each function checks the actor's named permission (democracy/rules.py) on the unit
concerned, refuses bad input with a message in the reader's language before writing
anything, writes an audit entry and raises the commune's stamp (the key of its cached
public page).
"""

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.core.audit import log_action
from danvan.core.workdays import WorkCalendar
from danvan.democracy.models import (
    Ballot,
    Board,
    BoardKind,
    BoardMember,
    BoardRule,
    Choice,
    Comment,
    CommentChannel,
    CommentGroup,
    CommuneStamp,
    Consultation,
    DecidedBy,
    Dialogue,
    DialogueItem,
    DraftKind,
    Finding,
    Household,
    Matter,
    MatterKind,
    MatterStatus,
    Outcome,
    Petition,
    PetitionRule,
    Position,
    Publication,
    PublicationGroup,
    PublicationRule,
    PublishChannel,
    Recommendation,
    Response,
    SupervisionPlan,
    VoteMethod,
    VoteRule,
    VotingCode,
    meets_share,
    needed_for_share,
    new_voting_code,
    share_text,
)
from danvan.democracy.rollup import households_of
from danvan.lib.vntext import fold
from danvan.organisations.kinds import CASE_HANDLERS
from danvan.organisations.models import Unit, UnitKind
from danvan.voice import services as voice_services
from danvan.voice.models import Category, Channel, Kind

MAX_COMMENT = 5000


def _date(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _require(actor, unit: Unit, perm: str = "democracy.edit") -> None:
    """Refuse an actor without the named permission on the unit; None is the system."""
    if actor is not None and not actor.has_perm(perm, unit):
        raise PermissionDenied(_("This is outside your scope."))


def _person(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _audit(actor, action: str, obj, unit: Unit, *, before=None, after=None) -> None:
    log_action(
        actor=actor, action=f"democracy.{action}", obj=obj, unit=unit, before=before, after=after
    )


def _text(value: str, message: str, *, code: str = "required") -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(message, code=code)
    return value


def _not_future(day: datetime.date, today: datetime.date, what: str) -> None:
    if day > today:
        raise ValidationError(
            _("%(what)s cannot be in the future (%(date)s).") % {"what": what, "date": _date(day)},
            code="future",
        )


def touch(commune: Unit) -> None:
    """Raise the commune's stamp: its cached public page is read again on the next visit."""
    if not CommuneStamp.objects.filter(commune_id=commune.pk).update(version=F("version") + 1):
        try:
            with transaction.atomic():
                CommuneStamp.objects.create(commune_id=commune.pk, version=1)
        except IntegrityError:  # created meanwhile by another request
            CommuneStamp.objects.filter(commune_id=commune.pk).update(version=F("version") + 1)


def _check_commune(unit: Unit) -> None:
    if unit.kind != UnitKind.COMMUNE or not unit.is_current():
        raise ValidationError(_("Choose a commune or ward that exists today."), code="commune")


def _check_hamlet(unit: Unit) -> None:
    if unit.kind != UnitKind.HAMLET or not unit.is_current():
        raise ValidationError(
            _("Choose a hamlet or residential group that exists today."), code="hamlet"
        )


def commune_of(unit: Unit) -> Unit:
    """The commune a unit lies in (itself when it is one)."""
    if unit.kind == UnitKind.COMMUNE:
        return unit
    found = (
        Unit.objects.filter(path__in=unit.ancestor_paths(), kind=UnitKind.COMMUNE)
        .order_by("-depth")
        .first()
    )
    if found is None:
        raise ValidationError(_("This unit lies in no commune."), code="commune")
    return found


# Publications --------------------------------------------------------------------------------


def find_publication_rule(group: PublicationGroup, on: datetime.date) -> PublicationRule | None:
    """The rule in force on a date: the group's own beats the general one."""
    rules = list(PublicationRule.objects.in_force(on).filter(group__in=[group.pk]))
    rules += list(PublicationRule.objects.in_force(on).filter(group__isnull=True))
    rules.sort(key=lambda r: (r.group_id is None, -r.effective_from.toordinal()))
    return rules[0] if rules else None


def _check_channels(channels: Iterable[str]) -> list[str]:
    channels = list(dict.fromkeys(channels))
    if not channels:
        raise ValidationError(
            _("Say where it was published: at least one channel."), code="channels"
        )
    unknown = set(channels) - set(PublishChannel.values)
    if unknown:
        raise ValidationError(_("Unknown channel: %(codes)s.") % {"codes": ", ".join(unknown)})
    return channels


def _set_published(
    publication: Publication,
    published_on: datetime.date,
    channels: Iterable[str],
    today: datetime.date,
) -> None:
    if published_on < publication.document_date:
        raise ValidationError(
            _(
                "A publication cannot be dated before its document: the document is of "
                "%(document)s, the publication of %(published)s."
            )
            % {"document": _date(publication.document_date), "published": _date(published_on)},
            code="before_document",
        )
    _not_future(published_on, today, _("The publication date"))
    publication.channels = _check_channels(channels)
    publication.published_on = published_on
    publication.posted_until = published_on + datetime.timedelta(
        days=publication.rule.keep_posted_days
    )
    publication.late = published_on > publication.due_on


@transaction.atomic
def register_publication(
    *,
    actor,
    commune: Unit,
    group: PublicationGroup,
    title: str,
    document_date: datetime.date,
    document_number: str = "",
    published_on: datetime.date | None = None,
    channels: Sequence[str] = (),
    calendar: WorkCalendar | None = None,
    today: datetime.date | None = None,
) -> Publication:
    """Register a document the commune must publish; its clock starts from the document's
    date (the rule's working days). Published at once when `published_on` is given."""
    _require(actor, commune)
    _check_commune(commune)
    today = today or timezone.localdate()
    title = _text(title, _("Give the title of what is published."))
    if not group.is_active:
        raise ValidationError(_("This group of information is no longer in use."), code="group")
    _not_future(document_date, today, _("The date of the document"))
    rule = find_publication_rule(group, document_date)
    if rule is None:
        raise ValidationError(
            _("No publication rule is in force on %(date)s.") % {"date": _date(document_date)},
            code="rule",
        )
    calendar = calendar or WorkCalendar.from_db()
    publication = Publication(
        commune=commune,
        group=group,
        title=title[:300],
        document_number=document_number.strip()[:60],
        document_date=document_date,
        rule=rule,
        due_on=calendar.add_working_days(document_date, rule.publish_within_days),
        created_by=_person(actor),
    )
    if published_on is not None:
        _set_published(publication, published_on, channels, today)
    publication.refresh_search_text()
    publication.save()
    _audit(
        actor,
        "publication_add",
        publication,
        commune,
        after={"due_on": publication.due_on.isoformat(), "rule": rule.pk},
    )
    touch(commune)
    return publication


@transaction.atomic
def publish(
    *,
    actor,
    publication: Publication,
    published_on: datetime.date,
    channels: Sequence[str],
    today: datetime.date | None = None,
) -> Publication:
    """Record that a registered document was published, where, and until when it stays."""
    publication = (
        Publication.objects.select_for_update()
        .select_related("rule", "commune", "group")
        .get(pk=publication.pk)
    )
    _require(actor, publication.commune)
    if publication.is_published:
        raise ValidationError(_("This document is already published."), code="published")
    _set_published(publication, published_on, channels, today or timezone.localdate())
    publication.save()
    _audit(
        actor,
        "publish",
        publication,
        publication.commune,
        after={"published_on": published_on.isoformat(), "late": publication.late},
    )
    touch(publication.commune)
    return publication


# Households ----------------------------------------------------------------------------------


def _household_fields(head_name: str, members, address: str) -> tuple[str, int, str]:
    head_name = _text(head_name, _("Give the name of the head of household."))
    address = _text(address, _("Give the household's address."))
    try:
        members = int(members)
    except (TypeError, ValueError) as exc:
        raise ValidationError(
            _("The number of members is a whole number."), code="members"
        ) from exc
    if not 1 <= members <= 100:
        raise ValidationError(_("A household has between 1 and 100 members."), code="members")
    return head_name[:120], members, address[:200]


@transaction.atomic
def register_household(
    *, actor, hamlet: Unit, head_name: str, members: int, address: str
) -> Household:
    """Add a household to a hamlet's register."""
    _require(actor, hamlet)
    _check_hamlet(hamlet)
    head_name, members, address = _household_fields(head_name, members, address)
    if Household.objects.filter(hamlet=hamlet, head_name=head_name, address=address).exists():
        raise ValidationError(
            _("This household (same head and address) is already on the register."),
            code="duplicate",
        )
    household = Household(hamlet=hamlet, head_name=head_name, members=members, address=address)
    household.refresh_search_text()
    household.save()
    _audit(actor, "household_add", household, hamlet, after={"members": members})
    return household


@transaction.atomic
def update_household(*, actor, household: Household, **changes) -> Household:
    """Change a household's members or address, or take it off the register (moved away)."""
    household = Household.objects.select_for_update().select_related("hamlet").get(pk=household.pk)
    _require(actor, household.hamlet)
    unknown = set(changes) - {"head_name", "members", "address", "is_active"}
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    before = {name: getattr(household, name) for name in changes}
    head_name, members, address = _household_fields(
        changes.get("head_name", household.head_name),
        changes.get("members", household.members),
        changes.get("address", household.address),
    )
    clash = Household.objects.filter(
        hamlet=household.hamlet_id, head_name=head_name, address=address
    ).exclude(pk=household.pk)
    if clash.exists():
        raise ValidationError(
            _("This household (same head and address) is already on the register."),
            code="duplicate",
        )
    household.head_name, household.members, household.address = head_name, members, address
    household.is_active = bool(changes.get("is_active", household.is_active))
    household.refresh_search_text()
    household.save()
    _audit(
        actor,
        "household_change",
        household,
        household.hamlet,
        before={k: v for k, v in before.items() if k != "head_name"},
        after={k: getattr(household, k) for k in changes if k != "head_name"},
    )
    return household


@transaction.atomic
def import_households(*, actor, hamlet: Unit, rows: Sequence) -> dict[str, int]:
    """Write a checked sheet of households (imports.HouseholdRow) into a hamlet's register:
    a household already there (same head and address) gets the sheet's members; a new one
    is added. Every row or none."""
    _require(actor, hamlet)
    _check_hamlet(hamlet)
    existing = {
        (h.head_name, h.address): h
        for h in Household.objects.filter(hamlet=hamlet).only(
            "id", "head_name", "address", "members"
        )
    }
    new, changed, seen = [], [], set()
    for row in rows:
        key = (row.head_name, row.address)
        if key in seen:
            continue
        seen.add(key)
        found = existing.get(key)
        if found is None:
            household = Household(
                hamlet=hamlet, head_name=row.head_name, members=row.members, address=row.address
            )
            household.refresh_search_text()
            new.append(household)
        elif found.members != row.members:
            found.members = row.members
            changed.append(found)
    Household.objects.bulk_create(new, batch_size=1000)
    Household.objects.bulk_update(changed, ["members"], batch_size=1000)
    result = {
        "created": len(new),
        "updated": len(changed),
        "unchanged": len(seen) - len(new) - len(changed),
    }
    _audit(actor, "households_import", hamlet, hamlet, after=result)
    return result


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


# Consultations -------------------------------------------------------------------------------


@transaction.atomic
def open_consultation(
    *,
    actor,
    commune: Unit,
    kind: str,
    title: str,
    summary: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
) -> Consultation:
    """Open a draft for the residents' comments for a period."""
    _require(actor, commune)
    _check_commune(commune)
    title = _text(title, _("Give the draft's title."))
    summary = _text(summary, _("Say what the draft is about."))
    if kind not in DraftKind.values:
        raise ValidationError(_("Choose the kind of draft."), code="kind")
    if closes_on < opens_on:
        raise ValidationError(
            _("The consultation must close on or after the day it opens."), code="period"
        )
    consultation = Consultation(
        commune=commune,
        kind=kind,
        title=title[:300],
        summary=summary,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=_person(actor),
    )
    consultation.refresh_search_text()
    consultation.save()
    _audit(
        actor,
        "consultation_open",
        consultation,
        commune,
        after={"opens_on": opens_on.isoformat(), "closes_on": closes_on.isoformat()},
    )
    touch(commune)
    return consultation


def _comment_text(text: str) -> str:
    text = _text(text, _("Write your comment."))
    if len(text) > MAX_COMMENT:
        raise ValidationError(
            _("A comment has at most %(n)d characters.") % {"n": MAX_COMMENT}, code="long"
        )
    return text


@transaction.atomic
def submit_comment(
    *, consultation: Consultation, text: str, contact: str = "", today=None
) -> Comment:
    """A resident's comment from the portal, with no account; a contact is optional."""
    consultation = Consultation.objects.select_related("commune").get(pk=consultation.pk)
    today = today or timezone.localdate()
    if not consultation.is_open(today):
        raise ValidationError(
            _("Comments on this draft are taken from %(start)s to %(end)s.")
            % {"start": _date(consultation.opens_on), "end": _date(consultation.closes_on)},
            code="closed",
        )
    comment = Comment.objects.create(
        consultation=consultation,
        channel=CommentChannel.PORTAL,
        text=_comment_text(text),
        contact=contact.strip()[:200],
    )
    _audit(None, "comment", comment, consultation.commune, after={"channel": "portal"})
    return comment


def _open_for_records(consultation: Consultation) -> None:
    if consultation.report_published_on is not None:
        raise ValidationError(
            _("The report on this consultation is published: its comments are final."),
            code="reported",
        )


@transaction.atomic
def add_meeting_comment(*, actor, consultation: Consultation, text: str, meeting: str) -> Comment:
    """A comment given at a meeting, entered by a clerk."""
    consultation = Consultation.objects.select_related("commune").get(pk=consultation.pk)
    _require(actor, consultation.commune)
    _open_for_records(consultation)
    meeting = _text(meeting, _("Say at which meeting the comment was given."))
    comment = Comment.objects.create(
        consultation=consultation,
        channel=CommentChannel.MEETING,
        text=_comment_text(text),
        meeting=meeting[:200],
        entered_by=_person(actor),
    )
    _audit(actor, "comment", comment, consultation.commune, after={"channel": "meeting"})
    return comment


@transaction.atomic
def group_comments(
    *,
    actor,
    consultation: Consultation,
    comments: Iterable[Comment],
    title: str = "",
    group: CommentGroup | None = None,
) -> CommentGroup:
    """Put comments in a group, a new one (with its title) or an existing one."""
    consultation = Consultation.objects.select_related("commune").get(pk=consultation.pk)
    _require(actor, consultation.commune)
    _open_for_records(consultation)
    ids = [c.pk for c in comments]
    if not ids:
        raise ValidationError(_("Choose the comments to group."), code="empty")
    if Comment.objects.filter(pk__in=ids).exclude(consultation=consultation).exists():
        raise ValidationError(_("These comments are of another consultation."), code="other")
    if group is None:
        group = CommentGroup.objects.create(
            consultation=consultation,
            title=_text(title, _("Say what the comments of the group say."))[:300],
        )
    elif group.consultation_id != consultation.pk:
        raise ValidationError(_("This group is of another consultation."), code="other")
    Comment.objects.filter(pk__in=ids).update(group=group)
    _audit(actor, "group", group, consultation.commune, after={"comments": ids})
    return group


def _closed(consultation: Consultation, today: datetime.date) -> None:
    if today <= consultation.closes_on:
        raise ValidationError(
            _("The consultation is open until %(date)s: its comments are answered after it closes.")
            % {"date": _date(consultation.closes_on)},
            code="still_open",
        )


@transaction.atomic
def answer_group(
    *, actor, group: CommentGroup, response: str, answer: str, today=None
) -> CommentGroup:
    """Say how a group of comments was taken in (tiếp thu), or why not (giải trình)."""
    group = CommentGroup.objects.select_related("consultation__commune").get(pk=group.pk)
    consultation = group.consultation
    _require(actor, consultation.commune)
    _closed(consultation, today or timezone.localdate())
    _open_for_records(consultation)
    if response not in Response.values:
        raise ValidationError(_("Say whether the comments were taken in."), code="response")
    group.response = response
    group.answer = _text(answer, _("Write how the comments were taken in, or why not."))
    group.save(update_fields=["response", "answer"])
    _audit(actor, "answer", group, consultation.commune, after={"response": response})
    return group


@transaction.atomic
def publish_report(
    *, actor, consultation: Consultation, report: str, today: datetime.date | None = None
) -> Consultation:
    """Publish the report on the comments: every comment in a group, every group answered."""
    consultation = (
        Consultation.objects.select_for_update().select_related("commune").get(pk=consultation.pk)
    )
    _require(actor, consultation.commune)
    today = today or timezone.localdate()
    _closed(consultation, today)
    _open_for_records(consultation)
    loose = consultation.comments.filter(group__isnull=True).count()
    if loose:
        raise ValidationError(
            _("%(n)d comments are in no group yet.") % {"n": loose}, code="ungrouped"
        )
    unanswered = consultation.groups.filter(response="").count()
    if unanswered:
        raise ValidationError(
            _("%(n)d groups of comments have no answer yet.") % {"n": unanswered},
            code="unanswered",
        )
    consultation.report = _text(report, _("Write the report on the comments."))
    consultation.report_published_on = today
    consultation.save(update_fields=["report", "report_published_on"])
    _audit(actor, "report", consultation, consultation.commune, after={"on": today.isoformat()})
    touch(consultation.commune)
    return consultation


# Supervision boards --------------------------------------------------------------------------


def find_board_rule(kind: str, on: datetime.date) -> BoardRule | None:
    return (
        BoardRule.objects.in_force(on).filter(board_kind=kind).order_by("-effective_from").first()
    )


@transaction.atomic
def set_up_board(
    *,
    actor,
    commune: Unit,
    kind: str,
    name: str,
    term_start: datetime.date,
    term_end: datetime.date | None = None,
    project: str = "",
    project_owner: str = "",
    contractor: str = "",
) -> Board:
    """Record a commune's people's inspection board, or a project's community investment
    supervision board (with the project's owner and contractor, whom its members may not be
    tied to)."""
    _require(actor, commune)
    _check_commune(commune)
    name = _text(name, _("Give the board's name."))
    if kind not in BoardKind.values:
        raise ValidationError(_("Choose the kind of board."), code="kind")
    if kind == BoardKind.INVESTMENT and not (project.strip() and project_owner.strip()):
        raise ValidationError(
            _(
                "A community investment supervision board needs its project and the "
                "project's owner."
            ),
            code="project",
        )
    if term_end is not None and term_end < term_start:
        raise ValidationError(_("The term cannot end before it starts."), code="term")
    board = Board.objects.create(
        commune=commune,
        kind=kind,
        name=name[:300],
        project=project.strip()[:300],
        project_owner=project_owner.strip()[:200],
        contractor=contractor.strip()[:200],
        term_start=term_start,
        term_end=term_end,
        created_by=_person(actor),
    )
    _audit(actor, "board_add", board, commune, after={"kind": kind})
    touch(commune)
    return board


def ineligibility(
    board: Board,
    rule: BoardRule,
    *,
    is_commune_official: bool,
    tied_to_project: bool,
    workplace: str,
) -> list[str]:
    """The reasons, each naming its rule, a person may not sit on the board (none: may)."""
    reasons = []
    if rule.excludes_officials and is_commune_official:
        reasons.append(
            _(
                "A member of the %(board)s may not hold a post in the commune's authorities "
                "(%(basis)s)."
            )
            % {"board": board.get_kind_display().lower(), "basis": rule.legal_basis}
        )
    if rule.excludes_project_ties:
        place = fold(workplace)
        parties = [
            (_("the project's owner"), board.project_owner),
            (_("the contractor"), board.contractor),
        ]
        for role, party in parties:
            if party.strip() and place and (fold(party) in place or place in fold(party)):
                reasons.append(
                    _(
                        "Works at %(place)s, which is %(role)s (%(party)s): no one tied to the "
                        "project's owner or contractor may supervise it (%(basis)s)."
                    )
                    % {
                        "place": workplace.strip(),
                        "role": role,
                        "party": party,
                        "basis": rule.legal_basis,
                    }
                )
        if tied_to_project:
            reasons.append(
                _(
                    "Is related to the project's owner or contractor: no one tied to them may "
                    "supervise the project (%(basis)s)."
                )
                % {"basis": rule.legal_basis}
            )
    return reasons


@transaction.atomic
def add_member(
    *,
    actor,
    board: Board,
    full_name: str,
    joined_on: datetime.date,
    position: str = Position.MEMBER,
    workplace: str = "",
    is_commune_official: bool = False,
    tied_to_project: bool = False,
) -> BoardMember:
    """Add a member to a board, refused with its reasons when the dated rule of the board's
    kind excludes the person."""
    board = Board.objects.select_related("commune").get(pk=board.pk)
    _require(actor, board.commune)
    full_name = _text(full_name, _("Give the member's full name."))
    if position not in Position.values:
        raise ValidationError(_("Choose the member's position."), code="position")
    rule = find_board_rule(board.kind, joined_on)
    if rule is None:
        raise ValidationError(_("No board rule is in force on this date."), code="rule")
    reasons = ineligibility(
        board,
        rule,
        is_commune_official=is_commune_official,
        tied_to_project=tied_to_project,
        workplace=workplace,
    )
    if reasons:
        raise ValidationError(
            [_("%(name)s cannot sit on this board.") % {"name": full_name}, *reasons],
            code="ineligible",
        )
    member = BoardMember.objects.create(
        board=board,
        full_name=full_name[:120],
        position=position,
        workplace=workplace.strip()[:200],
        is_commune_official=is_commune_official,
        tied_to_project=tied_to_project,
        joined_on=joined_on,
        rule=rule,
    )
    _audit(actor, "member_add", member, board.commune, after={"board": board.pk, "rule": rule.pk})
    touch(board.commune)
    return member


@transaction.atomic
def member_leaves(*, actor, member: BoardMember, left_on: datetime.date) -> BoardMember:
    member = BoardMember.objects.select_related("board__commune").get(pk=member.pk)
    _require(actor, member.board.commune)
    if left_on < member.joined_on:
        raise ValidationError(
            _("A member cannot leave before joining (%(date)s).")
            % {"date": _date(member.joined_on)},
            code="early",
        )
    member.left_on = left_on
    member.save(update_fields=["left_on"])
    _audit(actor, "member_leave", member, member.board.commune, after={"on": left_on.isoformat()})
    touch(member.board.commune)
    return member


@transaction.atomic
def add_plan(*, actor, board: Board, year: int, title: str, content: str) -> SupervisionPlan:
    board = Board.objects.select_related("commune").get(pk=board.pk)
    _require(actor, board.commune)
    plan = SupervisionPlan.objects.create(
        board=board,
        year=year,
        title=_text(title, _("Give the plan's title."))[:300],
        content=_text(content, _("Say what is supervised and when.")),
    )
    _audit(actor, "plan", plan, board.commune, after={"year": year})
    return plan


@transaction.atomic
def record_finding(
    *,
    actor,
    board: Board,
    found_on: datetime.date,
    summary: str,
    plan: SupervisionPlan | None = None,
) -> Finding:
    board = Board.objects.select_related("commune").get(pk=board.pk)
    _require(actor, board.commune)
    _not_future(found_on, timezone.localdate(), _("The date of the finding"))
    if plan is not None and plan.board_id != board.pk:
        raise ValidationError(_("This plan is of another board."), code="plan")
    finding = Finding.objects.create(
        board=board,
        plan=plan,
        found_on=found_on,
        summary=_text(summary, _("Say what was found.")),
    )
    _audit(actor, "finding", finding, board.commune)
    return finding


@transaction.atomic
def send_recommendation(
    *,
    actor,
    board: Board,
    title: str,
    text: str,
    responsible: Unit,
    finding: Finding | None = None,
) -> Recommendation:
    """Send a board's recommendation to the unit responsible as a citizen's-voice case: it
    gets that case's deadline, handling and answer (voice.services)."""
    board = Board.objects.select_related("commune").get(pk=board.pk)
    _require(actor, board.commune)
    title = _text(title, _("Give the recommendation a title."))
    text = _text(text, _("Write the recommendation."))
    if responsible.kind not in CASE_HANDLERS or not responsible.is_current():
        raise ValidationError(
            _("Send it to a committee, agency or school that exists today."), code="responsible"
        )
    if finding is not None and finding.board_id != board.pk:
        raise ValidationError(_("This finding is of another board."), code="finding")
    category = Category.objects.filter(code="giam-sat-cong-dong", is_active=True).first()
    if category is None:
        raise ValidationError(
            _("The category of the boards' recommendations is not in use."), code="category"
        )
    case = voice_services.submit_case(
        actor=actor,
        channel=Channel.LETTER,
        kind=Kind.RECOMMENDATION,
        category=category,
        commune=board.commune,
        title=title[:200],
        description=_("Recommendation of %(board)s: %(text)s")
        % {"board": board.name, "text": text},
    )
    if case.responsible_id != responsible.pk:
        if actor is None or actor.has_perm("voice.handle", responsible):
            case = voice_services.assign_case(actor=actor, case=case, unit=responsible)
        else:
            case = voice_services.forward_case(actor=actor, case=case, to_unit=responsible)
    recommendation = Recommendation.objects.create(
        board=board,
        finding=finding,
        title=title[:200],
        text=text,
        responsible=responsible,
        sent_on=timezone.localdate(),
        case=case,
    )
    _audit(
        actor,
        "recommend",
        recommendation,
        board.commune,
        after={"case": case.code, "responsible": responsible.pk},
    )
    touch(board.commune)
    return recommendation


# The annual dialogue -------------------------------------------------------------------------


@transaction.atomic
def record_dialogue(
    *,
    actor,
    commune: Unit,
    held_on: datetime.date,
    place: str,
    chaired_by: str,
    participants: int,
    items: Sequence[tuple[str, str, str]],
    summary: str = "",
) -> Dialogue:
    """Record a dialogue between the commune's leaders and residents: the questions raised,
    the answers given and what is to follow."""
    _require(actor, commune)
    _check_commune(commune)
    _not_future(held_on, timezone.localdate(), _("The date of the dialogue"))
    items = [(q.strip(), a.strip(), f.strip()) for q, a, f in items if q.strip()]
    if not items:
        raise ValidationError(_("Enter at least one question raised."), code="questions")
    if participants < 0:
        raise ValidationError(_("Counts cannot be negative."), code="participants")
    dialogue = Dialogue.objects.create(
        commune=commune,
        held_on=held_on,
        place=_text(place, _("Say where the dialogue was held."))[:200],
        chaired_by=_text(chaired_by, _("Say who chaired the dialogue."))[:200],
        participants=participants,
        summary=summary.strip(),
    )
    DialogueItem.objects.bulk_create(
        [DialogueItem(dialogue=dialogue, question=q, answer=a, follow_up=f) for q, a, f in items]
    )
    _audit(actor, "dialogue", dialogue, commune, after={"questions": len(items)})
    touch(commune)
    return dialogue


@transaction.atomic
def mark_follow_up_done(*, actor, item: DialogueItem) -> DialogueItem:
    item = DialogueItem.objects.select_related("dialogue__commune").get(pk=item.pk)
    _require(actor, item.dialogue.commune)
    if not item.follow_up_done:
        item.follow_up_done = True
        item.save(update_fields=["follow_up_done"])
        _audit(actor, "dialogue", item.dialogue, item.dialogue.commune, after={"done": item.pk})
        touch(item.dialogue.commune)
    return item
