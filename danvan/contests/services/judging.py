"""Judges' sheets: each judge saves their own points, one criterion at a time, while the round
is being scored; the organiser may show a team's part on the scoreboard once every judge
has scored it, which locks those sheets."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.contests import scoring
from danvan.contests.models import (
    Criterion,
    JudgeAssignment,
    PartResult,
    Round,
    RoundEntry,
    RoundPart,
    RoundStatus,
    Score,
)
from danvan.contests.services.common import (
    conflict_reason,
    lock_round,
    require_manager,
    require_status,
    round_entries,
)
from danvan.core.audit import log_action


def parse_points(raw, criterion: Criterion) -> Decimal | None:
    """Read a judge's points for a criterion ("8,5" or "8.5"); None for an empty box.

    Refused with a message naming the criterion: not a number, below zero, over the
    maximum, a half point where only whole points are allowed."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    text = str(raw).strip().replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValidationError(
            _("“%(value)s” is not a number of points.") % {"value": str(raw)[:20]},
            code="not_a_number",
        ) from exc
    if not value.is_finite():
        raise ValidationError(_("“%(value)s” is not a number of points.") % {"value": text[:20]})
    names = {"criterion": criterion.name, "max": _points(criterion.max_points)}
    if value < 0 or value > criterion.max_points:
        raise ValidationError(
            _("The points for “%(criterion)s” must be between 0 and %(max)s.") % names,
            code="range",
        )
    step = Decimal("0.5") if criterion.half_points else Decimal(1)
    if value % step:
        if criterion.half_points:
            message = _("“%(criterion)s” takes whole or half points.")
        else:
            message = _("“%(criterion)s” takes whole points only.")
        raise ValidationError(message % names, code="step")
    return value.quantize(Decimal("0.1"))


def _points(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


def judge_assignment(actor, round_: Round) -> JudgeAssignment:
    assignment = (
        JudgeAssignment.objects.filter(round=round_, juror=actor)
        .select_related("home_unit", "cluster")
        .first()
    )
    if assignment is None:
        raise PermissionDenied(_("You are not a judge of this round."))
    return assignment


def _check_sheet(
    assignment: JudgeAssignment, round_: Round, entry: RoundEntry, part: RoundPart
) -> None:
    """Refuse a sheet the judge may not fill: not theirs to judge, or already shown."""
    if entry.round_id != round_.pk or part.round_id != round_.pk:
        raise ValidationError(_("This team or part is not of this round."), code="round")
    if not assignment.covers(entry):
        raise ValidationError(
            _("This team is outside your assignment: you judge %(cluster)s only.")
            % {"cluster": assignment.cluster.name if assignment.cluster else ""},
            code="assignment",
        )
    reason = conflict_reason(assignment.home_unit, entry.team.unit)
    if reason:
        raise ValidationError(
            _("You may not judge this team: %(reason)s (conflict of interest).")
            % {"reason": reason},
            code="conflict",
        )
    if PartResult.objects.filter(entry=entry, part=part, revealed_at__isnull=False).exists():
        raise ValidationError(
            _("This part of the team is already on the scoreboard: its sheets are locked."),
            code="revealed",
        )


@transaction.atomic
def record_sheet(*, actor, entry: RoundEntry, part: RoundPart, values: dict) -> list[Score]:
    """Save a judge's points for some criteria of one part of one team (criterion id →
    points; an empty value clears it). Either every value is saved or none."""
    round_ = lock_round(entry.round)
    assignment = judge_assignment(actor, round_)
    require_status(round_, RoundStatus.SCORING)
    entry = RoundEntry.objects.select_related("team__unit").get(pk=entry.pk)
    _check_sheet(assignment, round_, entry, part)
    criteria = {c.pk: c for c in part.rubric.criteria.all()}
    unknown = [k for k in values if int(k) not in criteria]
    if unknown:
        raise ValidationError(_("That criterion is not on this part's rubric."), code="criterion")
    parsed = {int(k): parse_points(raw, criteria[int(k)]) for k, raw in values.items()}
    existing = {
        s.criterion_id: s for s in Score.objects.filter(part=part, entry=entry, juror=actor)
    }
    now = timezone.now()
    saved, before, after = [], {}, {}
    for criterion_id, value in parsed.items():
        score = existing.get(criterion_id)
        old = score.value if score else None
        if old == value:
            if score:
                saved.append(score)
            continue
        before[str(criterion_id)] = str(old) if old is not None else None
        after[str(criterion_id)] = str(value) if value is not None else None
        if value is None:
            if score is not None:
                score.delete()
        elif score is not None:
            score.value, score.updated_at = value, now
            score.save(update_fields=["value", "updated_at"])
            saved.append(score)
        else:
            saved.append(
                Score.objects.create(
                    part=part, entry=entry, juror=actor, criterion_id=criterion_id,
                    value=value, updated_at=now,
                )
            )  # fmt: skip
    if after:
        log_action(
            actor=actor,
            action="contests.score",
            obj=entry.team,
            unit=round_.contest.organiser,
            before={"part": part.pk, "points": before},
            after={"part": part.pk, "points": after},
        )
    return saved


def save_score(*, actor, entry: RoundEntry, part: RoundPart, criterion: Criterion, value):
    """Save (or clear) one criterion's points of a judge's sheet: what the sheet sends as the
    judge types."""
    saved = record_sheet(actor=actor, entry=entry, part=part, values={criterion.pk: value})
    return saved[0] if saved else None


# Reading the sheets: what is complete, and each judge's total ---------------------------


@dataclass
class SheetTotals:
    """The round's complete sheets: (entry, part) → judge → sum of the criteria."""

    totals: dict[tuple[int, int], dict[int, Decimal]]
    expected: dict[int, set[int]]  # entry → judges who score it
    criteria: dict[int, int]  # part → criteria on its rubric

    def complete(self, entry_id: int, part_id: int) -> bool:
        judges = self.expected.get(entry_id, set())
        return bool(judges) and judges <= set(self.totals.get((entry_id, part_id), {}))

    def done(self, entry_id: int, part_id: int) -> int:
        judges = self.expected.get(entry_id, set())
        return len(judges & set(self.totals.get((entry_id, part_id), {})))


def sheet_totals(round_: Round, entries: list[RoundEntry] | None = None) -> SheetTotals:
    """Each judge's complete sheets of the round (three queries)."""
    entries = entries if entries is not None else round_entries(round_)
    assignments = list(round_.judges.select_related("home_unit"))
    criteria = dict(
        RoundPart.objects.filter(round=round_)
        .annotate(n=Count("rubric__criteria"))
        .values_list("pk", "n")
    )
    expected = {
        e.pk: {
            a.juror_id
            for a in assignments
            if a.covers(e) and conflict_reason(a.home_unit, e.team.unit) is None
        }
        for e in entries
    }
    totals: dict[tuple[int, int], dict[int, Decimal]] = defaultdict(dict)
    rows = (
        Score.objects.filter(entry__round=round_)
        .values("entry", "part", "juror")
        .annotate(total=Sum("value"), n=Count("id"))
        .values_list("entry", "part", "juror", "total", "n")
    )
    for entry_id, part_id, judge_id, total, n in rows:
        if n == criteria.get(part_id) and judge_id in expected.get(entry_id, ()):
            totals[(entry_id, part_id)][judge_id] = total
    return SheetTotals(totals=dict(totals), expected=expected, criteria=criteria)


def scoring_rule(round_: Round) -> scoring.Rule:
    rule = round_.scoring_rule
    head = round_.judges.filter(is_head=True).values_list("juror_id", flat=True).first()
    return scoring.Rule(
        aggregation=rule.aggregation,
        trim_from=rule.trim_from,
        decimals=rule.decimals,
        tie_break=tuple(rule.tie_break_steps()),
        tie_part=round_.tie_break_part_id,
        head=head,
    )


@transaction.atomic
def reveal_scores(
    *, actor, round_: Round, entry: RoundEntry | None = None, part: RoundPart | None = None
) -> int:
    """Show on the scoreboard the score of every team's part whose sheets are complete (or of
    one team's part): each judge's sheets of it are locked from then on. Returns how many."""
    require_manager(actor, round_.contest)
    round_ = lock_round(round_)
    require_status(round_, RoundStatus.SCORING)
    entries = round_entries(round_)
    sheets = sheet_totals(round_, entries)
    parts = list(round_.parts.all())
    if part is not None:
        parts = [p for p in parts if p.pk == part.pk]
    if entry is not None:
        entries = [e for e in entries if e.pk == entry.pk]
        if part is not None and not sheets.complete(entry.pk, part.pk):
            raise ValidationError(
                _("Not every judge has scored this part of the team yet."), code="incomplete"
            )
    rule = scoring_rule(round_)
    shown = set(
        PartResult.objects.filter(entry__round=round_, revealed_at__isnull=False).values_list(
            "entry_id", "part_id"
        )
    )
    now = timezone.now()
    revealed = []
    for e in entries:
        for p in parts:
            if (e.pk, p.pk) in shown or not sheets.complete(e.pk, p.pk):
                continue
            judges = sheets.totals[(e.pk, p.pk)]
            value = scoring.aggregate(
                list(judges.values()), rule=rule.aggregation, trim_from=rule.trim_from
            )
            PartResult.objects.update_or_create(
                entry=e,
                part=p,
                defaults={
                    "score": scoring.quantize(value, rule.decimals),
                    "judges": len(judges),
                    "revealed_at": now,
                },
            )
            revealed.append([e.team_id, p.pk])
    if revealed:
        Round.objects.filter(pk=round_.pk).update(public_version=round_.public_version + 1)
        log_action(
            actor=actor,
            action="contests.reveal",
            obj=round_,
            unit=round_.contest.organiser,
            after={"shown": revealed},
        )
    return len(revealed)
