"""The reads of the campaign pages: who may do what, access ("missing" and "not yours" are
the same 404) and the progress of targets, measured through the metrics registry."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from danvan.lib.metrics import METRICS, compute, compute_many
from danvan.organisations.models import Unit
from danvan.plans.models import Campaign, Target

# Who may do what (the pages ask before offering a form)


def may_open_campaigns(user) -> bool:
    """Whether the user decides for at least one unit."""
    paths = user.paths_for("plans.decide")
    return paths is None or bool(paths)


def may_set_targets(user, campaign: Campaign) -> bool:
    """Whether the user decides for some unit of the campaign owner's subtree."""
    owner_path = campaign.owner.path
    paths = user.paths_for("plans.decide")
    return paths is None or any(p.startswith(owner_path) or owner_path.startswith(p) for p in paths)


# Access: "missing" and "not yours" are the same 404


def campaigns_visible_to(user):
    """Campaigns opened by a unit in the user's scope or with targets for one."""
    units = Unit.objects.visible_to(user, perm="plans.view")
    return Campaign.objects.filter(Q(owner__in=units) | Q(targets__unit__in=units)).distinct()


def get_campaign_for_user(user, pk) -> Campaign:
    return get_object_or_404(campaigns_visible_to(user).select_related("owner"), pk=pk)


def get_target_for_user(user, pk, *, perm: str = "plans.view") -> Target:
    """Return the target if the user holds the named permission on its unit, else 404."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    qs = Target.objects.filter(unit__in=Unit.objects.visible_to(user, perm=perm))
    return get_object_or_404(
        qs.select_related("unit", "campaign__owner", "parent__unit"),
        pk=pk,
    )


# Progress


class Progress(NamedTuple):
    current: Decimal | None  # None: nothing measured or reported yet
    met: bool | None
    percent: int | None  # how far along, 0–100, rounded down so 100 means met


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def evaluate(target: Target, current: Decimal | None) -> Progress:
    """Compare a current value with the target.

    “At least” targets are done current/goal of the way; “at most” targets, not met yet,
    goal/current (4 cases overdue against “at most 2” is half-way).
    """
    if current is None:
        return Progress(None, None, None)
    goal = target.value
    if target.comparison == Target.Comparison.AT_MOST:
        met = current <= goal
        share = Decimal(100) if met else goal * 100 / current
    else:
        met = current >= goal
        share = Decimal(100) if met else (current * 100 / goal if goal > 0 else Decimal(0))
    return Progress(current, met, max(0, min(100, int(share))))


def progress(target: Target) -> Progress:
    """The progress of one target over its campaign's period, measured with METRICS or as
    reported by hand."""
    if not target.metric:
        return evaluate(target, target.reported_value)
    if target.metric not in METRICS:  # a metric unregistered since: nothing to measure
        return evaluate(target, None)
    campaign = target.campaign
    return evaluate(
        target, _decimal(compute(target.metric, target.unit, campaign.start, campaign.end))
    )


def measure(code: str, units: list[Unit], start, end) -> dict[int, Decimal | None]:
    """A metric for many units: unit id → value.

    Cost: that of `lib.metrics.compute_many`: one read of the metric's source per depth
    among the units; for a metric without a source, one compute() per unit.
    """
    if code not in METRICS:
        return {}
    return {pk: _decimal(value) for pk, value in compute_many(code, units, start, end).items()}


def progress_of(targets: list[Target]) -> dict[int, Progress]:
    """The progress of many targets: target id → Progress.

    Cost: nothing for targets reported by hand; for measured ones, that of measure() for
    each (metric, campaign) — a few queries, the same for 3 or 300 targets. Each target's
    `campaign` and `unit` must be loaded.
    """
    groups: dict[tuple[str, int], list[Target]] = defaultdict(list)
    for target in targets:
        if target.metric:
            groups[(target.metric, target.campaign_id)].append(target)
    measured: dict[int, Decimal | None] = {}
    for (code, _campaign), group in groups.items():
        campaign = group[0].campaign
        values = measure(code, [t.unit for t in group], campaign.start, campaign.end)
        measured.update({t.pk: values.get(t.unit_id) for t in group})
    return {
        t.pk: evaluate(t, measured.get(t.pk) if t.metric else t.reported_value) for t in targets
    }


@dataclass
class TargetRow:
    """A target on a page: its progress, place in a ranking and what the reader may do."""

    target: Target
    progress: Progress
    rank: int | None = None
    can_cascade: bool = False
    can_report: bool = False
    children: list["TargetRow"] = field(default_factory=list)

    @property
    def metric(self):
        return METRICS.get(self.target.metric)


def _row(target: Target, figures: dict[int, Progress], user=None) -> TargetRow:
    return TargetRow(
        target=target,
        progress=figures[target.pk],
        can_cascade=user is not None and user.has_perm("plans.decide", target.unit),
        can_report=(
            user is not None
            and not target.metric
            and user.has_perm("plans.report_progress", target.unit)
        ),
    )


def ranked(rows: list[TargetRow]) -> list[TargetRow]:
    """Rows best first (furthest along, then best value), nothing reported yet last; equal
    rows share a rank."""

    def key(row: TargetRow):
        current, _met, percent = row.progress
        if current is None or percent is None:
            return (1, 0, Decimal(0))
        better = -current if row.target.comparison == Target.Comparison.AT_LEAST else current
        return (0, -percent, better)

    rows = sorted(rows, key=lambda row: (key(row), row.target.unit.name))
    previous = None
    for position, row in enumerate(rows, start=1):
        if key(row) != previous:
            rank, previous = position, key(row)
        row.rank = rank
    return rows


def campaign_progress(campaign: Campaign, parent_target: Target, *, user=None) -> list[TargetRow]:
    """The targets cascaded from parent_target, ranked, each with its progress.

    Cost: one query for the children, plus progress_of's (one grouped query for a measured
    target; none for one reported by hand). With `user`, rows say what they may do.
    """
    children = list(
        Target.objects.filter(campaign=campaign, parent=parent_target)
        .select_related("unit")
        .order_by("unit__path", "id")
    )
    for child in children:
        child.campaign = campaign
    figures = progress_of(children)
    return ranked([_row(child, figures, user) for child in children])


def campaign_targets_for(user, campaign: Campaign) -> list[TargetRow]:
    """The campaign's targets in the user's scope for its page: each headline target (one
    whose parent the user does not see, or that has cascaded children) with its children
    ranked below it.

    Cost: one query for the targets plus progress_of's — the same for 3 or 300 targets.
    """
    targets = list(
        Target.objects.filter(
            campaign=campaign, unit__in=Unit.objects.visible_to(user, perm="plans.view")
        )
        .select_related("unit")
        .order_by("unit__path", "title", "id")
    )
    for target in targets:
        target.campaign = campaign
    figures = progress_of(targets)
    rows = {t.pk: _row(t, figures, user) for t in targets}
    children: dict[int, list[TargetRow]] = defaultdict(list)
    for target in targets:
        if target.parent_id in rows:
            children[target.parent_id].append(rows[target.pk])
    for parent_id, kids in children.items():
        rows[parent_id].children = ranked(kids)
    return [row for row in rows.values() if row.target.parent_id not in rows or row.children]
