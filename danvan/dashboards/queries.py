"""The dashboard's figures: a unit's metrics for a period and the one before, breakdowns for
its charts, and the ranking of its child units, each read with a few grouped queries.

The built-in metrics of `reports.metrics` are read in bulk here (one query per source for
both periods, or for every child at once) with the same definitions as their `compute()`;
the tests check them value for value. A metric registered later (a cadres app) is read
through its own `compute()`: its panel appears without changes here.
"""

import bisect
import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danvan.lib.metrics import METRICS, Metric
from danvan.organisations.models import SEGMENT_WIDTH, Unit
from danvan.registry.models import (
    Field,
    ModelKind,
    ModelYearStat,
    PracticeModel,
    Replication,
    Status,
)
from danvan.voice import rollup
from danvan.voice.models import Case
from danvan.voice.queries import overdue_q
from danvan.voice.scorecards import FIGURES

FIRST_YEAR = 2009  # the "Dân vận khéo" emulation movement starts
MAX_MONTH_BUCKETS = 24  # longer periods are charted by year

# Titles of the panels metrics are grouped in; a panel not named here shows its code.
PANEL_TITLES = {
    "registry": gettext_lazy("“Dân vận khéo” models"),
    "voice": gettext_lazy("Citizen cases"),
    "cadres": gettext_lazy("Cadres and training"),
}
# Figures of a moment, not of a period: no comparison with the previous period.
SNAPSHOTS = {"cases_overdue"}


# Periods


def _add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier): for first days of months."""
    index = day.year * 12 + day.month - 1 + months
    return day.replace(year=index // 12, month=index % 12 + 1)


@dataclass(frozen=True)
class Bucket:
    """One bar of a time chart: a month or a year (clipped to its period)."""

    start: datetime.date
    end: datetime.date
    label: str  # "05/2026" or "2026"
    axis: str  # under a chart's axis: "05", with the year below the first month and January


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    # For a named period cut short at today (this year, this quarter): its length in months,
    # so that it is compared with the same dates of the period before.
    span: int | None = field(default=None, compare=False)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def whole_months(self) -> bool:
        return self.start.day == 1 and (self.end + datetime.timedelta(days=1)).day == 1

    @property
    def whole_years(self) -> bool:
        return (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31)

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    @property
    def years(self) -> range:
        return range(self.start.year, self.end.year + 1)

    def previous(self) -> "Period":
        """The period of equal length just before. A period that starts on the first of a
        month moves back by its months (a year by a year, a quarter by a quarter; this year
        to date against the same dates a year earlier); other periods by their days."""
        if self.start.day != 1:
            end = self.start - datetime.timedelta(days=1)
            return Period(end - datetime.timedelta(days=self.days - 1), end)
        months = self.span or self.months
        start = _add_months(self.start, -months)
        if self.whole_months and not self.span:
            return Period(start, self.start - datetime.timedelta(days=1))
        month = _add_months(self.end.replace(day=1), -months)
        last = _add_months(month, 1) - datetime.timedelta(days=1)
        return Period(start, min(month + datetime.timedelta(days=self.end.day - 1), last))

    def buckets(self) -> list[Bucket]:
        """Months of the period (years when it spans more than two years)."""
        if self.months > MAX_MONTH_BUCKETS:
            return [
                Bucket(
                    max(self.start, datetime.date(y, 1, 1)),
                    min(self.end, datetime.date(y, 12, 31)),
                    str(y),
                    str(y),
                )
                for y in self.years
            ]
        buckets = []
        first = self.start.replace(day=1)
        for i in range(self.months):
            month = _add_months(first, i)
            last = _add_months(month, 1) - datetime.timedelta(days=1)
            axis = f"{month:%m}\n{month:%Y}" if i == 0 or month.month == 1 else f"{month:%m}"
            buckets.append(
                Bucket(max(self.start, month), min(self.end, last), f"{month:%m/%Y}", axis)
            )
        return buckets

    def __str__(self) -> str:
        return f"{formats.date_format(self.start, 'SHORT_DATE_FORMAT')} – " + formats.date_format(
            self.end, "SHORT_DATE_FORMAT"
        )


# Numbers


def pct(part: int, whole: int) -> float | None:
    """The share in percent with one decimal, as metrics and scorecards round it."""
    return round(part * 100 / whole, 1) if whole else None


def _separators() -> dict[int, str]:
    """The active language's decimal and thousand separators, as a str.translate table."""
    language = translation.get_language()
    if language not in _SEPARATORS:
        _SEPARATORS[language] = str.maketrans(
            {
                ".": str(formats.get_format("DECIMAL_SEPARATOR")),
                ",": str(formats.get_format("THOUSAND_SEPARATOR")),
            }
        )
    return _SEPARATORS[language]


_SEPARATORS: dict[str | None, dict[int, str]] = {}


def format_value(value: float | None, unit: str = "count") -> str:
    """A figure as Vietnamese (or English) readers write it: 1.234.567 and 85,3%.

    What `formats.number_format(value, decimals, force_grouping=True)` gives, a tenth of its
    cost: a ranking formats some 700 figures."""
    if value is None:
        return "—"
    if unit == "percent":
        return f"{value:,.1f}".translate(_separators()) + "%"
    if float(value).is_integer():
        return f"{int(value):,}".translate(_separators())
    return f"{value:,.1f}".translate(_separators())


@dataclass(frozen=True)
class Change:
    direction: str  # "up", "down" or "same"
    text: str  # "▲ 12,5%" or, for rates, "▲ 3,2 points"
    good: bool | None  # None: neither (no change, or nothing to compare)

    @property
    def html(self) -> str:
        """The arrow as the dashboards show it (written here once rather than included per
        row of a ranking)."""
        verdict = {True: " good", False: " bad", None: ""}[self.good]
        return format_html('<span class="delta {}{}">{}</span>', self.direction, verdict, self.text)


def change(value, previous, metric: Metric) -> Change | None:
    """How a figure moved since the previous period: a percentage of the previous count, or
    percentage points for a rate."""
    if value is None or previous is None or metric.code in SNAPSHOTS:
        return None
    delta = value - previous
    direction = "up" if delta > 0 else "down" if delta < 0 else "same"
    arrow = {"up": "▲", "down": "▼", "same": "="}[direction]
    if metric.unit == "percent":
        amount = format_value(abs(round(delta, 1)), "percent")[:-1]
        text = _("%(arrow)s %(amount)s points") % {"arrow": arrow, "amount": amount}
    elif previous == 0:
        text = _("%(arrow)s new") % {"arrow": arrow} if delta else arrow
    else:
        amount = format_value(abs(round(delta * 100 / previous, 1)), "percent")[:-1]
        text = f"{arrow} {amount}%"
    good = None if direction == "same" else (direction == "up") == metric.higher_is_better
    return Change(direction, text, good)


# Reading the subtree: each source gives raw figures per branch and period


def _subtree_ids(unit: Unit):
    return Unit.objects.filter(path__startswith=unit.path).values("id")


def _models_of(unit: Unit):
    # Unit ids as a subquery rather than a join on the unit's path: the database then counts
    # from the (unit, year) index (the city's models by year: 33 ms against 110 ms).
    return PracticeModel.objects.filter(unit__in=_subtree_ids(unit)).order_by()


def _overdue_of(unit: Unit):
    # As the metric, the scorecards and the case list count it.
    return Case.objects.filter(overdue_q(), responsible_path__startswith=unit.path).order_by()


def _branch(column: str, unit: Unit):
    """The path of the child of `unit` a row belongs to (the unit's own path for its own rows)."""
    return Substr(column, 1, len(unit.path) + SEGMENT_WIDTH + 1)


def _case_figures(row: dict) -> dict:
    return {name: row.get(name, 0) for name in FIGURES}


def _add(total: dict, part: dict) -> None:
    for key, value in part.items():
        total[key] = total.get(key, 0) + value


class Figures(dict):
    """Raw counts of one branch in one period: registered, recognised, replications, received,
    answered, on_time, rated, satisfied, reopened, overdue."""

    def __missing__(self, key):
        return 0


# How each built-in metric reads from the raw figures: (source, formula).
BUILT_IN: dict[str, tuple[str, Callable[[Figures], float | None]]] = {
    "models_registered": ("models", lambda f: f["registered"]),
    "models_recognised": ("models", lambda f: f["recognised"]),
    "recognition_rate": ("models", lambda f: pct(f["recognised"], f["registered"])),
    "replications": ("replications", lambda f: f["replications"]),
    "cases_received": ("cases", lambda f: f["received"]),
    "cases_on_time": ("cases", lambda f: pct(f["on_time"], f["answered"])),
    "cases_satisfaction": ("cases", lambda f: pct(f["satisfied"], f["rated"])),
    "cases_overdue": ("overdue", lambda f: f["overdue"]),
}
# What a rate is a share of, shown beside it in rankings ("45 of 60").
PARTS = {
    "recognition_rate": ("recognised", "registered"),
    "cases_on_time": ("on_time", "answered"),
    "cases_satisfaction": ("satisfied", "rated"),
}

Tally = dict[str | None, dict[str, Figures]]  # branch → "current"/"previous" → figures


def _tally() -> Tally:
    return defaultdict(lambda: {"current": Figures(), "previous": Figures()})


def _model_tally(rows: Iterable[dict], current: Period, previous: Period, tally: Tally) -> None:
    for row in rows:
        for name, period in (("current", current), ("previous", previous)):
            if row["year"] in period.years:
                figures = tally[row.get("branch")][name]
                figures["registered"] += row["n"]
                figures["recognised"] += row["recognised"]


MODEL_COUNTS = {
    "n": Count("id"),
    "recognised": Count("id", filter=Q(recognised_level__isnull=False)),
}


def _models_between(unit: Unit, current: Period, previous: Period):
    return _models_of(unit).filter(year__gte=previous.start.year, year__lte=current.end.year)


def _grouped_models(unit, current, previous, tally):
    rows = (
        ModelYearStat.objects.filter(
            unit__in=_subtree_ids(unit), year__gte=previous.start.year, year__lte=current.end.year
        )
        .annotate(branch=_branch("unit__path", unit))
        .values("branch", "year")
        .annotate(n=Sum("registered"), recognised=Sum("recognised"))
        .order_by()
    )
    _model_tally(rows, current, previous, tally)


def _replications(unit, current, previous, *, grouped: bool):
    qs = Replication.objects.filter(
        unit__path__startswith=unit.path,
        start_date__gte=previous.start,
        start_date__lte=current.end,
    ).order_by()
    counts = {
        "current": Count("id", filter=Q(start_date__gte=current.start)),
        "previous": Count("id", filter=Q(start_date__lte=previous.end)),
    }
    if not grouped:
        return [{"branch": None, **qs.aggregate(**counts)}]
    return qs.annotate(branch=_branch("unit__path", unit)).values("branch").annotate(**counts)


def _grouped_replications(unit, current, previous, tally, *, grouped=True):
    for row in _replications(unit, current, previous, grouped=grouped):
        tally[row["branch"]]["current"]["replications"] += row["current"]
        tally[row["branch"]]["previous"]["replications"] += row["previous"]


def _is_current(current: Period):
    """1 for a roll-up row of the current period, 0 for one of the period before (which
    ends before the current one starts)."""
    return models.Case(
        models.When(day__gte=current.start, then=models.Value(1)),
        default=models.Value(0),
        output_field=models.IntegerField(),
    )


def _grouped_cases(unit, current, previous, tally):
    annotate = {"branch": _branch("responsible_path", unit), "current": _is_current(current)}
    for row in rollup.stat_rows(
        rollup.scope_of(unit),
        (previous.start, previous.end),
        (current.start, current.end),
        group=("branch", "current"),
        annotate=annotate,
    ):
        _add(tally[row["branch"]]["current" if row["current"] else "previous"], _case_figures(row))


def _overdue(unit, current, previous, tally, *, grouped=True):
    qs = _overdue_of(unit)
    if not grouped:
        tally[None]["current"]["overdue"] = qs.count()
        return
    for branch, n in (
        qs.annotate(branch=_branch("responsible_path", unit))
        .values("branch")
        .annotate(n=Count("id"))
        .values_list("branch", "n")
    ):
        tally[branch]["current"]["overdue"] = n


GROUPED_SOURCES = {
    "models": _grouped_models,
    "replications": _grouped_replications,
    "cases": _grouped_cases,
    "overdue": _overdue,
}


# The dashboard of a unit


@dataclass
class Figure:
    metric: Metric
    value: float | None
    previous: float | None

    @property
    def text(self) -> str:
        return format_value(self.value, self.metric.unit)

    @property
    def previous_text(self) -> str:
        return format_value(self.previous, self.metric.unit)

    @property
    def change(self) -> Change | None:
        return change(self.value, self.previous, self.metric)

    @property
    def is_snapshot(self) -> bool:
        return self.metric.code in SNAPSHOTS


@dataclass
class Panel:
    code: str
    title: str
    figures: list[Figure]


@dataclass
class Dashboard:
    unit: Unit
    current: Period
    previous: Period
    panels: list[Panel]
    # Breakdowns of the models of the current period's years, and of every year.
    by_field: list[tuple[Field, int]] = field(default_factory=list)
    by_status: list[tuple[str, str, int]] = field(default_factory=list)  # value, label, n
    by_kind: list[tuple[str, str, int]] = field(default_factory=list)
    by_year: list[tuple[int, int]] = field(default_factory=list)
    # Every year together: (first year, models registered, models recognised).
    since_first: tuple[int, int, int] | None = None
    # Cases by month (or year) of the current period, and of the previous one.
    case_buckets: list[tuple[Bucket, dict]] = field(default_factory=list)
    previous_buckets: list[tuple[Bucket, dict]] = field(default_factory=list)

    def panel(self, code: str) -> Panel | None:
        return next((p for p in self.panels if p.code == code), None)


def panels_of(metrics: Iterable[Metric]) -> dict[str, list[Metric]]:
    """Metrics grouped by panel, in the order they were registered."""
    grouped: dict[str, list[Metric]] = {}
    for metric in metrics:
        grouped.setdefault(metric.panel, []).append(metric)
    return grouped


def _model_breakdown(unit, current, previous, tally, board: Dashboard) -> None:
    """Registered and recognised counts of both periods, and the current period's models by
    field, status and kind: one query grouped by year, field, status and kind."""
    rows = list(
        _models_between(unit, current, previous)
        .values("year", "field_id", "status", "kind")
        .annotate(**MODEL_COUNTS)
    )
    _model_tally(rows, current, previous, tally)
    fields: dict[int, int] = defaultdict(int)
    statuses: dict[str, int] = defaultdict(int)
    kinds: dict[str, int] = defaultdict(int)
    for row in rows:
        if row["year"] in current.years:
            fields[row["field_id"]] += row["n"]
            statuses[row["status"]] += row["n"]
            kinds[row["kind"]] += row["n"]
    board.by_field = [
        (f, fields.get(f.pk, 0)) for f in Field.objects.all() if f.is_active or fields.get(f.pk)
    ]
    board.by_status = [
        (s.value, s.label, statuses[s.value]) for s in Status if statuses.get(s.value)
    ]
    board.by_kind = [(k.value, k.label, kinds.get(k.value, 0)) for k in ModelKind]


def _models_by_year(unit: Unit, until: int, board: Dashboard) -> None:
    """Models registered in every year since the movement began, and the totals since."""
    rows = (
        ModelYearStat.objects.filter(unit__in=_subtree_ids(unit))
        .values("year")
        .annotate(n=Sum("registered"), r=Sum("recognised"))
        .order_by()
    )
    counts = {row["year"]: (row["n"] or 0, row["r"] or 0) for row in rows}
    first = min([FIRST_YEAR, *counts])
    last = max(until, *counts, first)
    board.by_year = [(year, counts.get(year, (0, 0))[0]) for year in range(first, last + 1)]
    board.since_first = (
        first,
        sum(n for n, _r in counts.values()),
        sum(r for _n, r in counts.values()),
    )


def _case_buckets(unit, current, previous, tally, board: Dashboard) -> None:
    """Case figures of both periods, month by month: the roll-up summed by day (whole
    months come as their first day), two queries for both periods."""
    empty = dict.fromkeys(FIGURES, 0)
    charts = {}
    for name, period in (("current", current), ("previous", previous)):
        buckets = period.buckets()
        charts[name] = (period, [b.start for b in buckets], [dict(empty) for _ in buckets])
    for row in rollup.stat_rows(
        rollup.scope_of(unit),
        (previous.start, previous.end),
        (current.start, current.end),
        group=("day",),
    ):
        name = "current" if row["day"] >= current.start else "previous"
        period, starts, found = charts[name]
        figures = _case_figures(row)
        _add(found[bisect.bisect_right(starts, max(row["day"], period.start)) - 1], figures)
        _add(tally[None][name], figures)
    board.case_buckets = list(zip(current.buckets(), charts["current"][2], strict=True))
    board.previous_buckets = list(zip(previous.buckets(), charts["previous"][2], strict=True))


def build_dashboard(
    unit: Unit, current: Period, *, metrics: Iterable[Metric] | None = None
) -> Dashboard:
    """The figures of the unit's subtree for the period and the one before, with breakdowns.

    Queries: fields, models (two), replications, cases, overdue cases: six in all, whatever
    the size of the subtree; plus two `compute()` calls per metric registered by other apps.
    """
    metrics = list(METRICS.values() if metrics is None else metrics)
    previous = current.previous()
    board = Dashboard(unit=unit, current=current, previous=previous, panels=[])
    sources = {BUILT_IN[m.code][0] for m in metrics if m.code in BUILT_IN}
    tally = _tally()
    if "models" in sources:
        _model_breakdown(unit, current, previous, tally, board)
        _models_by_year(unit, max(current.end.year, timezone.localdate().year), board)
    if "replications" in sources:
        _grouped_replications(unit, current, previous, tally, grouped=False)
    if "cases" in sources:
        _case_buckets(unit, current, previous, tally, board)
    if "overdue" in sources:
        _overdue(unit, current, previous, tally, grouped=False)
    figures = tally[None]
    for code, members in panels_of(metrics).items():
        panel = Panel(code=code, title=str(PANEL_TITLES.get(code, code)), figures=[])
        for metric in members:
            if metric.code in BUILT_IN:
                formula = BUILT_IN[metric.code][1]
                value, before = formula(figures["current"]), formula(figures["previous"])
            else:
                value = metric.compute(unit, current.start, current.end)
                before = metric.compute(unit, previous.start, previous.end)
            panel.figures.append(
                Figure(metric, value, None if metric.code in SNAPSHOTS else before)
            )
        board.panels.append(panel)
    return board


# Ranking the child units for one metric


@dataclass
class Row:
    unit: Unit | None  # None: the rows of the unit itself (not of a child)
    value: float | None
    previous: float | None
    metric: Metric
    parts: tuple[int, int] | None = None  # (part, whole) for a rate
    rank: int | None = None

    @property
    def figure(self) -> Figure:
        return Figure(self.metric, self.value, self.previous)

    @property
    def parts_text(self) -> str:
        """The counts a rate is made of, as "45/60"."""
        if self.parts is None:
            return ""
        return f"{format_value(self.parts[0])}/{format_value(self.parts[1])}"

    @property
    def is_closed(self) -> bool:
        return self.unit is not None and not self.unit.is_current()


@dataclass
class Ranking:
    unit: Unit
    metric: Metric
    current: Period
    previous: Period
    rows: list[Row]  # ranked children, best first
    own: Row | None  # figures held by the unit itself, not by a child
    total: Row | None  # the whole subtree (None for a metric read through compute())


def _rank(rows: list[Row], metric: Metric) -> None:
    """Best first (per higher_is_better), units without a value last; ties share a rank."""
    sign = -1 if metric.higher_is_better else 1

    def key(row):
        return (row.value is None, sign * (row.value or 0), row.unit.search_text or row.unit.name)

    rows.sort(key=key)
    last, rank = object(), 0
    for position, row in enumerate(rows, start=1):
        if row.value != last:
            rank, last = position, row.value
        row.rank = rank if row.value is not None else None


def rank_children(unit: Unit, metric: Metric, current: Period) -> Ranking:
    """Each child unit's figure over its own subtree, ranked.

    A built-in metric costs one grouped query (children come from one more), whatever the
    number of children; another metric calls its compute() twice per current child.
    """
    previous = current.previous()
    children = list(Unit.objects.filter(parent=unit).order_by("search_text"))
    today = timezone.localdate()
    if metric.code not in BUILT_IN:
        rows = [
            Row(
                child,
                metric.compute(child, current.start, current.end),
                metric.compute(child, previous.start, previous.end),
                metric,
            )
            for child in children
            if child.is_current(today)
        ]
        _rank(rows, metric)
        return Ranking(unit, metric, current, previous, rows, own=None, total=None)
    source, formula = BUILT_IN[metric.code]
    tally = _tally()
    GROUPED_SOURCES[source](unit, current, previous, tally)
    snapshot = metric.code in SNAPSHOTS

    def row_of(child: Unit | None, figures: dict[str, Figures]) -> Row:
        parts = None
        if metric.code in PARTS:
            part, whole = PARTS[metric.code]
            parts = (figures["current"][part], figures["current"][whole])
        before = None if snapshot else formula(figures["previous"])
        return Row(child, formula(figures["current"]), before, metric, parts)

    rows = []
    for child in children:
        figures = tally.get(child.path)
        # Units closed by a reorganisation stay listed while they hold figures.
        if figures is None and not child.is_current(today):
            continue
        rows.append(row_of(child, figures or tally.default_factory()))
    _rank(rows, metric)
    whole = {"current": Figures(), "previous": Figures()}
    for figures in tally.values():
        _add(whole["current"], figures["current"])
        _add(whole["previous"], figures["previous"])
    own_figures = tally.get(unit.path)
    own = row_of(None, own_figures) if own_figures else None
    return Ranking(unit, metric, current, previous, rows, own=own, total=row_of(unit, whole))


# The lists behind the figures


def list_link(code: str, period: Period, **extra) -> Callable[[Unit], str | None]:
    """A function giving, for a unit, the staff list that holds the rows a figure counts,
    filtered to the unit (and period): the URL reversed once for a ranking's rows."""
    source = BUILT_IN.get(code, (None,))[0]
    if source == "models":
        query = dict(extra)
        if period.start.year == period.end.year and "year" not in extra:
            query["year"] = period.start.year
        base = reverse("registry:list")
    elif source == "cases":
        query = {"received_from": period.start, "received_to": period.end, **extra}
        base = reverse("voice:list")
    elif source == "overdue":
        query, base = {"overdue": "on"}, reverse("voice:list")
    else:
        return lambda unit: None
    rest = "&" + urlencode(query) if query else ""
    return lambda unit: f"{base}?unit={unit.pk}{rest}"


def list_url(code: str, unit: Unit, period: Period, **extra) -> str | None:
    """The staff list that holds the rows a figure counts, filtered to the unit (and period)."""
    return list_link(code, period, **extra)(unit)
