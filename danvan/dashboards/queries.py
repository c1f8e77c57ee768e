"""The dashboard's figures: a unit's metrics for a period and the one before, breakdowns for
its charts, and the ranking of its child units, each read with a few grouped queries.

Every figure comes from the metrics registry (`lib.metrics`): a metric with a source is
read in bulk here (one read of its source for both periods, or for every child at once),
the same read its `compute()` makes for one unit and period. A metric without one (a cadres
app's, registered later) is read through its own `compute()`: its panel appears without
changes here.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danvan.lib.charts import format_value
from danvan.lib.metrics import METRICS, Counts, Metric, Span
from danvan.lib.workdays import add_months
from danvan.organisations.models import SEGMENT_WIDTH, Unit
from danvan.registry.metrics import MODELS
from danvan.registry.models import (
    Field,
    ModelKind,
    ModelYearStat,
    PracticeModel,
    Status,
)
from danvan.voice.metrics import CASES

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

FIRST_YEAR = 2009  # the "Dân vận khéo" emulation movement starts
MAX_MONTH_BUCKETS = 24  # longer periods are charted by year

# Titles of the panels metrics are grouped in; a panel not named here shows its code.
PANEL_TITLES = {
    "registry": gettext_lazy("“Dân vận khéo” models"),
    "voice": gettext_lazy("Citizen cases"),
    "cadres": gettext_lazy("Cadres and training"),
    "democracy": gettext_lazy("Grassroots democracy"),
}


# Periods


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
        start = add_months(self.start, -months)
        if self.whole_months and not self.span:
            return Period(start, self.start - datetime.timedelta(days=1))
        month = add_months(self.end.replace(day=1), -months)
        last = add_months(month, 1) - datetime.timedelta(days=1)
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
            month = add_months(first, i)
            last = add_months(month, 1) - datetime.timedelta(days=1)
            axis = f"{month:%m}\n{month:%Y}" if i == 0 or month.month == 1 else f"{month:%m}"
            buckets.append(
                Bucket(max(self.start, month), min(self.end, last), f"{month:%m/%Y}", axis)
            )
        return buckets

    def __str__(self) -> str:
        return f"{formats.date_format(self.start, 'SHORT_DATE_FORMAT')} – " + formats.date_format(
            self.end, "SHORT_DATE_FORMAT"
        )


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
    if value is None or previous is None or metric.snapshot:
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


# Reading the subtree


def _subtree_ids(unit: Unit):
    return Unit.objects.filter(path__startswith=unit.path).values("id")


def _models_of(unit: Unit):
    # Unit ids as a subquery rather than a join on the unit's path: the database then counts
    # from the (unit, year) index (the city's models by year: 33 ms against 110 ms).
    return PracticeModel.objects.filter(unit__in=_subtree_ids(unit)).order_by()


def _children_width(unit: Unit) -> int:
    """The length of the paths of the unit's children: rows grouped by it fall in the child
    they belong to (the unit's own rows under the unit's own path)."""
    return len(unit.path) + SEGMENT_WIDTH + 1


def _spans(*periods: Period) -> list[Span]:
    return [(p.start, p.end) for p in periods]


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
        return self.metric.snapshot


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
    # (value, label, n); the labels are the choices' lazy strings.
    by_status: list[tuple[str, "StrOrPromise", int]] = field(default_factory=list)
    by_kind: list[tuple[str, "StrOrPromise", int]] = field(default_factory=list)
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


MODEL_COUNTS = {"n": Count("id")}


def _model_breakdown(unit: Unit, current: Period, board: Dashboard) -> None:
    """The current period's models by field, status and kind: one query."""
    rows = list(
        _models_of(unit)
        .filter(year__gte=current.start.year, year__lte=current.end.year)
        .values("field_id", "status", "kind")
        .annotate(**MODEL_COUNTS)
    )
    fields: dict[int, int] = defaultdict(int)
    statuses: dict[str, int] = defaultdict(int)
    kinds: dict[str, int] = defaultdict(int)
    for row in rows:
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


def _case_buckets(unit: Unit, current: Period, previous: Period, board: Dashboard):
    """Case counts of both periods, month by month (year by year for long periods), read
    from the cases' source with each month as a period: the charts' bars, and by their sums
    the periods' figures."""
    buckets = {"current": current.buckets(), "previous": previous.buckets()}
    spans = [(b.start, b.end) for b in buckets["current"] + buckets["previous"]]
    found = CASES.counts(unit.path, None, spans)[None]
    split = len(buckets["current"])
    board.case_buckets = list(zip(buckets["current"], found[:split], strict=True))
    board.previous_buckets = list(zip(buckets["previous"], found[split:], strict=True))
    totals = [Counts(), Counts()]
    for counts in found[:split]:
        totals[0].add(counts)
    for counts in found[split:]:
        totals[1].add(counts)
    return totals


def build_dashboard(
    unit: Unit, current: Period, *, metrics: Iterable[Metric] | None = None
) -> Dashboard:
    """The figures of the unit's subtree for the period and the one before, with breakdowns.

    Queries: one read of each metric source for both periods (the cases' one also gives the
    charts' months), fields, models by field, status and kind, models by year: seven in all
    for the built-in metrics, whatever the size of the subtree; plus two `compute()` calls
    per metric without a source.
    """
    metrics = list(METRICS.values() if metrics is None else metrics)
    previous = current.previous()
    board = Dashboard(unit=unit, current=current, previous=previous, panels=[])
    sources = {m.source: None for m in metrics if m.source is not None}
    counts: dict[str, list[Counts]] = {}
    for source in sources:
        if source is CASES:
            counts[source.code] = _case_buckets(unit, current, previous, board)
        else:
            counts[source.code] = source.counts(unit.path, None, _spans(current, previous))[None]
    if MODELS in sources:
        _model_breakdown(unit, current, board)
        _models_by_year(unit, max(current.end.year, timezone.localdate().year), board)
    for code, members in panels_of(metrics).items():
        panel = Panel(code=code, title=str(PANEL_TITLES.get(code, code)), figures=[])
        for metric in members:
            if metric.source is not None and metric.formula is not None:
                now, before = counts[metric.source.code]
                value, earlier = metric.formula(now), metric.formula(before)
            else:
                value = metric.compute(unit, current.start, current.end)
                earlier = metric.compute(unit, previous.start, previous.end)
            panel.figures.append(Figure(metric, value, None if metric.snapshot else earlier))
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

    A metric with a source costs one read of it grouped by child (children come from one
    more query), whatever the number of children; another metric calls its compute() twice
    per current child.
    """
    previous = current.previous()
    children = list(Unit.objects.filter(parent=unit).order_by("search_text"))
    today = timezone.localdate()
    if metric.source is None or metric.formula is None:
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
    formula = metric.formula
    tally = metric.source.read(unit.path, _children_width(unit), _spans(current, previous))

    def row_of(child: Unit | None, counts: list[Counts]) -> Row:
        now, before = counts
        parts = None
        if metric.parts is not None:
            part, whole = metric.parts
            parts = (now[part], now[whole])
        return Row(child, formula(now), None if metric.snapshot else formula(before), metric, parts)

    rows = []
    for child in children:
        counts = tally.get(child.path)
        # Units closed by a reorganisation stay listed while they hold figures.
        if counts is None and not child.is_current(today):
            continue
        rows.append(row_of(child, counts or [Counts(), Counts()]))
    _rank(rows, metric)
    whole = [Counts(), Counts()]
    for now, before in tally.values():
        whole[0].add(now)
        whole[1].add(before)
    own_counts = tally.get(unit.path)
    own = row_of(None, own_counts) if own_counts else None
    return Ranking(unit, metric, current, previous, rows, own=own, total=row_of(unit, whole))


# The lists behind the figures


def list_link(code: str, period: Period, **extra) -> Callable[[Unit], str | None]:
    """A function giving, for a unit, the staff list that holds the rows a figure counts,
    filtered to the unit (and period): the URL reversed once for a ranking's rows."""
    metric = METRICS.get(code)
    source = metric.source.code if metric is not None and metric.source is not None else None
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
