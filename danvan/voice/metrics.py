"""The citizen cases' figures for dashboards, targets and reports: cases received, answered
on time and rated satisfied (from the daily and monthly roll-up), and cases overdue now."""

from django.db import models
from django.db.models import Count
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from danvan.lib.metrics import Counts, Metric, Source, count, register
from danvan.voice import rollup
from danvan.voice.models import Case, subtree_q
from danvan.voice.queries import overdue_q


def _span_of(spans):
    """The index of the period a roll-up row's day falls in, in SQL."""
    return models.Case(
        *(
            models.When(day__gte=start, day__lte=end, then=models.Value(i))
            for i, (start, end) in enumerate(spans)
        ),
        output_field=models.IntegerField(),
    )


def _read_cases(root, width, spans):
    """The roll-up's counts of the cases received in each period (received, answered,
    on_time, rated, satisfied, reopened, hours): one query per roll-up table, at most two."""
    annotate = {"span": _span_of(spans)}
    group = ("span",)
    if width is not None:
        annotate["branch"] = Substr("responsible_path", 1, width)
        group = ("branch", "span")
    found: dict = {}
    for row in rollup.stat_rows(subtree_q(root), *spans, group=group, annotate=annotate):
        counts = found.setdefault(row.get("branch"), [Counts() for _ in spans])
        counts[row["span"]].add({name: row[name] for name in rollup.STATS})
    return found


def _read_overdue(root, width, spans):
    """Open cases past their deadline now, as the scorecards and the case list count them:
    the same count in every period."""
    qs = Case.objects.filter(overdue_q(), responsible_path__startswith=root).order_by()
    if width is None:
        rows = [{"n": qs.count()}]
    else:
        rows = (
            qs.annotate(branch=Substr("responsible_path", 1, width))
            .values("branch")
            .annotate(n=Count("id"))
        )
    return {row.get("branch"): [Counts(overdue=row["n"]) for _ in spans] for row in rows}


CASES = Source("cases", _read_cases)
OVERDUE = Source("overdue", _read_overdue)

for _metric in [
    Metric(
        "cases_received",
        _("Citizen cases received"),
        "voice",
        "count",
        source=CASES,
        formula=count("received"),
    ),
    Metric(
        "cases_on_time",
        _("Cases answered on time"),
        "voice",
        "percent",
        source=CASES,
        parts=("on_time", "answered"),
    ),
    Metric(
        "cases_satisfaction",
        _("Citizens satisfied"),
        "voice",
        "percent",
        source=CASES,
        parts=("satisfied", "rated"),
    ),
    Metric(
        "cases_overdue",
        _("Cases overdue now"),
        "voice",
        "count",
        source=OVERDUE,
        formula=count("overdue"),
        higher_is_better=False,
        snapshot=True,
    ),
]:
    register(_metric)
