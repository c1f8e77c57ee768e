"""The people's supervision boards (members, plans, findings, recommendations sent as
citizen's-voice cases) and the annual dialogue with residents."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.democracy.models import (
    Board,
    BoardKind,
    BoardMember,
    BoardRule,
    Dialogue,
    DialogueItem,
    Finding,
    Position,
    Recommendation,
    SupervisionPlan,
)
from danvan.democracy.services.common import (
    _audit,
    _check_commune,
    _date,
    _not_future,
    _person,
    _require,
    _text,
    touch,
)
from danvan.lib.vntext import fold
from danvan.organisations.kinds import CASE_HANDLERS
from danvan.organisations.models import Unit
from danvan.voice import services as voice_services
from danvan.voice.models import Category, Channel, Kind

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
