"""Figures the dashboards, targets and periodic reports compute from live data.

A metric is a function (unit, start, end) → number over the unit's whole subtree. Apps
register theirs here (a cadres app adds its own later, without changes to this module's
users); dashboards list panels from the registry.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from danvan.organisations.models import Unit
from danvan.registry.models import ModelYearStat, Replication
from danvan.voice import rollup
from danvan.voice.models import Case
from danvan.voice.queries import overdue_q


@dataclass(frozen=True)
class Metric:
    code: str
    label: object
    panel: str  # the dashboard panel it belongs to
    unit: str  # "count" or "percent"
    compute: Callable[[Unit, datetime.date, datetime.date], float | None]
    higher_is_better: bool = True


METRICS: dict[str, Metric] = {}


def register(metric: Metric) -> Metric:
    METRICS[metric.code] = metric
    return metric


def compute(code: str, unit: Unit, start: datetime.date, end: datetime.date) -> float | None:
    return METRICS[code].compute(unit, start, end)


def _pct(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def _model_counts(unit, start, end) -> dict[str, int]:
    """Registered and recognised models of the unit's subtree in the years of the period."""
    figures = ModelYearStat.objects.filter(
        unit__path__startswith=unit.path, year__gte=start.year, year__lte=end.year
    ).aggregate(registered=Sum("registered"), recognised=Sum("recognised"))
    return {name: value or 0 for name, value in figures.items()}


def _registered(unit, start, end):
    return _model_counts(unit, start, end)["registered"]


def _recognised(unit, start, end):
    return _model_counts(unit, start, end)["recognised"]


def _recognition_rate(unit, start, end):
    figures = _model_counts(unit, start, end)
    return _pct(figures["recognised"], figures["registered"])


def _replications(unit, start, end):
    return Replication.objects.filter(
        unit__path__startswith=unit.path, start_date__gte=start, start_date__lte=end
    ).count()


def _case_totals(unit, start, end) -> dict[str, int]:
    return rollup.totals(rollup.scope_of(unit), start, end)


def _cases_received(unit, start, end):
    return _case_totals(unit, start, end)["received"]


def _on_time(unit, start, end):
    figures = _case_totals(unit, start, end)
    return _pct(figures["on_time"], figures["answered"])


def _satisfaction(unit, start, end):
    figures = _case_totals(unit, start, end)
    return _pct(figures["satisfied"], figures["rated"])


def _overdue_now(unit, start, end):
    """Open cases past their deadline now, as the scorecards and the case list count them."""
    return Case.objects.filter(overdue_q(), responsible_path__startswith=unit.path).count()


for _metric in [
    Metric("models_registered", _("Models registered"), "registry", "count", _registered),
    Metric("models_recognised", _("Models recognised"), "registry", "count", _recognised),
    Metric("recognition_rate", _("Recognition rate"), "registry", "percent", _recognition_rate),
    Metric("replications", _("Replications started"), "registry", "count", _replications),
    Metric("cases_received", _("Citizen cases received"), "voice", "count", _cases_received),
    Metric("cases_on_time", _("Cases answered on time"), "voice", "percent", _on_time),
    Metric("cases_satisfaction", _("Citizens satisfied"), "voice", "percent", _satisfaction),
    Metric(
        "cases_overdue",
        _("Cases overdue now"),
        "voice",
        "count",
        _overdue_now,
        higher_is_better=False,
    ),
]:
    register(_metric)
