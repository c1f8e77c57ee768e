"""Campaigns and their targets: open, set, cascade, report by hand, and measure progress.

Every change is a function here (keyword-only actor, one transaction, one audit entry per
changed row). The reads the campaign pages share — access helpers and progress — sit below
the services; they belong in reports/queries.py once the app's parallel work is merged.
"""

import datetime
import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.core.audit import log_action, snapshot
from danvan.organisations.models import Unit, UnitKind
from danvan.registry.models import ModelYearStat, Replication
from danvan.reports.metrics import METRICS, compute
from danvan.reports.models import Campaign, Target
from danvan.voice import rollup
from danvan.voice.models import Case
from danvan.voice.queries import overdue_q

DECIDERS = ("administrator", "board_officer")
# A clerk reports the progress of their own unit; the boards above may correct it.
REPORTERS = ("administrator", "board_officer", "clerk")
# Bodies that open campaigns: the city, communes, committees and boards, not hamlets or cells.
OWNER_KINDS = (
    UnitKind.PROVINCE,
    UnitKind.COMMUNE,
    UnitKind.PARTY_COMMITTEE,
    UnitKind.PEOPLES_COMMITTEE,
    UnitKind.FRONT_COMMITTEE,
    UnitKind.MASS_ORGANISATION,
    UnitKind.AGENCY,
)
CAMPAIGN_FIELDS = ["name", "owner", "start", "end", "description"]
TARGET_FIELDS = ["campaign", "unit", "parent", "title", "metric", "comparison", "value"]
MAX_VALUE = Decimal("9999999999.99")  # what Target.value (12 digits, 2 decimals) holds


def _is_person(actor) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


def _require_roles(actor, unit: Unit, roles, message: str) -> None:
    """Refuse a unit that the actor's roles (of these kinds) do not reach; None is the system."""
    if actor is not None and not actor.reaches(unit, roles):
        raise PermissionDenied(message)


def _amount(value, *, label: str) -> Decimal:
    """Return a non-negative amount with two decimals, or refuse it with a clear message."""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(
            _("%(label)s must be a number.") % {"label": label}, code="number"
        ) from exc
    if amount < 0 or amount > MAX_VALUE:
        raise ValidationError(
            _("%(label)s must be between 0 and %(max)s.") % {"label": label, "max": MAX_VALUE},
            code="range",
        )
    return amount


# Services


@transaction.atomic
def open_campaign(
    *,
    actor,
    owner: Unit,
    name: str,
    start: datetime.date,
    end: datetime.date,
    description: str = "",
) -> Campaign:
    """Open a campaign or annual work programme of a board the actor decides for."""
    _require_roles(
        actor,
        owner,
        DECIDERS,
        _("Only an administrator or a board officer of “%(unit)s” may open its campaigns.")
        % {"unit": owner.name},
    )
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the campaign a name."), code="name")
    if end < start:
        raise ValidationError(_("The campaign cannot end before it starts."), code="period")
    campaign = Campaign.objects.create(
        owner=owner,
        name=name,
        start=start,
        end=end,
        description=description.strip(),
        created_by=actor if _is_person(actor) else None,
    )
    log_action(
        actor=actor,
        action="reports.open_campaign",
        obj=campaign,
        unit=owner,
        after=snapshot(campaign, CAMPAIGN_FIELDS),
    )
    return campaign


def _check_target(*, actor, campaign: Campaign, unit: Unit, title: str, metric: str, comparison):
    """The refusals of set_target, before anything is written."""
    owner = campaign.owner
    if not unit.path.startswith(owner.path):
        raise ValidationError(
            _("“%(unit)s” is not part of “%(owner)s”, which opened this campaign.")
            % {"unit": unit.name, "owner": owner.name},
            code="outside_campaign",
        )
    _require_roles(
        actor,
        unit,
        DECIDERS,
        _("You cannot set targets for “%(unit)s”: it is outside your scope.") % {"unit": unit.name},
    )
    if not unit.is_current():
        raise ValidationError(
            _("“%(unit)s” is closed: set the target for the unit that replaced it.")
            % {"unit": unit.name},
            code="closed",
        )
    if not title:
        raise ValidationError(_("Say what the target is."), code="title")
    if metric and metric not in METRICS:
        raise ValidationError(
            _("“%(metric)s” is not a figure the system measures.") % {"metric": metric},
            code="metric",
        )
    if comparison not in Target.Comparison.values:
        raise ValidationError(_("Choose “at least” or “at most”."), code="comparison")
    if Target.objects.filter(campaign=campaign, unit=unit, title=title).exists():
        raise ValidationError(
            _("“%(unit)s” already has the target “%(title)s” in this campaign.")
            % {"unit": unit.name, "title": title},
            code="duplicate",
        )


@transaction.atomic
def set_target(
    *,
    actor,
    campaign: Campaign,
    unit: Unit,
    title: str,
    metric: str = "",
    comparison: str = Target.Comparison.AT_LEAST,
    value,
) -> Target:
    """Set a target for a unit of the campaign's owner that the actor decides for.

    With a metric, progress is measured from live data; without one, the unit reports it.
    """
    title = title.strip()
    _check_target(
        actor=actor,
        campaign=campaign,
        unit=unit,
        title=title,
        metric=metric,
        comparison=comparison,
    )
    amount = _amount(value, label=_("The target value"))
    if metric and METRICS[metric].unit == "percent" and amount > 100:
        raise ValidationError(_("A percentage cannot be above 100."), code="percent")
    target = Target.objects.create(
        campaign=campaign,
        unit=unit,
        title=title,
        metric=metric,
        comparison=comparison,
        value=amount,
    )
    log_action(
        actor=actor,
        action="reports.set_target",
        obj=target,
        unit=unit,
        after=snapshot(target, TARGET_FIELDS),
    )
    return target


@transaction.atomic
def cascade_target(*, actor, target: Target, kinds: Iterable[str] = ("commune",)) -> list[Target]:
    """Give every current unit of these kinds below the target's unit the same target.

    Idempotent: a unit that already has a target of this title in the campaign gets no
    second one; if that target stands alone (no parent), it is linked to this one. Returns
    the targets created.
    """
    _require_roles(
        actor,
        target.unit,
        DECIDERS,
        _("You cannot cascade targets of “%(unit)s”: it is outside your scope.")
        % {"unit": target.unit.name},
    )
    kinds = list(kinds)
    unknown = sorted(set(kinds) - set(UnitKind.values))
    if not kinds or unknown:
        raise ValidationError(_("Choose the kinds of unit to cascade to."), code="kinds")
    units = list(
        Unit.objects.descendants_of(target.unit).current().filter(kind__in=kinds).order_by("path")
    )
    if not units:
        raise ValidationError(
            _("There is no current unit of these kinds below “%(unit)s”.")
            % {"unit": target.unit.name},
            code="no_units",
        )
    existing = {
        t.unit_id: t
        for t in Target.objects.filter(
            campaign_id=target.campaign_id, title=target.title, unit__in=units
        )
    }
    created = []
    for unit in units:
        found = existing.get(unit.pk)
        if found is None:
            child = Target.objects.create(
                campaign_id=target.campaign_id,
                unit=unit,
                parent=target,
                title=target.title,
                metric=target.metric,
                comparison=target.comparison,
                value=target.value,
            )
            created.append(child)
            log_action(
                actor=actor,
                action="reports.cascade_target",
                obj=child,
                unit=unit,
                after=snapshot(child, TARGET_FIELDS),
            )
        elif found.parent_id is None and found.pk != target.pk:
            found.parent = target
            found.save(update_fields=["parent"])
            log_action(
                actor=actor,
                action="reports.cascade_target",
                obj=found,
                unit=unit,
                before={"parent": None},
                after={"parent": target.pk},
            )
    return created


@transaction.atomic
def report_progress(*, actor, target: Target, value, note: str) -> Target:
    """Record the progress a unit reports for a target that is not measured from live data."""
    _require_roles(
        actor,
        target.unit,
        REPORTERS,
        _("Only the staff of “%(unit)s” may report its progress.") % {"unit": target.unit.name},
    )
    if target.metric:
        raise ValidationError(
            _("This target is measured from live data: its progress is not reported by hand."),
            code="measured",
        )
    amount = _amount(value, label=_("The reported value"))
    target = Target.objects.select_for_update().select_related("unit").get(pk=target.pk)
    before = {"reported_value": target.reported_value, "reported_note": target.reported_note}
    target.reported_value = amount
    target.reported_note = note.strip()
    target.reported_at = timezone.now()
    target.save(update_fields=["reported_value", "reported_note", "reported_at"])
    log_action(
        actor=actor,
        action="reports.report_progress",
        obj=target,
        unit=target.unit,
        before={k: str(v) if v is not None else None for k, v in before.items()},
        after={"reported_value": str(amount), "reported_note": target.reported_note},
    )
    return target


# Who may do what (the pages ask before offering a form)


def may_open_campaigns(user) -> bool:
    """Whether the user decides for at least one unit."""
    paths = user.scope_paths(DECIDERS)
    return paths is None or bool(paths)


def may_set_targets(user, campaign: Campaign) -> bool:
    """Whether the user decides for some unit of the campaign owner's subtree."""
    owner_path = campaign.owner.path
    paths = user.scope_paths(DECIDERS)
    return paths is None or any(p.startswith(owner_path) or owner_path.startswith(p) for p in paths)


# Access: "missing" and "not yours" are the same 404


def campaigns_visible_to(user):
    """Campaigns opened by a unit in the user's scope or with targets for one."""
    units = Unit.objects.visible_to(user)
    return Campaign.objects.filter(Q(owner__in=units) | Q(targets__unit__in=units)).distinct()


def get_campaign_for_user(user, pk) -> Campaign:
    return get_object_or_404(campaigns_visible_to(user).select_related("owner"), pk=pk)


def get_target_for_user(user, pk, *, roles=None) -> Target:
    """Return the target if the user's roles (of these kinds) reach its unit, else 404."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    qs = Target.objects.filter(unit__in=Unit.objects.visible_to(user, roles))
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


# Grouped forms of the metrics: one query gives the figure of many units at the same depth.
# Each mirrors its metric in reports/metrics.py (test_targets checks that they agree); a
# metric without one here is computed unit by unit.


def _common_root(paths: list[str]) -> str:
    """The longest path that all the given paths start with."""
    prefix = os.path.commonprefix(paths)
    return prefix[: prefix.rfind("/") + 1]


def _branches(qs, path_field: str, paths: list[str]):
    """Rows of qs grouped by the unit among `paths` (all of one length) they fall under."""
    return (
        qs.order_by()
        .filter(**{f"{path_field}__startswith": _common_root(paths)})
        .annotate(branch=Substr(path_field, 1, len(paths[0])))
        .filter(branch__in=paths)
        .values("branch")
    )


def _counts(qs, path_field: str, paths: list[str], **condition) -> dict[str, int]:
    rows = _branches(qs.filter(**condition), path_field, paths).annotate(n=Count("id"))
    found = {row["branch"]: row["n"] for row in rows}
    return {path: found.get(path, 0) for path in paths}


def _pct(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def _model_sums(paths, start, end) -> dict[str, tuple[int, int]]:
    """Models registered and recognised under each path in the years of the period (from
    the roll-up per unit and year)."""
    rows = _branches(
        ModelYearStat.objects.filter(year__gte=start.year, year__lte=end.year), "unit__path", paths
    ).annotate(n=Sum("registered"), r=Sum("recognised"))
    found = {row["branch"]: (row["n"] or 0, row["r"] or 0) for row in rows}
    return {path: found.get(path, (0, 0)) for path in paths}


def _grouped_registered(paths, start, end):
    return {path: n for path, (n, _r) in _model_sums(paths, start, end).items()}


def _grouped_recognised(paths, start, end):
    return {path: r for path, (_n, r) in _model_sums(paths, start, end).items()}


def _grouped_recognition_rate(paths, start, end):
    return {path: _pct(r, n) for path, (n, r) in _model_sums(paths, start, end).items()}


def _grouped_replications(paths, start, end):
    return _counts(
        Replication.objects.all(), "unit__path", paths, start_date__gte=start, start_date__lte=end
    )


def _case_sums(paths, start, end) -> dict[str, dict[str, int]]:
    """The roll-up's counts of the cases received in the period under each path."""
    sums = {path: dict.fromkeys(rollup.STATS, 0) for path in paths}
    for row in rollup.stat_rows(
        Q(responsible_path__startswith=_common_root(paths)),
        (start, end),
        group=("branch",),
        annotate={"branch": Substr("responsible_path", 1, len(paths[0]))},
    ):
        if row["branch"] in sums:
            for name in rollup.STATS:
                sums[row["branch"]][name] += row[name]
    return sums


def _case_rates(part: str, whole: str):
    def grouped(paths, start, end):
        return {
            path: _pct(figures[part], figures[whole])
            for path, figures in _case_sums(paths, start, end).items()
        }

    return grouped


def _grouped_cases_received(paths, start, end):
    return {path: f["received"] for path, f in _case_sums(paths, start, end).items()}


def _grouped_overdue(paths, start, end):
    # Like the metric: the cases overdue now, whatever the period.
    return _counts(Case.objects.filter(overdue_q()), "responsible_path", paths)


GROUPED: dict[str, Callable[[list[str], datetime.date, datetime.date], dict]] = {
    "models_registered": _grouped_registered,
    "models_recognised": _grouped_recognised,
    "recognition_rate": _grouped_recognition_rate,
    "replications": _grouped_replications,
    "cases_received": _grouped_cases_received,
    "cases_on_time": _case_rates("on_time", "answered"),
    "cases_satisfaction": _case_rates("satisfied", "rated"),
    "cases_overdue": _grouped_overdue,
}


def measure(code: str, units: list[Unit], start, end) -> dict[int, Decimal | None]:
    """A metric for many units: unit id → value.

    Cost: one query per depth among the units for a metric in GROUPED; otherwise one
    compute() per unit (whatever that metric's own cost is).
    """
    if code not in METRICS:
        return {}
    grouped = GROUPED.get(code)
    if grouped is None:
        return {u.pk: _decimal(compute(code, u, start, end)) for u in units}
    by_length: dict[int, list[Unit]] = defaultdict(list)
    for unit in units:
        by_length[len(unit.path)].append(unit)
    values = {}
    for same_depth in by_length.values():
        figures = grouped(sorted({u.path for u in same_depth}), start, end)
        values.update({u.pk: _decimal(figures[u.path]) for u in same_depth})
    return values


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
        can_cascade=user is not None and user.reaches(target.unit, DECIDERS),
        can_report=user is not None and not target.metric and user.reaches(target.unit, REPORTERS),
    )


def ranked(rows: list[TargetRow]) -> list[TargetRow]:
    """Rows best first (furthest along, then best value), nothing reported yet last; equal
    rows share a rank."""

    def key(row: TargetRow):
        current, _met, percent = row.progress
        if current is None:
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
        Target.objects.filter(campaign=campaign, unit__in=Unit.objects.visible_to(user))
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
