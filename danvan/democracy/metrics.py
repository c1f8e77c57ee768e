"""Grassroots democracy's figures for dashboards, targets, reports and the public scorecard:
publications on time (from the monthly roll-up), overdue and missing now, votes held and
passed, consultations answered, supervision boards in place, their recommendations
answered, dialogues held.

Each source reads many branches and periods in one or two queries (`lib.metrics`).
"""

import datetime
from collections import defaultdict

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danvan.democracy.models import (
    Board,
    BoardRule,
    Consultation,
    Dialogue,
    Matter,
    MatterStatus,
    Outcome,
    Publication,
    PublicationGroup,
    PublicationMonthStat,
    Recommendation,
)
from danvan.lib.metrics import Counts, Metric, Source, count, register
from danvan.organisations.models import Unit, UnitKind


def _units_under(root: str):
    return Unit.objects.filter(path__startswith=root).values("id")


def _in_spans(field: str, spans) -> Q:
    within = Q()
    for start, end in spans:
        within |= Q(**{f"{field}__gte": start, f"{field}__lte": end})
    return within


def _grouped(qs, width, spans, *, unit_field: str, date_field: str | None, counts: dict):
    """Counts of the rows of `qs` per branch and period, in one query: each name of `counts`
    counts the rows meeting its condition whose `date_field` falls in the period (every row,
    in every period, for a figure of the moment: date_field None)."""
    if date_field is not None:
        qs = qs.filter(_in_spans(date_field, spans))
    aggregates = {}
    for i, (start, end) in enumerate(spans):
        span = Q(**{f"{date_field}__gte": start, f"{date_field}__lte": end}) if date_field else Q()
        for name, condition in counts.items():
            aggregates[f"{name}__{i}"] = Count("id", filter=span & condition)
    qs = qs.order_by()
    if width is None:
        rows = [qs.aggregate(**aggregates)]
    else:
        rows = list(
            qs.annotate(branch=Substr(f"{unit_field}__path", 1, width))
            .values("branch")
            .annotate(**aggregates)
        )
    return {
        row.get("branch"): [
            Counts({name: row[f"{name}__{i}"] for name in counts}) for i in range(len(spans))
        ]
        for row in rows
    }


def _read_publications(root, width, spans):
    """Publications due in the months of each period: registered, published, on time."""
    first = min(start for start, _end in spans).replace(day=1)
    last = max(end for _start, end in spans)
    qs = PublicationMonthStat.objects.filter(
        unit__in=_units_under(root), month__gte=first, month__lte=last
    ).order_by()
    fields = ("registered", "published", "on_time")
    sums = {name: Sum(name) for name in fields}
    if width is None:
        rows = qs.values("month").annotate(**sums)
    else:
        rows = (
            qs.annotate(branch=Substr("unit__path", 1, width))
            .values("branch", "month")
            .annotate(**sums)
        )
    found: dict = {}
    for row in rows:
        counts = found.setdefault(row.get("branch"), [Counts() for _ in spans])
        for i, (start, end) in enumerate(spans):
            if start.replace(day=1) <= row["month"] <= end:
                counts[i].add({name: row[name] or 0 for name in fields})
    return found


def _read_overdue(root, width, spans):
    qs = Publication.objects.overdue().filter(commune__in=_units_under(root))
    return _grouped(
        qs, width, spans, unit_field="commune", date_field=None, counts={"overdue": Q()}
    )


def missing_slices(per_year: int, year: int, today: datetime.date) -> list[int]:
    """The slices of a year (its quarters for 4) whose end has passed by today."""
    if per_year <= 0:
        return []
    ended = []
    for i in range(per_year):
        month_after = (i + 1) * 12 // per_year  # months from January to the slice's end
        end = (
            datetime.date(year + 1, 1, 1)
            if month_after == 12
            else datetime.date(year, month_after + 1, 1)
        ) - datetime.timedelta(days=1)
        if end < today:
            ended.append(i)
    return ended


def slice_of(per_year: int, day: datetime.date) -> int:
    return (day.month - 1) * per_year // 12


def missing_publications(communes, today: datetime.date | None = None) -> dict[int, list]:
    """For each commune, the (group, slice) pairs of this year whose period has ended with no
    publication: one query for all of them."""
    today = today or timezone.localdate()
    groups = list(PublicationGroup.objects.filter(is_active=True, per_year__gt=0))
    communes = list(communes)
    due = {g.pk: missing_slices(g.per_year, today.year, today) for g in groups}
    if not communes or not any(due.values()):
        return {c.pk: [] for c in communes}
    covered: set[tuple[int, int, int]] = set()
    per_year = {g.pk: g.per_year for g in groups}
    rows = (
        Publication.objects.filter(
            commune__in=[c.pk for c in communes],
            group__in=list(per_year),
            document_date__year=today.year,
            published_on__isnull=False,
        )
        .order_by()
        .values_list("commune_id", "group_id", "document_date")
        .distinct()
    )
    for commune_id, group_id, day in rows:
        covered.add((commune_id, group_id, slice_of(per_year[group_id], day)))
    return {
        c.pk: [(g, s) for g in groups for s in due[g.pk] if (c.pk, g.pk, s) not in covered]
        for c in communes
    }


def _read_missing(root, width, spans):
    communes = Unit.objects.filter(path__startswith=root, kind=UnitKind.COMMUNE).current()
    communes = list(communes.only("id", "path"))
    by_branch: dict = defaultdict(int)
    missing = missing_publications(communes)
    for commune in communes:
        branch = None if width is None else commune.path[:width]
        by_branch[branch] += len(missing[commune.pk])
    return {branch: [Counts(missing=n) for _ in spans] for branch, n in by_branch.items()}


def _read_votes(root, width, spans):
    qs = Matter.objects.filter(commune__in=_units_under(root)).exclude(status=MatterStatus.OPEN)
    return _grouped(
        qs,
        width,
        spans,
        unit_field="commune",
        date_field="vote_date",
        counts={"held": Q(), "passed": Q(outcome=Outcome.PASSED)},
    )


def _read_consultations(root, width, spans):
    """Consultations that closed in each period (before today): answered or not."""
    today = timezone.localdate()
    qs = Consultation.objects.filter(commune__in=_units_under(root), closes_on__lt=today)
    return _grouped(
        qs,
        width,
        spans,
        unit_field="commune",
        date_field="closes_on",
        counts={"closed": Q(), "answered": Q(report_published_on__isnull=False)},
    )


def members_now(on: datetime.date) -> Q:
    """The condition, on a board's members, of those sitting on the board on a date."""
    return Q(members__joined_on__lte=on) & (
        Q(members__left_on__isnull=True) | Q(members__left_on__gte=on)
    )


def minimum_members(on: datetime.date) -> dict[str, int]:
    """The minimum members of each kind of board, by the rules in force on a date."""
    return {
        rule.board_kind: rule.min_members
        for rule in BoardRule.objects.in_force(on).order_by("effective_from")
    }


def in_term(on: datetime.date) -> Q:
    return Q(term_start__lte=on) & (Q(term_end__isnull=True) | Q(term_end__gte=on))


def boards_in_place(boards, on: datetime.date | None = None) -> set[int]:
    """The ids of the boards (a queryset) in their term on a date with at least the members
    the rule of their kind in force asks (two queries)."""
    on = on or timezone.localdate()
    minimum = minimum_members(on)
    rows = (
        boards.filter(in_term(on))
        .order_by()
        .values("pk", "kind")
        .annotate(n=Count("members", filter=members_now(on)))
    )
    return {
        row["pk"] for row in rows if row["kind"] in minimum and row["n"] >= minimum[row["kind"]]
    }


def _read_boards(root, width, spans):
    """Boards in their term now, and those in place: one row per board (a commune has a
    handful), counted here against the rules in force."""
    today = timezone.localdate()
    minimum = minimum_members(today)
    qs = Board.objects.filter(commune__in=_units_under(root)).filter(in_term(today)).order_by()
    fields = ["kind"] if width is None else ["kind", "branch"]
    if width is not None:
        qs = qs.annotate(branch=Substr("commune__path", 1, width))
    found: dict = {}
    for row in qs.values("pk", *fields).annotate(n=Count("members", filter=members_now(today))):
        counts = Counts(boards=1)
        counts["in_place"] = int(row["kind"] in minimum and row["n"] >= minimum[row["kind"]])
        branch = row.get("branch")
        if branch not in found:
            found[branch] = [Counts() for _ in spans]
        for span_counts in found[branch]:
            span_counts.add(counts)
    return found


def _read_recommendations(root, width, spans):
    qs = Recommendation.objects.filter(board__commune__in=_units_under(root))
    return _grouped(
        qs,
        width,
        spans,
        unit_field="board__commune",
        date_field="sent_on",
        counts={"sent": Q(), "answered": Q(case__answered_at__isnull=False)},
    )


def _read_dialogues(root, width, spans):
    qs = Dialogue.objects.filter(commune__in=_units_under(root))
    return _grouped(
        qs, width, spans, unit_field="commune", date_field="held_on", counts={"dialogues": Q()}
    )


PUBLICATIONS = Source("publications", _read_publications)
OVERDUE = Source("publications_overdue", _read_overdue)
MISSING = Source("publications_missing", _read_missing)
VOTES = Source("votes", _read_votes)
CONSULTATIONS = Source("consultations", _read_consultations)
BOARDS = Source("boards", _read_boards)
RECOMMENDATIONS = Source("recommendations", _read_recommendations)
DIALOGUES = Source("dialogues", _read_dialogues)

METRIC_CODES = []
for _metric in [
    Metric(
        "publications_on_time",
        _("Publications on time"),
        "democracy",
        "percent",
        source=PUBLICATIONS,
        parts=("on_time", "registered"),
    ),
    Metric(
        "publications_overdue",
        _("Publications overdue now"),
        "democracy",
        "count",
        source=OVERDUE,
        formula=count("overdue"),
        higher_is_better=False,
        snapshot=True,
    ),
    Metric(
        "publications_missing",
        _("Periodic publications missing this year"),
        "democracy",
        "count",
        source=MISSING,
        formula=count("missing"),
        higher_is_better=False,
        snapshot=True,
    ),
    Metric(
        "votes_held",
        _("Household votes held"),
        "democracy",
        "count",
        source=VOTES,
        formula=count("held"),
    ),
    Metric(
        "votes_passed",
        _("Household votes passed"),
        "democracy",
        "count",
        source=VOTES,
        formula=count("passed"),
    ),
    Metric(
        "consultations_answered",
        _("Consultations with published answers"),
        "democracy",
        "percent",
        source=CONSULTATIONS,
        parts=("answered", "closed"),
    ),
    Metric(
        "boards_in_place",
        _("Supervision boards in place"),
        "democracy",
        "percent",
        source=BOARDS,
        parts=("in_place", "boards"),
        snapshot=True,
    ),
    Metric(
        "recommendations_answered",
        _("Boards' recommendations answered"),
        "democracy",
        "percent",
        source=RECOMMENDATIONS,
        parts=("answered", "sent"),
    ),
    Metric(
        "dialogues_held",
        _("Dialogues with residents"),
        "democracy",
        "count",
        source=DIALOGUES,
        formula=count("dialogues"),
    ),
]:
    register(_metric)
    METRIC_CODES.append(_metric.code)
