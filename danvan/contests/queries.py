"""The reads of the contest pages: who may do what, access ("missing" and "not yours" are the
same 404), the tables of a round, and what the public may see (published data only)."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.formats import get_format

from danvan.contests.models import (
    Contest,
    ContestStatus,
    JudgeAssignment,
    PartResult,
    Prize,
    Round,
    RoundEntry,
    RoundPart,
    Score,
    Team,
)
from danvan.contests.services.common import conflict_reason, territories, territory
from danvan.contests.services.judging import sheet_totals
from danvan.organisations.models import Unit


def _pk(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc


# Who may do what ------------------------------------------------------------------------


def may_organise(user) -> bool:
    """Whether the user runs contests for at least one unit."""
    paths = user.paths_for("contests.manage")
    return paths is None or bool(paths)


def manages(user, contest: Contest) -> bool:
    return user.has_perm("contests.manage", contest.organiser)


def judges_round(user, round_: Round) -> bool:
    return JudgeAssignment.objects.filter(round=round_, juror=user).exists()


# Contests and teams ---------------------------------------------------------------------


def contests_visible_to(user):
    """Contests organised by a unit in the user's scope."""
    units = Unit.objects.visible_to(user, perm="contests.view")
    return Contest.objects.filter(organiser__in=units.values("pk"))


def open_for(user) -> list[Contest]:
    """Contests open for registration in whose area the user may register a team."""
    paths = user.paths_for("contests.register")
    if paths is not None and not paths:
        return []
    contests = list(Contest.objects.filter(status=ContestStatus.REGISTRATION).for_list())
    areas = territories(contests)
    return [
        contest
        for contest in contests
        if paths is None
        or any(p.startswith(areas[contest.pk].path) or areas[contest.pk].path.startswith(p)
               for p in paths)
    ]  # fmt: skip


def get_contest_for_user(user, pk, *, manage: bool = False) -> Contest:
    """The contest if the user reads (or, with manage, runs) its organiser's contests, or
    may register a team in it while it is open; else 404."""
    pk = _pk(pk)
    contest = get_object_or_404(Contest.objects.for_list(), pk=pk)
    if user.has_perm("contests.manage" if manage else "contests.view", contest.organiser):
        return contest
    if not manage and contest in open_for(user):
        return contest
    raise Http404


def teams_for_user(user, contest: Contest):
    """The teams of a contest the user may see: all for the organiser's staff, else those of
    the user's units."""
    teams = Team.objects.filter(contest=contest).for_list()
    if user.has_perm("contests.view", contest.organiser):
        return teams
    units = Unit.objects.visible_to(user, perm="contests.register")
    return teams.filter(unit__in=units.values("pk"))


def get_team_for_user(user, pk, *, change: bool = False) -> Team:
    """A team of the user's units, or of a contest the user's unit organises; else 404."""
    team = get_object_or_404(
        Team.objects.select_related("contest__organiser", "unit", "cluster", "source__contest"),
        pk=_pk(pk),
    )
    organiser = team.contest.organiser
    perm = "contests.manage" if change else "contests.view"
    if user.has_perm(perm, organiser) or user.has_perm("contests.register", team.unit):
        return team
    raise Http404


def registrable_units(user, contest: Contest):
    """The units a team may be registered for: in the contest's area, down to the branches
    of its communes, where the user may register (the organiser's staff: all of them)."""
    area = territory(contest)
    units = Unit.objects.current().filter(
        path__startswith=area.path, depth__gt=area.depth, depth__lte=area.depth + 2
    )
    if not manages(user, contest):
        units = units.filter(
            pk__in=Unit.objects.visible_to(user, perm="contests.register").values("pk")
        )
    return units.only("id", "name", "depth", "path").order_by("path")


# Rounds --------------------------------------------------------------------------------


def get_round_for_user(user, pk, *, manage: bool = False) -> Round:
    round_ = get_object_or_404(
        Round.objects.select_related("contest__organiser", "scoring_rule", "tie_break_part"),
        pk=_pk(pk),
    )
    perm = "contests.manage" if manage else "contests.view"
    if not user.has_perm(perm, round_.contest.organiser):
        raise Http404
    return round_


def get_prize_for_user(user, pk) -> Prize:
    prize = get_object_or_404(
        Prize.objects.select_related("round__contest__organiser", "team", "unit", "kind"),
        pk=_pk(pk),
    )
    organiser = prize.round.contest.organiser
    if user.has_perm("contests.view", organiser) or user.has_perm("contests.register", prize.unit):
        return prize
    raise Http404


@dataclass
class Row:
    """A team's line in a round's table."""

    entry: RoundEntry
    cells: list = field(default_factory=list)  # per part: (score or None, done, expected)
    judges: list = field(default_factory=list)  # per judge: weighted total (closed rounds)
    prizes: list = field(default_factory=list)


def round_table(round_: Round, *, parts: list[RoundPart], judges: list[JudgeAssignment]) -> list:
    """The round's teams with, per part, the score where it may be shown (revealed, or the
    round closed) and how many judges have completed their sheet; per judge, the judge's
    weighted total once the round is closed. A fixed number of queries."""
    entries = list(
        round_.entries.select_related("team__unit", "team__cluster").order_by(
            *(("rank", "order") if round_.has_results else ("team__cluster__number", "order"))
        )
    )
    sheets = sheet_totals(round_, entries)
    shown = PartResult.objects.filter(entry__round=round_)
    if not round_.has_results:
        shown = shown.filter(revealed_at__isnull=False)
    results = {(r.entry_id, r.part_id): r.score for r in shown}
    prizes: dict[int, list[Prize]] = defaultdict(list)
    for prize in round_.prizes.select_related("kind", "quota").order_by("kind__order"):
        prizes[prize.team_id].append(prize)
    rows = []
    for entry in entries:
        row = Row(entry=entry, prizes=prizes.get(entry.team_id, []))
        for part in parts:
            expected = len(sheets.expected.get(entry.pk, ()))
            row.cells.append(
                (results.get((entry.pk, part.pk)), sheets.done(entry.pk, part.pk), expected)
            )
        if round_.has_results:
            for judge in judges:
                total: Decimal | None = Decimal(0)
                for p in parts:
                    value = sheets.totals.get((entry.pk, p.pk), {}).get(judge.juror_id)
                    total = None if value is None or total is None else total + p.weight * value
                row.judges.append(total)
        rows.append(row)
    return rows


# Judges --------------------------------------------------------------------------------


def assignments_of(user):
    return (
        JudgeAssignment.objects.filter(juror=user)
        .select_related("round__contest", "cluster")
        .order_by("-round__contest__year", "round__contest__name", "round__order")
    )


def get_assignment_for_judge(user, round_pk) -> JudgeAssignment:
    """The user's own assignment to the round, else 404: a judge reaches a round only through
    it, and only their own sheets through it."""
    return get_object_or_404(
        JudgeAssignment.objects.select_related("round__contest", "home_unit", "cluster"),
        round_id=_pk(round_pk),
        juror=user,
    )


def judged_entries(assignment: JudgeAssignment) -> list[RoundEntry]:
    """The round's teams this judge scores (their cluster, no conflict of interest)."""
    entries = assignment.round.entries.select_related("team__unit", "team__cluster").order_by(
        "order", "id"
    )
    return [
        e
        for e in entries
        if assignment.covers(e) and conflict_reason(assignment.home_unit, e.team.unit) is None
    ]


def my_sheet_progress(assignment: JudgeAssignment, entries, parts) -> dict:
    """(entry, part) → how many criteria this judge has scored (one query)."""
    counts = (
        Score.objects.filter(entry__round=assignment.round_id, juror=assignment.juror_id)
        .values("entry", "part")
        .annotate(n=Count("id"))
        .values_list("entry", "part", "n")
    )
    return {(e, p): n for e, p, n in counts}


def my_scores(assignment: JudgeAssignment, entry: RoundEntry, part: RoundPart) -> dict:
    """criterion → this judge's own points on this sheet, and nobody else's."""
    return dict(
        Score.objects.filter(entry=entry, part=part, juror=assignment.juror_id).values_list(
            "criterion_id", "value"
        )
    )


def revealed_pairs(round_: Round) -> set[tuple[int, int]]:
    return set(
        PartResult.objects.filter(entry__round=round_, revealed_at__isnull=False).values_list(
            "entry_id", "part_id"
        )
    )


# Public --------------------------------------------------------------------------------


def published_rounds():
    return Round.objects.filter(published_at__isnull=False)


def public_contests():
    """Contests with results on the portal: a published round, or a part shown live."""
    live = PartResult.objects.filter(revealed_at__isnull=False).values("entry__round__contest")
    return (
        Contest.objects.filter(Q(rounds__published_at__isnull=False) | Q(pk__in=live))
        .distinct()
        .select_related("organiser")
        .order_by("-year", "name")
    )


def get_public_contest(pk) -> Contest:
    return get_object_or_404(public_contests(), pk=_pk(pk))


def public_results(contest: Contest) -> list:
    """Each published round of the contest with its ranked teams and prizes (per cluster in a
    round ranked per cluster). A fixed number of queries."""
    rounds = list(
        contest.rounds.filter(published_at__isnull=False)
        .order_by("-order")
        .prefetch_related(
            Prefetch("parts", queryset=RoundPart.objects.order_by("order")),
            Prefetch(
                "entries",
                queryset=RoundEntry.objects.select_related("team__unit", "team__cluster")
                .prefetch_related("part_results")
                .order_by("team__cluster__number", "cluster_rank", "rank", "order"),
            ),
            Prefetch("prizes", queryset=Prize.objects.confirmed().select_related("kind", "quota")),
        )
    )
    points = points_formatter()
    shown = []
    for round_ in rounds:
        parts = list(round_.parts.all())
        prizes: dict[int, list[Prize]] = defaultdict(list)
        for prize in sorted(round_.prizes.all(), key=lambda p: (p.kind.order, p.pk)):
            prizes[prize.team_id].append(prize)
        groups: dict = {}
        for entry in round_.entries.all():
            scores = {r.part_id: r.score for r in entry.part_results.all()}
            group = entry.team.cluster if round_.by_cluster else None
            entry.shown_total = points(entry.total)
            groups.setdefault(group, []).append(
                (entry, [points(scores.get(p.pk)) for p in parts], prizes.get(entry.team_id, []))
            )
        shown.append((round_, parts, list(groups.items())))
    return shown


def scoreboard_round(contest: Contest) -> Round | None:
    """The round the live scoreboard shows: the latest with anything shown to the public."""
    live = PartResult.objects.filter(revealed_at__isnull=False).values("entry__round")
    return (
        contest.rounds.filter(Q(published_at__isnull=False) | Q(pk__in=live))
        .order_by("-order")
        .first()
    )


@dataclass
class BoardRow:
    team: str
    scores: list[str]  # per part: the score shown, formatted, or ""
    total: Decimal
    shown_total: str
    rank: int
    prizes: list[str]


def points_formatter():
    """Format points with two decimals and the reader's decimal separator: the scoreboard's
    cells, made in Python (the template filter costs ten times more, 300 times a page)."""
    separator = get_format("DECIMAL_SEPARATOR")

    def points(value: Decimal | None) -> str:
        return "" if value is None else f"{value:.2f}".replace(".", separator)

    return points


def scoreboard(round_: Round) -> tuple[list[RoundPart], list[BoardRow]]:
    """The live scoreboard of a round: only revealed part scores (or, once the round is
    published, its results), ranked by what is shown. Four queries."""
    parts = list(round_.parts.order_by("order"))
    published = round_.published_at is not None
    results = PartResult.objects.filter(entry__round=round_)
    if not published:
        results = results.filter(revealed_at__isnull=False)
    scores: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for entry_id, part_id, score in results.values_list("entry_id", "part_id", "score"):
        scores[entry_id][part_id] = score
    weights = {p.pk: p.weight for p in parts}
    prizes: dict[int, list[str]] = defaultdict(list)
    if published:
        for team_id, name, title in (
            round_.prizes.confirmed()
            .order_by("kind__order", "pk")
            .values_list("team_id", "kind__name", "quota__title")
        ):
            prizes[team_id].append(title or name)
    points = points_formatter()
    rows = []
    entries = round_.entries.order_by("order", "id").values_list(
        "pk", "team_id", "team__name", "total", "rank"
    )
    for entry_id, team_id, team_name, entry_total, entry_rank in entries:
        shown = scores.get(entry_id, {})
        if published and entry_total is not None:
            total = entry_total
        else:
            total = sum((weights[p] * s for p, s in shown.items()), Decimal(0))
        rows.append(
            BoardRow(
                team=team_name,
                scores=[points(shown.get(p.pk)) for p in parts],
                total=total,
                shown_total=points(total),
                rank=entry_rank if published and entry_rank else 0,
                prizes=prizes.get(team_id, []),
            )
        )
    if not published:
        rows.sort(key=lambda r: -r.total)
        for n, row in enumerate(rows, start=1):
            same = n > 1 and rows[n - 2].total == row.total
            row.rank = rows[n - 2].rank if same else n
    else:
        rows.sort(key=lambda r: (r.rank or 999, r.team))
    return parts, rows
