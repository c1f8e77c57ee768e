"""The metrics registry: figures computed from live data over a unit's whole subtree.

Each app defines its metrics once, in its own `metrics.py`, and registers them from its
AppConfig.ready(); dashboards, targets and periodic reports read them all from here, and a
metric registered later (a cadres app) appears on every page without changes to them.

Most metrics read raw counts from a `Source`: one query gives the counts of many branches
(the units whose paths have the same length under a root) for many periods at once, and
the metric's formula turns one branch's counts in one period into its figure. `compute()`
is that query for one unit and one period, so the single and the grouped figure are the
same by construction. A metric without a source brings its own `compute`, and grouped
readers call it unit by unit.

Pure: this module imports no app; a unit is anything with a tree `path` (and a `pk`).
"""

import datetime
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

Span = tuple[datetime.date, datetime.date]  # first and last day, inclusive


class Counts(dict):
    """Raw counts of one branch in one period (registered, received, on_time…); 0 if absent."""

    def __missing__(self, key):
        return 0

    def add(self, other: dict) -> None:
        for key, value in other.items():
            self[key] += value


# root path, branch width (None: the whole subtree, under the key None), periods (which do
# not overlap) → {branch path: [counts of each period]}. A branch holding no row is absent.
Reader = Callable[[str, int | None, Sequence[Span]], dict[str | None, list[Counts]]]


@dataclass(frozen=True, eq=False)
class Source:
    """Raw counts of the rows of a subtree, grouped by branch and period in one read."""

    code: str
    read: Reader

    def counts(self, root: str, width: int | None, spans: Sequence[Span]):
        """As `read`, with empty counts for a branch that holds no row (a defaultdict)."""
        found: defaultdict[str | None, list[Counts]] = defaultdict(
            lambda: [Counts() for _ in spans]
        )
        found.update(self.read(root, width, spans))
        return found


def pct(part: int, whole: int) -> float | None:
    """The share in percent with one decimal, as metrics and scorecards round it."""
    return round(part * 100 / whole, 1) if whole else None


def count(name: str) -> Callable[[Counts], float | None]:
    """The formula of a metric that is one of its source's counts."""
    return lambda counts: counts[name]


@dataclass(frozen=True)
class Metric:
    code: str
    label: object
    panel: str  # the dashboard panel it belongs to
    unit: str  # "count" or "percent"
    # (unit, start, end) → figure. Given for a metric without a source; otherwise derived.
    compute: Callable[[Any, datetime.date, datetime.date], float | None] = None  # type: ignore[assignment]
    higher_is_better: bool = True
    source: Source | None = None
    formula: Callable[[Counts], float | None] | None = None
    # What a rate is a share of (part, whole), shown beside it ("45/60"); the formula then
    # defaults to that share in percent.
    parts: tuple[str, str] | None = None
    # A figure of the moment (cases overdue now), not of a period: nothing to compare.
    snapshot: bool = False

    def __post_init__(self):
        if self.source is None:
            if self.compute is None:
                raise ValueError(f"Metric {self.code} needs a source or a compute function.")
            return
        if self.formula is None:
            if self.parts is None:
                raise ValueError(f"Metric {self.code} needs a formula or its parts.")
            part, whole = self.parts
            object.__setattr__(self, "formula", lambda c: pct(c[part], c[whole]))
        if self.compute is None:
            object.__setattr__(self, "compute", self._compute_from_source)

    def _compute_from_source(self, unit, start: datetime.date, end: datetime.date):
        assert self.source is not None and self.formula is not None
        return self.formula(self.source.counts(unit.path, None, [(start, end)])[None][0])


METRICS: dict[str, Metric] = {}


def register(metric: Metric) -> Metric:
    METRICS[metric.code] = metric
    return metric


def compute(code: str, unit, start: datetime.date, end: datetime.date) -> float | None:
    return METRICS[code].compute(unit, start, end)


def common_root(paths: Iterable[str]) -> str:
    """The longest tree path that all the given paths start with."""
    prefix = os.path.commonprefix(list(paths))
    return prefix[: prefix.rfind("/") + 1]


def compute_many(code: str, units: Iterable, start: datetime.date, end: datetime.date) -> dict:
    """A metric for many units over one period: unit pk → figure.

    Cost: one read of the metric's source per depth among the units (a query or two),
    whatever their number; for a metric without a source, one compute() per unit.
    """
    metric = METRICS[code]
    units = list(units)
    if metric.source is None or metric.formula is None:
        return {u.pk: metric.compute(u, start, end) for u in units}
    by_width: dict[int, list] = defaultdict(list)
    for unit in units:
        by_width[len(unit.path)].append(unit)
    values = {}
    for width, same_depth in by_width.items():
        counts = metric.source.counts(
            common_root(u.path for u in same_depth), width, [(start, end)]
        )
        values.update({u.pk: metric.formula(counts[u.path][0]) for u in same_depth})
    return values
